/**
 * The Build tab's settings: which form fields each block of the catalogue reads (the others are hidden), reading
 * the form into typed settings (with the CLI's defaults), and URL parameters that preset the form
 * (`?block=sppf&channels=8&webgpu=0`), so a view can be shared as a link.
 */
import { catalog, ConfigError, type BlockOptions } from 'sppkit';

/** The optional fields of the form, each shown only for the blocks that read it. */
export type BlockField =
  'outChannels' | 'levels' | 'pool' | 'kernels' | 'stride' | 'pad' | 'ceilMode' | 'countIncludePad' | 'keepBn';

/** The fields each block reads (`kernels` is a list for ultralytics-spp and sppcspc, one size for the others). */
const FIELDS: Readonly<Record<string, readonly BlockField[]>> = {
  'spp-adaptive': ['levels', 'pool'],
  'spp-paper': ['levels', 'pool'],
  'sppnet-compat': ['levels'],
  'pyramid-pooling': ['levels', 'keepBn'],
  'ultralytics-spp': ['outChannels', 'kernels', 'keepBn'],
  sppf: ['outChannels', 'kernels', 'keepBn'],
  'sim-sppf': ['outChannels', 'kernels', 'keepBn'],
  sppcspc: ['outChannels', 'kernels', 'keepBn'],
  sppelan: ['outChannels', 'kernels', 'keepBn'],
  'max-pool': ['kernels', 'stride', 'pad', 'ceilMode'],
  'avg-pool': ['kernels', 'stride', 'pad', 'ceilMode', 'countIncludePad'],
  'global-max-pool': [],
  'global-avg-pool': [],
  'strided-pool': ['kernels'],
  'conv-pool': ['outChannels', 'kernels', 'stride', 'pad'],
  'stochastic-pool': ['kernels', 'stride'],
  'non-local': ['keepBn'],
};

/** The defaults the catalogue uses, shown as placeholders (an empty field means the default). */
const KERNEL_DEFAULTS: Readonly<Record<string, string>> = {
  'ultralytics-spp': '5,9,13',
  sppcspc: '5,9,13',
  sppf: '5',
  'sim-sppf': '5',
  sppelan: '5',
  'max-pool': '2',
  'avg-pool': '2',
  'strided-pool': '3',
  'conv-pool': '3',
  'stochastic-pool': '2',
};

/** The blocks of the SPP family, listed first; the rest are the other pooling layers. */
const SPP_FAMILY = [
  'spp-adaptive',
  'spp-paper',
  'sppnet-compat',
  'ultralytics-spp',
  'sppf',
  'sim-sppf',
  'sppcspc',
  'sppelan',
  'pyramid-pooling',
];

/** The Build tab's settings. */
export interface Settings {
  /** CLI name of the block (`spp-adaptive`). */
  readonly block: string;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Symbolic H and W in the model (the run still feeds height × width). */
  readonly dynamic: boolean;
  readonly opset: number;
  readonly seed: number;
  readonly options: BlockOptions;
  /** Runtimes to run besides the reference. */
  readonly webgpu: boolean;
  readonly wasm: boolean;
}

/** The fields `block` reads. */
export function fieldsOf(block: string): readonly BlockField[] {
  return FIELDS[block] ?? [];
}

/** Fills the block `<select>` from the catalogue: the SPP family first, then the other pooling layers. */
export function fillBlockSelect(select: HTMLSelectElement): void {
  const names = Object.keys(catalog);
  const group = (label: string, members: readonly string[]): HTMLOptGroupElement => {
    const optgroup = document.createElement('optgroup');
    optgroup.label = label;
    for (const name of members) {
      const entry = catalog[name];
      if (entry === undefined) continue;
      const option = new Option(`${name} — ${entry.name}`, name);
      option.title = `${entry.summary} (${entry.source})`;
      optgroup.append(option);
    }
    return optgroup;
  };
  select.replaceChildren(
    group(
      'SPP family',
      SPP_FAMILY.filter((name) => names.includes(name)),
    ),
    group(
      'pooling layers',
      names.filter((name) => !SPP_FAMILY.includes(name)),
    ),
  );
}

/** Shows the fields `block` reads and hides the rest; sets the kernel placeholder to the block's default. */
export function showFieldsOf(form: HTMLFormElement, block: string): void {
  const used = new Set<string>(fieldsOf(block));
  form.querySelectorAll<HTMLElement>('[data-field]').forEach((label) => {
    label.hidden = !used.has(label.dataset['field'] ?? '');
  });
  const kernels = form.elements.namedItem('kernels');
  if (kernels instanceof HTMLInputElement) kernels.placeholder = KERNEL_DEFAULTS[block] ?? '';
  const levels = form.elements.namedItem('levels');
  if (levels instanceof HTMLInputElement) levels.placeholder = block === 'pyramid-pooling' ? '1,2,3,6' : '4,2,1';
}

/** A form field's text ('' when missing or a file). */
export function textOf(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === 'string' ? value.trim() : '';
}

function intField(data: FormData, name: string, label: string, min: number, max: number): number | undefined {
  const text = textOf(data, name);
  if (text === '') return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max)
    throw new ConfigError(`${label} must be an integer in ${min}..${max}, got '${text}'`);
  return value;
}

function listField(data: FormData, name: string, label: string): number[] | undefined {
  const text = textOf(data, name);
  if (text === '') return undefined;
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  const values = items.map(Number);
  if (items.some((item) => !/^\d+$/.test(item)) || values.some((v) => v < 1))
    throw new ConfigError(`${label} must be positive integers separated by commas, got '${text}'`);
  return values;
}

/** Reads the form; throws ConfigError naming a field that does not parse. Hidden fields are not read. */
export function readSettings(form: HTMLFormElement): Settings {
  const data = new FormData(form);
  const block = textOf(data, 'block');
  const used = new Set<string>(fieldsOf(block));
  // A field the block does not read is hidden, neither read nor passed on, so the block's own default applies.
  const when = <T>(field: BlockField, read: () => T | undefined): T | undefined =>
    used.has(field) ? read() : undefined;
  const checked = (name: string): boolean => data.get(name) === 'on';
  const outChannels = when('outChannels', () => intField(data, 'outChannels', 'out channels', 1, 4096));
  const levels = when('levels', () => listField(data, 'levels', 'levels'));
  const pool = when('pool', () => (data.get('pool') === 'avg' ? 'avg' : 'max'));
  const kernels = when('kernels', () => listField(data, 'kernels', 'kernels'));
  const stride = when('stride', () => intField(data, 'stride', 'stride', 1, 64));
  const pad = when('pad', () => intField(data, 'pad', 'pad', 0, 64));
  const flag = (field: BlockField): boolean => when(field, () => checked(field)) === true;
  // In the order `sppkit build` writes them, so the model's doc string (which lists them) is the CLI's too.
  const options: BlockOptions = {
    ...(levels === undefined ? {} : { levels }),
    ...(pool === undefined ? {} : { pool }),
    ...(kernels === undefined ? {} : { kernels }),
    ...(outChannels === undefined ? {} : { outChannels }),
    ...(flag('keepBn') ? { keepBn: true } : {}),
    ...(stride === undefined ? {} : { stride }),
    ...(pad === undefined ? {} : { pad }),
    ...(flag('ceilMode') ? { ceilMode: true } : {}),
    ...(flag('countIncludePad') ? { countIncludePad: true } : {}),
  };
  return {
    block,
    channels: intField(data, 'channels', 'channels', 1, 4096) ?? 16,
    height: intField(data, 'height', 'height', 1, 1024) ?? 13,
    width: intField(data, 'width', 'width', 1, 1024) ?? 11,
    dynamic: checked('dynamic'),
    opset: intField(data, 'opset', 'opset', 13, 23) ?? 17,
    seed: intField(data, 'seed', 'seed', 0, 2 ** 31) ?? 0,
    options,
    webgpu: checked('webgpu'),
    wasm: checked('wasm'),
  };
}

/** Presets form fields from URL parameters named like them (`?block=sppf&channels=8&webgpu=0`). */
export function presetFromUrl(form: HTMLFormElement, search: string): void {
  for (const [name, value] of new URLSearchParams(search)) {
    const control = form.elements.namedItem(name);
    if (control instanceof HTMLInputElement && control.type === 'checkbox')
      control.checked = !['0', 'off', 'false', 'no'].includes(value);
    else if (control instanceof HTMLInputElement || control instanceof HTMLSelectElement) control.value = value;
  }
}
