/** Stanza errors (RFC 6120 §8.3) and stream errors (RFC 6120 §4.9, framed per RFC 7395). */
import { xml } from "./element";
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import type { StanzaErrorSpec } from "../policy/types";
import { attrOf, childElements, el, findChild, findClientChild, localName, nsOf, textOf } from "./xml-util";

/** RFC 6120 §8.3.3, in the RFC's order. */
export const STANZA_ERROR_CONDITIONS = [
  "bad-request",
  "conflict",
  "feature-not-implemented",
  "forbidden",
  "gone",
  "internal-server-error",
  "item-not-found",
  "jid-malformed",
  "not-acceptable",
  "not-allowed",
  "not-authorized",
  "policy-violation",
  "recipient-unavailable",
  "redirect",
  "registration-required",
  "remote-server-not-found",
  "remote-server-timeout",
  "resource-constraint",
  "service-unavailable",
  "subscription-required",
  "undefined-condition",
  "unexpected-request",
] as const;
export type StanzaErrorCondition = (typeof STANZA_ERROR_CONDITIONS)[number];

/** RFC 6120 §4.9.3, in the RFC's order. */
export const STREAM_ERROR_CONDITIONS = [
  "bad-format",
  "bad-namespace-prefix",
  "conflict",
  "connection-timeout",
  "host-gone",
  "host-unknown",
  "improper-addressing",
  "internal-server-error",
  "invalid-from",
  "invalid-namespace",
  "invalid-xml",
  "not-authorized",
  "not-well-formed",
  "policy-violation",
  "remote-connection-failed",
  "reset",
  "resource-constraint",
  "restricted-xml",
  "see-other-host",
  "system-shutdown",
  "undefined-condition",
  "unsupported-encoding",
  "unsupported-feature",
  "unsupported-stanza-type",
  "unsupported-version",
] as const;
export type StreamErrorCondition = (typeof STREAM_ERROR_CONDITIONS)[number];

export const STANZA_ERROR_TYPES: readonly StanzaErrorSpec["type"][] = ["cancel", "modify", "auth", "wait", "continue"];

/**
 * The error type RFC 6120 §8.3.3 uses in its example for each condition: a sensible default for
 * UIs that let the user pick only a condition. `wait` matters for push: servers keep a
 * registration after a `wait` error (docs/push-semantics.md B.4).
 */
export const DEFAULT_ERROR_TYPE: Record<StanzaErrorCondition, StanzaErrorSpec["type"]> = {
  "bad-request": "modify",
  conflict: "cancel",
  "feature-not-implemented": "cancel",
  forbidden: "auth",
  gone: "cancel",
  "internal-server-error": "cancel",
  "item-not-found": "cancel",
  "jid-malformed": "modify",
  "not-acceptable": "modify",
  "not-allowed": "cancel",
  "not-authorized": "auth",
  "policy-violation": "modify",
  "recipient-unavailable": "wait",
  redirect: "modify",
  "registration-required": "auth",
  "remote-server-not-found": "cancel",
  "remote-server-timeout": "wait",
  "resource-constraint": "wait",
  "service-unavailable": "cancel",
  "subscription-required": "auth",
  "undefined-condition": "modify",
  "unexpected-request": "wait",
};

export function isStanzaErrorCondition(value: string): value is StanzaErrorCondition {
  return (STANZA_ERROR_CONDITIONS as readonly string[]).includes(value);
}

export function isStreamErrorCondition(value: string): value is StreamErrorCondition {
  return (STREAM_ERROR_CONDITIONS as readonly string[]).includes(value);
}

/** A spec with the RFC's usual type for the condition. */
export function stanzaError(condition: StanzaErrorCondition, text?: string): StanzaErrorSpec {
  const spec: StanzaErrorSpec = { type: DEFAULT_ERROR_TYPE[condition], condition };
  if (text !== undefined) spec.text = text;
  return spec;
}

/** `<error type><condition xmlns=stanzas/><text xmlns=stanzas>…</text></error>`. */
export function buildErrorElement(spec: StanzaErrorSpec): Element {
  return el(
    "error",
    { type: spec.type },
    el(spec.condition, { xmlns: NS.stanzaErrors }),
    spec.text !== undefined ? el("text", { xmlns: NS.stanzaErrors }, spec.text) : null,
  );
}

/**
 * RFC 6120 §8.3.1 error reply: same stanza name and id, `from`/`to` swapped, `type='error'`. The
 * original payload is not echoed (the RFC makes that optional for message and presence, and an iq
 * error carries none here).
 */
export function buildErrorReply(stanza: Element, spec: StanzaErrorSpec): Element {
  return el(
    stanza.name,
    { id: attrOf(stanza, "id"), from: attrOf(stanza, "to"), to: attrOf(stanza, "from"), type: "error" },
    buildErrorElement(spec),
  );
}

/**
 * Reads a stanza's `<error>` child. null when there is none. A missing or unknown `type` reads as
 * `cancel` (the safe reading: not retryable); a missing condition as `undefined-condition`.
 */
export function parseStanzaError(stanza: Element): StanzaErrorSpec | null {
  const error = findClientChild(stanza, "error");
  if (!error) return null;
  const rawType = attrOf(error, "type");
  const type = STANZA_ERROR_TYPES.find((t) => t === rawType) ?? "cancel";
  const condition = childElements(error).find((c) => nsOf(c) === NS.stanzaErrors && localName(c) !== "text");
  const spec: StanzaErrorSpec = { type, condition: condition ? localName(condition) : "undefined-condition" };
  const text = findChild(error, "text", NS.stanzaErrors);
  if (text) spec.text = textOf(text);
  return spec;
}

/**
 * The stream error element. Over WebSocket (RFC 7395 §3.6, §3.3.3) every frame is a standalone
 * document, so the `stream` prefix is declared on the element itself:
 * `<stream:error xmlns:stream='http://etherx.jabber.org/streams'>`. xmpp.js recognises stream
 * errors with `element.is("error", "http://etherx.jabber.org/streams")` (@xmpp/connection
 * `_onElement`), which resolves that prefix; Prosody, Tigase and ejabberd frame it the same way.
 * The frame that follows it must be `<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>`.
 */
export function buildStreamError(condition: StreamErrorCondition, text?: string): Element {
  return xml(
    "stream:error",
    { "xmlns:stream": NS.streams },
    xml(condition, { xmlns: NS.streamErrors }),
    ...(text !== undefined ? [xml("text", { xmlns: NS.streamErrors }, text)] : []),
  );
}

/** Condition and text of a stream error element (`<stream:error>` or `<error xmlns=streams>`); null otherwise. */
export function parseStreamError(element: Element): { condition: string; text?: string } | null {
  if (localName(element) !== "error" || nsOf(element) !== NS.streams) return null;
  const condition = childElements(element).find((c) => nsOf(c) === NS.streamErrors && localName(c) !== "text");
  const result: { condition: string; text?: string } = {
    condition: condition ? localName(condition) : "undefined-condition",
  };
  const text = findChild(element, "text", NS.streamErrors);
  if (text) result.text = textOf(text);
  return result;
}
