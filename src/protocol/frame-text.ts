/**
 * Frame text helpers that need no XML parser: masking of SASL credentials in raw frames and a
 * coarse stanza classification for filters. Every captured frame goes through them, so they stay
 * apart from the pretty-printer (xml-format.ts, over the strict parser) that only the views load.
 * Isomorphic and pure.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "./ns";

// ---------------------------------------------------------------------------------------------
// SASL masking

export const MASK = "•••";

const NS_SASL2 = "urn:xmpp:sasl:2";
const NS_FAST = "urn:xmpp:fast:0";
const SASL_NAMESPACES = new Set<string>([NS.sasl, NS_SASL2]);
/** Elements whose text is SASL data: RFC 6120 §6.4 and XEP-0388 (SASL2). */
const SASL_PAYLOAD_ELEMENTS = "auth|response|challenge|success|initial-response|additional-data";
const ATTRS = `(?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*`;
const SASL_OPEN_TAG = new RegExp(`<(?:([A-Za-z_][\\w.-]*):)?(${SASL_PAYLOAD_ELEMENTS})(${ATTRS})\\s*(/?)>`, "g");
const SASL_AT_START = new RegExp(`^\\s*<(?:[A-Za-z_][\\w.-]*:)?(?:${SASL_PAYLOAD_ELEMENTS})[\\s/>]`);
const FAST_TOKEN_TAG = new RegExp(`<(?:[A-Za-z_][\\w.-]*:)?token(${ATTRS})\\s*/?>`, "g");

/** One compiled pattern per declaration name: every captured frame asks (issue 14). */
const NS_DECLARATIONS = new Map<string, RegExp>();

function declaredNs(attrs: string, prefix: string | undefined): string | undefined {
  const name = prefix ? `xmlns:${prefix}` : "xmlns";
  let pattern = NS_DECLARATIONS.get(name);
  if (!pattern) {
    pattern = new RegExp(`\\s${name.replace(/[.]/g, "\\.")}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    // Prefixes come from the wire: keep a few.
    if (NS_DECLARATIONS.size < 32) NS_DECLARATIONS.set(name, pattern);
  }
  const match = pattern.exec(attrs);
  return match ? (match[1] ?? match[2]) : undefined;
}

/**
 * Replaces SASL payloads in a raw frame with `•••` (credentials: PLAIN's base64 carries the
 * password). Works on text, so partial and malformed frames are masked too: an element is masked
 * when it declares a SASL namespace, or declares none and the frame mentions a SASL namespace or
 * starts with it. Attributes (the mechanism) stay; empty payloads and `=` stay visible. FAST
 * tokens (`<token xmlns='urn:xmpp:fast:0' token>`) are masked as well.
 */
export function maskSaslFrame(frame: string): string {
  if (typeof frame !== "string" || frame === "") return typeof frame === "string" ? frame : "";
  const mentionsSasl = [...SASL_NAMESPACES].some((ns) => frame.includes(ns));
  const start = frame.search(/\S/);
  // Without a SASL or FAST namespace only an element at the very start can be masked: most frames
  // (stanzas) need no scan.
  if (!mentionsSasl && !frame.includes(NS_FAST) && !SASL_AT_START.test(frame)) return frame;
  let result = "";
  let last = 0;
  SASL_OPEN_TAG.lastIndex = 0;
  for (let match = SASL_OPEN_TAG.exec(frame); match; match = SASL_OPEN_TAG.exec(frame)) {
    const [whole, prefix, , attrs = "", selfClosing] = match;
    const openEnd = match.index + whole.length;
    if (selfClosing) continue;
    const ns = declaredNs(attrs, prefix);
    const sasl = ns !== undefined ? SASL_NAMESPACES.has(ns) : mentionsSasl || match.index === start;
    if (!sasl) continue;
    const nextTag = frame.indexOf("<", openEnd);
    const payloadEnd = nextTag < 0 ? frame.length : nextTag;
    const payload = frame.slice(openEnd, payloadEnd).trim();
    if (payload === "" || payload === "=") continue;
    result += frame.slice(last, openEnd) + MASK;
    last = payloadEnd;
    SASL_OPEN_TAG.lastIndex = payloadEnd;
  }
  result += frame.slice(last);
  if (!result.includes(NS_FAST)) return result;
  return result.replace(FAST_TOKEN_TAG, (tag: string) =>
    tag.replace(/(\stoken\s*=\s*)("[^"]*"|'[^']*')/, (_m, lead: string, quoted: string) => `${lead}${quoted[0]}${MASK}${quoted[0]}`),
  );
}

// ---------------------------------------------------------------------------------------------
// classification

export type StanzaKind = "message" | "presence" | "iq" | "sm" | "sasl" | "stream" | "other";

const STREAM_NAMESPACES = new Set<string>([NS.framing, NS.streams, "urn:ietf:params:xml:ns:xmpp-tls"]);

function classify(name: string, ns: string | undefined, prefix: string | undefined): StanzaKind {
  if ((name === "message" || name === "presence" || name === "iq") && (ns === undefined || ns === NS.client || ns === "jabber:server")) {
    return name;
  }
  if (ns === NS.sm) return "sm";
  if (ns !== undefined && SASL_NAMESPACES.has(ns)) return "sasl";
  if ((ns !== undefined && STREAM_NAMESPACES.has(ns)) || prefix === "stream") return "stream";
  return "other";
}

/** Coarse kind of a frame or element for console filters (stream management and SASL apart). */
export function stanzaKind(frameOrElement: string | Element): StanzaKind {
  if (typeof frameOrElement === "string") return classifyFrame(frameOrElement);
  if (typeof frameOrElement !== "object" || frameOrElement === null || typeof frameOrElement.name !== "string") return "other";
  const el = frameOrElement;
  const idx = el.name.indexOf(":");
  const prefix = idx >= 0 ? el.name.slice(0, idx) : undefined;
  let ns: string | undefined;
  try {
    const found: unknown = el.getNS();
    ns = typeof found === "string" ? found : undefined;
  } catch {
    ns = undefined;
  }
  return classify(idx >= 0 ? el.name.slice(idx + 1) : el.name, ns, prefix);
}

const FIRST_TAG = new RegExp(`^\\s*(?:<\\?xml[^>]*>\\s*)?<(/?)(?:([A-Za-z_][\\w.-]*):)?([A-Za-z_][\\w.-]*)(${ATTRS})`);

function classifyFrame(frame: string): StanzaKind {
  const match = FIRST_TAG.exec(frame);
  if (!match) return "other";
  const [, closing, prefix, name = "", attrs = ""] = match;
  if (closing) return prefix === "stream" || name === "close" ? "stream" : "other";
  return classify(name, declaredNs(attrs, prefix), prefix);
}
