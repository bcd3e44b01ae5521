/**
 * The Playground service's side of push expectations: it keeps what the stores do not (connection
 * generations, which connection enabled which registration, how the sink answered each
 * registration's pushes, pushes and their links), predicts every message to the account just
 * before it is sent, closes each message's wait window on a timer the service owns, attaches the
 * reference server's decision record, and writes the results into the expectations store in
 * batches. Framework-free: the service calls its hooks, tests may drive it directly.
 */
import type { Element } from "@xmpp/xml";
import { isPolicyName } from "../../protocol/policy/names";
import type { PolicyName, PolicyOptions, PresenceState, RegistrationKey } from "../../protocol/policy/types";
import type { MessageDecisionEntry, PushLogEntry, RegistrationEntry } from "../../protocol/push-log";
import { SINK_LANE, type LaneId, type LinkMethod, type PushEvent } from "../model";
import type { Stores } from "../stores";
import { selectOutsideSessions } from "../stores/outside";
import { selectResources } from "../stores/sessions";
import { createConnectionTracker, type ConnectionTracker } from "./connection-tracker";
import { keyId } from "./keys";
import { knownAccountState, messageToAccount, planMessage, sentRecord, type MessagePlan } from "./message-plan";
import { observe, pushFact } from "./observe";
import { connectionSessionId, ZERO_COUNTERS, type PredictionCounters } from "./predict";
import { createPredictedCauses, type ObservedPushFacts, type PredictedCause } from "./predicted-causes";
import { predictPresencePushes, type PredictedPresencePush } from "./presence-pushes";
import { createPushMemory } from "./push-memory";
import { createRecordWriter } from "./record-writer";
import { checkServerDecision } from "./server-check";
import { DEFAULT_WINDOW_MS, type ExpectationRecord } from "./types";
import { judgeAll } from "./verdict";
import { createWaitWindows } from "./wait-windows";

export type { MessagePlan } from "./message-plan";

export interface ExpectationEngineOptions {
  stores: Stores;
  /** The account under test (bare JID, lower case). */
  account: () => string;
  /** The App Server sink's full JID. */
  sinkJid: () => string;
  /** The options the predictions decide with (the away set). */
  policyOptions: PolicyOptions;
  /** Available presences sent on the lane's current connection (SessionSnapshot.presenceCount). */
  presenceCountOf?: (lane: LaneId) => number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** Store writes are batched on this period (default 50 ms, like the timeline). */
  flushIntervalMs?: number;
  /** Write with the recorder's flush instead (record-writer.ts). */
  deferWrites?: (flush: () => void) => void;
  /** A push recorded before its presence turned out to be that presence's (predicted-causes.ts): link it now. */
  onPredictedLink?: (pushEventId: string, cause: PredictedCause) => void;
}

export interface ExpectationEngine {
  /** A lane's session came online: a new connection generation (a new session id). */
  connectionOnline(lane: LaneId): void;
  /** A lane's session was resumed over XEP-0198: the same session, a new key under ejabberd (a new sid). */
  connectionResumed(lane: LaneId): void;
  /** An enable succeeded from `lane`: the registration is bound to that lane's current connection. */
  registrationEnabled(key: RegistrationKey, lane: LaneId): void;
  /**
   * A disable from `lane` that the server accepted, of `jid`'s `node` (every node when null): the
   * registrations it removed remember the disabling connection (ejabberd clears that session's
   * push id; Prosody only that session's push identifier, so the enabler may still hold it).
   */
  registrationDisabled(jid: string, node: string | null, lane: LaneId): void;
  /** The sink sent the XEP-0357 §9 remote disable for a node. */
  remoteDisabled(key: RegistrationKey): void;
  /** Before a message goes out: its prediction, or null when it is not a message with an id to the account. */
  plan(element: Element, lane: LaneId, fromJid: string): MessagePlan | null;
  /** The planned message was sent (its timeline event id and time): its wait window starts. */
  sent(plan: MessagePlan, eventId: string, at: number): void;
  /** The sink received a publish (`to` = the publish iq's `to`). */
  pushRecorded(event: PushEvent, to: string): void;
  /** A push's link to a message changed (the server log replaced a heuristic link). */
  pushLinked(pushEventId: string, causeMessageId: string | null, linkMethod: LinkMethod): void;
  /** An entry of the reference server's push log. */
  logEntry(entry: PushLogEntry): void;
  /**
   * A resource sent presence (its timeline event): the pushes it causes through hibernated
   * sessions' queues are predicted (presence-pushes.ts). `before`: the lane's presence until then.
   */
  presenceSent(lane: LaneId, change: { before: PresenceState | null; after: PresenceState | null }, eventId: string, at: number): void;
  /** The predicted presence this push fits (then it is no message's push), or null. */
  predictedCause(push: ObservedPushFacts): PredictedCause | null;
  /** Write pending changes to the store now. */
  flush(): void;
  dispose(): void;
}

/** Server decisions that arrived before their message's record (rare: kept briefly). */
const EARLY_DECISIONS = 1_000;

/** The registrations in force that a disable of `jid`'s `node` (every node when null) matched. */
function activeKeys(stores: Stores, jid: string, node: string | null): RegistrationKey[] {
  const id = keyId({ jid, node: "" }).split("\n")[0];
  return stores.registrations
    .getState()
    .registrations.filter((r) => r.state === "active" && keyId(r).split("\n")[0] === id && (node === null || r.node === node))
    .map((r) => ({ jid: r.jid, node: r.node }));
}

/** A decision for a message not recorded yet waits for it (bounded: the oldest go first). */
function keepEarly(early: Map<string, MessageDecisionEntry>, messageId: string, entry: MessageDecisionEntry): void {
  early.set(messageId, entry);
  if (early.size > EARLY_DECISIONS) {
    const oldest = early.keys().next().value;
    if (oldest !== undefined) early.delete(oldest);
  }
}

/**
 * An outside session's enable or disable (issue 12), from the server's log: the tracker learns its
 * session (the server's id) as it learns the playground's own from their actions, so a re-enable
 * starts a new App Server history and a disable remembers who sent it.
 */
function outsideRegistration(entry: RegistrationEntry, stores: Stores, connections: ConnectionTracker, now: () => number): void {
  const resource = entry.resource;
  if (!resource || entry.error || !entry.key || selectResources(stores.sessions.getState()).some((v) => v.resource === resource)) return;
  const at = Date.parse(entry.at);
  const when = Number.isFinite(at) ? at : now();
  if (entry.kind === "enable" && entry.registration) {
    connections.enabledBySession(entry.key, entry.registration.enabledBySessionId, resource, when, entry.registration.sessionKey);
  } else if (entry.kind === "disable" && entry.registration) {
    const outside = stores.outside ? selectOutsideSessions(stores.outside.getState()) : [];
    const sessionId = outside.find((v) => v.resource === resource)?.sessionId ?? null;
    connections.registrationDisabled([entry.key], { sessionId, label: `the outside session ${resource}`, at: when });
  }
}

/** The pushes `lane`'s presence change would cause through hibernated sessions, from what the playground knows now; null: not a resource. */
function presencePushesOf(
  lane: LaneId,
  change: { before: PresenceState | null; after: PresenceState | null },
  context: { options: ExpectationEngineOptions; connections: ConnectionTracker; serverPolicy: PolicyName | null },
): PredictedPresencePush[] | null {
  const { options, connections } = context;
  const view = options.stores.sessions.getState().sessions[lane];
  if (!view || view.role !== "resource") return null;
  const { sessions, registrations } = knownAccountState({ stores: options.stores, connections, presenceCountOf: options.presenceCountOf });
  const senderSessionId = connectionSessionId(lane, view.resource, connections.generationOf(lane) ?? 0);
  // The snapshot before the presence: the sender as it was (a lane that just closed is gone from the views).
  const sender = { sessionId: senderSessionId, resource: view.resource, state: "connected" as const, presence: change.before, presenceCount: options.presenceCountOf?.(lane) ?? (change.before ? 1 : 0) };
  const before = sessions.some((s) => s.sessionId === senderSessionId)
    ? sessions.map((s) => (s.sessionId === senderSessionId ? { ...s, presence: change.before } : s))
    : [...sessions, sender];
  return predictPresencePushes({
    account: options.account(),
    sessions: before,
    registrations,
    options: options.policyOptions,
    serverPolicy: context.serverPolicy,
    senderSessionId,
    senderLabel: view.resource,
    presence: change.after,
  });
}

export function createExpectationEngine(options: ExpectationEngineOptions): ExpectationEngine {
  const { stores } = options;
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));

  const connections = createConnectionTracker();
  const pushes = createPushMemory();
  /** Records whose linked pushes changed: observed and judged again once, with the next write. */
  const stale = new Set<string>();
  const writer = createRecordWriter({
    stores,
    setTimer,
    clearTimer,
    flushIntervalMs: options.flushIntervalMs ?? 50,
    ...(options.deferWrites ? { defer: options.deferWrites } : {}),
    beforeFlush: refreshStale,
  });
  const windows = createWaitWindows({ now, setTimer, clearTimer, onClose: close });
  const earlyDecisions = new Map<string, MessageDecisionEntry>();
  // Presence pushes are matched within the wait window, and never within less than Prosody's batch needs.
  const presenceCauses = createPredictedCauses(() => Math.max(stores.expectations.getState().windowMs, DEFAULT_WINDOW_MS));
  let counters: PredictionCounters = ZERO_COUNTERS;
  let disposed = false;

  /** Observation and verdicts of a record from the pushes linked to it now. */
  function reobserve(record: ExpectationRecord, closedAt: number | null, unobservable: string | null): ExpectationRecord {
    const linked = pushes.linkedTo(record.messageId);
    const observation = observe({ messageId: record.messageId, sentAt: record.sentAt, windowMs: record.windowMs, closedAt, unobservable }, linked);
    return { ...record, observation, verdicts: judgeAll(record.predictions, observation, { sinkJid: record.sinkJid, windowMs: record.windowMs }) };
  }

  /**
   * A push was linked to the message or unlinked from it. Judging is not on the push's way to the
   * screen: it happens with the next write, once however many pushes changed the message meanwhile.
   */
  function refresh(messageId: string): void {
    stale.add(messageId);
    writer.touch();
  }

  function refreshStale(): void {
    for (const messageId of stale) {
      const record = writer.current(messageId);
      if (record) writer.put(reobserve(record, record.observation.closedAt, record.observation.unobservable));
    }
    stale.clear();
  }

  /** A wait window passed: observable only if the sink stayed on the connection the message was sent under. */
  function close(messageId: string, sinkConnectedAt: number | null): void {
    const record = writer.current(messageId);
    if (!record) return;
    const sink = stores.sessions.getState().sessions[SINK_LANE];
    const sinkStayed = sink?.status === "online" && sink.connectedAt === sinkConnectedAt;
    const unobservable = record.observation.unobservable ?? (sinkStayed ? null : "the App Server sink disconnected during the wait window");
    writer.put(reobserve(record, now(), unobservable));
  }

  function attachDecision(record: ExpectationRecord, entry: MessageDecisionEntry): ExpectationRecord {
    if (!isPolicyName(entry.policy)) return record;
    const prediction = record.predictions[entry.policy];
    const server = checkServerDecision(
      entry,
      prediction,
      { sessions: record.sessions, registrations: prediction.registrations, delivery: prediction.delivery },
      record.message,
      options.policyOptions,
    );
    return { ...record, server };
  }

  /** The server's policy and host, written when its log names another. */
  function noteServer(entry: PushLogEntry): void {
    if (!isPolicyName(entry.policy)) return;
    const known = writer.server();
    if (known?.policy !== entry.policy || known.host !== entry.host) writer.setServer({ policy: entry.policy, host: entry.host });
  }

  return {
    connectionOnline: (lane) => connections.connectionOnline(lane),
    connectionResumed: (lane) => connections.connectionResumed(lane, stores.sessions.getState().sessions[lane]),
    registrationEnabled: (key, lane) => connections.registrationEnabled(key, lane, stores.sessions.getState().sessions[lane], now()),
    registrationDisabled(jid, node, lane) {
      const view = stores.sessions.getState().sessions[lane];
      connections.registrationDisabled(activeKeys(stores, jid, node), { sessionId: connections.sessionIdOf(lane, view), label: view?.label ?? lane, at: now() });
    },
    remoteDisabled: (key) => connections.remoteDisabled(key),

    plan(element, lane, fromJid) {
      const target = messageToAccount(element, options.account);
      if (!target) return null;
      return planMessage(element, target.messageId, lane, fromJid, {
        stores,
        connections,
        account: target.account,
        sinkJid: options.sinkJid,
        windowMs: () => stores.expectations.getState().windowMs,
        policyOptions: options.policyOptions,
        serverPolicy: writer.server()?.policy ?? null,
        counters,
        presenceCountOf: options.presenceCountOf,
      });
    },

    sent(plan, eventId, at) {
      if (disposed) return;
      counters = plan.prediction.counters;
      // Pushes may already be linked to it (a resend of an id); an unobservable message has nothing to wait for.
      let record = reobserve(sentRecord(plan, eventId, at), plan.unobservable ? at : null, plan.unobservable);
      const early = earlyDecisions.get(plan.messageId);
      if (early) {
        earlyDecisions.delete(plan.messageId);
        record = attachDecision(record, early);
      }
      writer.put(record);
      if (!plan.unobservable) windows.open(plan.messageId, at + plan.windowMs, plan.sinkConnectedAt);
    },

    pushRecorded(event, to) {
      const fact = pushFact(event, to);
      if (event.node !== null && event.answer) connections.answered(fact.key, event.answer);
      pushes.remember(fact);
      if (fact.causeMessageId) refresh(fact.causeMessageId);
      if (event.linkMethod !== "prediction") presenceCauses.unexplained(event.id, { to, node: event.node, at: event.at, notification: event.notification });
    },

    pushLinked(pushEventId, causeMessageId, linkMethod) {
      if (linkMethod !== "heuristic") presenceCauses.explained(pushEventId);
      const fact = pushes.get(pushEventId);
      if (!fact) return;
      const previous = fact.causeMessageId;
      if (previous === causeMessageId && fact.linkMethod === linkMethod) return;
      if (previous) pushes.unlink(previous, pushEventId);
      pushes.remember({ ...fact, causeMessageId, linkMethod });
      if (previous && previous !== causeMessageId) refresh(previous);
      if (causeMessageId) refresh(causeMessageId);
    },

    logEntry(entry) {
      if (entry.account.toLowerCase() !== options.account()) return;
      noteServer(entry);
      if (entry.kind === "enable" || entry.kind === "disable") outsideRegistration(entry, stores, connections, now);
      if (entry.kind !== "message-decision" || !entry.messageId) return;
      const record = writer.current(entry.messageId);
      if (record) writer.put(attachDecision(record, entry));
      else keepEarly(earlyDecisions, entry.messageId, entry);
    },

    presenceSent(lane, change, eventId, at) {
      if (disposed) return;
      const pushes = presencePushesOf(lane, change, { options, connections, serverPolicy: writer.server()?.policy ?? null });
      if (!pushes) return;
      for (const { pushEventId, cause } of presenceCauses.add({ eventId, at, pushes })) options.onPredictedLink?.(pushEventId, cause);
    },

    predictedCause: (push) => (disposed ? null : presenceCauses.match(push)),

    flush: () => writer.flush(),

    dispose() {
      windows.dispose();
      writer.dispose();
      disposed = true;
    },
  };
}
