/**
 * Error elements the stream layer sends. Stream errors and stanza error replies come from the
 * shared builders in src/protocol/stanzas/errors.ts; SASL failures (RFC 6120 §6.5) exist only here.
 */
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { StanzaErrorSpec } from "../../protocol/policy/types";
import { buildErrorReply, buildStreamError, isStreamErrorCondition } from "../../protocol/stanzas/errors";

/** RFC 6120 §6.5. */
export const SASL_FAILURE_CONDITIONS = [
  "aborted",
  "account-disabled",
  "credentials-expired",
  "encryption-required",
  "incorrect-encoding",
  "invalid-authzid",
  "invalid-mechanism",
  "malformed-request",
  "mechanism-too-weak",
  "not-authorized",
  "temporary-auth-failure",
] as const;
export type SaslFailureCondition = (typeof SASL_FAILURE_CONDITIONS)[number];

export type StanzaErrorType = StanzaErrorSpec["type"];

/**
 * `<stream:error/>` for any condition string a caller passes (ClientSession.closeWithStreamError
 * takes a string): an unknown one is sent as `undefined-condition` with the name in the text, so
 * the client still gets a valid RFC 6120 error.
 */
export function buildStreamErrorFrame(condition: string, text?: string): Element {
  if (isStreamErrorCondition(condition)) return buildStreamError(condition, text);
  return buildStreamError("undefined-condition", text ? `${condition}: ${text}` : condition);
}

export function buildSaslFailure(condition: SaslFailureCondition, text?: string): Element {
  const el = xml("failure", { xmlns: NS.sasl }, xml(condition));
  if (text) el.append(xml("text", { "xml:lang": "en" }, text));
  return el;
}

/**
 * The error reply to a stanza this client sent (RFC 6120 §8.3.1), addressed back to the client's
 * session whatever `from` it claimed, and from `from` (default: the stanza's `to`, else the server).
 */
export function buildStanzaErrorReply(
  stanza: Element,
  spec: StanzaErrorSpec,
  address: { to?: string; from?: string; serverDomain: string },
): Element {
  const reply = buildErrorReply(stanza, spec);
  reply.attrs.xmlns = NS.client;
  const from = address.from ?? (stanza.attrs.to as string | undefined) ?? address.serverDomain;
  reply.attrs.from = from;
  if (address.to !== undefined) reply.attrs.to = address.to;
  else delete reply.attrs.to;
  return reply;
}
