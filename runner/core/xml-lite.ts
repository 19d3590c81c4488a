/**
 * A small, dependency-free XML reader for the reports test tools write (JUnit XML from CTest and
 * QtTest, QtTest's own XML): elements, attributes, text and CDATA, the five predefined entities
 * and character references. The prolog, comments, processing instructions and a DOCTYPE are
 * skipped; namespaces are kept as part of the name. Not a validating parser: it checks only what
 * it needs to build a correct tree (tags nest and close, attributes are quoted) and says where a
 * document breaks those rules.
 */

/** One element: its name, attributes, child elements and the text directly inside it. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

/** A document that is not well-formed enough to read, with the line and column of the problem. */
export class XmlError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    problem: string,
  ) {
    super(`line ${line}, column ${column}: ${problem}`);
    this.name = 'XmlError';
  }
}

const predefined: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Replace entity and character references; an unknown entity stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return predefined[ref] ?? all;
  });
}

const namePattern = /[A-Za-z_:][\w:.-]*/y;
const attributePattern = /\s*([A-Za-z_:][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;

class Reader {
  private at = 0;
  private readonly stack: XmlElement[] = [];
  private root: XmlElement | undefined;

  constructor(private readonly text: string) {}

  fail(problem: string, at = this.at): never {
    const before = this.text.slice(0, at).split('\n');
    throw new XmlError(before.length, before[before.length - 1]!.length + 1, problem);
  }

  read(): XmlElement {
    while (this.at < this.text.length) {
      const open = this.text.indexOf('<', this.at);
      this.addText(this.text.slice(this.at, open < 0 ? undefined : open));
      if (open < 0) break;
      this.at = open;
      this.markup();
    }
    if (this.stack.length > 0) this.fail(`<${this.stack[this.stack.length - 1]!.name}> is never closed`);
    return this.root ?? this.fail('no root element');
  }

  private addText(raw: string): void {
    const top = this.stack[this.stack.length - 1];
    if (top) top.text += decodeEntities(raw);
    else if (raw.trim() !== '') this.fail('text outside the root element');
  }

  private skipPast(terminator: string, what: string): void {
    const end = this.text.indexOf(terminator, this.at);
    if (end < 0) this.fail(`unterminated ${what}`);
    this.at = end + terminator.length;
  }

  private markup(): void {
    const rest = (s: string) => this.text.startsWith(s, this.at);
    if (rest('<!--')) return this.skipPast('-->', 'comment');
    if (rest('<?')) return this.skipPast('?>', 'processing instruction');
    if (rest('<![CDATA[')) {
      const start = this.at + 9;
      this.skipPast(']]>', 'CDATA section');
      const top = this.stack[this.stack.length - 1] ?? this.fail('CDATA outside the root element', start);
      top.text += this.text.slice(start, this.at - 3);
      return;
    }
    if (rest('<!')) return this.doctype();
    if (rest('</')) return this.endTag();
    this.startTag();
  }

  private doctype(): void {
    let depth = 0;
    for (let i = this.at; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '[') depth++;
      else if (c === ']') depth--;
      else if (c === '>' && depth <= 0) {
        this.at = i + 1;
        return;
      }
    }
    this.fail('unterminated <!DOCTYPE');
  }

  private name(): string {
    namePattern.lastIndex = this.at;
    const match = namePattern.exec(this.text) ?? this.fail('expected a tag name');
    this.at = namePattern.lastIndex;
    return match[0];
  }

  private startTag(): void {
    const tagStart = this.at;
    this.at++;
    const name = this.name();
    const attributes: Record<string, string> = {};
    for (;;) {
      attributePattern.lastIndex = this.at;
      const match = attributePattern.exec(this.text);
      if (!match) break;
      attributes[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '');
      this.at = attributePattern.lastIndex;
    }
    const close = /\s*(\/?)>/y;
    close.lastIndex = this.at;
    const end = close.exec(this.text) ?? this.fail(`malformed <${name}> tag`);
    this.at = close.lastIndex;
    const element: XmlElement = { name, attributes, children: [], text: '' };
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.children.push(element);
    else if (this.root) this.fail('a second root element', tagStart);
    else this.root = element;
    if (end[1] !== '/') this.stack.push(element);
  }

  private endTag(): void {
    const tagStart = this.at;
    this.at += 2;
    const name = this.name();
    const close = /\s*>/y;
    close.lastIndex = this.at;
    if (!close.exec(this.text)) this.fail(`malformed </${name}> tag`);
    this.at = close.lastIndex;
    const top = this.stack.pop();
    if (!top) this.fail(`</${name}> closes nothing`, tagStart);
    if (top.name !== name) this.fail(`</${name}> closes <${top.name}>`, tagStart);
  }
}

/** Read a document into its root element; throws XmlError naming line and column. */
export function parseXml(text: string): XmlElement {
  return new Reader(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).read();
}

/** Every element named `name` at or below `element`, in document order. */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (e.name === name) found.push(e);
    e.children.forEach(visit);
  };
  visit(element);
  return found;
}
