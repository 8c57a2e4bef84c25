/**
 * Small SVG writing helpers shared by every picture: XML escaping, a fixed text-width estimate for the monospace
 * font the pictures use, line truncation, and number formatting for coordinates.
 *
 * Text comes from untrusted model files (node, value and graph names), so every string that reaches the SVG goes
 * through `escapeXml` — element text and attribute values alike. Widths are estimated, not measured (the same code
 * runs in Node, which has no fonts): the pictures use a monospace font whose advance is at most
 * `MONO_ADVANCE` em (DejaVu Sans Mono and Menlo: 0.602 em; Consolas: 0.55 em), so a box sized from the estimate
 * holds its text in every font of the stack.
 */

/** The font stack of every picture: monospace, so that the width estimate holds. */
export const MONO_FONT = "'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace";

/** Advance width of one monospace character, in em (a little above DejaVu Sans Mono's 0.602, for safety). */
export const MONO_ADVANCE = 0.62;

/** Code points that most fonts draw two columns wide (CJK, fullwidth forms, emoji). */
function isWide(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    codePoint >= 0x1f300
  );
}

/** Width of a text in monospace columns (wide characters count two). */
export function textColumns(text: string): number {
  let columns = 0;
  for (const char of text) columns += isWide(char.codePointAt(0) ?? 0) ? 2 : 1;
  return columns;
}

/** Estimated width in pixels of `text` in the monospace font at `fontSize` pixels. */
export function textWidth(text: string, fontSize: number): number {
  return textColumns(text) * fontSize * MONO_ADVANCE;
}

/** The longest prefix (or suffix, `fromEnd`) of `chars` that fits in `maxColumns` columns. */
function takeColumns(chars: readonly string[], maxColumns: number, fromEnd: boolean): string {
  const out: string[] = [];
  let used = 0;
  for (let k = 0; k < chars.length; k += 1) {
    const char = chars[fromEnd ? chars.length - 1 - k : k] ?? '';
    const width = textColumns(char);
    if (used + width > maxColumns) break;
    out.push(char);
    used += width;
  }
  return (fromEnd ? out.reverse() : out).join('');
}

/** `text` cut to at most `maxColumns` columns, with a `…` where it was cut (in the middle when `middle`). */
export function truncate(text: string, maxColumns: number, middle = false): string {
  if (textColumns(text) <= maxColumns) return text;
  const chars = [...text];
  const keep = Math.max(1, maxColumns - 1);
  if (!middle) return `${takeColumns(chars, keep, false)}…`;
  const head = takeColumns(chars, Math.ceil(keep / 2), false);
  return `${head}…${takeColumns(chars, keep - textColumns(head), true)}`;
}

/** Splits `text` into lines of at most `maxColumns` columns, breaking at spaces where it can. */
export function wrapText(text: string, maxColumns: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (textColumns(candidate) <= maxColumns) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      // A word longer than a line is cut into pieces.
      let rest = word;
      while (textColumns(rest) > maxColumns) {
        const chars = [...rest];
        // At least one character per piece, so that a wide character in a 1-column line cannot loop forever.
        const piece = takeColumns(chars, maxColumns, false) || (chars[0] ?? '');
        lines.push(piece);
        rest = rest.slice(piece.length);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/** Characters no XML 1.0 document may hold: most C0 controls, U+FFFE/U+FFFF and unpaired surrogates. */
const NOT_XML = new RegExp(
  [
    '[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\ufffe\\uffff]',
    '[\\ud800-\\udbff](?![\\udc00-\\udfff])',
    '(?<![\\ud800-\\udbff])[\\udc00-\\udfff]',
  ].join('|'),
  'g',
);

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for XML element content and attribute values. Characters XML 1.0 forbids (C0 controls other than
 * tab, newline and carriage return; lone surrogates; U+FFFE/U+FFFF) become U+FFFD, so that any name yields a
 * well-formed document.
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] ?? char).replace(NOT_XML, '\ufffd');
}

/** A coordinate or length as short text (at most two decimals, no trailing zeros). */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** Attribute values of an element; `undefined` leaves the attribute out. */
export type SvgAttributes = Readonly<Record<string, string | number | undefined>>;

/** An element's attribute text (with a leading space), values escaped and numbers shortened. */
export function attrs(attributes: SvgAttributes): string {
  return Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`)
    .join('');
}

/** An element with children already written as SVG text (`children` undefined: self-closing). */
export function element(tag: string, attributes: SvgAttributes, children?: string): string {
  return children === undefined ? `<${tag}${attrs(attributes)}/>` : `<${tag}${attrs(attributes)}>${children}</${tag}>`;
}

/** A `<text>` element whose content is escaped. */
export function textElement(content: string, attributes: SvgAttributes): string {
  return element('text', attributes, escapeXml(content));
}

/** A `<title>` (hover text in browsers), escaped. */
export function titleElement(content: string): string {
  return element('title', {}, escapeXml(content));
}

/** A complete SVG document of the given size with a white background. */
export function svgDocument(width: number, height: number, body: string, extraDefs = ''): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}"`,
    // xml:space="preserve": text keeps its spaces, so the width estimate (which counts them) holds.
    ` font-family="${escapeXml(MONO_FONT)}" xml:space="preserve">`,
    extraDefs === '' ? '' : `<defs>${extraDefs}</defs>`,
    `<rect width="${w}" height="${h}" fill="#ffffff"/>`,
    body,
    '</svg>\n',
  ].join('');
}
