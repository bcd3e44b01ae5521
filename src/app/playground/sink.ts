/**
 * The App Server sink. A publish iq reaches the playground one way: the sink session's incoming
 * `element` event, handed to `receive`, which records it once. What the sink answers is decided by
 * `decideSinkAnswer`, a pure function of the stanza and the sink mode; the xmpp.js iq callee
 * (which must produce the reply) asks the same function, so recording never depends on which of
 * the two sees the stanza first. Publishes xmpp.js answers on its own (not a single well-formed
 * `<pubsub>` child) are decided the way xmpp.js answers them.
 *
 * Which App Server the sink plays (`../app-server/`: a profile plus injected faults) is decided
 * once per publish, whichever of the two paths sees it first: the profile's rate limits and the
 * seeded RNG keep state, so deciding twice would count the publish twice.
 */
import type { Element } from "@xmpp/xml";
import { xml } from "../../protocol/stanzas/element";
import { decideAppServer, type AppServerConfig } from "../app-server/decide";
import { initialAppServerState, type AppServerFacts, type AppServerState, type PublishInput } from "../app-server/types";
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
  /** Set when a profile other than generic, or a fault, decided: what the App Server did. */
  appServer?: SinkAppServerFacts;
}

export type SinkAppServerFacts = AppServerFacts;

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

/** What the App Server profiles read of a publish. */
export function publishInputOf(stanza: Element, decision: SinkDecision): PublishInput {
  const parsed = decision.parsed;
  // No prototype: a field named constructor or __proto__ is a field like any other, and a
  // profile reading an absent field gets undefined.
  const options = Object.create(null) as Record<string, string>;
  for (const f of parsed?.publishOptions?.fields ?? []) if (f.var !== "FORM_TYPE" && !Object.hasOwn(options, f.var)) options[f.var] = f.values[0] ?? "";
  return {
    node: nodeOf(stanza, parsed) ?? "",
    options,
    summary: parsed?.summary ?? null,
    from: attrOf(stanza, "from") ?? "",
    extraChildren: parsed?.extraChildren ?? [],
    ...(decision.parseError ? { parseError: decision.parseError } : {}),
  };
}

/**
 * The sink's decision under an App Server profile and its faults: the routing as
 * `decideSinkAnswer`, then, for what reaches the sink's handler, the profile's answer.
 */
export function decideWithAppServer(stanza: Element, config: AppServerConfig, state: AppServerState, now: number): { decision: SinkDecision; state: AppServerState } | null {
  const base = decideSinkAnswer(stanza, config.genericMode);
  if (!base || base.answeredBy !== "sink") return base ? { decision: base, state } : null;
  const next = decideAppServer(publishInputOf(stanza, base), config, state, now);
  const d = next.decision;
  // Generic without any fault answers as the sink always did: nothing more to record.
  const plain = config.profile === "generic" && d.by === "profile" && d.delayMs === 0 && d.provider === null;
  const facts: SinkAppServerFacts = { profile: config.profile, note: d.note, details: d.details, delayMs: d.delayMs, provider: d.provider };
  return { decision: { ...base, answer: d.outcome, ...(plain ? {} : { appServer: facts }) }, state: next.state };
}

function delayed<T>(value: T, ms: number): T | Promise<T> {
  return ms > 0 ? new Promise<T>((resolve) => setTimeout(() => resolve(value), ms)) : value;
}

/** The callee's reply for a decision: an error element, `true` (empty result) or, to time out, never. */
export function replyFor(decision: SinkDecision): Element | true | Promise<Element | true> {
  const mode = decision.answer;
  const delayMs = decision.appServer?.delayMs ?? 0;
  switch (mode.kind) {
    case "result":
      return delayed(true as const, delayMs);
    case "error": {
      const text = decision.parseError ? `malformed push: ${decision.parseError}` : undefined;
      return delayed(buildErrorElement({ type: mode.type, condition: mode.condition, ...(text ? { text } : {}) }), delayMs);
    }
    case "timeout":
      // xmpp.js's callee answers whatever the handler resolves to, so never resolve: the server
      // under test must see no answer at all. The pending promise is collected with its iq.
      return new Promise<never>(() => {});
  }
}

/**
 * The sink's disco#info, as an App Server's: identity pubsub/push and feature urn:xmpp:push:0
 * (XEP-0357 §5; Converse.js refuses to enable push towards a service without them). Any other iq
 * the sink has no handler for is answered `service-unavailable` by xmpp.js's callee.
 */
export function sinkDiscoInfo(node: string | undefined): Element {
  return xml(
    "query",
    { xmlns: NS.discoInfo, ...(node ? { node } : {}) },
    xml("identity", { category: "pubsub", type: "push", name: "XMPP Push Playground sink" }),
    xml("feature", { var: NS.push }),
    xml("feature", { var: NS.discoInfo }),
  );
}

export interface SinkServiceDeps {
  linker: Pick<Linker, "heuristicLink" | "pushRecorded">;
  expectations: Pick<ExpectationEngine, "pushRecorded"> & Partial<Pick<ExpectationEngine, "predictedCause">>;
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
  const facts = decision.appServer;
  if (facts) {
    const extra = [`${facts.profile}: ${facts.note}`, ...facts.details.filter((d) => !facts.note.includes(d))];
    if (facts.delayMs > 0) extra.push(`after ${facts.delayMs} ms`);
    if (facts.provider) extra.push(`provider: ${facts.provider}`);
    parts.push(`(${extra.join("; ")})`);
  }
  return parts.join(", ");
}

/** What the sink counted since the last flush. */
interface CountedPushes {
  counters: Partial<Record<keyof SinkCounters, number>>;
  lastAt: number;
  pushes: { jid: string; node: string; at: number }[];
}

export function createSinkService(ctx: ServiceContext, deps: SinkServiceDeps): SinkService {
  const { stores, recorder } = ctx;
  const awaitingAnswer = new Map<string, { pushEventId: string }>();
  let appServerState = initialAppServerState(1);
  /** Decisions one path made and the other has yet to read, by sender and iq id. */
  const decided = new Map<string, SinkDecision>();

  function config(): AppServerConfig {
    const s = stores.sink.getState();
    return { profile: s.profile, settings: s.profileSettings, faults: s.faults, genericMode: s.mode };
  }

  function decideOnce(stanza: Element): SinkDecision | null {
    const key = `${attrOf(stanza, "from") ?? ""}\u0000${attrOf(stanza, "id") ?? ""}`;
    const earlier = decided.get(key);
    if (earlier) {
      decided.delete(key);
      return earlier;
    }
    const next = decideWithAppServer(stanza, config(), appServerState, ctx.clock.now());
    if (!next) return null;
    appServerState = next.state;
    // Only publishes the sink's handler receives are seen twice (element event and callee).
    if (next.decision.answeredBy === "sink") {
      decided.set(key, next.decision);
      if (decided.size > 256) decided.delete(decided.keys().next().value!);
    }
    return next.decision;
  }

  /**
   * The sink's counters and the registrations' last pushes go to their stores with the recorder's
   * next flush, summed: a burst of pushes is one update of each, not one per publish.
   */
  let counted: CountedPushes | null = null;
  function pending(): CountedPushes {
    if (counted) return counted;
    const fresh: CountedPushes = { counters: {}, lastAt: 0, pushes: [] };
    counted = fresh;
    recorder.defer(() => {
      counted = null;
      stores.sink.getState().count(fresh.counters);
      stores.sink.getState().setLastPushAt(fresh.lastAt);
      stores.registrations.getState().recordPushes(fresh.pushes);
    });
    return fresh;
  }

  function count(answer: SinkMode, malformed: boolean, at: number): void {
    const c = pending();
    const add = (key: keyof SinkCounters) => (c.counters[key] = (c.counters[key] ?? 0) + 1);
    add("received");
    if (malformed) add("malformed");
    if (answer.kind === "result") add("answeredResult");
    else if (answer.kind === "error") add("answeredError");
    else add("unanswered");
    c.lastAt = Math.max(c.lastAt, at);
  }

  function record(stanza: Element, decision: SinkDecision, at: number): void {
    const { parsed, parseError, answer } = decision;
    const iqId = attrOf(stanza, "id") ?? "";
    const to = attrOf(stanza, "to") ?? "";
    count(answer, !!parseError, at);
    const node = nodeOf(stanza, parsed);
    // A push the policies predicted for a presence queued to a hibernated session is that
    // presence's, not a message's. Else link heuristically at once; the server log, when
    // available, replaces either with the exact link.
    const notification = notificationOf(parsed);
    const predicted = parseError ? null : (deps.expectations.predictedCause?.({ to, node, at, notification }) ?? null);
    const link = parseError || predicted ? null : deps.linker.heuristicLink(deps.accountBare(), parsed?.summary?.lastMessageBody, at);
    const event: Omit<PushEvent, "id" | "at"> & { at: number } = {
      kind: "push",
      lane: SINK_LANE,
      at,
      summary: pushSummary(decision, node),
      xml: stanza.toString(),
      iqId,
      from: attrOf(stanza, "from") ?? "",
      node,
      notification,
      ...(decision.appServer ? { appServer: decision.appServer } : {}),
      publishOptions: parsed?.publishOptions ?? null,
      ...(parseError ? { parseError } : {}),
      answer,
      ...(link ? { causeMessageId: link.record.messageId, causeEventId: link.record.eventId, linkMethod: "heuristic" as const, linkDetail: link.detail } : {}),
      ...(predicted ? { causeEventId: predicted.eventId, linkMethod: "prediction" as const, linkDetail: predicted.detail } : {}),
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
      if (match) pending().pushes.push({ jid: match.jid, node: match.node, at });
    }
    if (!parseError) deps.onPushRecorded();
  }

  return {
    attach(session) {
      session.handleIq("get", NS.discoInfo, "query", (_stanza, query) => sinkDiscoInfo(attrOf(query, "node")));
      session.handleIq("set", NS.pubsub, "pubsub", (stanza) => {
        const decision = decideOnce(stanza);
        // The callee only routes well-formed publish iqs, which always have a decision.
        return decision ? replyFor(decision) : true;
      });
    },
    receive(stanza, at) {
      const decision = decideOnce(stanza);
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
