import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/export/model.js';
import { diffModels } from './ir-compare.js';
import { findFiles, GOLDEN_DIR, haveGolden } from './helpers.js';

const present = haveGolden('export/golden-models');
const models = findFiles(GOLDEN_DIR, '.onnx');

describe.skipIf(!present)('golden ONNX models', () => {
  it('finds the golden models', () => {
    expect(models.length).toBeGreaterThan(300);
  });

  it('decodes every model, and decode → encode → decode gives an equal IR', () => {
    const failures: string[] = [];
    for (const file of models) {
      const first = decodeModel(new Uint8Array(readFileSync(file)), file);
      const second = decodeModel(encodeModel(first), `${file} (re-encoded)`);
      const diffs = diffModels(first, second);
      if (diffs.length > 0) failures.push(`${relative(GOLDEN_DIR, file)}: ${diffs.slice(0, 3).join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('encodes deterministically (two encodes are byte-identical) and reports how many files re-encode exactly', () => {
    let identicalToFile = 0;
    const different: string[] = [];
    for (const file of models) {
      const original = new Uint8Array(readFileSync(file));
      const model = decodeModel(original, file);
      const once = encodeModel(model);
      const twice = encodeModel(decodeModel(once));
      expect(Buffer.from(twice).equals(Buffer.from(once)), file).toBe(true);
      expect(Buffer.from(encodeModel(model)).equals(Buffer.from(once)), file).toBe(true);
      if (Buffer.from(once).equals(Buffer.from(original))) identicalToFile += 1;
      else different.push(relative(GOLDEN_DIR, file));
    }
    console.info(
      `[export] ${identicalToFile}/${models.length} golden models re-encode byte-identically to the file; ` +
        `differing: ${different.length} (first: ${different.slice(0, 3).join(', ')})`,
    );
    // Every onnx-node model (written by onnx.helper) must come back byte for byte.
    expect(different.filter((file) => file.startsWith('onnx-node'))).toEqual([]);
  });
});
