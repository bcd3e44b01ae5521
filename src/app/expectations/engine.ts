/**
 * The Playground service's side of push expectations: it keeps what the stores do not (connection
 * generations, which connection enabled which registration, how the sink answered each
 * registration's pushes, pushes and their links), predicts every message to the account just
 * before it is sent, closes each message's wait window on a timer the service owns, attaches the
 * reference server's decision record, and writes the results into the expectations store in
 * batches. Framework-free: the service calls its hooks, tests may drive it directly.
 */
import type { Element } from "@xmpp/xml";
import { isPolicyName } from "../../protocol/policy";
import type { PolicyOptions, RegistrationKey } from "../../protocol/policy/types";
import type { MessageDecisionEntry, PushLogEntry } from "../../protocol/push-log";
import { attrOf } from "../../protocol/stanzas/xml-util";
import { SINK_LANE, type LaneId, type LinkMethod, type PushEvent } from "../model";
import type { Stores } from "../stores";
import type { ServerPolicyInfo } from "../stores/expectations";
import { selectResources } from "../stores/sessions";
import { keyId } from "./keys";
import { observe, pushFact, type PushFact } from "./observe";
import {
  connectionSessionId,
  messageSnapshotOf,
  predict,
  registrationFacts,
  sessionSnapshots,
  ZERO_COUNTERS,
  type ConnectionInfo,
  type Prediction,
  type PredictionCounters,
  type RegistrationTracking,
} from "./predict";
import { checkServerDecision } from "./server-check";
import type { ExpectationRecord } from "./types";
import { judgeAll } from "./verdict";

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
}

/** A message about to be sent, predicted from what the playground knows at that moment. */
export interface MessagePlan {
  messageId: string;
  lane: LaneId;
  account: string;
  sinkJid: string;
  windowMs: number;
  /** Why the sink cannot observe this message's pushes, or null. */
  unobservable: string | null;
  /** The sink connection the observation relies on (its connectedAt), to notice a reconnect in the window. */
  sinkConnectedAt: number | null;
  prediction: Prediction;
}

export interface ExpectationEngine {
  /** A lane's session came online: a new connection generation (a new session id). */
  connectionOnline(lane: LaneId): void;
  /** An enable succeeded from `lane`: the registration is bound to that lane's current connection. */
  registrationEnabled(key: RegistrationKey, lane: LaneId): void;
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
  /** Write pending changes to the store now. */
  flush(): void;
  dispose(): void;
}

/** Pushes remembered for (re)linking; older ones are forgotten first. */
const PUSH_MEMORY = 10_000;
/** Server decisions that arrived before their message's record (rare: kept briefly). */
const EARLY_DECISIONS = 1_000;
/** Sink answers remembered per registration (Prosody removes at 16 errors). */
const OUTCOMES_PER_REGISTRATION = 64;

export function createExpectationEngine(options: ExpectationEngineOptions): ExpectationEngine {
  const { stores } = options;
  const now = options.now ?? (() => Date.now());
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const flushIntervalMs = options.flushIntervalMs ?? 50;

  const generations = new Map<LaneId, number>();
  const tracking = new Map<string, RegistrationTracking>();
  let counters: PredictionCounters = ZERO_COUNTERS;
  const pushes = new Map<string, PushFact>();
  const pushesByMessage = new Map<string, Set<string>>();
  const earlyDecisions = new Map<string, MessageDecisionEntry>();
  const deadlines = new Map<string, { at: number; sinkConnectedAt: number | null }>();
  const dirty = new Map<string, ExpectationRecord>();
  let pendingServer: ServerPolicyInfo | undefined;
  let windowTimer: unknown = null;
  let windowTimerAt = Infinity;
  let flushTimer: unknown = null;
  let disposed = false;

  const store = () => stores.expectations.getState();
  const current = (messageId: string): ExpectationRecord | undefined => dirty.get(messageId) ?? store().records[messageId];
  const serverPolicy = () => (pendingServer !== undefined ? pendingServer : store().server)?.policy ?? null;

  function sinkView() {
    return stores.sessions.getState().sessions[SINK_LANE];
  }

  function scheduleFlush(): void {
    if (flushTimer !== null || disposed) return;
    flushTimer = setTimer(() => {
      flushTimer = null;
      flush();
    }, flushIntervalMs);
  }

  function flush(): void {
    if (flushTimer !== null) {
      clearTimer(flushTimer);
      flushTimer = null;
    }
    if (dirty.size === 0 && pendingServer === undefined) return;
    const upsert = [...dirty.values()];
    dirty.clear();
    const server = pendingServer;
    pendingServer = undefined;
    store().applyBatch({ upsert, ...(server !== undefined ? { server } : {}) });
  }

  function put(record: ExpectationRecord): void {
    dirty.set(record.messageId, record);
    scheduleFlush();
  }

  /** Observation and verdicts of a record from the pushes linked to it now. */
  function reobserve(record: ExpectationRecord, closedAt: number | null, unobservable: string | null): ExpectationRecord {
    const ids = pushesByMessage.get(record.messageId);
    const linked = ids ? [...ids].map((id) => pushes.get(id)).filter((p): p is PushFact => p !== undefined) : [];
    const observation = observe({ messageId: record.messageId, sentAt: record.sentAt, windowMs: record.windowMs, closedAt, unobservable }, linked);
    return { ...record, observation, verdicts: judgeAll(record.predictions, observation, { sinkJid: record.sinkJid, windowMs: record.windowMs }) };
  }

  function refresh(messageId: string): void {
    const record = current(messageId);
    if (!record) return;
    put(reobserve(record, record.observation.closedAt, record.observation.unobservable));
  }

  // ---- wait windows -----------------------------------------------------------------------

  function armWindowTimer(): void {
    if (disposed) return;
    let next = Infinity;
    for (const d of deadlines.values()) if (d.at < next) next = d.at;
    if (next === Infinity) return;
    if (windowTimer !== null && windowTimerAt <= next) return;
    if (windowTimer !== null) clearTimer(windowTimer);
    windowTimerAt = next;
    windowTimer = setTimer(() => {
      windowTimer = null;
      windowTimerAt = Infinity;
      closeDue();
    }, Math.max(0, next - now()));
  }

  function closeDue(): void {
    const t = now();
    for (const [messageId, d] of deadlines) {
      if (d.at > t) continue;
      deadlines.delete(messageId);
      close(messageId, d.sinkConnectedAt);
    }
    armWindowTimer();
  }

  function close(messageId: string, sinkConnectedAt: number | null): void {
    const record = current(messageId);
    if (!record) return;
    const sink = sinkView();
    const sinkStayed = sink?.status === "online" && sink.connectedAt === sinkConnectedAt;
    const unobservable = record.observation.unobservable ?? (sinkStayed ? null : "the App Server sink disconnected during the wait window");
    put(reobserve(record, now(), unobservable));
  }

  // ---- server decisions --------------------------------------------------------------------

  function attachDecision(record: ExpectationRecord, entry: MessageDecisionEntry): ExpectationRecord {
    if (!isPolicyName(entry.policy)) return record;
    const prediction = record.predictions[entry.policy];
    const server = checkServerDecision(
      entry,
      prediction,
      { sessions: record.sessions, registrations: prediction.registrations, delivery: record.delivery },
      record.message,
      options.policyOptions,
    );
    return { ...record, server };
  }

  function unlink(messageId: string, pushEventId: string): void {
    const set = pushesByMessage.get(messageId);
    set?.delete(pushEventId);
    if (set?.size === 0) pushesByMessage.delete(messageId);
  }

  /** Memory stays bounded: at most PUSH_MEMORY pushes, and link sets only for messages that have some. */
  function rememberPush(fact: PushFact): void {
    pushes.set(fact.eventId, fact);
    if (pushes.size > PUSH_MEMORY) {
      const oldest = pushes.keys().next().value;
      if (oldest !== undefined) {
        const gone = pushes.get(oldest);
        pushes.delete(oldest);
        if (gone?.causeMessageId) unlink(gone.causeMessageId, oldest);
      }
    }
    if (fact.causeMessageId) {
      const set = pushesByMessage.get(fact.causeMessageId) ?? new Set<string>();
      set.add(fact.eventId);
      pushesByMessage.set(fact.causeMessageId, set);
    }
  }

  // ---- hooks --------------------------------------------------------------------------------

  return {
    connectionOnline(lane) {
      generations.set(lane, (generations.get(lane) ?? 0) + 1);
    },

    registrationEnabled(key, lane) {
      const view = stores.sessions.getState().sessions[lane];
      const generation = generations.get(lane);
      tracking.set(keyId(key), {
        enabledBySessionId: view && generation !== undefined ? connectionSessionId(lane, view.resource, generation) : null,
        remoteDisabled: false,
        outcomes: [],
      });
    },

    remoteDisabled(key) {
      const id = keyId(key);
      const t = tracking.get(id);
      tracking.set(id, t ? { ...t, remoteDisabled: true } : { enabledBySessionId: null, remoteDisabled: true, outcomes: [] });
    },

    plan(element, lane, fromJid) {
      if (element.name !== "message") return null;
      const messageId = attrOf(element, "id");
      const to = attrOf(element, "to");
      if (!messageId || !to) return null;
      const account = options.account();
      const slash = to.indexOf("/");
      if ((slash === -1 ? to : to.slice(0, slash)).toLowerCase() !== account) return null;

      const views = selectResources(stores.sessions.getState());
      const connections = new Map<LaneId, ConnectionInfo>();
      for (const v of views) {
        connections.set(v.id, { generation: generations.get(v.id) ?? 0, presenceCount: options.presenceCountOf?.(v.id) ?? (v.presence ? 1 : 0) });
      }
      const sessions = sessionSnapshots(views, connections);
      const registrations = registrationFacts(stores.registrations.getState().registrations, (key) => tracking.get(keyId(key)));
      const message = messageSnapshotOf(element, { from: fromJid, domain: account.slice(account.indexOf("@") + 1) });
      const prediction = predict({ account, sessions, registrations, message, options: options.policyOptions, serverPolicy: serverPolicy(), counters });
      const sink = sinkView();
      const sinkOnline = sink?.status === "online";
      return {
        messageId,
        lane,
        account,
        sinkJid: options.sinkJid(),
        windowMs: store().windowMs,
        unobservable: sinkOnline ? null : "the App Server sink was not connected when the message was sent",
        sinkConnectedAt: sinkOnline ? (sink.connectedAt ?? null) : null,
        prediction,
      };
    },

    sent(plan, eventId, at) {
      if (disposed) return;
      counters = plan.prediction.counters;
      const { prediction } = plan;
      let record: ExpectationRecord = {
        messageId: plan.messageId,
        eventId,
        lane: plan.lane,
        sentAt: at,
        windowMs: plan.windowMs,
        account: plan.account,
        sinkJid: plan.sinkJid,
        message: prediction.message,
        sessions: prediction.sessions,
        delivery: prediction.delivery,
        predictions: prediction.predictions,
        observation: { closedAt: null, pushes: [], late: [], unobservable: plan.unobservable },
        verdicts: {} as ExpectationRecord["verdicts"],
        server: null,
      };
      // Pushes may already be linked to it (a resend of an id); an unobservable message has nothing to wait for.
      record = reobserve(record, plan.unobservable ? at : null, plan.unobservable);
      const early = earlyDecisions.get(plan.messageId);
      if (early) {
        earlyDecisions.delete(plan.messageId);
        record = attachDecision(record, early);
      }
      put(record);
      if (!plan.unobservable) {
        const deadline = at + plan.windowMs;
        deadlines.set(plan.messageId, { at: deadline, sinkConnectedAt: plan.sinkConnectedAt });
        if (windowTimer === null || deadline < windowTimerAt) armWindowTimer();
      }
    },

    pushRecorded(event, to) {
      const fact = pushFact(event, to);
      if (event.node !== null && event.answer) {
        const id = keyId(fact.key);
        const t = tracking.get(id) ?? { enabledBySessionId: null, remoteDisabled: false, outcomes: [] };
        tracking.set(id, { ...t, outcomes: [...t.outcomes, event.answer].slice(-OUTCOMES_PER_REGISTRATION) });
      }
      rememberPush(fact);
      if (fact.causeMessageId) refresh(fact.causeMessageId);
    },

    pushLinked(pushEventId, causeMessageId, linkMethod) {
      const fact = pushes.get(pushEventId);
      if (!fact) return;
      const previous = fact.causeMessageId;
      if (previous === causeMessageId && fact.linkMethod === linkMethod) return;
      if (previous) unlink(previous, pushEventId);
      rememberPush({ ...fact, causeMessageId, linkMethod });
      if (previous && previous !== causeMessageId) refresh(previous);
      if (causeMessageId) refresh(causeMessageId);
    },

    logEntry(entry) {
      if (entry.account.toLowerCase() !== options.account()) return;
      if (isPolicyName(entry.policy)) {
        const known = pendingServer !== undefined ? pendingServer : store().server;
        if (known?.policy !== entry.policy || known.host !== entry.host) {
          pendingServer = { policy: entry.policy, host: entry.host };
          scheduleFlush();
        }
      }
      if (entry.kind !== "message-decision" || !entry.messageId) return;
      const record = current(entry.messageId);
      if (record) {
        put(attachDecision(record, entry));
        return;
      }
      earlyDecisions.set(entry.messageId, entry);
      if (earlyDecisions.size > EARLY_DECISIONS) {
        const oldest = earlyDecisions.keys().next().value;
        if (oldest !== undefined) earlyDecisions.delete(oldest);
      }
    },

    flush,

    dispose() {
      if (windowTimer !== null) clearTimer(windowTimer);
      windowTimer = null;
      flush();
      disposed = true;
    },
  };
}
