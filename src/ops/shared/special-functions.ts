/**
 * Special functions the float kernels need and JavaScript's Math lacks, computed in float64 from their textbook
 * expansions (no polynomial tables), accurate to a few float64 ulps — far below the float32/float16 rounding
 * the kernels apply afterwards.
 *
 * softplus (Softplus, Mish): ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|), which never overflows.
 *
 * erf (Erf, Gelu): for |x| < ERF_SERIES_LIMIT the series of positive terms (Abramowitz & Stegun 7.1.6)
 *     erf(x) = 2/√π · e^(−x²) · Σ_{n≥0} 2^n x^(2n+1) / (1·3·5···(2n+1)),
 * which has no cancellation; beyond it the continued fraction of the complementary function (A&S 7.1.14)
 *     erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
 * evaluated with the modified Lentz method, and erf(x) = 1 − erfc(x). erf is odd; erf(±∞) = ±1; NaN stays NaN.
 */

/** 2/√π. */
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
/** 1/√π. */
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);
/**
 * Where erf switches from the series to the continued fraction: the series needs about x² + 30 terms, while the
 * continued fraction converges in a few dozen steps from here on.
 */
const ERF_SERIES_LIMIT = 2.5;
/** Beyond this, erfc(x) < 2^-60 and erf(x) rounds to exactly 1 in float64. */
const ERF_SATURATION = 6;
/** Iteration cap for both expansions (each converges long before). */
const MAX_TERMS = 500;
/** Relative size below which a further term or factor no longer changes a float64 result. */
const EPSILON = Number.EPSILON / 4;
/** Lentz's guard against a zero denominator. */
const TINY = 1e-300;

/** erf(x) for 0 ≤ x < ERF_SERIES_LIMIT, by the positive-term series. */
function erfSeries(x: number): number {
  const x2 = x * x;
  // term_n = 2^n x^(2n+1) / (1·3···(2n+1)); term_{n+1} = term_n · 2x² / (2n+3).
  let term = x;
  let sum = x;
  for (let n = 0; n < MAX_TERMS; n += 1) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (term < sum * EPSILON) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** erfc(x) for x ≥ ERF_SERIES_LIMIT, by the continued fraction x + (k/2)/(x + ...) (modified Lentz). */
function erfcContinuedFraction(x: number): number {
  // f = b0 + a1/(b1 + a2/(b2 + ...)) with b_k = x and a_k = k/2.
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < MAX_TERMS; k += 1) {
    const a = k / 2;
    d = x + a * d;
    d = Math.abs(d) < TINY ? TINY : d;
    c = x + a / c;
    c = Math.abs(c) < TINY ? TINY : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, in float64. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a === 0) return x; // keeps the sign of -0
  const value = a < ERF_SERIES_LIMIT ? erfSeries(a) : a >= ERF_SATURATION ? 1 : 1 - erfcContinuedFraction(a);
  return x < 0 ? -value : value;
}

/** softplus(x) = ln(1 + e^x), without overflow: max(x, 0) + log1p(e^-|x|). */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
