/**
 * One WebSocket message → one ltx Element (RFC 7395 §3.3.3: every frame is a standalone, complete
 * XML document with its own namespace declarations).
 *
 * Parsing is saxes in strict, namespace-aware document mode, building the same ltx Element class
 * @xmpp/xml uses. We hook the events ltx's own saxes adapter drops, so that what RFC 6120 §11.1
 * forbids (DTDs, comments, processing instructions) is reported as `restricted-xml` instead of
 * being silently skipped, and we bound depth and attribute count so a frame under the byte cap
 * still cannot cost much to hold or to serialise recursively.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";
import { Element } from "@xmpp/xml";

export interface FrameLimits {
  /** Maximum UTF-8 bytes of one frame (checked by the caller before decoding). */
  maxBytes: number;
  /** Maximum element nesting depth (root = 1). */
  maxDepth: number;
  /** Maximum attributes (namespace declarations included) on one element. */
  maxAttributes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = {
  maxBytes: 256 * 1024,
  maxDepth: 128,
  maxAttributes: 128,
};

export type FrameErrorCondition =
  | "not-well-formed"
  | "restricted-xml"
  | "bad-namespace-prefix"
  | "policy-violation"
  | "unsupported-encoding";

export type FrameParseResult =
  | { ok: true; element: Element }
  | {
      ok: false;
      condition: FrameErrorCondition;
      /** Human-readable reason, sent as the stream error's `<text/>`. */
      reason: string;
      /** Qualified name of the first start tag seen, when there was one (e.g. `stream:stream`). */
      rootName?: string;
    };

class FrameRejection extends Error {
  constructor(
    readonly condition: FrameErrorCondition,
    reason: string,
  ) {
    super(reason);
  }
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Decode a text frame's bytes; null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    return null;
  }
}

export function parseFrame(text: string, limits: FrameLimits = DEFAULT_FRAME_LIMITS): FrameParseResult {
  if (text.trim() === "") {
    return { ok: false, condition: "not-well-formed", reason: "empty frame: every frame must be one complete XML element (RFC 7395 §3.3.3)" };
  }

  const parser = new SaxesParser({ xmlns: true, position: true });
  let root: Element | undefined;
  let rootName: string | undefined;
  let cursor: Element | undefined;
  let depth = 0;

  parser.on("doctype", () => {
    throw new FrameRejection("restricted-xml", "DTDs are not allowed in XMPP (RFC 6120 §11.1)");
  });
  parser.on("comment", () => {
    throw new FrameRejection("restricted-xml", "XML comments are not allowed in XMPP (RFC 6120 §11.1)");
  });
  parser.on("processinginstruction", (pi) => {
    throw new FrameRejection("restricted-xml", `processing instruction <?${pi.target}?> is not allowed in XMPP (RFC 6120 §11.1)`);
  });
  parser.on("xmldecl", (decl) => {
    // Allowed but not recommended in frames (RFC 7395 §3.3.3); it must not claim another encoding.
    if (decl.version !== undefined && decl.version !== "1.0") {
      throw new FrameRejection("not-well-formed", `XML version ${decl.version} is not XML 1.0 (RFC 6120 §11.6)`);
    }
    if (decl.encoding !== undefined && decl.encoding.toUpperCase() !== "UTF-8") {
      throw new FrameRejection("unsupported-encoding", `encoding ${decl.encoding} is not UTF-8 (RFC 6120 §11.6)`);
    }
  });
  parser.on("opentagstart", (tag) => {
    rootName ??= tag.name;
    if (depth + 1 > limits.maxDepth) {
      throw new FrameRejection("policy-violation", `elements nested deeper than ${limits.maxDepth} levels`);
    }
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    const attrs: Record<string, string> = {};
    let count = 0;
    for (const [name, attr] of Object.entries(tag.attributes)) {
      if (++count > limits.maxAttributes) {
        throw new FrameRejection("policy-violation", `more than ${limits.maxAttributes} attributes on <${tag.name}>`);
      }
      attrs[name] = attr.value;
    }
    const el = new Element(tag.name, attrs);
    if (cursor) cursor.cnode(el);
    else root = el;
    cursor = el;
    depth++;
  });
  parser.on("closetag", () => {
    depth--;
    cursor = cursor?.parent ?? undefined;
  });
  const onText = (str: string): void => {
    // Whitespace around the root is legal; saxes rejects any other text outside it.
    if (cursor) cursor.t(str);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof FrameRejection) return { ok: false, condition: err.condition, reason: err.message, rootName };
    const message = err instanceof Error ? err.message : String(err);
    const condition: FrameErrorCondition = /unbound namespace prefix|xmlns/i.test(message) ? "bad-namespace-prefix" : "not-well-formed";
    return { ok: false, condition, reason: message, rootName };
  }
  if (!root) return { ok: false, condition: "not-well-formed", reason: "no root element", rootName };
  return { ok: true, element: root };
}
