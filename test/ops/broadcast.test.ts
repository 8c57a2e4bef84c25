import { describe, expect, it } from 'vitest';
import { formatDim, SymDim } from '../../src/ir/dim.js';
import {
  broadcastIndexMap,
  broadcastShapes,
  legacyBroadcastShape,
  normalizeAxis,
} from '../../src/ops/shared/broadcast.js';

const fail = (detail: string): never => {
  throw new Error(detail);
};
const H = SymDim.named('H');
const W = SymDim.named('W');

describe('broadcastShapes', () => {
  it('aligns trailing dims and stretches 1s (numpy rules)', () => {
    expect(
      broadcastShapes(
        [
          [2, 1, 4],
          [3, 1],
        ],
        fail,
      ),
    ).toEqual([2, 3, 4]);
    expect(broadcastShapes([[], [5]], fail)).toEqual([5]);
    expect(
      broadcastShapes(
        [
          [0, 1],
          [1, 3],
        ],
        fail,
      ),
    ).toEqual([0, 3]);
  });

  it('keeps a symbolic dim against 1 and against itself', () => {
    expect(
      broadcastShapes(
        [
          [1, H],
          [4, 1],
        ],
        fail,
      )?.map(formatDim),
    ).toEqual(['4', 'H']);
    expect(
      broadcastShapes(
        [
          [H, W],
          [H, W],
        ],
        fail,
      )?.map(formatDim),
    ).toEqual(['H', 'W']);
  });

  it('takes the known size when a symbolic dim meets a size > 1', () => {
    expect(broadcastShapes([[H], [5]], fail)).toEqual([5]);
  });

  it('gives an unknown dim for two different symbols', () => {
    const [dim] = broadcastShapes([[H], [W]], fail) ?? [];
    expect(dim instanceof SymDim && dim.isUnknown).toBe(true);
  });

  it('returns null for an unknown rank', () => {
    expect(broadcastShapes([[2], null], fail)).toBeNull();
  });

  it('refuses 3 vs 4, naming both shapes', () => {
    expect(() => broadcastShapes([[2, 3], [4]], fail)).toThrow(/\[2, 3\] and \[4\].*3 vs 4/);
  });
});

describe('broadcastIndexMap', () => {
  it('maps a [3] row across [2, 3] and a [2, 1] column', () => {
    expect(Array.from(broadcastIndexMap([3], [2, 3]))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(Array.from(broadcastIndexMap([2, 1], [2, 3]))).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('maps a scalar to every element', () => {
    expect(Array.from(broadcastIndexMap([], [2, 2]))).toEqual([0, 0, 0, 0]);
  });
});

describe('legacyBroadcastShape (opsets 1-6)', () => {
  it('places B at the trailing dims by default and at `axis` when given', () => {
    expect(legacyBroadcastShape([2, 3, 4, 5], [4, 5], 1, undefined, fail)).toEqual([1, 1, 4, 5]);
    expect(legacyBroadcastShape([2, 3, 4, 5], [3, 4], 1, 1, fail)).toEqual([1, 3, 4, 1]);
  });

  it('refuses different shapes without broadcast = 1', () => {
    expect(() => legacyBroadcastShape([2, 3], [3], 0, undefined, fail)).toThrow(/broadcast = 0/);
  });
});

describe('normalizeAxis', () => {
  it('resolves negative axes and refuses out-of-range ones with the range', () => {
    expect(normalizeAxis(-1, 4, 'axis', fail)).toBe(3);
    expect(() => normalizeAxis(4, 4, 'axis', fail)).toThrow('axis 4 is out of range for rank 4 (valid: -4..3)');
  });
});
