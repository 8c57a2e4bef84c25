/**
 * A small strict XML parser for the tests: elements, double- or single-quoted attributes, text and the five
 * predefined entities plus numeric character references. Anything else — an unescaped `<` or `&` in text or an
 * attribute, a mismatched or unclosed tag, a duplicate attribute, a character XML forbids — is an error naming
 * the offset. Comments, CDATA, processing instructions and DOCTYPEs are refused too (the pictures never write them).
 */

/** A parsed element. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly children: readonly XmlNode[];
}

/** An element or a text run (entities decoded). */
export type XmlNode = XmlElement | string;

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/;

class Parser {
  at = 0;
  constructor(readonly text: string) {}

  fail(message: string): never {
    throw new Error(
      `XML error at offset ${this.at}: ${message} (near ${JSON.stringify(this.text.slice(this.at, this.at + 40))})`,
    );
  }

  name(): string {
    NAME.lastIndex = this.at;
    const match = NAME.exec(this.text);
    if (match === null) this.fail('expected a name');
    this.at += match[0].length;
    return match[0];
  }

  spaces(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at += 1;
  }

  /** Decodes a run of character data up to (not including) one of `stops`. */
  chars(stops: string): string {
    let out = '';
    while (this.at < this.text.length && !stops.includes(this.text[this.at] ?? '')) {
      const char = this.text[this.at] ?? '';
      if (char === '<') this.fail('unescaped <');
      if (FORBIDDEN.test(char)) this.fail(`character U+${char.charCodeAt(0).toString(16)} is not allowed in XML`);
      if (char !== '&') {
        out += char;
        this.at += 1;
        continue;
      }
      const end = this.text.indexOf(';', this.at);
      if (end < 0) this.fail('unterminated entity');
      const entity = this.text.slice(this.at + 1, end);
      const numeric = /^#(x[0-9a-fA-F]+|\d+)$/.exec(entity);
      if (numeric !== null) {
        const code = entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        out += String.fromCodePoint(code);
      } else {
        const value = ENTITIES[entity];
        if (value === undefined) this.fail(`unknown entity &${entity};`);
        out += value;
      }
      this.at = end + 1;
    }
    return out;
  }

  element(): XmlElement {
    if (this.text[this.at] !== '<') this.fail('expected <');
    this.at += 1;
    if ('!?/'.includes(this.text[this.at] ?? ''))
      this.fail('comments, declarations and stray end tags are not expected');
    const name = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      this.spaces();
      const char = this.text[this.at];
      if (char === '/' || char === '>') break;
      const attribute = this.name();
      this.spaces();
      if (this.text[this.at] !== '=') this.fail(`attribute ${attribute} without a value`);
      this.at += 1;
      this.spaces();
      const quote = this.text[this.at];
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${attribute}: value not quoted`);
      this.at += 1;
      const value = this.chars(quote);
      if (this.text[this.at] !== quote) this.fail(`attribute ${attribute}: unterminated value`);
      this.at += 1;
      if (attributes.has(attribute)) this.fail(`duplicate attribute ${attribute}`);
      attributes.set(attribute, value);
    }
    if (this.text.startsWith('/>', this.at)) {
      this.at += 2;
      return { name, attributes, children: [] };
    }
    this.at += 1;
    const children: XmlNode[] = [];
    for (;;) {
      if (this.at >= this.text.length) this.fail(`<${name}> is not closed`);
      if (this.text.startsWith('</', this.at)) {
        this.at += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.spaces();
        if (this.text[this.at] !== '>') this.fail('expected >');
        this.at += 1;
        return { name, attributes, children };
      }
      if (this.text[this.at] === '<') children.push(this.element());
      else {
        const text = this.chars('<');
        if (text !== '') children.push(text);
      }
    }
  }
}

/** Parses a whole document (one root element, optional whitespace around it). */
export function parseXml(text: string): XmlElement {
  const parser = new Parser(text);
  parser.spaces();
  const root = parser.element();
  parser.spaces();
  if (parser.at !== text.length) parser.fail('content after the root element');
  return root;
}

/** Every element under `root` (itself included), depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap((child) => (typeof child === 'string' ? [] : allElements(child)))];
}

/** The elements whose `class` attribute contains `name`. */
export function byClass(root: XmlElement, name: string): XmlElement[] {
  return allElements(root).filter((e) => (e.attributes.get('class') ?? '').split(' ').includes(name));
}

/** All text under an element, concatenated (`<title>` included unless `skipTitles`). */
export function textOf(element: XmlElement, skipTitles = false): string {
  return element.children
    .map((child) =>
      typeof child === 'string' ? child : skipTitles && child.name === 'title' ? '' : textOf(child, skipTitles),
    )
    .join('');
}

/** The texts of the `<text>` elements under `root`, in document order. */
export function texts(root: XmlElement): string[] {
  return allElements(root)
    .filter((e) => e.name === 'text')
    .map((e) => textOf(e));
}

/** A numeric attribute (throws when missing, so a test fails loudly). */
export function numberAttr(element: XmlElement, name: string): number {
  const value = element.attributes.get(name);
  if (value === undefined) throw new Error(`<${element.name}> has no ${name}`);
  return Number(value);
}
