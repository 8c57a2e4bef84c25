/**
 * Golden cases: what a case is, and how a folder tree is searched for them.
 *
 * Layouts recognised:
 *   - ONNX backend-test layout: `model.onnx` + `test_data_set_N/input_<i>.pb, output_<j>.pb` in one folder
 *     (`golden/onnx-node`), optionally with a `case.json` holding the case's tolerance (`golden/real`), or
 *     `<stem>.onnx` beside a folder `<stem>/test_data_set_*` (`golden/torch-export`);
 *   - layer cases: `case.json` + `input_N.pb`, `params/NAME.pb`, `output_N.pb` and no model (`golden/torch`, and
 *     sppkit's own cases in `test/golden`).
 *
 * The search follows symbolic links but visits each real folder once; a link that leads back into a folder being
 * searched (a loop), and an entry that cannot be read, stop it with a GoldenError naming the path.
 */
import { readdirSync, realpathSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SppkitError } from '../ir/errors.js';

/** A golden folder that cannot be searched: missing, unreadable, a symlink loop, or holding no case. */
export class GoldenError extends SppkitError {
  constructor(message: string) {
    super('E_GOLDEN', message);
  }
}

/** A case found on disk. */
export type CaseLocation =
  | {
      readonly layout: 'onnx';
      readonly name: string;
      readonly modelPath: string;
      readonly dataDirs: readonly string[];
      /** A `case.json` beside `model.onnx` (its `rtol`/`atol` set the tolerance). */
      readonly caseJsonPath?: string;
    }
  | { readonly layout: 'layer'; readonly name: string; readonly dir: string };

/** `EACCES: permission denied` → `permission denied (EACCES)`, for one-line messages. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const text = error.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return code === undefined ? text : `${text} (${code})`;
}

function entriesOf(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    throw new GoldenError(`golden: cannot read folder '${dir}': ${reasonOf(error)}`);
  }
}

function statOf(path: string): Stats {
  try {
    return statSync(path);
  } catch (error) {
    throw new GoldenError(`golden: cannot read '${path}': ${reasonOf(error)}`);
  }
}

function realOf(path: string): string {
  try {
    return realpathSync(path);
  } catch (error) {
    throw new GoldenError(`golden: cannot resolve '${path}': ${reasonOf(error)}`);
  }
}

function dataSetsIn(dir: string): string[] {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) return [];
    entries = readdirSync(dir);
  } catch {
    // No data folder next to a model: the case has no data sets, which the runner reports as an error.
    return [];
  }
  return entries
    .filter((entry) => entry.startsWith('test_data_set_'))
    .sort((a, b) => Number(a.slice(14)) - Number(b.slice(14)))
    .map((entry) => join(dir, entry));
}

/** A folder's own case (model.onnx, or case.json without a model), if it is one. */
function folderCase(dir: string, entries: readonly string[], name: string): CaseLocation | undefined {
  const hasCaseJson = entries.includes('case.json');
  if (entries.includes('model.onnx')) {
    return {
      layout: 'onnx',
      name,
      modelPath: join(dir, 'model.onnx'),
      dataDirs: dataSetsIn(dir),
      ...(hasCaseJson ? { caseJsonPath: join(dir, 'case.json') } : {}),
    };
  }
  return hasCaseJson ? { layout: 'layer', name, dir } : undefined;
}

/** A file root: a model (`x.onnx`, its data in `x/`) or a `case.json` (its folder is the case). */
function fileCase(root: string): CaseLocation {
  const name = basename(root);
  const dir = dirname(root);
  if (name === 'case.json') return folderCase(dir, entriesOf(dir), basename(dir)) ?? { layout: 'layer', name, dir };
  if (name === 'model.onnx') {
    const found = folderCase(dir, entriesOf(dir), basename(dir));
    if (found !== undefined) return found;
  }
  return {
    layout: 'onnx',
    name: name.replace(/\.onnx$/, ''),
    modelPath: root,
    dataDirs: dataSetsIn(root.slice(0, -5)),
  };
}

/**
 * Finds every case under `root` (recursively), in a stable order. A file root is taken as a model or case.json.
 * Throws GoldenError for a missing root, an unreadable entry or a symlink loop (each naming the path).
 */
export function discoverCases(root: string): CaseLocation[] {
  const rootStats = statOf(root);
  if (rootStats.isFile()) return [fileCase(root)];
  const found: CaseLocation[] = [];
  const visited = new Set<string>();
  // Depth-first with an explicit stack; `ancestors` are the real paths of the folders above an entry.
  const stack: { dir: string; name: string; ancestors: ReadonlyMap<string, string> }[] = [
    { dir: root, name: '', ancestors: new Map() },
  ];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    const { dir, name } = top;
    const real = realOf(dir);
    const loopsTo = top.ancestors.get(real);
    if (loopsTo !== undefined) throw new GoldenError(`golden: symlink loop: '${dir}' leads back to '${loopsTo}'`);
    if (visited.has(real)) continue;
    visited.add(real);
    const ancestors = new Map(top.ancestors).set(real, dir);
    const entries = entriesOf(dir);
    const own = folderCase(dir, entries, name === '' ? basename(dir) : name);
    if (own !== undefined) {
      found.push(own);
      continue;
    }
    const children: { dir: string; name: string; ancestors: ReadonlyMap<string, string> }[] = [];
    for (const entry of entries) {
      if (entry.startsWith('.') || entry.startsWith('test_data_set_') || entry === 'params') continue;
      const path = join(dir, entry);
      const stats = statOf(path);
      const childName = name === '' ? entry : `${name}/${entry}`;
      if (stats.isFile() && entry.endsWith('.onnx')) {
        const stem = entry.slice(0, -'.onnx'.length);
        found.push({
          layout: 'onnx',
          name: name === '' ? stem : `${name}/${stem}`,
          modelPath: path,
          dataDirs: dataSetsIn(join(dir, stem)),
        });
      } else if (stats.isDirectory()) children.push({ dir: path, name: childName, ancestors });
    }
    // Pushed in reverse so that folders are searched in sorted order.
    stack.push(...children.reverse());
  }
  return found;
}
