/**
 * Golden cases: what a case is, and how a folder tree is searched for them.
 *
 * Layouts recognised:
 *   - ONNX backend-test layout: `model.onnx` + `test_data_set_N/input_<i>.pb, output_<j>.pb` in one folder
 *     (`golden/onnx-node`), or `<stem>.onnx` beside a folder `<stem>/test_data_set_*` (`golden/torch-export`);
 *   - layer cases: `case.json` + `input_N.pb`, `params/NAME.pb`, `output_N.pb` (`golden/torch`, and sppkit's own
 *     cases in `test/golden`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** A case found on disk. */
export type CaseLocation =
  | { readonly layout: 'onnx'; readonly name: string; readonly modelPath: string; readonly dataDirs: readonly string[] }
  | { readonly layout: 'layer'; readonly name: string; readonly dir: string };

function dataSetsIn(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((entry) => entry.startsWith('test_data_set_'))
    .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)))
    .map((entry) => join(dir, entry));
}

/** Finds every case under `root` (recursively), in a stable order. A file root is taken as a model or case.json. */
export function discoverCases(root: string): CaseLocation[] {
  if (!existsSync(root)) throw new Error(`golden: '${root}' does not exist`);
  const found: CaseLocation[] = [];
  const visit = (dir: string, name: string): void => {
    const entries = readdirSync(dir).sort();
    if (entries.includes('case.json')) {
      found.push({ layout: 'layer', name: name === '' ? basename(dir) : name, dir });
      return;
    }
    if (entries.includes('model.onnx')) {
      found.push({
        layout: 'onnx',
        name: name === '' ? basename(dir) : name,
        modelPath: join(dir, 'model.onnx'),
        dataDirs: dataSetsIn(dir),
      });
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (entry.endsWith('.onnx') && statSync(path).isFile()) {
        const stem = entry.slice(0, -'.onnx'.length);
        found.push({
          layout: 'onnx',
          name: name === '' ? stem : `${name}/${stem}`,
          modelPath: path,
          dataDirs: dataSetsIn(join(dir, stem)),
        });
      }
    }
    for (const entry of entries) {
      const path = join(dir, entry);
      if (
        statSync(path).isDirectory() &&
        !entry.startsWith('test_data_set_') &&
        !entry.startsWith('.') &&
        entry !== 'params'
      ) {
        visit(path, name === '' ? entry : `${name}/${entry}`);
      }
    }
  };
  if (statSync(root).isFile()) {
    const name = basename(root);
    if (name === 'case.json') return [{ layout: 'layer', name: basename(join(root, '..')), dir: join(root, '..') }];
    return [
      {
        layout: 'onnx',
        name: name.replace(/\.onnx$/, ''),
        modelPath: root,
        dataDirs: dataSetsIn(root.replace(/\.onnx$/, '')),
      },
    ];
  }
  visit(root, '');
  // Folders that hold a model's data sets are not cases of their own.
  return found;
}
