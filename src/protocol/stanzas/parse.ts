/**
 * Strict, isomorphic parsing of one XML element into an ltx Element: a frame the server received,
 * a stanza typed into the composer, a fixture in a test. Well-formedness and namespaces are checked
 * by the project's parser (`../xml-parser`); XMPP's restricted XML (RFC 6120 §11.1: no DTD, comments
 * or processing instructions) is refused, and so is an XML declaration other than 1.0 in UTF-8
 * (§11.6). Limits bound depth and attributes so hostile input stays cheap to hold and serialise.
 */
import { Element } from "@xmpp/xml";
import { parseXmlEvents, XmlSyntaxError, type XmlAttribute, type XmlDeclaration, type XmlErrorCondition } from "../xml-parser";

export type ElementErrorCondition = XmlErrorCondition | "policy-violation" | "unsupported-encoding";

export type ElementParseResult =
  | { ok: true; element: Element }
  | {
      ok: false;
      condition: ElementErrorCondition;
      /** Human-readable reason (the server sends it as the stream error's `<text/>`). */
      reason: string;
      /** Qualified name of the first start tag seen, when there was one (e.g. `stream:stream`). */
      rootName?: string;
    };

export interface ElementLimits {
  /** Deepest nesting accepted, root = 1 (defends the recursive ltx serializer). */
  maxDepth: number;
  /** Most attributes (namespace declarations included) on one element. */
  maxAttributes: number;
}

export const DEFAULT_MAX_DEPTH = 256;

class LimitExceeded extends Error {
  constructor(
    readonly condition: ElementErrorCondition,
    reason: string,
  ) {
    super(reason);
  }
}

function checkDeclaration({ version, encoding }: XmlDeclaration): void {
  if (version !== "1.0") throw new LimitExceeded("not-well-formed", `XML version ${version} is not XML 1.0 (RFC 6120 §11.6)`);
  if (encoding !== undefined && encoding.toUpperCase() !== "UTF-8") {
    throw new LimitExceeded("unsupported-encoding", `encoding ${encoding} is not UTF-8 (RFC 6120 §11.6)`);
  }
}

/** One root element, namespace-checked, restricted XML refused; never throws. */
export function parseElement(text: string, limits: ElementLimits): ElementParseResult {
  let root: Element | undefined;
  let rootName: string | undefined;
  let cursor: Element | undefined;
  let depth = 0;
  try {
    parseXmlEvents(
      text,
      {
        xmlDeclaration: checkDeclaration,
        openTagStart(name) {
          rootName ??= name;
          if (depth + 1 > limits.maxDepth) throw new LimitExceeded("policy-violation", `elements nested deeper than ${limits.maxDepth} levels`);
        },
        openTag(name, attributes: readonly XmlAttribute[]) {
          if (attributes.length > limits.maxAttributes) {
            throw new LimitExceeded("policy-violation", `more than ${limits.maxAttributes} attributes on <${name}>`);
          }
          const element = new Element(name, Object.fromEntries(attributes));
          if (cursor) cursor.cnode(element);
          else root = element;
          cursor = element;
          depth += 1;
        },
        closeTag() {
          depth -= 1;
          cursor = cursor?.parent ?? undefined;
        },
        text(t) {
          cursor?.t(t);
        },
      },
      { namespaces: true },
    );
  } catch (err) {
    if (err instanceof XmlSyntaxError || err instanceof LimitExceeded) return { ok: false, condition: err.condition, reason: err.message, rootName };
    throw err;
  }
  if (!root) return { ok: false, condition: "not-well-formed", reason: "no root element", rootName };
  return { ok: true, element: root };
}

export type ParseXmlResult = { ok: true; element: Element } | { ok: false; error: string };

export interface ParseXmlOptions {
  /** Deepest nesting accepted (defends the recursive ltx serializer against hostile input). */
  maxDepth?: number;
}

export function tryParseXml(text: string, options: ParseXmlOptions = {}): ParseXmlResult {
  if (typeof text !== "string") return { ok: false, error: "input is not a string" };
  const result = parseElement(text, { maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH, maxAttributes: Infinity });
  return result.ok ? result : { ok: false, error: result.reason };
}

/** Like `tryParseXml` but throws; for fixtures in tests and trusted constants. */
export function parseXml(text: string, options?: ParseXmlOptions): Element {
  const result = tryParseXml(text, options);
  if (!result.ok) throw new Error(`invalid XML: ${result.error}`);
  return result.element;
}
