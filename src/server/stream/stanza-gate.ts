/**
 * The established stream's stanza gate: once a resource is bound, every stanza is checked here
 * (RFC 6120 §8.1: `from` must be the client's own JID, `to` a valid JID, iq attributes and payload
 * shape) and, stamped with the session's JID, handed to the session manager. The few iqs that
 * belong to the stream layer (RFC 3921 session, a second bind) are answered here.
 */
import xml, { type Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { checkJid, isParsedJid } from "../../protocol/jid";
import type { StreamContext } from "./stream-context";

const IQ_TYPES = new Set(["get", "set", "result", "error"]);

export function deliverStanza(ctx: StreamContext, el: Element): void {
  const session = ctx.fields.session;
  if (!session) return;
  const name = el.getName();
  const type = el.attrs.type as string | undefined;
  const domain = ctx.fields.domain;

  const from = el.attrs.from as string | undefined;
  if (from !== undefined) {
    const parsed = checkJid(from);
    const normal = isParsedJid(parsed) ? parsed.full : null;
    if (normal !== session.jid && normal !== session.account) {
      ctx.closeWithStreamError("invalid-from", `'from' must be ${session.jid} or ${session.account}, not ${JSON.stringify(from)}`);
      return;
    }
  }

  const to = el.attrs.to as string | undefined;
  if (to !== undefined) {
    const parsed = checkJid(to);
    if (!isParsedJid(parsed)) {
      if (type !== "error") ctx.replyError(el, "modify", "jid-malformed", `'to' is not a valid JID: ${parsed.problem}`, domain);
      return;
    }
  }

  if (name === "iq") {
    if (!iqIsWellFormed(ctx, el, type)) return;
    if ((to === undefined || to === domain) && handleServerIq(ctx, el, type ?? "")) return;
  }

  el.attrs.xmlns = NS.client;
  el.attrs.from = session.jid;
  try {
    ctx.opts.sink.stanza(session, el);
  } catch (err) {
    ctx.log.error("session manager failed handling a stanza", { error: err, jid: session.jid, stanza: name });
    if (name === "iq" && (type === "get" || type === "set")) ctx.replyError(el, "cancel", "internal-server-error", undefined, domain);
  }
}

/** RFC 6120 §8.2.3: a known type, an id, and exactly one payload for get/set. Answers when not. */
function iqIsWellFormed(ctx: StreamContext, el: Element, type: string | undefined): boolean {
  if (type === undefined || !IQ_TYPES.has(type)) {
    ctx.replyError(el, "modify", "bad-request", "iq type must be get, set, result or error (RFC 6120 §8.2.3)");
    return false;
  }
  if (typeof el.attrs.id !== "string" || el.attrs.id === "") {
    if (type === "get" || type === "set") ctx.replyError(el, "modify", "bad-request", "iq without id (RFC 6120 §8.2.3)");
    else ctx.log.debug("dropped iq result/error without id");
    return false;
  }
  if ((type === "get" || type === "set") && el.getChildElements().length !== 1) {
    ctx.replyError(el, "modify", "bad-request", "iq get/set must have exactly one child element (RFC 6120 §8.2.3)");
    return false;
  }
  return true;
}

/** The few iqs that belong to the stream layer, not the session manager. */
function handleServerIq(ctx: StreamContext, el: Element, type: string): boolean {
  const domain = ctx.fields.domain;
  if (type === "set" && el.getChild("session", NS.session)) {
    // RFC 3921 session establishment: a no-op kept for older clients (feature marked optional).
    ctx.sendElement(xml("iq", { xmlns: NS.client, type: "result", id: el.attrs.id, from: domain }));
    return true;
  }
  if (type === "set" && el.getChild("bind", NS.bind)) {
    ctx.replyError(el, "cancel", "not-allowed", "a resource is already bound on this stream", domain);
    return true;
  }
  return false;
}
