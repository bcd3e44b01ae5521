/**
 * The App Server sink. A publish iq reaches the playground one way: the sink session's incoming
 * `element` event, handed to `receive`, which records it once. What the sink answers is decided by
 * `decideSinkAnswer`, a pure function of the stanza and the sink mode; the xmpp.js iq callee
 * (which must produce the reply) asks the same function, so recording never depends on which of
 * the two sees the stanza first. Publishes xmpp.js answers on its own (not a single well-formed
 * `<pubsub>` child) are decided the way xmpp.js answers them.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { buildErrorElement, parseStanzaError } from "../../protocol/stanzas/errors";
import { isParseFailure, parsePushPublish, type ParsedPushPublish } from "../../protocol/stanzas/push";
import { attrOf, childElements, localName } from "../../protocol/stanzas/xml-util";
import type { ExpectationEngine } from "../expectations/engine";
import { SINK_LANE, type PushEvent, type SinkCounters, type SinkMode } from "../model";
import { describeSinkMode } from "../stores/sink";
import type { XmppSession } from "../xmpp/session";
import type { ServiceContext } from "./context";
import { quoteBody } from "./format";
import type { Linker } from "./linker";

export interface SinkDecision {
  parsed: ParsedPushPublish | null;
  parseError?: string;
  answer: SinkMode;
  /** "xmpp.js": the iq never reaches the sink's handler; xmpp.js answers it itself. */
  answeredBy: "sink" | "xmpp.js";
}

const BAD_REQUEST = { kind: "error", type: "modify", condition: "bad-request" } as const;
const SERVICE_UNAVAILABLE = { kind: "error", type: "cancel", condition: "service-unavailable" } as const;

/** What the sink answers to this iq in this mode; null when it is not a publish-like iq. */
export function decideSinkAnswer(stanza: Element, mode: SinkMode): SinkDecision | null {
  const type = attrOf(stanza, "type");
  if (stanza.name !== "iq" || (type !== "set" && type !== "get")) return null;
  const children = childElements(stanza);
  if (!children.some((c) => localName(c) === "pubsub")) return null;
  const parsed = parsePushPublish(stanza);
  // xmpp.js's callee routes an iq set with exactly one <pubsub xmlns=pubsub> child to the sink.
  const routed = type === "set" && children.length === 1 && localName(children[0]!) === "pubsub" && children[0]!.getNS() === NS.pubsub;
  if (routed) {
    if (isParseFailure(parsed)) return { parsed: null, parseError: parsed.error, answer: BAD_REQUEST, answeredBy: "sink" };
    return { parsed, answer: mode, answeredBy: "sink" };
  }
  const why = isParseFailure(parsed) ? parsed.error : "not a single <pubsub xmlns='http://jabber.org/protocol/pubsub'> child";
  return { parsed: null, parseError: `${why} (answered by xmpp.js itself)`, answer: children.length !== 1 ? BAD_REQUEST : SERVICE_UNAVAILABLE, answeredBy: "xmpp.js" };
}

/** The callee's reply for a decision: an error element, `true` (empty result) or, to time out, never. */
export function replyFor(decision: SinkDecision): Element | true | Promise<never> {
  if (decision.parseError) return buildErrorElement({ type: "modify", condition: "bad-request", text: `malformed push: ${decision.parseError}` });
  const mode = decision.answer;
  switch (mode.kind) {
    case "result":
      return true;
    case "error":
      return buildErrorElement({ type: mode.type, condition: mode.condition });
    case "timeout":
      // xmpp.js's callee answers whatever the handler resolves to, so never resolve: the server
      // under test must see no answer at all. The pending promise is collected with its iq.
      return new Promise<never>(() => {});
  }
}

export interface SinkServiceDeps {
  linker: Pick<Linker, "heuristicLink" | "pushRecorded">;
  expectations: Pick<ExpectationEngine, "pushRecorded">;
  accountBare: () => string;
  /** A push was recorded: the server log will say what caused it. */
  onPushRecorded: () => void;
}

export interface SinkService {
  /** Let the sink session answer publishes (xmpp.js iq callee). */
  attach(session: XmppSession): void;
  /** The one entry for an iq the sink received. */
  receive(stanza: Element, at: number): void;
  /** An iq the sink sent: the answer to a recorded push. */
  answerSent(element: Element, at: number): void;
  setMode(mode: SinkMode): void;
}

function notificationOf(parsed: ParsedPushPublish | null): PushEvent["notification"] {
  const s = parsed?.summary;
  if (!s) return null;
  return {
    ...(s.formType !== undefined ? { formType: s.formType } : {}),
    ...(s.messageCount !== undefined ? { messageCount: s.messageCount } : {}),
    ...(s.lastMessageSender !== undefined ? { lastMessageSender: s.lastMessageSender } : {}),
    ...(s.lastMessageBody !== undefined ? { lastMessageBody: s.lastMessageBody } : {}),
    otherFields: [
      ...s.otherFields,
      ...(s.pendingSubscriptionCount !== undefined ? [{ var: "pending-subscription-count", values: [String(s.pendingSubscriptionCount)] }] : []),
      ...(parsed?.extraDetails ?? []).map((d) => ({ var: d.ns ? `{${d.ns}}${d.name}` : d.name, values: d.text ? [d.text] : [] })),
    ],
  };
}

function nodeOf(stanza: Element, parsed: ParsedPushPublish | null): string | null {
  if (parsed) return parsed.node || null;
  const pubsub = childElements(stanza).find((c) => localName(c) === "pubsub");
  const publish = pubsub ? childElements(pubsub).find((c) => localName(c) === "publish") : undefined;
  return publish ? (attrOf(publish, "node") ?? null) : null;
}

export function pushSummary(decision: SinkDecision, node: string | null): string {
  const { parsed, parseError, answer } = decision;
  const summary = parsed?.summary ?? null;
  const parts: string[] = [];
  if (parseError) parts.push(`malformed push: ${parseError}`);
  else {
    parts.push(`push to node ${node ?? "(none)"}`);
    if (summary?.messageCount !== undefined) parts.push(`count ${summary.messageCount}`);
    if (summary?.lastMessageSender) parts.push(`from ${summary.lastMessageSender}`);
    if (summary?.lastMessageBody !== undefined) parts.push(quoteBody(summary.lastMessageBody));
    if (!summary) parts.push("no summary form");
    if (parsed?.publishOptions) parts.push(`publish-options: ${parsed.publishOptions.fields.filter((f) => f.var !== "FORM_TYPE").map((f) => f.var).join(", ") || "empty"}`);
    if (parsed?.warnings.length) parts.push(`${parsed.warnings.length} warning(s): ${parsed.warnings.join("; ")}`);
  }
  parts.push(`→ ${describeSinkMode(answer)}`);
  return parts.join(", ");
}

export function createSinkService(ctx: ServiceContext, deps: SinkServiceDeps): SinkService {
  const { stores, recorder } = ctx;
  const awaitingAnswer = new Map<string, { pushEventId: string }>();
  const mode = () => stores.sink.getState().mode;

  function count(answer: SinkMode, malformed: boolean, at: number): void {
    const counters: Partial<Record<keyof SinkCounters, number>> = { received: 1 };
    if (malformed) counters.malformed = 1;
    if (answer.kind === "result") counters.answeredResult = 1;
    else if (answer.kind === "error") counters.answeredError = 1;
    else counters.unanswered = 1;
    stores.sink.getState().count(counters);
    stores.sink.getState().setLastPushAt(at);
  }

  function record(stanza: Element, decision: SinkDecision, at: number): void {
    const { parsed, parseError, answer } = decision;
    const iqId = attrOf(stanza, "id") ?? "";
    const to = attrOf(stanza, "to") ?? "";
    count(answer, !!parseError, at);
    const node = nodeOf(stanza, parsed);
    // Link heuristically at once; the server log, when available, replaces it with the exact link.
    const link = parseError ? null : deps.linker.heuristicLink(deps.accountBare(), parsed?.summary?.lastMessageBody, at);
    const event: Omit<PushEvent, "id" | "at"> & { at: number } = {
      kind: "push",
      lane: SINK_LANE,
      at,
      summary: pushSummary(decision, node),
      xml: stanza.toString(),
      iqId,
      from: attrOf(stanza, "from") ?? "",
      node,
      notification: notificationOf(parsed),
      publishOptions: parsed?.publishOptions ?? null,
      ...(parseError ? { parseError } : {}),
      answer,
      ...(link ? { causeMessageId: link.record.messageId, causeEventId: link.record.eventId, linkMethod: "heuristic" as const, linkDetail: link.detail } : {}),
    };
    const eventId = recorder.record(event);
    deps.expectations.pushRecorded({ ...event, id: eventId }, to);
    if (answer.kind !== "timeout") awaitingAnswer.set(iqId, { pushEventId: eventId });
    else {
      recorder.record({ kind: "sink-answer", lane: SINK_LANE, at, iqId, pushEventId: eventId, answer, summary: `sink leaves push ${iqId} unanswered (the server will time out)` });
    }
    deps.linker.pushRecorded(eventId, iqId, at, link);
    if (node) {
      const regs = stores.registrations.getState();
      const match = regs.registrations.find((r) => r.node === node && r.jid === to) ?? regs.registrations.find((r) => r.node === node);
      if (match) regs.recordPush(match.jid, match.node, at);
    }
    if (!parseError) deps.onPushRecorded();
  }

  return {
    attach(session) {
      session.handleIq("set", NS.pubsub, "pubsub", (stanza) => {
        const decision = decideSinkAnswer(stanza, mode());
        // The callee only routes well-formed publish iqs, which always have a decision.
        return decision ? replyFor(decision) : true;
      });
    },
    receive(stanza, at) {
      const decision = decideSinkAnswer(stanza, mode());
      if (decision) record(stanza, decision, at);
    },
    answerSent(element, at) {
      if (element.name !== "iq") return;
      const id = attrOf(element, "id");
      const type = attrOf(element, "type");
      if (!id || (type !== "result" && type !== "error")) return;
      const pending = awaitingAnswer.get(id);
      if (!pending) return;
      awaitingAnswer.delete(id);
      const spec = type === "error" ? parseStanzaError(element) : null;
      const answer = spec ? ({ kind: "error", type: spec.type, condition: spec.condition } as const) : ({ kind: "result" } as const);
      recorder.record({
        kind: "sink-answer",
        lane: SINK_LANE,
        at,
        iqId: id,
        pushEventId: pending.pushEventId,
        answer,
        summary: `sink answered push ${id} with ${answer.kind === "result" ? "result" : `error ${answer.type}/${answer.condition}`}`,
        xml: element.toString(),
      });
    },
    setMode: (next) => stores.sink.getState().setMode(next),
  };
}
