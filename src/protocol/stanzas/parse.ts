/**
 * Strict, isomorphic parsing of one XML element (a stanza typed into the composer, a fixture in a
 * test). saxes checks well-formedness; XMPP's restricted XML (RFC 6120 §11.1: no DTD, comments or
 * processing instructions) is refused as well.
 */
import { SaxesParser } from "saxes";
import { Element } from "@xmpp/xml";

export type ParseXmlResult = { ok: true; element: Element } | { ok: false; error: string };

export interface ParseXmlOptions {
  /** Deepest nesting accepted (defends the recursive ltx serializer against hostile input). */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 256;

const STOP = Symbol("stop parsing");

export function tryParseXml(text: string, options: ParseXmlOptions = {}): ParseXmlResult {
  if (typeof text !== "string") return { ok: false, error: "input is not a string" };
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const parser = new SaxesParser({ position: true });
  let root: Element | null = null;
  let cursor: Element | null = null;
  let depth = 0;
  let error: string | null = null;
  // saxes carries on after an error; throwing stops it at the first one (hostile input stays cheap).
  const fail = (message: string): never => {
    error ??= message;
    throw STOP;
  };

  parser.on("error", (e) => fail(e.message));
  parser.on("doctype", () => fail("a DTD is restricted XML in XMPP (RFC 6120 §11.1)"));
  parser.on("comment", () => fail("a comment is restricted XML in XMPP (RFC 6120 §11.1)"));
  parser.on("processinginstruction", () => fail("a processing instruction is restricted XML in XMPP (RFC 6120 §11.1)"));
  parser.on("opentag", (tag) => {
    depth += 1;
    if (depth > maxDepth) fail(`elements nested deeper than ${maxDepth} levels`);
    const element = new Element(tag.name, { ...tag.attributes });
    if (cursor) cursor.cnode(element);
    else root = element;
    cursor = element;
  });
  parser.on("closetag", () => {
    depth -= 1;
    cursor = cursor?.parent ?? null;
  });
  const onText = (t: string) => {
    if (cursor) cursor.t(t);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);

  try {
    parser.write(text).close();
  } catch (e) {
    if (e !== STOP) error ??= e instanceof Error ? e.message : String(e);
  }
  if (error) return { ok: false, error };
  if (!root) return { ok: false, error: "no element" };
  return { ok: true, element: root };
}

/** Like `tryParseXml` but throws; for fixtures in tests and trusted constants. */
export function parseXml(text: string, options?: ParseXmlOptions): Element {
  const result = tryParseXml(text, options);
  if (!result.ok) throw new Error(`invalid XML: ${result.error}`);
  return result.element;
}
