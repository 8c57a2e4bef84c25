/**
 * Delta debugging (Zeller's ddmin) over bytes: removes ever smaller chunks while the failure persists, within a
 * budget of trials.
 */

/** The smallest byte string found (by removing chunks of `bytes`) for which `fails` still holds. */
export async function minimize(
  bytes: Uint8Array,
  fails: (candidate: Uint8Array) => Promise<boolean>,
  budget: number,
): Promise<Uint8Array> {
  let current = bytes;
  let chunks = 2;
  let trials = 0;
  while (current.length >= 2 && trials < budget) {
    const size = Math.ceil(current.length / chunks);
    let reduced = false;
    for (let start = 0; start < current.length && trials < budget; start += size) {
      const candidate = new Uint8Array(current.length - Math.min(size, current.length - start));
      candidate.set(current.subarray(0, start));
      candidate.set(current.subarray(start + size), start);
      trials += 1;
      if (candidate.length > 0 && (await fails(candidate))) {
        current = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (size <= 1) break;
      chunks = Math.min(chunks * 2, current.length);
    }
  }
  return current;
}
