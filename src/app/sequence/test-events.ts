/**
 * Timeline events as the Playground records them, for the sequence tests: the README's
 * walk-through (phone away, laptop gone, push), a message that is not pushed because the laptop
 * is back online, an app killed into XEP-0198 hibernation, and a long generated session.
 */
import type { LaneId, LaneInfo, NewTimelineEvent, TimelineEvent } from "../model";

export const ACCOUNT = "alice@localhost";
export const SENDER_JID = "bob@localhost/playground-r1";
export const SINK_JID = "pushsvc@localhost/sink";
export const NODE = "n-3f9a";

export const LANES: Record<LaneId, LaneInfo> = {
  sender: { label: "bob", colour: "#000", role: "sender" },
  sink: { label: "pushsvc/sink", colour: "#000", role: "sink" },
  "res-1": { label: "alice/phone", colour: "#000", role: "resource" },
  "res-2": { label: "alice/laptop", colour: "#000", role: "resource" },
};

/** Stamps ids and times in order (1 s apart unless `at` is given). */
export class EventLog {
  readonly events: TimelineEvent[] = [];
  private readonly index = new Map<string, number>();
  private n = 0;
  private clock: number;

  constructor(start = Date.UTC(2026, 0, 15, 9, 0, 0)) {
    this.clock = start;
  }

  add(event: NewTimelineEvent): string {
    const id = event.id ?? `e-${++this.n}`;
    this.clock = event.at ?? this.clock + 1000;
    this.index.set(id, this.events.length);
    this.events.push({ ...event, id, at: this.clock } as TimelineEvent);
    return id;
  }

  /** Patch an event recorded earlier (as the Playground patches receipts and push links). */
  patch(id: string, fn: (e: TimelineEvent) => TimelineEvent): void {
    const i = this.index.get(id);
    if (i !== undefined) this.events[i] = fn(this.events[i]!);
  }

  online(lane: LaneId, resource: string): string {
    this.add({ kind: "connection", lane, status: "connecting", summary: `${lane}: connecting to ws://localhost:5280/xmpp-websocket` });
    return this.add({ kind: "connection", lane, status: "online", jid: `${ACCOUNT}/${resource}`, summary: `${ACCOUNT}/${resource} online` });
  }

  presence(lane: LaneId, show: "available" | "away" | "xa" | "unavailable"): string {
    return this.add({
      kind: "presence",
      lane,
      direction: "out",
      available: show !== "unavailable",
      show: show === "available" || show === "unavailable" ? null : show,
      priority: 0,
      summary: `${lane} sent presence: ${show}`,
    });
  }

  send(messageId: string, body: string): string {
    return this.add({
      kind: "message-sent",
      lane: "sender",
      messageId,
      from: SENDER_JID,
      to: ACCOUNT,
      sendKind: "chat",
      messageType: "chat",
      body,
      receivedBy: [],
      pushEventIds: [],
      summary: `bob → ${ACCOUNT}: chat "${body}"`,
    });
  }

  receive(lane: LaneId, resource: string, messageId: string, body: string, cause: string, delayed = false): string {
    this.patch(cause, (e) => (e.kind === "message-sent" ? { ...e, receivedBy: [...e.receivedBy, lane] } : e));
    return this.add({
      kind: "message-received",
      lane,
      messageId,
      from: SENDER_JID,
      to: `${ACCOUNT}/${resource}`,
      messageType: "chat",
      body,
      delayed,
      causeEventId: cause,
      summary: `alice/${resource} received chat from ${SENDER_JID}: "${body}"`,
    });
  }

  decision(messageId: string | null, pushed: number, rule: string, reason: string, logKind = "message-decision"): string {
    return this.add({
      kind: "decision",
      lane: "server",
      seq: this.n + 1,
      logKind,
      rule,
      reason,
      messageId,
      summary: `spec: ${pushed > 0 ? `push to ${pushed} registration${pushed === 1 ? "" : "s"}` : "no push"} for message ${messageId ?? "(no id)"}: ${reason}`,
    });
  }

  push(iqId: string, body: string, cause: { eventId: string; messageId?: string }): string {
    const id = this.add({
      kind: "push",
      lane: "sink",
      iqId,
      from: "localhost",
      node: NODE,
      notification: { formType: "urn:xmpp:push:summary", messageCount: 1, lastMessageSender: SENDER_JID, lastMessageBody: body, otherFields: [] },
      publishOptions: null,
      answer: { kind: "result" },
      causeEventId: cause.eventId,
      ...(cause.messageId ? { causeMessageId: cause.messageId } : {}),
      linkMethod: "server log",
      summary: `push to node ${NODE}, count 1 → result`,
    });
    this.patch(cause.eventId, (e) => (e.kind === "message-sent" ? { ...e, pushEventIds: [...e.pushEventIds, id] } : e));
    this.add({ kind: "sink-answer", lane: "sink", iqId, pushEventId: id, answer: { kind: "result" }, summary: `sink answered push ${iqId} with result` });
    return id;
  }
}

export interface WalkThrough {
  events: TimelineEvent[];
  ids: { pushed: string; notPushed: string; push: string; killed: string; hibernationPush: string; laptopGone: string; enable: string };
}

/** The README's walk-through, then a message the laptop gets (no push), then the phone's app killed. */
export function walkThrough(): WalkThrough {
  const log = new EventLog();
  log.add({ kind: "connection", lane: "sender", status: "connecting", summary: "bob: connecting" });
  log.add({ kind: "connection", lane: "sender", status: "online", jid: SENDER_JID, summary: `${SENDER_JID} online (sender)` });
  log.add({ kind: "connection", lane: "sink", status: "connecting", summary: "pushsvc/sink: connecting" });
  log.add({ kind: "connection", lane: "sink", status: "online", jid: SINK_JID, summary: `${SINK_JID} online (App Server sink)` });
  log.online("res-1", "phone");
  log.presence("res-1", "available");
  log.online("res-2", "laptop");
  log.presence("res-2", "available");
  log.add({ kind: "disco", lane: "res-1", target: "account", jid: ACCOUNT, outcome: "result", identities: [], features: ["urn:xmpp:push:0", "tigase:push:away:0"], summary: "disco#info" });
  const enable = log.add({ kind: "enable", lane: "res-1", jid: SINK_JID, node: NODE, away: true, publishOptions: null, outcome: "result", summary: `alice/phone: enable jid=${SINK_JID} node=${NODE} away=true: result` });
  log.presence("res-1", "away");
  const laptopGone = log.add({ kind: "connection", lane: "res-2", status: "offline", summary: "alice/laptop disconnected" });

  const pushed = log.send("m-1", "Dinner at eight?");
  log.decision("m-1", 1, "spec/all-away", "all 1 receiving resources are away and registration n-3f9a has away=true");
  log.receive("res-1", "phone", "m-1", "Dinner at eight?", pushed);
  const push = log.push("push-1", "Dinner at eight?", { eventId: pushed, messageId: "m-1" });

  log.online("res-2", "laptop");
  log.presence("res-2", "available");
  const notPushed = log.send("m-2", "Are you there?");
  log.decision("m-2", 0, "spec/online-session", "alice/laptop is online (available): it gets the message");
  log.receive("res-1", "phone", "m-2", "Are you there?", notPushed);
  log.receive("res-2", "laptop", "m-2", "Are you there?", notPushed);

  const killed = log.add({ kind: "connection", lane: "res-1", status: "offline", sm: "killed", jid: `${ACCOUNT}/phone`, summary: "alice/phone: app killed" });
  const hibernated = log.add({
    kind: "decision",
    lane: "server",
    seq: 90,
    logKind: "session-hibernated",
    rule: "prosody/hibernation-start",
    reason: "the session hibernated with unacknowledged stanzas",
    summary: "prosody: alice@localhost/phone hibernated (1 unacknowledged stanza); pushes to 1 registration for its queue: the session hibernated",
  });
  const hibernationPush = log.push("push-2", "Are you there?", { eventId: hibernated });
  log.add({ kind: "connection", lane: "res-1", status: "online", sm: "resumed", redelivered: 1, jid: `${ACCOUNT}/phone`, summary: "alice/phone: session resumed" });
  log.receive("res-1", "phone", "m-2", "Are you there?", notPushed, true);
  return { events: log.events, ids: { pushed, notPushed, push, killed, hibernationPush, laptopGone, enable } };
}

/**
 * A long session of push rounds (message, decision, delivery, push, answer) with a presence burst
 * and a reconnect now and then: `count` events in all.
 */
export function longSession(count: number): TimelineEvent[] {
  const log = new EventLog();
  let round = 0;
  while (log.events.length < count) {
    round += 1;
    if (round % 25 === 1) {
      log.online("res-2", "laptop");
      for (const show of ["away", "available", "xa", "away"] as const) log.presence("res-2", show);
    }
    const messageId = `m-${round}`;
    const sent = log.send(messageId, `message ${round}`);
    const pushed = round % 3 !== 0;
    log.decision(messageId, pushed ? 1 : 0, pushed ? "spec/all-away" : "spec/online-session", pushed ? "all receiving resources are away" : "a resource is online");
    log.receive("res-2", "laptop", messageId, `message ${round}`, sent);
    if (pushed) log.push(`push-${round}`, `message ${round}`, { eventId: sent, messageId });
  }
  return log.events.slice(0, count);
}
