/**
 * The project's one strict XML parser: XML 1.0 well-formedness (and, on request, Namespaces in XML
 * 1.0) over a complete string, reported as events. The server's frame parser, the stanza parser
 * (composer, fixtures) and the console's pretty-printer all read XML through it, so what the server
 * refuses the app refuses too, and the browser bundle carries no general-purpose SAX library.
 *
 * Restricted XML (RFC 6120 §11.1): a handler without `comment`, `processingInstruction` or
 * `doctype` makes those constructs errors (`restricted-xml`) as soon as they start. DTDs are never
 * interpreted: only the five predefined entities and character references are expanded, so entity
 * expansion attacks have nothing to expand.
 */

export type XmlErrorCondition = "not-well-formed" | "restricted-xml" | "bad-namespace-prefix";

export class XmlSyntaxError extends Error {
  constructor(
    readonly condition: XmlErrorCondition,
    message: string,
  ) {
    super(message);
  }
}

export interface XmlDeclaration {
  version: string;
  encoding?: string;
  standalone?: string;
}

export type XmlAttribute = readonly [name: string, value: string];

export interface XmlHandler {
  xmlDeclaration?(declaration: XmlDeclaration): void;
  /** Called with the tag name before its attributes are read (cheap limits such as depth). */
  openTagStart?(name: string): void;
  /** Qualified name as written; attributes in document order, values decoded and normalised. */
  openTag(name: string, attributes: readonly XmlAttribute[]): void;
  closeTag(name: string): void;
  /** Character data, entities decoded; CDATA sections arrive here as well. */
  text(text: string): void;
  comment?(text: string): void;
  processingInstruction?(target: string, body: string): void;
  /** Everything between `<!DOCTYPE` and the closing `>`. */
  doctype?(text: string): void;
}

export interface XmlParseOptions {
  /** Several top-level elements and top-level text (a console frame); default: one root element. */
  fragment?: boolean;
  /** Check Namespaces in XML 1.0: qualified names, bound prefixes, reserved prefixes. */
  namespaces?: boolean;
}

const RESTRICTED = {
  comment: "a comment is restricted XML in XMPP (RFC 6120 §11.1)",
  processingInstruction: "a processing instruction is restricted XML in XMPP (RFC 6120 §11.1)",
  doctype: "a DTD is restricted XML in XMPP (RFC 6120 §11.1)",
} as const;

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

// XML 1.0 (fifth edition) productions 2, 4 and 4a.
const NAME_START = ":A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}";
// Combining marks first: after another character ESLint would read them as one combined character.
const NAME_CHAR = `\\u0300-\\u036F${NAME_START}\\-.0-9\\u00B7\\u203F-\\u2040`;
const NAME = new RegExp(`[${NAME_START}][${NAME_CHAR}]*`, "uy");
const WHOLE_NAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*$`, "u");
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const SPACE = /[ \t\n]*/y;
const ONLY_SPACE = /^[ \t\n]*$/;
const XML_DECLARATION = new RegExp(
  "^[ \\t\\n]+version[ \\t\\n]*=[ \\t\\n]*(?:'([^']*)'|\"([^\"]*)\")" +
    "(?:[ \\t\\n]+encoding[ \\t\\n]*=[ \\t\\n]*(?:'([^']*)'|\"([^\"]*)\"))?" +
    "(?:[ \\t\\n]+standalone[ \\t\\n]*=[ \\t\\n]*(?:'([^']*)'|\"([^\"]*)\"))?[ \\t\\n]*$",
);
const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

function hex(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** Parses `source` completely, calling `handler` as it goes; throws `XmlSyntaxError` at the first fault. */
export function parseXmlEvents(source: string, handler: XmlHandler, options: XmlParseOptions = {}): void {
  // End-of-line handling (XML 1.0 §2.11) before anything else, so offsets and values agree.
  new XmlScanner(source.replace(/\r\n?/g, "\n"), handler, options).run();
}

class XmlScanner {
  private pos = 0;
  private readonly open: string[] = [];
  /** Namespace declarations per open element (null: none), innermost last. */
  private readonly scopes: (Map<string, string> | null)[] = [];
  private sawRoot = false;
  private sawDoctype = false;
  private readonly fragment: boolean;
  private readonly namespaces: boolean;

  constructor(
    private readonly s: string,
    private readonly handler: XmlHandler,
    options: XmlParseOptions,
  ) {
    this.fragment = options.fragment ?? false;
    this.namespaces = options.namespaces ?? false;
  }

  run(): void {
    const { s } = this;
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
    if (s.startsWith("<?xml", this.pos) && /[ \t\n?]/.test(s[this.pos + 5] ?? "")) this.declaration();
    while (this.pos < s.length) {
      const lt = s.indexOf("<", this.pos);
      if (lt === this.pos) this.markup();
      else this.characters(lt === -1 ? s.length : lt);
    }
    const unclosed = this.open[this.open.length - 1];
    if (unclosed !== undefined) this.fail(`unclosed tag: ${unclosed}`);
    if (!this.fragment && !this.sawRoot) this.fail("document must contain a root element");
  }

  private fail(message: string, condition: XmlErrorCondition = "not-well-formed", at = this.pos): never {
    const before = this.s.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new XmlSyntaxError(condition, `${line}:${column}: ${message}`);
  }

  private restricted(message: string): never {
    return this.fail(message, "restricted-xml");
  }

  private atTopLevel(): boolean {
    return this.open.length === 0;
  }

  // ---- character data -------------------------------------------------------------------------

  private characters(end: number): void {
    const start = this.pos;
    const raw = this.s.slice(start, end);
    this.pos = end;
    if (this.atTopLevel() && !this.fragment) {
      if (!ONLY_SPACE.test(raw)) this.fail("text data outside of root node", "not-well-formed", start);
      return;
    }
    const cdataEnd = raw.indexOf("]]>");
    if (cdataEnd !== -1) this.fail('the string "]]>" is not allowed in character data', "not-well-formed", start + cdataEnd);
    this.handler.text(this.decode(raw, start, false));
  }

  /** Checks characters and expands references; attribute values also get whitespace normalised. */
  private decode(raw: string, offset: number, attribute: boolean): string {
    const bad = NOT_XML_CHAR.exec(raw);
    if (bad) this.fail(`disallowed character ${hex(bad[0].codePointAt(0) ?? 0)}`, "not-well-formed", offset + bad.index);
    const literal = (part: string) => (attribute ? part.replace(/[\t\n]/g, " ") : part);
    let amp = raw.indexOf("&");
    if (amp === -1) return literal(raw);
    let out = "";
    let last = 0;
    while (amp !== -1) {
      out += literal(raw.slice(last, amp));
      const semi = raw.indexOf(";", amp);
      if (semi === -1) this.fail("unterminated entity reference", "not-well-formed", offset + amp);
      out += this.reference(raw.slice(amp + 1, semi), offset + amp);
      last = semi + 1;
      amp = raw.indexOf("&", last);
    }
    return out + literal(raw.slice(last));
  }

  private reference(name: string, at: number): string {
    const predefined = PREDEFINED[name];
    if (predefined !== undefined) return predefined;
    const numeric = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(name);
    if (numeric) {
      const code = numeric[1] !== undefined ? parseInt(numeric[1], 16) : parseInt(numeric[2] ?? "", 10);
      if (!isXmlChar(code)) this.fail(`character reference &${name}; is not an XML character`, "not-well-formed", at);
      return String.fromCodePoint(code);
    }
    if (WHOLE_NAME.test(name)) this.fail(`undefined entity: ${name}`, "not-well-formed", at);
    return this.fail("malformed entity reference", "not-well-formed", at);
  }

  // ---- markup ---------------------------------------------------------------------------------

  private markup(): void {
    const { s, pos } = this;
    const next = s[pos + 1];
    if (next === "/") this.closeTag();
    else if (next === "?") this.processingInstruction();
    else if (s.startsWith("<!--", pos)) this.comment();
    else if (s.startsWith("<![CDATA[", pos)) this.cdata();
    else if (s.startsWith("<!DOCTYPE", pos)) this.doctype();
    else if (next === "!") this.fail("malformed markup declaration");
    else this.openTag();
  }

  private name(what: string): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.s);
    if (!match) {
      const found = this.s[this.pos];
      this.fail(found === undefined ? `unexpected end of input, expected ${what}` : `disallowed character ${JSON.stringify(found)} where ${what} should start`);
    }
    this.pos += match[0].length;
    return match[0];
  }

  /** Skips S; true when there was some. */
  private space(): boolean {
    SPACE.lastIndex = this.pos;
    SPACE.test(this.s);
    const moved = SPACE.lastIndex !== this.pos;
    this.pos = SPACE.lastIndex;
    return moved;
  }

  private openTag(): void {
    if (this.atTopLevel() && this.sawRoot && !this.fragment) this.fail("documents may contain only one root");
    this.pos += 1;
    const name = this.name("a tag name");
    this.handler.openTagStart?.(name);
    const attributes: XmlAttribute[] = [];
    const seen = new Set<string>();
    let selfClosing = false;
    for (;;) {
      const spaced = this.space();
      const c = this.s[this.pos];
      if (c === ">") {
        this.pos += 1;
        break;
      }
      if (c === "/") {
        if (this.s[this.pos + 1] !== ">") this.fail(`expected "/>" to end <${name}>`);
        this.pos += 2;
        selfClosing = true;
        break;
      }
      if (c === undefined) this.fail(`unclosed tag: ${name}`);
      if (!spaced) this.fail(`disallowed character ${JSON.stringify(c)} in <${name}> (attributes are separated by whitespace)`);
      const attribute = this.attribute(name);
      if (seen.has(attribute[0])) this.fail(`duplicate attribute: ${attribute[0]}`);
      seen.add(attribute[0]);
      attributes.push(attribute);
    }
    if (this.namespaces) this.scopes.push(this.bindNamespaces(name, attributes));
    this.sawRoot = true;
    this.handler.openTag(name, attributes);
    if (selfClosing) this.closeElement(name);
    else this.open.push(name);
  }

  private attribute(element: string): XmlAttribute {
    const name = this.name("an attribute name");
    this.space();
    if (this.s[this.pos] !== "=") this.fail(`attribute ${name} on <${element}> has no value`);
    this.pos += 1;
    this.space();
    const quote = this.s[this.pos];
    if (quote !== '"' && quote !== "'") this.fail(`the value of attribute ${name} must be quoted`);
    const end = this.s.indexOf(quote, this.pos + 1);
    if (end === -1) this.fail(`unterminated value of attribute ${name}`);
    const raw = this.s.slice(this.pos + 1, end);
    const lt = raw.indexOf("<");
    if (lt !== -1) this.fail(`"<" is not allowed in an attribute value`, "not-well-formed", this.pos + 1 + lt);
    const value = this.decode(raw, this.pos + 1, true);
    this.pos = end + 1;
    return [name, value];
  }

  private closeTag(): void {
    const start = this.pos;
    this.pos += 2;
    const name = this.name("a tag name");
    this.space();
    if (this.s[this.pos] !== ">") this.fail(`malformed close tag </${name}>`);
    this.pos += 1;
    const expected = this.open.pop();
    if (expected === undefined) this.fail(`unexpected close tag </${name}>: no element is open`, "not-well-formed", start);
    if (expected !== name) this.fail(`unexpected close tag </${name}>: expected </${expected}>`, "not-well-formed", start);
    this.closeElement(name);
  }

  private closeElement(name: string): void {
    if (this.namespaces) this.scopes.pop();
    this.handler.closeTag(name);
  }

  private comment(): void {
    if (!this.handler.comment) this.restricted(RESTRICTED.comment);
    const start = this.pos + 4;
    const end = this.s.indexOf("-->", start);
    if (end === -1) this.fail("unterminated comment");
    const body = this.s.slice(start, end);
    if (body.includes("--") || body.endsWith("-")) this.fail('"--" is not allowed inside a comment');
    this.checkChars(body, start);
    this.pos = end + 3;
    this.handler.comment(body);
  }

  private processingInstruction(): void {
    const start = this.pos;
    this.pos += 2;
    const target = this.name("a processing instruction target");
    if (target.toLowerCase() === "xml") this.fail("an XML declaration is only allowed at the very start", "not-well-formed", start);
    const end = this.s.indexOf("?>", this.pos);
    if (end !== this.pos && !this.space()) this.fail(`disallowed character after processing instruction target ${target}`);
    if (!this.handler.processingInstruction) this.restricted(RESTRICTED.processingInstruction);
    if (end === -1) this.fail("unterminated processing instruction");
    const body = this.s.slice(Math.min(this.pos, end), end);
    this.checkChars(body, this.pos);
    this.pos = end + 2;
    this.handler.processingInstruction(target, body);
  }

  private cdata(): void {
    if (this.atTopLevel() && !this.fragment) this.fail("a CDATA section is only allowed inside the root element");
    const start = this.pos + 9;
    const end = this.s.indexOf("]]>", start);
    if (end === -1) this.fail("unterminated CDATA section");
    const body = this.s.slice(start, end);
    this.checkChars(body, start);
    this.pos = end + 3;
    if (body !== "") this.handler.text(body);
  }

  private doctype(): void {
    if (this.sawRoot || this.sawDoctype) this.fail("a DOCTYPE is only allowed once, before the root element");
    if (!this.handler.doctype) this.restricted(RESTRICTED.doctype);
    const start = this.pos + 9;
    let brackets = 0;
    let quote: string | null = null;
    let end = -1;
    for (let i = start; i < this.s.length; i += 1) {
      const c = this.s[i];
      if (quote !== null) {
        if (c === quote) quote = null;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "[") brackets += 1;
      else if (c === "]") brackets -= 1;
      else if (c === ">" && brackets === 0) {
        end = i;
        break;
      }
    }
    if (end === -1) this.fail("unterminated DOCTYPE");
    const body = this.s.slice(start, end);
    this.checkChars(body, start);
    this.sawDoctype = true;
    this.pos = end + 1;
    this.handler.doctype(body);
  }

  private declaration(): void {
    const end = this.s.indexOf("?>", this.pos);
    if (end === -1) this.fail("unterminated XML declaration");
    const m = XML_DECLARATION.exec(this.s.slice(this.pos + 5, end));
    if (!m) this.fail("malformed XML declaration");
    const version = m[1] ?? m[2] ?? "";
    const encoding = m[3] ?? m[4];
    const standalone = m[5] ?? m[6];
    if (!/^1\.[0-9]+$/.test(version)) this.fail(`XML version ${JSON.stringify(version)} is not 1.x`);
    if (encoding !== undefined && !/^[A-Za-z][A-Za-z0-9._-]*$/.test(encoding)) this.fail(`malformed encoding name ${JSON.stringify(encoding)}`);
    if (standalone !== undefined && standalone !== "yes" && standalone !== "no") this.fail('standalone must be "yes" or "no"');
    this.pos = end + 2;
    const declaration: XmlDeclaration = { version };
    if (encoding !== undefined) declaration.encoding = encoding;
    if (standalone !== undefined) declaration.standalone = standalone;
    this.handler.xmlDeclaration?.(declaration);
  }

  private checkChars(text: string, offset: number): void {
    const bad = NOT_XML_CHAR.exec(text);
    if (bad) this.fail(`disallowed character ${hex(bad[0].codePointAt(0) ?? 0)}`, "not-well-formed", offset + bad.index);
  }

  // ---- namespaces (Namespaces in XML 1.0, third edition) ----------------------------------------

  private bindNamespaces(element: string, attributes: readonly XmlAttribute[]): Map<string, string> | null {
    let declared: Map<string, string> | null = null;
    for (const [name, uri] of attributes) {
      if (name !== "xmlns" && !name.startsWith("xmlns:")) continue;
      const prefix = name === "xmlns" ? "" : name.slice(6);
      if (name !== "xmlns") this.prefixOf(name);
      this.checkDeclaration(prefix, uri);
      declared ??= new Map();
      declared.set(prefix, uri);
    }
    const resolve = (prefix: string): string | undefined => {
      if (prefix === "xml") return XML_NS;
      if (declared?.has(prefix)) return declared.get(prefix);
      for (let i = this.scopes.length - 1; i >= 0; i -= 1) {
        const scope = this.scopes[i];
        if (scope?.has(prefix)) return scope.get(prefix);
      }
      return undefined;
    };
    const elementPrefix = this.prefixOf(element);
    if (elementPrefix === "xmlns") this.fail(`element <${element}> must not use the xmlns prefix`, "bad-namespace-prefix");
    if (elementPrefix !== "" && !resolve(elementPrefix)) this.fail(`unbound namespace prefix: ${elementPrefix}`, "bad-namespace-prefix");
    const expanded = new Set<string>();
    for (const [name] of attributes) {
      if (name === "xmlns" || name.startsWith("xmlns:")) continue;
      const prefix = this.prefixOf(name);
      if (prefix === "") continue;
      const uri = resolve(prefix);
      if (!uri) this.fail(`unbound namespace prefix: ${prefix}`, "bad-namespace-prefix");
      const key = `${uri} ${name.slice(prefix.length + 1)}`;
      if (expanded.has(key)) this.fail(`duplicate attribute ${name} (same namespace and local name as another)`);
      expanded.add(key);
    }
    return declared;
  }

  private checkDeclaration(prefix: string, uri: string): void {
    if (prefix === "xmlns") this.fail("the xmlns prefix must not be declared", "bad-namespace-prefix");
    if (prefix !== "" && (!WHOLE_NAME.test(prefix) || prefix.includes(":"))) this.fail(`malformed namespace prefix ${JSON.stringify(prefix)}`, "bad-namespace-prefix");
    if (prefix === "xml" && uri !== XML_NS) this.fail(`the xml prefix must be bound to ${XML_NS}`, "bad-namespace-prefix");
    if (prefix !== "xml" && uri === XML_NS) this.fail(`${XML_NS} may only be bound to the xml prefix`, "bad-namespace-prefix");
    if (uri === XMLNS_NS) this.fail(`${XMLNS_NS} must not be declared`, "bad-namespace-prefix");
    if (prefix !== "" && uri === "") this.fail(`xmlns:${prefix}="" cannot unbind a prefix in XML 1.0`, "bad-namespace-prefix");
  }

  /** The prefix of a qualified name ("" for none); refuses names that are not QNames. */
  private prefixOf(name: string): string {
    const colon = name.indexOf(":");
    if (colon === -1) return "";
    if (colon === 0 || colon === name.length - 1 || name.indexOf(":", colon + 1) !== -1) this.fail(`${JSON.stringify(name)} is not a qualified name`);
    return name.slice(0, colon);
  }
}
