/**
 * Small DOM helpers for the page: typed element lookup, element creation, number formatting, downloads and SVG
 * insertion (the pictures are SVG strings from sppkit's viz; they are parsed as XML, so nothing in them runs).
 */

/** The element matching `selector`, checked to be a `kind`; throws naming the selector otherwise. */
export function element<T extends Element>(
  selector: string,
  kind: abstract new () => T,
  root: ParentNode = document,
): T {
  const found = root.querySelector(selector);
  if (!(found instanceof kind)) throw new Error(`page is missing ${selector}`);
  return found;
}

/** Attributes and children of a new element (`class` is the class name; `text` the text content). */
export interface ElementSpec {
  readonly class?: string;
  readonly text?: string;
  readonly title?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly children?: readonly (Node | string)[];
}

/** A new HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, spec: ElementSpec = {}): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (spec.class !== undefined) node.className = spec.class;
  if (spec.text !== undefined) node.textContent = spec.text;
  if (spec.title !== undefined) node.title = spec.title;
  for (const [name, value] of Object.entries(spec.attrs ?? {})) node.setAttribute(name, value);
  for (const child of spec.children ?? []) node.append(child);
  return node;
}

/** Milliseconds as text (`12.3 ms`, `1.42 s`), or `–`. */
export function ms(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(1)} ms`;
}

/** A byte count as text (`7.9 MB`, `44.2 kB`, `512 B`). */
export function bytesText(count: number): string {
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)} MB`;
  if (count >= 1e3) return `${(count / 1e3).toFixed(1)} kB`;
  return `${count} B`;
}

/** Offers `bytes` as a file download named `name` (through a temporary object URL). */
export function download(bytes: Uint8Array<ArrayBuffer>, name: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = h('a', { attrs: { href: url, download: name } });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Parses an SVG document string and returns its root element, ready to insert. XML parsing runs no script; the
 * pictures contain none, but a `<script>` or an `on*` attribute would be dropped here anyway.
 */
export function parseSvg(text: string): SVGSVGElement {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (!(root instanceof SVGSVGElement)) {
    const error = parsed.querySelector('parsererror')?.textContent ?? 'not an SVG document';
    throw new Error(`picture could not be parsed: ${error}`);
  }
  root.querySelectorAll('script, foreignObject').forEach((node) => node.remove());
  for (const node of [root, ...Array.from(root.querySelectorAll('*'))])
    for (const attribute of Array.from(node.attributes))
      if (/^on/i.test(attribute.name)) node.removeAttribute(attribute.name);
  return document.importNode(root, true);
}

/** The message of a thrown value. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
