/**
 * The project's one strict XML parser: XML 1.0 well-formedness (and, on request, Namespaces in XML
 * 1.0) over a complete string, reported as events. The server's frame parser, the stanza parser
 * (composer, fixtures) and the console's pretty-printer all read XML through it, so what the server
 * refuses the app refuses too.
 *
 * The parsing is saxes (strict, namespace-aware, fragment mode); this module fixes the policy around
 * it in one place:
 * - Restricted XML (RFC 6120 §11.1): a handler without `comment`, `processingInstruction` or
 *   `doctype` makes those constructs errors (`restricted-xml`), reported when saxes has read them.
 * - Characters outside XML 1.0's Char production are refused up front with their position; saxes
 *   misreads a lone surrogate as half of a pair.
 * - DTDs are never interpreted: saxes expands only the five predefined entities and character
 *   references, so entity expansion attacks have nothing to expand.
 * - saxes would carry on after a fault; our error handler throws, so parsing stops at the first one.
 */
import { SaxesParser, type SaxesOptions } from "saxes";
import { codePointLabel, NOT_XML_CHAR } from "./xml-text";

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

/**
 * saxes reports faults as messages only. These openings are the faults it finds by Namespaces in XML
 * (its `nsPairCheck`, `pushAttribNS` and `processAttribsNS`), answered with `bad-namespace-prefix`;
 * every other fault is `not-well-formed`, including a name that is not a QName ("malformed name").
 * `xml-parser.test.ts` provokes each of them, so a saxes upgrade that rewords one fails there.
 */
const NAMESPACE_FAULTS = [
  "unbound namespace prefix",
  'tags may not have "xmlns" as prefix',
  "xml prefix must be bound to",
  "xmlns prefix must be bound to",
  "the default namespace may not be set to",
  "may not assign a prefix",
  "may not assign the xml namespace to another prefix",
  "invalid attempt to undefine prefix",
] as const;

/** saxes prefixes its messages with `line:column: ` when it tracks positions. */
const POSITION = /^\d+:\d+: /;

function conditionOfSaxesError(message: string): XmlErrorCondition {
  const fault = message.replace(POSITION, "");
  return NAMESPACE_FAULTS.some((start) => fault.startsWith(start)) ? "bad-namespace-prefix" : "not-well-formed";
}


function positionOf(source: string, index: number): string {
  const lines = source.slice(0, index).split(/\r\n?|\n/);
  return `${lines.length}:${(lines[lines.length - 1] ?? "").length + 1}`;
}

/** XML 1.0 production 2 over the whole input (comments and DTDs included). */
function checkCharacters(source: string): void {
  const bad = NOT_XML_CHAR.exec(source);
  if (!bad) return;
  const code = codePointLabel(bad[0].codePointAt(0) ?? 0);
  throw new XmlSyntaxError("not-well-formed", `${positionOf(source, bad.index)}: disallowed character ${code}`);
}

/**
 * saxes's `on()` stores each handler under a computed key; past about six such new properties V8
 * turns the parser into a dictionary-mode object and the whole parse gets several times slower.
 * Creating the fields (private in saxes's typings) with plain assignments first keeps it a fast
 * object; `on()` then only overwrites them.
 */
interface SaxesHandlerFields {
  xmldeclHandler?: undefined;
  textHandler?: undefined;
  piHandler?: undefined;
  doctypeHandler?: undefined;
  commentHandler?: undefined;
  openTagStartHandler?: undefined;
  openTagHandler?: undefined;
  closeTagHandler?: undefined;
  cdataHandler?: undefined;
  errorHandler?: undefined;
}

function reserveHandlerFields(parser: object): void {
  const fields = parser as SaxesHandlerFields;
  fields.xmldeclHandler = undefined;
  fields.textHandler = undefined;
  fields.piHandler = undefined;
  fields.doctypeHandler = undefined;
  fields.commentHandler = undefined;
  fields.openTagStartHandler = undefined;
  fields.openTagHandler = undefined;
  fields.closeTagHandler = undefined;
  fields.cdataHandler = undefined;
  fields.errorHandler = undefined;
}

/** Parses `source` completely, calling `handler` as it goes; throws `XmlSyntaxError` at the first fault. */
export function parseXmlEvents(source: string, handler: XmlHandler, options: XmlParseOptions = {}): void {
  checkCharacters(source);
  const fragment = options.fragment ?? false;
  const parser = new SaxesParser<SaxesOptions>({ xmlns: options.namespaces ?? false, fragment, position: true });
  reserveHandlerFields(parser);
  const refuse = (message: string): never => {
    throw new XmlSyntaxError("restricted-xml", `${parser.line}:${parser.column}: ${message}`);
  };
  let depth = 0;

  parser.on("error", (err) => {
    throw new XmlSyntaxError(conditionOfSaxesError(err.message), err.message);
  });
  parser.on("xmldecl", ({ version, encoding, standalone }) => {
    const declaration: XmlDeclaration = { version: version ?? "" };
    if (encoding !== undefined) declaration.encoding = encoding;
    if (standalone !== undefined) declaration.standalone = standalone;
    handler.xmlDeclaration?.(declaration);
  });
  parser.on("opentagstart", (tag) => handler.openTagStart?.(tag.name));
  parser.on("opentag", (tag) => {
    depth += 1;
    const attributes = Object.entries(tag.attributes).map(([name, attr]): XmlAttribute => [name, typeof attr === "string" ? attr : attr.value]);
    handler.openTag(tag.name, attributes);
  });
  parser.on("closetag", (tag) => {
    depth -= 1;
    handler.closeTag(tag.name);
  });
  parser.on("text", (text) => {
    // Whitespace around a document's root is markup, not content (saxes refuses any other).
    if (depth > 0 || fragment) handler.text(text);
  });
  parser.on("cdata", (text) => {
    if (text !== "") handler.text(text);
  });
  parser.on("comment", (text) => (handler.comment ? handler.comment(text) : refuse(RESTRICTED.comment)));
  parser.on("processinginstruction", ({ target, body }) =>
    handler.processingInstruction ? handler.processingInstruction(target, body) : refuse(RESTRICTED.processingInstruction),
  );
  parser.on("doctype", (text) => (handler.doctype ? handler.doctype(text) : refuse(RESTRICTED.doctype)));

  parser.write(source).close();
}
