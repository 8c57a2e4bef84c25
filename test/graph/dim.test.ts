import { describe, expect, it } from 'vitest';
import { addDims, divDim, dimsEqual, formatDim, mulDim, subDims, SymDim } from '../../src/ir/dim.js';

const H = SymDim.named('H');

describe('symbolic dims', () => {
  it('simplifies floor((H + 2p - k)/s) + 1 to H for a same-padded stride-1 window', () => {
    for (const k of [3, 5, 9, 13]) {
      const p = Math.floor(k / 2);
      const out = addDims(divDim(addDims(H, 2 * p - k), 1, 'floor'), 1);
      expect(dimsEqual(out, H)).toBe(true);
    }
  });

  it('keeps floor((H + 1)/2) symbolic and evaluates it', () => {
    const half = divDim(addDims(H, 1), 2, 'floor');
    expect(typeof half).not.toBe('number');
    expect((half as SymDim).evaluate(new Map([['H', 13]]))).toBe(7);
    expect(formatDim(half)).toContain('H');
  });

  it('divides exactly when every coefficient is a multiple', () => {
    expect(dimsEqual(divDim(mulDim(H, 4), 2, 'floor'), mulDim(H, 2))).toBe(true);
    // floor((2H + 3)/2) = H + 1
    expect(dimsEqual(divDim(addDims(mulDim(H, 2), 3), 2, 'floor'), addDims(H, 1))).toBe(true);
    // ceil((2H + 3)/2) = H + 2
    expect(dimsEqual(divDim(addDims(mulDim(H, 2), 3), 2, 'ceil'), addDims(H, 2))).toBe(true);
  });

  it('cancels H - H to the number 0', () => {
    expect(subDims(H, H)).toBe(0);
  });

  it('never equates unknown dims', () => {
    const a = SymDim.unknown();
    expect(dimsEqual(a, a)).toBe(false);
    expect(dimsEqual(SymDim.unknown(), SymDim.unknown())).toBe(false);
  });
});
