import { describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../src/export/safetensors.js';
import { DataType } from '../../src/ir/dtype.js';
import { DecodeError } from '../../src/ir/errors.js';

/** Builds a safetensors file by hand, following the format's description. */
function file(header: object, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('safetensors', () => {
  it('reads float32 and int64 tensors at their offsets', () => {
    const data = new Uint8Array(24);
    const view = new DataView(data.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2, true);
    view.setBigInt64(8, -7n, true);
    view.setBigInt64(16, 1n << 40n, true);
    const tensors = decodeSafetensors(
      file(
        {
          'cv1.conv.weight': { dtype: 'F32', shape: [2, 1, 1, 1], data_offsets: [0, 8] },
          steps: { dtype: 'I64', shape: [2], data_offsets: [8, 24] },
          __metadata__: { format: 'pt' },
        },
        data,
      ),
    );
    const w = tensors.get('cv1.conv.weight');
    expect(w?.dtype).toBe(DataType.FLOAT);
    expect(w?.dims).toEqual([2, 1, 1, 1]);
    expect(w?.toNumbers()).toEqual([1.5, -2]);
    expect(Array.from(tensors.get('steps')?.data as BigInt64Array)).toEqual([-7n, 1n << 40n]);
    expect(tensors.has('__metadata__')).toBe(false);
  });

  it('names the tensor when its byte range does not match its shape', () => {
    const bytes = file({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(DecodeError);
    expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(
      /w.safetensors: safetensors: tensor 'w' F32\[3\] needs 12 bytes/,
    );
  });

  it('refuses a truncated header and a non-JSON header', () => {
    expect(() => decodeSafetensors(new Uint8Array(4), 'a')).toThrow(/too short/);
    const bad = new Uint8Array(12);
    new DataView(bad.buffer).setBigUint64(0, 4n, true);
    bad.set([0x7b, 0x7b, 0x7b, 0x7b], 8);
    expect(() => decodeSafetensors(bad, 'b')).toThrow(/not valid UTF-8 JSON/);
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(huge, 'c')).toThrow(/does not fit/);
  });
});
