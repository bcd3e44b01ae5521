/**
 * The Playground service: owns every XMPP session (the account's simulated resources, the sender
 * and the App Server sink) and is the ONLY place where observed events flow into the stores. It
 * is framework-free (tests drive it headlessly); React gets it through playground-context.tsx.
 *
 * Capture is wired here, at session level: switching panels in the UI loses nothing.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../protocol/ns";
import { DEFAULT_POLICY_OPTIONS, type PolicyOptions, type SessionSnapshot } from "../protocol/policy/types";
import type { MessageDecisionEntry, PushLogEntry, SessionStateEntry } from "../protocol/push-log";
import { isAway, isOnline, isReceiving } from "../protocol/routing";
import { dataFormFromRecord } from "../protocol/stanzas/data-form";
import { buildDiscoInfoQuery, classifyFeature, parseDiscoInfo } from "../protocol/stanzas/disco";
import { buildErrorElement, parseStanzaError } from "../protocol/stanzas/errors";
import { buildChatMessage, chatStateOf } from "../protocol/stanzas/message";
import { tryParseXml } from "../protocol/stanzas/parse";
import { buildPresence, parsePresence } from "../protocol/stanzas/presence";
import { buildDisable, buildEnable, buildRemoteDisable, isParseFailure, parsePushPublish, type ParsedPushPublish } from "../protocol/stanzas/push";
import { attrOf, childElements, findClientChild, localName, textOf } from "../protocol/stanzas/xml-util";
import { stanzaKind } from "../protocol/xml-format";
import { createExpectationEngine } from "./expectations/engine";
import type { ActionResult, Playground } from "./playground-api";
import {
  MAX_BURST,
  PLAYGROUND_LANE,
  SENDER_LANE,
  SERVER_LANE,
  SINK_LANE,
  type ConnectionProfile,
  type DataForm,
  type DisableRequestForm,
  type DiscoResult,
  type DiscoTarget,
  type EnableRequestForm,
  type FeatureHighlight,
  type LaneId,
  type LinkMethod,
  type MessageSentEvent,
  type NewTimelineEvent,
  type OperationResult,
  type PlaygroundError,
  type PresenceChoice,
  type PresenceRequest,
  type PushEvent,
  type SendRequest,
  type SessionRole,
  type SinkMode,
  type TimelineEvent,
} from "./model";
import { createStores, type Stores } from "./stores";
import { createEventQueue, DEFAULT_FLUSH_INTERVAL_MS, type EventQueue } from "./stores/event-queue";
import { pickColour, SENDER_COLOUR, SINK_COLOUR } from "./stores/palette";
import { describeSinkMode } from "./stores/sink";
import type { SessionView, SmView } from "./stores/sessions";
import { fetchLogHttp, fetchLogXmpp, type LogFetchResult } from "./xmpp/server-log";
import { newStanzaId, XmppSession, type SessionEvent } from "./xmpp/session";
import type { SmSnapshot } from "../xmpp-client/client";
import { resolveServiceUrl, validateDomain, validateJid, validateResource, validateUsername } from "./xmpp/validate";

export interface PlaygroundOptions {
  /** Replace the profile store's current profile (e.g. a test's server URL). */
  profile?: ConnectionProfile;
  stores?: Stores;
  /** Resources created at start (default r1 and r2). */
  initialResources?: string[];
  /** Page URL that relative WebSocket paths resolve against (default: `location.href`). */
  pageUrl?: string;
  flushIntervalMs?: number;
  connectTimeoutMs?: number;
  iqTimeoutMs?: number;
  /** Used to fetch the reference server's push log (default: global fetch). */
  fetch?: typeof fetch;
  /** Read the reference server's push log to link pushes exactly (default true). */
  useServerLog?: boolean;
  /** Which `<show>` values the derived away/online flags treat as away (default away, xa). */
  awayShows?: PolicyOptions["awayShows"];
  now?: () => number;
}

/** How long after a send the server log is read for the message's decision. */
const LOG_POLL_DELAY_MS = 120;
/** Heuristic window: a push links to the latest message to the account within this time. */
const HEURISTIC_WINDOW_MS = 10_000;
/** While sessions are online, the server log is also read on this period (App Server timeouts, removals). */
const LOG_TICK_MS = 2_000;
/** Sent messages remembered for linking. */
const SENT_INDEX_CAP = 5_000;
/** Delayed messages arriving this long after `<resumed/>` count as the server's redelivery. */
const REDELIVERY_WINDOW_MS = 2_000;

interface Managed {
  id: LaneId;
  role: SessionRole;
  session: XmppSession | null;
  unsubscribe: (() => void) | null;
  /** Presence choices sent on this connection (for the snapshot's presenceCount). */
  presenceCount: number;
}

interface SentRecord {
  messageId: string;
  eventId: string;
  at: number;
  toBare: string;
  body: string | undefined;
}

interface PushRecord {
  eventId: string;
  iqId: string;
  at: number;
  linkedMessageEventId: string | null;
  linkMethod: LinkMethod | null;
  /** Attempts made to resolve it through the server log. */
  logAttempts: number;
}

type Ok<T> = { ok: true; value: T };
const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
const okVoid: Ok<void> = { ok: true, value: undefined };
const failed = (error: PlaygroundError): { ok: false; error: PlaygroundError } => ({ ok: false, error });

function serialize(...elements: (Element | null | undefined)[]): string {
  return elements.filter((e): e is Element => !!e).map((e) => e.toString()).join("\n");
}

function randomNode(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return `n-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function quoteBody(body: string | undefined, max = 60): string {
  if (body === undefined) return "";
  const flat = body.replace(/\s+/g, " ");
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

function presenceWords(choice: PresenceChoice, priority: number, status: string | undefined): string {
  const base = choice === "unavailable" ? "unavailable" : choice === "available" ? "available" : `available, show ${choice}`;
  return `${base}${choice !== "unavailable" ? `, priority ${priority}` : ""}${status ? `, status ${quoteBody(status, 40)}` : ""}`;
}

function highlightOf(feature: string): FeatureHighlight {
  const cls = classifyFeature(feature);
  return cls === "other" ? null : cls;
}

export function createPlayground(options: PlaygroundOptions = {}): Playground {
  const stores = options.stores ?? createStores();
  if (options.profile) stores.profile.setState({ profile: options.profile });
  const now = options.now ?? (() => Date.now());
  const awayOptions = { awayShows: options.awayShows ?? DEFAULT_POLICY_OPTIONS.awayShows };
  const queue: EventQueue = createEventQueue({
    timeline: stores.timeline,
    console: stores.console,
    intervalMs: options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
  });
  const useServerLog = options.useServerLog ?? true;

  const managed = new Map<LaneId, Managed>();
  let resourceCounter = 0;
  let eventCounter = 0;
  const runPrefix = newStanzaId("run").split("-")[1] ?? "run";

  // Linking state.
  const sent: SentRecord[] = [];
  const sentByMessageId = new Map<string, SentRecord>();
  const pushes = new Map<string, PushRecord>(); // by iq id
  const awaitingSinkAnswer = new Map<string, { pushEventId: string; mode: SinkMode }>();
  /** Push iq ids the sink's own handler saw (the rest were answered by xmpp.js itself). */
  const handledPushIds = new Set<string>();
  const receivedBy = new Map<string, Set<LaneId>>(); // message event id → lanes (dedupe)

  // Server log state.
  let logSeq = 0;
  let logMode: "unknown" | "http" | "xmpp" | "unavailable" = "unknown";
  let logService: string | null = null;
  let logTimer: ReturnType<typeof setTimeout> | null = null;
  let logBusy: Promise<void> | null = null;
  let logTicker: ReturnType<typeof setInterval> | null = null;
  const logPublishByIq = new Map<string, { causeSeq: number }>();
  const logDecisions = new Map<number, MessageDecisionEntry>();
  /** `session-*` entries by seq (publishes caused by a hibernation carry its seq), with their timeline event. */
  const logSessionEntries = new Map<number, { entry: SessionStateEntry; eventId: string }>();
  /** Per lane, while resuming and shortly after: delayed messages counted as redelivered. */
  const redelivery = new Map<LaneId, { eventId: string | null; count: number; until: number }>();
  let disposed = false;

  const profile = () => stores.profile.getState().profile;
  const accountBare = () => `${profile().account.username.trim().toLowerCase()}@${profile().domain.trim().toLowerCase()}`;
  const sinkJid = () => {
    const p = profile();
    return `${p.sink.username.trim().toLowerCase()}@${p.domain.trim().toLowerCase()}/${p.sink.resource.trim()}`;
  };

  // Push expectations: predicted at each send, judged when the wait window closes (src/app/expectations).
  const expectations = createExpectationEngine({
    stores,
    account: accountBare,
    sinkJid,
    policyOptions: { ...DEFAULT_POLICY_OPTIONS, ...awayOptions },
    presenceCountOf: (lane) => managed.get(lane)?.presenceCount ?? 0,
    now,
  });

  // ------------------------------------------------------------------------------------------
  // recording

  function record(event: NewTimelineEvent): string {
    const id = event.id ?? `${runPrefix}-${++eventCounter}`;
    const full = { ...event, id, at: event.at ?? now() } as TimelineEvent;
    queue.pushEvent(full);
    return id;
  }

  function patch<K extends TimelineEvent["kind"]>(id: string, kind: K, fn: (e: Extract<TimelineEvent, { kind: K }>) => Extract<TimelineEvent, { kind: K }>) {
    queue.patchEvent({ id, apply: (e) => (e.kind === kind ? fn(e as Extract<TimelineEvent, { kind: K }>) : e) });
  }

  function recordError(lane: LaneId, error: PlaygroundError, operation: string, xml?: string): void {
    record({ kind: "error", lane, summary: `${operation} failed: ${error.message}`, error, operation, ...(xml ? { xml } : {}) });
  }

  // ------------------------------------------------------------------------------------------
  // session views

  function sessionsState() {
    return stores.sessions.getState();
  }

  function view(id: LaneId): SessionView | undefined {
    return sessionsState().sessions[id];
  }

  function baseView(id: LaneId, role: SessionRole, resource: string, colour: string): SessionView {
    const p = profile();
    const domain = p.domain.trim().toLowerCase();
    const user = role === "resource" ? p.account.username : role === "sender" ? p.sender.username : p.sink.username;
    const account = `${user.trim().toLowerCase()}@${domain}`;
    return {
      id,
      role,
      label: labelFor(role, user.trim(), resource),
      account,
      resource,
      colour,
      status: "offline",
      jid: null,
      lastError: null,
      presenceOnConnect: role === "resource" ? "available" : null,
      presenceChoice: null,
      presence: null,
      priority: 0,
      statusText: "",
      receiving: false,
      online: false,
      away: false,
      received: 0,
      connectedAt: null,
    };
  }

  function labelFor(role: SessionRole, user: string, resource: string): string {
    if (role === "sender") return user;
    return `${user}/${resource}`;
  }

  /** Recompute receiving/online/away (§0.1) from the routing helpers. */
  function derive(v: SessionView): Pick<SessionView, "receiving" | "online" | "away"> {
    if (v.status !== "online") return { receiving: false, online: false, away: false };
    const snapshot: SessionSnapshot = {
      sessionId: v.id,
      resource: v.resource,
      state: "connected",
      presence: v.presence,
      presenceCount: managed.get(v.id)?.presenceCount ?? 0,
    };
    return { receiving: isReceiving(snapshot), online: isOnline(snapshot, awayOptions), away: isAway(snapshot, awayOptions) };
  }

  function patchView(id: LaneId, changes: Partial<SessionView>): void {
    const current = view(id);
    if (!current) return;
    const next = { ...current, ...changes };
    sessionsState().patch(id, { ...changes, ...derive(next) });
  }

  function ensureFixedSessions(): void {
    if (!view(SENDER_LANE)) {
      sessionsState().upsert(baseView(SENDER_LANE, "sender", "sender", SENDER_COLOUR));
      managed.set(SENDER_LANE, { id: SENDER_LANE, role: "sender", session: null, unsubscribe: null, presenceCount: 0 });
    }
    if (!view(SINK_LANE)) {
      sessionsState().upsert(baseView(SINK_LANE, "sink", profile().sink.resource, SINK_COLOUR));
      managed.set(SINK_LANE, { id: SINK_LANE, role: "sink", session: null, unsubscribe: null, presenceCount: 0 });
    }
  }

  function resourceViews(): SessionView[] {
    const s = sessionsState();
    return s.order.map((id) => s.sessions[id]).filter((v): v is SessionView => v?.role === "resource");
  }

  // ------------------------------------------------------------------------------------------
  // session events → stores

  function onSessionEvent(id: LaneId, event: SessionEvent): void {
    switch (event.type) {
      case "frame":
        queue.pushFrame({
          id: `${runPrefix}-f${++eventCounter}`,
          at: event.at,
          lane: id,
          direction: event.direction,
          kind: stanzaKind(event.text),
          text: event.text,
        });
        return;
      case "status":
        onStatus(id, event);
        return;
      case "sm-enabled":
        setSm(id, smFromSnapshot(event.sm, "active", event.at));
        return;
      case "element":
        if (event.direction === "in") onIncoming(id, event.element, event.at);
        else onOutgoing(id, event.element, event.at);
        return;
      case "error":
        recordError(id, event.error, "session");
        return;
    }
  }

  function smFromSnapshot(sm: SmSnapshot | null | undefined, state: SmView["state"], at: number, extra: Partial<SmView> = {}): SmView {
    return { state, enabled: sm?.enabled ?? false, resumable: sm?.resumable ?? false, id: sm?.id ?? "", max: sm?.max ?? null, since: at, ...extra };
  }

  function setSm(id: LaneId, sm: SmView): void {
    if (view(id)) sessionsState().patch(id, { sm });
  }

  /** Kill, resume and resume failures: stream-management steps, recorded as such. */
  function onSmStatus(id: LaneId, v: SessionView, event: Extract<SessionEvent, { type: "status" }>): void {
    const m = managed.get(id);
    const sm = event.sm;
    const who = event.jid ?? v.jid ?? v.label;
    if (event.cause === "killed") {
      const resumable = !!sm?.resumable && sm.id !== "";
      const changes: Partial<SessionView> = { status: event.status, sm: smFromSnapshot(sm, resumable ? "hibernated" : "ended", event.at) };
      // A hibernated session keeps its presence on the server (it still counts for routing once
      // resumed); an ended one is gone.
      if (!resumable) {
        Object.assign(changes, { jid: null, presence: null, presenceChoice: null });
        if (m) m.presenceCount = 0;
      }
      patchView(id, changes);
      const window = sm?.max ? `, resumable for up to ${sm.max} s` : "";
      record({
        kind: "connection",
        lane: id,
        at: event.at,
        status: event.status,
        sm: "killed",
        ...(event.jid ? { jid: event.jid } : {}),
        summary: resumable
          ? `${who}: app killed: socket dropped without </close>, no reconnect; the server keeps the session (XEP-0198${window}) and decides about pushes`
          : `${who}: app killed: socket dropped; the server did not enable stream management (XEP-0198), so the session simply ended`,
      });
      return;
    }
    if (event.cause === "resumed") {
      const counted = redelivery.get(id);
      const redelivered = counted?.count ?? 0;
      patchView(id, { status: "online", lastError: null, sm: smFromSnapshot(sm, "resumed", event.at, { redelivered }) });
      const eventId = record({
        kind: "connection",
        lane: id,
        at: event.at,
        status: "online",
        sm: "resumed",
        redelivered,
        ...(event.resent !== undefined ? { resent: event.resent } : {}),
        ...(event.jid ? { jid: event.jid } : {}),
        summary: resumedSummary(who, redelivered, event.resent ?? 0),
      });
      redelivery.set(id, { eventId, count: redelivered, until: event.at + REDELIVERY_WINDOW_MS });
      return;
    }
    // resume-failed
    redelivery.delete(id);
    const expired = event.error?.condition === "item-not-found";
    if (m) m.presenceCount = 0;
    patchView(id, {
      status: event.status,
      jid: null,
      presence: null,
      presenceChoice: null,
      ...(event.error ? { lastError: event.error } : {}),
      sm: smFromSnapshot(sm, expired ? "expired" : "resume-failed", event.at, event.error ? { note: event.error.message } : {}),
    });
    record({
      kind: "connection",
      lane: id,
      at: event.at,
      status: event.status,
      sm: expired ? "expired" : "resume-failed",
      ...(event.error ? { error: event.error } : {}),
      summary: `${v.label}: resume failed: ${event.error?.message ?? "no reason given"}; connect to start a new session`,
    });
  }

  function resumedSummary(who: string, redelivered: number, resent: number): string {
    const server = `${redelivered} delayed message${redelivered === 1 ? "" : "s"} redelivered`;
    const ours = resent > 0 ? `, ${resent} of its own unacknowledged stanza${resent === 1 ? "" : "s"} re-sent` : "";
    return `${who}: session resumed (XEP-0198): ${server}${ours}`;
  }

  function onStatus(id: LaneId, event: Extract<SessionEvent, { type: "status" }>): void {
    const v = view(id);
    if (!v) return;
    if (event.cause && event.cause !== "resuming") {
      onSmStatus(id, v, event);
      return;
    }
    const m = managed.get(id);
    const changes: Partial<SessionView> = { status: event.status };
    const resuming = event.cause === "resuming";
    if (resuming) redelivery.set(id, { eventId: null, count: 0, until: Number.POSITIVE_INFINITY });
    if (event.status === "online") {
      const sm = m?.session?.sm;
      changes.sm = smFromSnapshot(sm, sm?.enabled ? "active" : "off", event.at);
      expectations.connectionOnline(id);
      changes.jid = event.jid ?? null;
      changes.lastError = null;
      changes.connectedAt = event.at;
      changes.received = 0;
    }
    if (event.status === "offline" || event.status === "failed") {
      changes.jid = null;
      changes.presence = null;
      changes.presenceChoice = null;
      if (m) m.presenceCount = 0;
    }
    if (event.error) changes.lastError = event.error;
    patchView(id, changes);

    const who = event.jid ?? v.label;
    let summary: string;
    switch (event.status) {
      case "connecting":
        summary = resuming
          ? `${v.label}: resuming its session on ${m?.session ? serviceOf(m.session) : "the server"} (<resume previd='${m?.session?.sm?.id ?? ""}'/>)`
          : `${v.label}: connecting to ${m?.session ? serviceOf(m.session) : "the server"}`;
        break;
      case "online":
        summary = `${who} online${v.role === "sink" ? " (App Server sink)" : v.role === "sender" ? " (sender)" : ""}`;
        break;
      case "disconnecting":
        return; // transient; "offline" follows
      case "offline":
        summary = `${v.label} disconnected`;
        break;
      case "failed":
        summary = `${v.label}: ${event.error?.message ?? "connection failed"}`;
        break;
    }
    record({
      kind: "connection",
      lane: id,
      at: event.at,
      summary,
      status: event.status,
      ...(event.jid ? { jid: event.jid } : {}),
      ...(event.error ? { error: event.error } : {}),
    });
  }

  const serviceUrls = new WeakMap<XmppSession, string>();
  function serviceOf(session: XmppSession): string {
    return serviceUrls.get(session) ?? "the server";
  }

  function ownJids(): Set<string> {
    const jids = new Set<string>();
    for (const v of Object.values(sessionsState().sessions)) if (v.jid) jids.add(v.jid);
    return jids;
  }

  function onIncoming(lane: LaneId, element: Element, at: number): void {
    const name = element.name;
    if (name === "message") return onIncomingMessage(lane, element, at);
    if (name === "presence") return onIncomingPresence(lane, element, at);
    if (name === "iq" && lane === SINK_LANE) return onSinkIq(element, at);
  }

  function onIncomingMessage(lane: LaneId, element: Element, at: number): void {
    const id = attrOf(element, "id") ?? null;
    const from = attrOf(element, "from") ?? "";
    const to = attrOf(element, "to") ?? "";
    const type = attrOf(element, "type") ?? "normal";
    const bodyEl = findClientChild(element, "body");
    const body = bodyEl ? textOf(bodyEl) : undefined;
    const delayed = childElements(element).some((c) => localName(c) === "delay" && c.getNS() === NS.delay);
    const sentRecord = id ? sentByMessageId.get(id) : undefined;
    const v = view(lane);
    const redelivered = delayed && type !== "error" && countRedelivered(lane, at);
    let summary: string;
    if (type === "error") {
      const spec = parseStanzaError(element);
      summary = `${v?.label ?? lane} got an error back from ${from || "the server"}: ${spec ? `${spec.type}/${spec.condition}${spec.text ? ` (${spec.text})` : ""}` : "no condition"}`;
    } else {
      const state = chatStateOf(element);
      const what = body !== undefined ? quoteBody(body) : state ? `chat state <${state}/>` : "no body";
      const late = redelivered ? " (redelivered on resume: it was unacknowledged when the app was killed)" : delayed ? " (delayed, offline delivery)" : "";
      summary = `${v?.label ?? lane} received ${type} from ${from || "?"}: ${what}${late}`;
    }
    record({
      kind: "message-received",
      lane,
      at,
      summary,
      xml: element.toString(),
      messageId: id,
      from,
      to,
      messageType: type,
      ...(body !== undefined ? { body } : {}),
      delayed,
      ...(sentRecord ? { causeEventId: sentRecord.eventId } : {}),
    });
    if (sentRecord && type !== "error") {
      const lanes = receivedBy.get(sentRecord.eventId) ?? new Set<LaneId>();
      if (!lanes.has(lane)) {
        lanes.add(lane);
        receivedBy.set(sentRecord.eventId, lanes);
        patch(sentRecord.eventId, "message-sent", (e) => ({ ...e, receivedBy: [...e.receivedBy, lane] }));
      }
    }
    if (v && type !== "error") sessionsState().patch(lane, { received: v.received + 1 });
  }

  /** A delayed message during or right after a resumption is the server's redelivery: count it. */
  function countRedelivered(lane: LaneId, at: number): boolean {
    const r = redelivery.get(lane);
    if (!r) return false;
    if (at > r.until) {
      redelivery.delete(lane);
      return false;
    }
    r.count += 1;
    const count = r.count;
    const v = view(lane);
    if (v?.sm?.state === "resumed") sessionsState().patch(lane, { sm: { ...v.sm, redelivered: count } });
    if (r.eventId) {
      const who = v?.jid ?? v?.label ?? lane;
      patch(r.eventId, "connection", (e) => ({ ...e, redelivered: count, summary: resumedSummary(who, count, e.resent ?? 0) }));
    }
    return true;
  }

  function onIncomingPresence(lane: LaneId, element: Element, at: number): void {
    const from = attrOf(element, "from") ?? "";
    // Presence of our own sessions is logged once, when sent; the server's broadcasts of it to
    // sibling resources would only repeat it N times.
    if (ownJids().has(from)) return;
    const parsed = parsePresence(element);
    const v = view(lane);
    if ("error" in parsed) {
      record({ kind: "presence", lane, at, direction: "in", from, available: false, show: null, priority: 0, summary: `${v?.label ?? lane} received a malformed presence from ${from}: ${parsed.error}`, xml: element.toString() });
      return;
    }
    const spec = parsed.kind === "error" ? parseStanzaError(element) : null;
    const summary =
      parsed.kind === "error"
        ? `${v?.label ?? lane} received a presence error from ${from || "the server"}: ${spec ? `${spec.type}/${spec.condition}` : "no condition"}`
        : `${v?.label ?? lane} received presence from ${from || "?"}: ${parsed.kind === "available" ? presenceWords(parsed.show ?? "available", parsed.priority, parsed.status) : parsed.subscriptionType ?? parsed.kind}`;
    record({
      kind: "presence",
      lane,
      at,
      direction: "in",
      from,
      ...(attrOf(element, "to") ? { to: attrOf(element, "to") } : {}),
      available: parsed.kind === "available",
      show: parsed.show,
      priority: parsed.priority,
      ...(parsed.status !== undefined ? { status: parsed.status } : {}),
      summary,
      xml: element.toString(),
    });
  }

  function onOutgoing(lane: LaneId, element: Element, at: number): void {
    if (lane !== SINK_LANE || element.name !== "iq") return;
    const id = attrOf(element, "id");
    const type = attrOf(element, "type");
    if (!id || (type !== "result" && type !== "error")) return;
    const pending = awaitingSinkAnswer.get(id);
    if (!pending) return;
    awaitingSinkAnswer.delete(id);
    const spec = type === "error" ? parseStanzaError(element) : null;
    const answer = spec ? ({ kind: "error", type: spec.type, condition: spec.condition } as const) : ({ kind: "result" } as const);
    record({
      kind: "sink-answer",
      lane: SINK_LANE,
      at,
      iqId: id,
      pushEventId: pending.pushEventId,
      answer,
      summary: `sink answered push ${id} with ${answer.kind === "result" ? "result" : `error ${answer.type}/${answer.condition}`}`,
      xml: element.toString(),
    });
  }

  // ------------------------------------------------------------------------------------------
  // the App Server sink

  /** Registered on the sink's xmpp.js callee: decides the answer for well-formed publishes. */
  function sinkHandler(stanza: Element): Element | true | Promise<Element | true> {
    const iqId = attrOf(stanza, "id") ?? "";
    handledPushIds.add(iqId);
    const parsed = parsePushPublish(stanza);
    const mode = stores.sink.getState().mode;
    if (isParseFailure(parsed)) {
      recordPush(stanza, null, parsed.error, { kind: "error", type: "modify", condition: "bad-request" });
      return buildErrorElement({ type: "modify", condition: "bad-request", text: `malformed push: ${parsed.error}` });
    }
    recordPush(stanza, parsed, undefined, mode);
    switch (mode.kind) {
      case "result":
        return true;
      case "error":
        return buildErrorElement({ type: mode.type, condition: mode.condition });
      case "timeout":
        // xmpp.js's callee answers whatever the handler resolves to, so never resolve: the
        // server under test must see no answer at all. Nothing keeps a reference to it, so the
        // pending promise is garbage-collected with its iq.
        return new Promise<never>(() => {});
    }
  }

  /** Sees every iq the sink receives: publishes xmpp.js answered on its own are recorded here. */
  function onSinkIq(element: Element, at: number): void {
    const type = attrOf(element, "type");
    if (type !== "set" && type !== "get") return;
    const looksLikePublish = childElements(element).some((c) => localName(c) === "pubsub");
    if (!looksLikePublish) return;
    const iqId = attrOf(element, "id") ?? "";
    // The callee runs synchronously inside the same 'element' emit, before this listener.
    if (handledPushIds.delete(iqId)) return;
    const parsed = parsePushPublish(element);
    const why = isParseFailure(parsed) ? parsed.error : "not a single <pubsub xmlns='http://jabber.org/protocol/pubsub'> child";
    const children = childElements(element).length;
    const answer = children !== 1
      ? ({ kind: "error", type: "modify", condition: "bad-request" } as const)
      : ({ kind: "error", type: "cancel", condition: "service-unavailable" } as const);
    recordPush(element, null, `${why} (answered by xmpp.js itself)`, answer, at);
  }

  function recordPush(stanza: Element, parsed: ParsedPushPublish | null, parseError: string | undefined, answer: SinkMode, at = now()): void {
    const iqId = attrOf(stanza, "id") ?? "";
    const from = attrOf(stanza, "from") ?? "";
    const counters: Partial<Record<"received" | "answeredResult" | "answeredError" | "unanswered" | "malformed", number>> = { received: 1 };
    if (parseError) counters.malformed = 1;
    if (answer.kind === "result") counters.answeredResult = 1;
    else if (answer.kind === "error") counters.answeredError = 1;
    else counters.unanswered = 1;
    stores.sink.getState().count(counters);
    stores.sink.getState().setLastPushAt(at);

    const summaryFields = parsed?.summary ?? null;
    const node = parsed ? parsed.node || null : (() => {
      const pubsub = childElements(stanza).find((c) => localName(c) === "pubsub");
      const publish = pubsub ? childElements(pubsub).find((c) => localName(c) === "publish") : undefined;
      return publish ? (attrOf(publish, "node") ?? null) : null;
    })();
    const notification = summaryFields
      ? {
          ...(summaryFields.formType !== undefined ? { formType: summaryFields.formType } : {}),
          ...(summaryFields.messageCount !== undefined ? { messageCount: summaryFields.messageCount } : {}),
          ...(summaryFields.lastMessageSender !== undefined ? { lastMessageSender: summaryFields.lastMessageSender } : {}),
          ...(summaryFields.lastMessageBody !== undefined ? { lastMessageBody: summaryFields.lastMessageBody } : {}),
          otherFields: [
            ...summaryFields.otherFields,
            ...(summaryFields.pendingSubscriptionCount !== undefined ? [{ var: "pending-subscription-count", values: [String(summaryFields.pendingSubscriptionCount)] }] : []),
            ...(parsed?.extraDetails ?? []).map((d) => ({ var: d.ns ? `{${d.ns}}${d.name}` : d.name, values: d.text ? [d.text] : [] })),
          ],
        }
      : null;

    // Link heuristically at once; the server log, when available, replaces it with the exact link.
    const link = parseError ? null : heuristicLink(summaryFields?.lastMessageBody, at);
    const parts: string[] = [];
    if (parseError) parts.push(`malformed push: ${parseError}`);
    else {
      parts.push(`push to node ${node ?? "(none)"}`);
      if (summaryFields?.messageCount !== undefined) parts.push(`count ${summaryFields.messageCount}`);
      if (summaryFields?.lastMessageSender) parts.push(`from ${summaryFields.lastMessageSender}`);
      if (summaryFields?.lastMessageBody !== undefined) parts.push(quoteBody(summaryFields.lastMessageBody));
      if (!summaryFields) parts.push("no summary form");
      if (parsed?.publishOptions) parts.push(`publish-options: ${parsed.publishOptions.fields.filter((f) => f.var !== "FORM_TYPE").map((f) => f.var).join(", ") || "empty"}`);
      if (parsed?.warnings.length) parts.push(`${parsed.warnings.length} warning(s): ${parsed.warnings.join("; ")}`);
    }
    parts.push(`→ ${describeSinkMode(answer)}`);

    const event: Omit<PushEvent, "id" | "at"> & { at: number } = {
      kind: "push",
      lane: SINK_LANE,
      at,
      summary: parts.join(", "),
      xml: stanza.toString(),
      iqId,
      from,
      node,
      notification,
      publishOptions: parsed?.publishOptions ?? null,
      ...(parseError ? { parseError } : {}),
      answer,
      ...(link
        ? { causeMessageId: link.record.messageId, causeEventId: link.record.eventId, linkMethod: "heuristic" as const, linkDetail: link.detail }
        : {}),
    };
    const eventId = record(event);
    expectations.pushRecorded({ ...event, id: eventId }, attrOf(stanza, "to") ?? "");
    if (answer.kind !== "timeout") awaitingSinkAnswer.set(iqId, { pushEventId: eventId, mode: answer });
    else {
      record({
        kind: "sink-answer",
        lane: SINK_LANE,
        at,
        iqId,
        pushEventId: eventId,
        answer,
        summary: `sink leaves push ${iqId} unanswered (the server will time out)`,
      });
    }
    if (link) patch(link.record.eventId, "message-sent", (e) => ({ ...e, pushEventIds: [...e.pushEventIds, eventId] }));
    pushes.set(iqId, { eventId, iqId, at, linkedMessageEventId: link?.record.eventId ?? null, linkMethod: link ? "heuristic" : null, logAttempts: 0 });

    if (node) {
      const regs = stores.registrations.getState();
      const to = attrOf(stanza, "to") ?? "";
      const match = regs.registrations.find((r) => r.node === node && r.jid === to) ?? regs.registrations.find((r) => r.node === node);
      if (match) regs.recordPush(match.jid, match.node, at);
    }
    if (!parseError) scheduleLogPoll(0);
  }

  function heuristicLink(lastBody: string | undefined, at: number): { record: SentRecord; detail: string } | null {
    const account = accountBare();
    const before = sent.filter((s) => s.at <= at && s.toBare === account);
    if (lastBody !== undefined) {
      for (let i = before.length - 1; i >= 0; i--) {
        const s = before[i]!;
        if (s.body === lastBody) return { record: s, detail: "latest message sent before the push whose body equals last-message-body" };
      }
    }
    const latest = before[before.length - 1];
    if (latest && at - latest.at <= HEURISTIC_WINDOW_MS) {
      return { record: latest, detail: `latest message sent to ${account} within ${HEURISTIC_WINDOW_MS / 1000} s (no body match)` };
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------
  // the reference server's push log

  function scheduleLogPoll(delay: number): void {
    if (!useServerLog || disposed || logMode === "unavailable") return;
    if (logTimer) return;
    logTimer = setTimeout(() => {
      logTimer = null;
      void pollLog();
    }, delay);
  }

  /** Keep reading the log while anything is online: some outcomes come late (timeouts, removals). */
  function ensureLogTicker(): void {
    if (!useServerLog || disposed || logTicker) return;
    logTicker = setInterval(() => {
      const anyOnline = [...managed.values()].some((m) => m.session?.online);
      if (!anyOnline || logMode === "unavailable" || disposed) {
        if (logTicker) clearInterval(logTicker);
        logTicker = null;
        return;
      }
      if (!logBusy) void pollLog();
    }, LOG_TICK_MS);
  }

  async function pollLog(): Promise<void> {
    if (logBusy) {
      await logBusy;
      return pollLog();
    }
    logBusy = doPollLog().finally(() => {
      logBusy = null;
    });
    return logBusy;
  }

  async function fetchLog(after: number): Promise<LogFetchResult> {
    const service = logService;
    if (!service) return { ok: false, error: "not connected yet" };
    const account = accountBare();
    if (logMode === "unknown" || logMode === "http") {
      const http = await fetchLogHttp(service, account, after, options.fetch);
      if (http.ok) return http;
      if (logMode === "http") return http;
      const viaXmpp = await fetchViaXmpp(after);
      if (viaXmpp.ok) return viaXmpp;
      return { ok: false, error: `${http.error}; ${viaXmpp.error}` };
    }
    return fetchViaXmpp(after);
  }

  async function fetchViaXmpp(after: number): Promise<LogFetchResult> {
    const session = [...managed.values()].find((m) => m.role === "resource" && m.session?.online)?.session;
    if (!session) return { ok: false, error: "no online resource of the account to ask over XMPP" };
    return fetchLogXmpp(session, accountBare(), after);
  }

  async function doPollLog(): Promise<void> {
    const result = await fetchLog(logSeq);
    if (disposed) return;
    if (!result.ok) {
      if (logMode === "unknown") {
        logMode = "unavailable";
        record({
          kind: "error",
          lane: SERVER_LANE,
          summary: "no push decision log on this server: pushes are linked to messages heuristically",
          error: { code: "server-log", message: "The server's push log is not reachable (it is a feature of the reference server); pushes are linked by body and time instead.", detail: result.error },
          operation: "read push log",
        });
      }
      return;
    }
    logMode = result.via;
    for (const entry of result.entries) {
      if (entry.seq <= logSeq) continue;
      logSeq = entry.seq;
      onLogEntry(entry);
      expectations.logEntry(entry);
    }
    resolvePendingLinks();
  }

  function onLogEntry(entry: PushLogEntry): void {
    const at = Number.isFinite(Date.parse(entry.at)) ? Date.parse(entry.at) : now();
    switch (entry.kind) {
      case "message-decision": {
        logDecisions.set(entry.seq, entry);
        const pushed = entry.decision.verdicts.filter((v) => v.push).length;
        record({
          kind: "decision",
          lane: SERVER_LANE,
          at,
          seq: entry.seq,
          logKind: entry.kind,
          rule: entry.decision.rule,
          reason: entry.decision.reason,
          messageId: entry.messageId,
          summary: `${entry.policy}: ${pushed > 0 ? `push to ${pushed} registration${pushed === 1 ? "" : "s"}` : "no push"} for message ${entry.messageId ?? "(no id)"}: ${entry.decision.reason}`,
        });
        return;
      }
      case "presence-decision": {
        if (entry.decision.push.length === 0) return;
        record({
          kind: "decision",
          lane: SERVER_LANE,
          at,
          seq: entry.seq,
          logKind: entry.kind,
          rule: entry.decision.rule,
          reason: entry.decision.reason,
          summary: `${entry.policy}: presence of ${entry.resource} triggers a push to ${entry.decision.push.length} registration(s): ${entry.decision.reason}`,
        });
        return;
      }
      case "publish":
        logPublishByIq.set(entry.iqId, { causeSeq: entry.causeSeq });
        return;
      case "publish-outcome":
        record({
          kind: "decision",
          lane: SERVER_LANE,
          at,
          seq: entry.seq,
          logKind: entry.kind,
          reason: entry.reaction.why,
          summary: `${entry.policy}: App Server answer to ${entry.iqId} (${entry.outcome.kind === "error" ? `${entry.outcome.type}/${entry.outcome.condition}` : entry.outcome.kind}) → ${entry.reaction.action} registration ${entry.key.node} (errors: ${entry.reaction.errorCount}): ${entry.reaction.why}`,
        });
        return;
      case "registration-removed":
        if (entry.key) stores.registrations.getState().setState(entry.key.jid, entry.key.node, "removed-by-server", entry.why);
        record({
          kind: "decision",
          lane: SERVER_LANE,
          at,
          seq: entry.seq,
          logKind: entry.kind,
          reason: entry.why,
          summary: `${entry.policy}: registration ${entry.key ? `${entry.key.jid} / ${entry.key.node}` : "?"} removed: ${entry.why}`,
        });
        return;
      case "enable":
      case "disable":
        return; // the playground records its own enable/disable with their answers
      case "session-hibernated":
      case "session-resumed":
      case "session-expired":
      case "session-closed":
        onSessionLogEntry(entry, at);
        return;
    }
  }

  /** XEP-0198 steps as the server saw them: shown as server decisions, and they drive the card's state. */
  function onSessionLogEntry(entry: SessionStateEntry, at: number): void {
    const who = `${entry.account}/${entry.resource}`;
    const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
    let what: string;
    switch (entry.kind) {
      case "session-hibernated": {
        const window = entry.resumptionTimeoutMs !== undefined ? `, resumable for ${Math.round(entry.resumptionTimeoutMs / 100) / 10} s` : "";
        const push = entry.decision ? (entry.decision.pushes.length > 0 ? `; pushes to ${plural(entry.decision.pushes.length, "registration")} for its queue` : "; no push for its queue") : "";
        what = `${who} hibernated (${plural(entry.unacked, "unacknowledged stanza")}${window})${push}`;
        break;
      }
      case "session-resumed": {
        const cancelled = entry.cancelledPushes?.length ? `; ${plural(entry.cancelledPushes.length, "batched push")} cancelled` : "";
        const after = entry.hibernatedMs !== undefined ? ` after ${Math.round(entry.hibernatedMs / 100) / 10} s` : "";
        what = `${who} resumed${after}, ${plural(entry.redelivered ?? 0, "stanza")} re-sent${cancelled}`;
        break;
      }
      case "session-expired":
      case "session-closed": {
        const o = entry.unackedOutcome;
        const outcome = o ? ` (unacknowledged: ${o.storedOffline} stored offline, ${o.rerouted} re-routed, ${o.bounced} bounced, ${o.dropped} dropped)` : "";
        what = `${who} ${entry.kind === "session-expired" ? "expired without being resumed" : `closed with ${plural(entry.unacked, "unacknowledged stanza")}`}${outcome}`;
        break;
      }
    }
    const eventId = record({
      kind: "decision",
      lane: SERVER_LANE,
      at,
      seq: entry.seq,
      logKind: entry.kind,
      ...(entry.decision ? { rule: entry.decision.rule } : {}),
      reason: entry.why,
      summary: `${entry.policy}: ${what}: ${entry.why}`,
    });
    logSessionEntries.set(entry.seq, { entry, eventId });
    if (entry.kind === "session-expired" && entry.account.toLowerCase() === accountBare()) {
      // The card said "hibernated": the server has now dropped that session, so Resume cannot work.
      const v = resourceViews().find((r) => r.resource === entry.resource && r.sm?.state === "hibernated" && r.status !== "online");
      if (v?.sm) {
        sessionsState().patch(v.id, { sm: { ...v.sm, state: "expired", since: at, note: entry.why } });
        record({ kind: "connection", lane: v.id, at, status: v.status, sm: "expired", summary: `${v.label}: the server expired the hibernated session; resuming it now fails (item-not-found)` });
      }
    }
  }

  function resolvePendingLinks(): void {
    for (const push of pushes.values()) {
      if (push.linkMethod === "server log") continue;
      const publish = logPublishByIq.get(push.iqId);
      if (!publish) {
        push.logAttempts += 1;
        continue;
      }
      const decision = logDecisions.get(publish.causeSeq);
      const hibernation = decision ? undefined : logSessionEntries.get(publish.causeSeq);
      const messageId = decision?.messageId ?? null;
      const target = messageId ? sentByMessageId.get(messageId) : undefined;
      const detail = decision
        ? `${decision.decision.rule}: ${decision.decision.reason}`
        : hibernation
          ? `caused by ${hibernation.entry.account}/${hibernation.entry.resource}'s ${hibernation.entry.kind.replace("session-", "")} session (server log #${publish.causeSeq})${hibernation.entry.decision ? `: ${hibernation.entry.decision.rule}: ${hibernation.entry.decision.reason}` : ""}`
          : `caused by server log entry #${publish.causeSeq} (a presence-triggered notification)`;
      const previous = push.linkedMessageEventId;
      push.linkMethod = "server log";
      push.linkedMessageEventId = target?.eventId ?? null;
      patch(push.eventId, "push", (e) => {
        const { causeMessageId: _m, causeEventId: _e, ...rest } = e;
        return {
          ...rest,
          ...(messageId ? { causeMessageId: messageId } : {}),
          ...(target ? { causeEventId: target.eventId } : hibernation ? { causeEventId: hibernation.eventId } : {}),
          linkMethod: "server log",
          linkDetail: detail,
        };
      });
      if (previous && previous !== target?.eventId) {
        patch(previous, "message-sent", (e) => ({ ...e, pushEventIds: e.pushEventIds.filter((p) => p !== push.eventId) }));
      }
      if (target && previous !== target.eventId) {
        patch(target.eventId, "message-sent", (e) => ({ ...e, pushEventIds: [...e.pushEventIds, push.eventId] }));
      }
      expectations.pushLinked(push.eventId, messageId, "server log");
    }
    // Give up on pushes the log never explains (e.g. a push from another server process).
    for (const [iq, push] of pushes) if (push.linkMethod === "server log" || push.logAttempts > 5) pushes.delete(iq);
    if ([...pushes.values()].some((p) => p.linkMethod !== "server log")) scheduleLogPoll(200);
  }

  // ------------------------------------------------------------------------------------------
  // connecting

  function connectionOptions(role: SessionRole, resource: string): { ok: true; value: ConstructorParameters<typeof XmppSession>[1] } | { ok: false; error: PlaygroundError } {
    const p = profile();
    const service = resolveServiceUrl(p.service, options.pageUrl);
    if (!service.ok) return service;
    const domain = validateDomain(p.domain);
    if (!domain.ok) return domain;
    const creds = role === "resource" ? p.account : role === "sender" ? p.sender : p.sink;
    const roleName = role === "resource" ? "account" : role === "sender" ? "sender" : "App Server sink";
    const username = validateUsername(creds.username, roleName);
    if (!username.ok) return username;
    const res = validateResource(resource, role === "sink" ? "sink resource" : "resource");
    if (!res.ok) return res;
    if (creds.password === "") {
      return failed({ code: "bad-credentials", message: `the password for ${username.value}@${domain.value} is empty (it is not saved unless “remember password” is ticked)` });
    }
    return ok({
      service: service.value,
      domain: domain.value,
      username: username.value,
      password: creds.password,
      resource: res.value,
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      ...(options.iqTimeoutMs !== undefined ? { iqTimeoutMs: options.iqTimeoutMs } : {}),
    });
  }

  async function connect(id: LaneId): Promise<ActionResult> {
    const m = managed.get(id);
    const v = view(id);
    if (!m || !v) return failed({ code: "internal", message: `no session ${id}` });
    if (m.session && (m.session.status === "online" || m.session.status === "connecting")) {
      return failed({ code: "internal", message: `${v.label} is already ${m.session.status}` });
    }
    const resource = m.role === "sink" ? profile().sink.resource.trim() : m.role === "sender" ? `playground-${runPrefix}` : v.resource;
    const opts = connectionOptions(m.role, resource);
    // Refresh the view from the profile (usernames may have changed since the last connect).
    const fresh = baseView(id, m.role, m.role === "sender" ? "sender" : resource, v.colour);
    patchView(id, { label: fresh.label, account: fresh.account, resource: fresh.resource });
    if (!opts.ok) {
      patchView(id, { status: "failed", lastError: opts.error });
      record({ kind: "connection", lane: id, status: "failed", error: opts.error, summary: `${fresh.label}: ${opts.error.message}` });
      return opts;
    }
    if (logService !== opts.value.service) {
      logService = opts.value.service;
      logMode = "unknown";
      logSeq = 0;
    }
    m.unsubscribe?.();
    const session = new XmppSession(id, opts.value);
    serviceUrls.set(session, opts.value.service);
    if (m.role === "sink") session.handleIq("set", NS.pubsub, "pubsub", (stanza) => sinkHandler(stanza));
    m.session = session;
    m.presenceCount = 0;
    m.unsubscribe = session.on((event) => onSessionEvent(id, event));
    const result = await session.start();
    if (!result.ok) return failed(result.error);
    ensureLogTicker();
    if (m.role === "resource" && useServerLog && logMode === "unknown" && logSeq === 0) {
      // Start reading the log after the entries that exist now, so an old run is not replayed.
      void primeLog();
    }
    const choice = view(id)?.presenceOnConnect ?? null;
    if (m.role === "resource" && choice !== null && choice !== "unavailable") {
      const v2 = view(id);
      return setPresence(id, { show: choice, priority: v2?.priority ?? 0, status: v2?.statusText || undefined });
    }
    return okVoid;
  }

  let primed: Promise<void> | null = null;
  function primeLog(): Promise<void> {
    primed ??= (async () => {
      const result = await fetchLog(0);
      if (result.ok) {
        logMode = result.via;
        for (const e of result.entries) logSeq = Math.max(logSeq, e.seq);
      }
    })().finally(() => {
      primed = null;
    });
    return primed;
  }

  async function disconnect(id: LaneId): Promise<void> {
    const m = managed.get(id);
    if (!m?.session) return;
    const wasKilled = m.session.killed;
    await m.session.stop();
    if (wasKilled) {
      // Forgetting a killed session sends nothing: the server expires it on its own.
      const v = view(id);
      if (v?.sm?.state === "hibernated") sessionsState().patch(id, { sm: { ...v.sm, state: "ended", since: now(), note: "forgotten by the playground; the server expires it after its resumption window" } });
    }
  }

  async function killResource(id: LaneId): Promise<ActionResult<{ resumable: boolean }>> {
    const m = managed.get(id);
    const v = view(id);
    if (!m || !v || m.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
    if (!m.session || !m.session.online) {
      const error: PlaygroundError = { code: "not-connected", message: `${v.label} is not connected: there is no app to kill` };
      recordError(id, error, "kill app");
      return failed(error);
    }
    const result = await m.session.kill();
    if (!result.ok) {
      recordError(id, result.error, "kill app");
      return result;
    }
    // The server logs the hibernation and any push it causes.
    scheduleLogPoll(LOG_POLL_DELAY_MS);
    return ok({ resumable: result.resumable });
  }

  async function resumeResource(id: LaneId): Promise<ActionResult<{ resent: number }>> {
    const m = managed.get(id);
    const v = view(id);
    if (!m || !v || m.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
    if (!m.session?.killed) {
      const error: PlaygroundError = {
        code: "not-connected",
        message: `${v.label} has no killed session to resume${v.sm?.state === "ended" || v.sm?.state === "off" ? " (stream management was not enabled, so the session ended)" : ""}`,
      };
      recordError(id, error, "resume");
      return failed(error);
    }
    const result = await m.session.resume();
    scheduleLogPoll(LOG_POLL_DELAY_MS);
    if (!result.ok) return result; // recorded as a connection event (resume-failed / expired)
    ensureLogTicker();
    return ok({ resent: result.resent });
  }

  // ------------------------------------------------------------------------------------------
  // actions

  function requireOnline(id: LaneId, what: string): { ok: true; value: XmppSession } | { ok: false; error: PlaygroundError } {
    const m = managed.get(id);
    const v = view(id);
    if (!m || !v) return failed({ code: "internal", message: `no session ${id}` });
    if (!m.session || !m.session.online) {
      return failed({ code: "not-connected", message: `${v.label} is not connected: connect it before ${what}` });
    }
    return ok(m.session);
  }

  function firstOnlineResource(): LaneId | null {
    return resourceViews().find((v) => managed.get(v.id)?.session?.online)?.id ?? null;
  }

  async function setPresence(id: LaneId, request: PresenceRequest): Promise<ActionResult> {
    const v = view(id);
    if (!v || v.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
    const priority = request.priority ?? v.priority;
    if (!Number.isInteger(priority) || priority < -128 || priority > 127) {
      const error: PlaygroundError = { code: "bad-input", message: `priority must be an integer from -128 to 127 (got ${String(request.priority)})` };
      recordError(id, error, "presence");
      return failed(error);
    }
    const status = request.status === undefined || request.status === "" ? undefined : request.status;
    const s = requireOnline(id, "sending presence");
    if (!s.ok) {
      recordError(id, s.error, "presence");
      return s;
    }
    const choice = request.show;
    const element =
      choice === "unavailable"
        ? buildPresence({ type: "unavailable", ...(status ? { status } : {}) })
        : buildPresence({ ...(choice !== "available" ? { show: choice } : {}), priority, ...(status ? { status } : {}) });
    const error = await s.value.send(element);
    if (error) {
      recordError(id, error, "presence", element.toString());
      return failed(error);
    }
    const m = managed.get(id);
    if (m && choice !== "unavailable") m.presenceCount += 1;
    patchView(id, {
      presenceChoice: choice,
      presence: choice === "unavailable" ? null : { show: choice === "available" ? null : choice, priority, ...(status ? { status } : {}) },
      priority,
      statusText: status ?? "",
    });
    const after = view(id)!;
    const state = after.status !== "online" ? "" : after.online ? " → online" : after.away ? " → away" : after.receiving ? " → receiving" : " → not receiving";
    record({
      kind: "presence",
      lane: id,
      direction: "out",
      available: choice !== "unavailable",
      show: choice === "available" || choice === "unavailable" ? null : choice,
      priority,
      ...(status ? { status } : {}),
      summary: `${after.label} sent presence: ${presenceWords(choice, priority, status)}${state}`,
      xml: element.toString(),
    });
    return okVoid;
  }

  async function disco(target: DiscoTarget, fromResourceId?: LaneId): Promise<ActionResult<DiscoResult>> {
    const from = fromResourceId ?? firstOnlineResource();
    if (!from) {
      const error: PlaygroundError = { code: "not-connected", message: "connect a resource of the account before running disco#info" };
      recordError(PLAYGROUND_LANE, error, `disco#info (${target})`);
      return failed(error);
    }
    const s = requireOnline(from, "running disco#info");
    if (!s.ok) {
      recordError(from, s.error, `disco#info (${target})`);
      return s;
    }
    const jid = target === "account" ? accountBare() : profile().domain.trim().toLowerCase();
    stores.disco.getState().setPending(target, true);
    const res = await s.value.request(buildDiscoInfoQuery({ to: jid, id: newStanzaId("disco") }));
    const at = now();
    let result: DiscoResult;
    if (res.outcome === "result") {
      const info = parseDiscoInfo(res.reply);
      if ("error" in info) {
        result = { target, jid, at, fromSessionId: from, outcome: "error", identities: [], features: [], supportsPush: false, supportsAway: false, error: { code: "stanza-error", message: info.error } };
      } else {
        result = {
          target,
          jid,
          at,
          fromSessionId: from,
          outcome: "result",
          identities: info.identities,
          features: info.features.map((f) => ({ var: f, highlight: highlightOf(f) })),
          supportsPush: info.features.includes(NS.push),
          supportsAway: info.features.includes(NS.pushAway),
        };
      }
    } else {
      result = { target, jid, at, fromSessionId: from, outcome: res.outcome, identities: [], features: [], supportsPush: false, supportsAway: false, error: res.error };
    }
    stores.disco.getState().setResult(result);
    const tigase = result.features.filter((f) => f.highlight === "tigase-push").length;
    const summary =
      result.outcome === "result"
        ? `disco#info ${jid}: ${result.features.length} features; ${result.supportsPush ? "urn:xmpp:push:0 ✓" : "no urn:xmpp:push:0"}, ${result.supportsAway ? "tigase:push:away:0 ✓" : "no tigase:push:away:0"}${tigase ? `, ${tigase} other tigase:push:*` : ""}`
        : `disco#info ${jid} ${result.outcome === "timeout" ? "timed out" : "failed"}: ${result.error?.message ?? ""}`;
    record({
      kind: "disco",
      lane: from,
      at,
      target,
      jid,
      outcome: result.outcome,
      identities: result.identities,
      features: result.features.map((f) => f.var),
      ...(result.error ? { error: result.error } : {}),
      summary,
      xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
    });
    return result.outcome === "result" ? ok(result) : failed(result.error!);
  }

  function publishOptionsForm(fields: EnableRequestForm["publishOptions"]): { ok: true; value: Record<string, string> | null } | { ok: false; error: PlaygroundError } {
    if (!fields) return ok(null);
    const used = fields.filter((f) => f.var.trim() !== "" || f.value !== "");
    if (used.length === 0) return ok(null);
    const record: Record<string, string> = {};
    for (const f of used) {
      const name = f.var.trim();
      if (name === "") return failed({ code: "bad-input", message: `a publish-options field has a value (${quoteBody(f.value, 20)}) but no name` });
      if (name in record) return failed({ code: "bad-input", message: `publish-options field ${name} appears twice` });
      record[name] = f.value;
    }
    return ok(record);
  }

  /** Shows an enable/disable outcome in the Push panel and returns it to the caller. */
  function settleOperation(result: OperationResult): OperationResult {
    stores.registrations.getState().setLastResult(result);
    return result;
  }

  /** An enable/disable that could not be sent: timeline error plus a specific panel message. */
  function refusedOperation(operation: OperationResult["operation"], error: PlaygroundError, lane: LaneId): OperationResult {
    recordError(lane, error, operation);
    return settleOperation({ operation, at: now(), outcome: "error", summary: `${operation} not sent: ${error.message}`, error });
  }

  async function enable(request: EnableRequestForm): Promise<OperationResult> {
    const opFail = (error: PlaygroundError, lane: LaneId): OperationResult => refusedOperation("enable", error, lane);
    const s = requireOnline(request.fromResourceId, "enabling push");
    if (!s.ok) return opFail(s.error, view(request.fromResourceId) ? request.fromResourceId : PLAYGROUND_LANE);
    const jidText = request.jid?.trim() || sinkJid();
    const jid = validateJid(jidText, "push service JID");
    if (!jid.ok) return opFail(jid.error, request.fromResourceId);
    const node = request.node?.trim() || randomNode();
    const form = publishOptionsForm(request.publishOptions);
    if (!form.ok) return opFail(form.error, request.fromResourceId);
    const iq = buildEnable({ jid: jid.value.full, node, away: request.away, ...(form.value ? { publishOptions: form.value } : {}), id: newStanzaId("enable") });
    stores.registrations.getState().setPending(true);
    const res = await s.value.request(iq);
    const at = now();
    const v = view(request.fromResourceId)!;
    const publishOptions: DataForm | null = form.value ? dataFormFromRecord(form.value, NS.pubsubPublishOptions) : null;
    const bareWarning = jid.value.resource === "" ? " (a bare JID: the server's PEP answers in the sink's place, design §0.3)" : "";
    const what = `enable jid=${jid.value.full} node=${node}${request.away ? " away=true" : ""}${publishOptions ? ` with publish-options (${Object.keys(form.value ?? {}).join(", ")})` : ""}`;
    let summary: string;
    let error: PlaygroundError | undefined;
    if (res.outcome === "result") {
      summary = `${v.label}: ${what}: result${bareWarning}`;
      expectations.registrationEnabled({ jid: jid.value.full, node }, v.id);
      stores.registrations.getState().upsert({
        jid: jid.value.full,
        node,
        away: request.away,
        publishOptions,
        enabledBySessionId: v.id,
        enabledByResource: v.resource,
        enabledAt: at,
        state: "active",
        pushCount: 0,
      });
    } else {
      error = res.error;
      summary = `${v.label}: ${what}: ${res.outcome === "timeout" ? "no answer" : `error ${res.error.message}`}${bareWarning}`;
    }
    record({
      kind: "enable",
      lane: v.id,
      at,
      jid: jid.value.full,
      node,
      away: request.away,
      publishOptions,
      outcome: res.outcome,
      ...(error ? { error } : {}),
      summary,
      xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
    });
    return settleOperation({ operation: "enable", at, outcome: res.outcome, summary, ...(error ? { error } : {}) });
  }

  async function disable(request: DisableRequestForm): Promise<OperationResult> {
    const opFail = (error: PlaygroundError, lane: LaneId): OperationResult => refusedOperation("disable", error, lane);
    const s = requireOnline(request.fromResourceId, "disabling push");
    if (!s.ok) return opFail(s.error, view(request.fromResourceId) ? request.fromResourceId : PLAYGROUND_LANE);
    const jid = validateJid(request.jid, "push service JID");
    if (!jid.ok) return opFail(jid.error, request.fromResourceId);
    const node = request.node?.trim() || undefined;
    const iq = buildDisable({ jid: jid.value.full, ...(node ? { node } : {}), id: newStanzaId("disable") });
    stores.registrations.getState().setPending(true);
    const res = await s.value.request(iq);
    const at = now();
    const v = view(request.fromResourceId)!;
    const what = `disable jid=${jid.value.full} ${node ? `node=${node}` : "(all nodes)"}`;
    let summary: string;
    let error: PlaygroundError | undefined;
    if (res.outcome === "result") {
      summary = `${v.label}: ${what}: result`;
      stores.registrations.getState().setState(jid.value.full, node ?? null, "disabled", `disabled by ${v.label}`);
    } else {
      error = res.error;
      summary = `${v.label}: ${what}: ${res.outcome === "timeout" ? "no answer" : `error ${res.error.message}`}`;
    }
    record({
      kind: "disable",
      lane: v.id,
      at,
      jid: jid.value.full,
      node: node ?? null,
      outcome: res.outcome,
      ...(error ? { error } : {}),
      summary,
      xml: serialize(res.request, res.outcome !== "timeout" ? res.reply : null),
    });
    return settleOperation({ operation: "disable", at, outcome: res.outcome, summary, ...(error ? { error } : {}) });
  }

  async function sinkRemoteDisable(node: string): Promise<ActionResult> {
    const s = requireOnline(SINK_LANE, "sending a remote disable");
    if (!s.ok) {
      recordError(SINK_LANE, s.error, "remote disable");
      return s;
    }
    const trimmed = node.trim();
    if (trimmed === "") {
      const error: PlaygroundError = { code: "bad-input", message: "the node to disable is empty" };
      recordError(SINK_LANE, error, "remote disable");
      return failed(error);
    }
    const to = accountBare();
    const from = s.value.jid ?? sinkJid();
    const message = buildRemoteDisable({ from, to, node: trimmed, account: to });
    const error = await s.value.send(message);
    if (error) {
      recordError(SINK_LANE, error, "remote disable", message.toString());
      return failed(error);
    }
    stores.registrations.getState().setState(from, trimmed, "remote-disabled", "the sink sent the XEP-0357 §9 message; Tigase honours it, Prosody and ejabberd ignore it");
    expectations.remoteDisabled({ jid: from, node: trimmed });
    record({
      kind: "remote-disable",
      lane: SINK_LANE,
      to,
      node: trimmed,
      summary: `sink told ${to} to disable node ${trimmed} (XEP-0357 §9 affiliation none)`,
      xml: message.toString(),
    });
    scheduleLogPoll(LOG_POLL_DELAY_MS);
    return okVoid;
  }

  function rememberSent(element: Element, eventId: string, toBare: string, body: string | undefined, at: number): void {
    const messageId = attrOf(element, "id");
    if (!messageId) return;
    const rec: SentRecord = { messageId, eventId, at, toBare, body };
    sent.push(rec);
    sentByMessageId.set(messageId, rec);
    if (sent.length > SENT_INDEX_CAP) {
      const gone = sent.splice(0, sent.length - SENT_INDEX_CAP);
      for (const g of gone) {
        sentByMessageId.delete(g.messageId);
        receivedBy.delete(g.eventId);
      }
    }
  }

  async function send(request: SendRequest): Promise<ActionResult<string[]>> {
    const fail = (error: PlaygroundError) => {
      recordError(SENDER_LANE, error, "send");
      return failed(error);
    };
    const s = requireOnline(SENDER_LANE, "sending messages");
    if (!s.ok) return fail(s.error);
    const count = request.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > MAX_BURST) {
      return fail({ code: "bad-input", message: `the burst size must be a whole number from 1 to ${MAX_BURST} (got ${String(request.count)})` });
    }
    const bare = accountBare();
    let to = bare;
    if (request.to !== "bare") {
      const r = validateResource(request.to, "target resource");
      if (!r.ok) return fail(r.error);
      to = `${bare}/${r.value}`;
    }
    const body = request.body ?? "";
    if (request.kind !== "chat-state" && body.trim() === "") {
      return fail({ code: "bad-input", message: "the message body is empty; choose “chat state” to send a body-less message" });
    }
    const ids: string[] = [];
    const from = s.value.jid ?? "";
    for (let i = 1; i <= count; i++) {
      const messageId = newStanzaId("m");
      const thisBody = request.kind === "chat-state" ? undefined : count > 1 ? `${body} (${i}/${count})` : body;
      const element =
        request.kind === "chat-state"
          ? buildChatMessage({ to, type: "chat", chatState: "composing", id: messageId })
          : buildChatMessage({ to, type: request.kind === "groupchat" ? "groupchat" : "chat", body: thisBody, id: messageId });
      // Predicted from what the playground knows just before the message leaves.
      const plan = expectations.plan(element, SENDER_LANE, from);
      const error = await s.value.send(element);
      if (error) {
        fail(error);
        if (ids.length === 0) return failed(error);
        break;
      }
      const at = now();
      const type = request.kind === "groupchat" ? "groupchat" : "chat";
      const event: Omit<MessageSentEvent, "id" | "at"> & { at: number } = {
        kind: "message-sent",
        lane: SENDER_LANE,
        at,
        messageId,
        from,
        to,
        sendKind: request.kind,
        messageType: type,
        ...(thisBody !== undefined ? { body: thisBody } : {}),
        ...(count > 1 ? { burst: { index: i, count } } : {}),
        receivedBy: [],
        pushEventIds: [],
        summary: `${view(SENDER_LANE)?.label ?? "sender"} → ${to}: ${request.kind === "chat-state" ? "chat state <composing/> (no body)" : `${type} ${quoteBody(thisBody)}`}${count > 1 ? ` [${i}/${count}]` : ""}`,
        xml: element.toString(),
      };
      const eventId = record(event);
      rememberSent(element, eventId, bare, thisBody, at);
      if (plan) expectations.sent(plan, eventId, at);
      ids.push(messageId);
    }
    scheduleLogPoll(LOG_POLL_DELAY_MS);
    return ok(ids);
  }

  async function sendRaw(sessionId: LaneId, xmlText: string): Promise<ActionResult> {
    const v = view(sessionId);
    const lane = v ? sessionId : PLAYGROUND_LANE;
    const fail = (error: PlaygroundError) => {
      recordError(lane, error, "send raw XML");
      return failed(error);
    };
    if (!v) return fail({ code: "internal", message: `no session ${sessionId}` });
    if (xmlText.trim() === "") return fail({ code: "bad-xml", message: "nothing to send: the XML is empty" });
    const parsed = tryParseXml(xmlText.trim());
    if (!parsed.ok) return fail({ code: "bad-xml", message: `not one well-formed XML element: ${parsed.error}` });
    const s = requireOnline(sessionId, "sending raw XML");
    if (!s.ok) return fail(s.error);
    const element = parsed.element;
    stores.console.getState().rememberSent(xmlText.trim());
    const plan = element.name === "message" ? expectations.plan(element, sessionId, s.value.jid ?? "") : null;
    const error = await s.value.send(element);
    if (error) return fail(error);
    const at = now();
    const eventId = record({
      kind: "raw-send",
      lane: sessionId,
      at,
      element: element.name,
      summary: `${v.label} sent raw <${element.name}${attrOf(element, "type") ? ` type='${attrOf(element, "type")}'` : ""}${attrOf(element, "to") ? ` to='${attrOf(element, "to")}'` : ""}>`,
      xml: element.toString(),
    });
    if (element.name === "message") {
      const to = attrOf(element, "to") ?? "";
      const toBare = to.split("/")[0]!.toLowerCase();
      const bodyEl = findClientChild(element, "body");
      rememberSent(element, eventId, toBare, bodyEl ? textOf(bodyEl) : undefined, at);
      if (plan) expectations.sent(plan, eventId, at);
      scheduleLogPoll(LOG_POLL_DELAY_MS);
    }
    return okVoid;
  }

  // ------------------------------------------------------------------------------------------
  // resources

  function addResource(name?: string): ActionResult<LaneId> {
    const existing = resourceViews();
    let resource = name?.trim();
    if (!resource) {
      let n = 1;
      while (existing.some((v) => v.resource === `r${n}`)) n++;
      resource = `r${n}`;
    }
    const valid = validateResource(resource);
    if (!valid.ok) return valid;
    if (existing.some((v) => v.resource === valid.value)) {
      return failed({ code: "bad-input", message: `a resource named ${valid.value} exists already (the server would replace one session with the other)` });
    }
    const id = `res-${++resourceCounter}`;
    const colour = pickColour(existing.map((v) => v.colour));
    managed.set(id, { id, role: "resource", session: null, unsubscribe: null, presenceCount: 0 });
    sessionsState().upsert(baseView(id, "resource", valid.value, colour));
    return ok(id);
  }

  async function removeResource(id: LaneId): Promise<void> {
    const m = managed.get(id);
    if (!m || m.role !== "resource") return;
    await m.session?.stop();
    m.unsubscribe?.();
    managed.delete(id);
    sessionsState().remove(id);
  }

  function renameResource(id: LaneId, name: string): ActionResult {
    const v = view(id);
    if (!v || v.role !== "resource") return failed({ code: "internal", message: `no resource ${id}` });
    if (v.status === "online" || v.status === "connecting") {
      return failed({ code: "bad-input", message: `disconnect ${v.label} before renaming it` });
    }
    const valid = validateResource(name);
    if (!valid.ok) return valid;
    if (resourceViews().some((r) => r.id !== id && r.resource === valid.value)) {
      return failed({ code: "bad-input", message: `a resource named ${valid.value} exists already` });
    }
    const user = profile().account.username.trim();
    patchView(id, { resource: valid.value, label: labelFor("resource", user, valid.value) });
    return okVoid;
  }

  function setPresenceOnConnect(id: LaneId, choice: PresenceChoice | null): void {
    const v = view(id);
    if (v?.role === "resource") sessionsState().patch(id, { presenceOnConnect: choice });
  }

  // ------------------------------------------------------------------------------------------

  /** Offline sessions show the profile's current names; live ones keep the names they logged in with. */
  function refreshOfflineLabels(): void {
    for (const v of Object.values(sessionsState().sessions)) {
      if (v.status === "online" || v.status === "connecting" || v.status === "disconnecting") continue;
      const resource = v.role === "sink" ? profile().sink.resource.trim() : v.resource;
      const fresh = baseView(v.id, v.role, resource, v.colour);
      if (fresh.label !== v.label || fresh.account !== v.account || fresh.resource !== v.resource) {
        sessionsState().patch(v.id, { label: fresh.label, account: fresh.account, resource: fresh.resource });
      }
    }
  }

  ensureFixedSessions();
  for (const name of options.initialResources ?? ["r1", "r2"]) addResource(name);
  const unsubscribeProfile = stores.profile.subscribe((state, previous) => {
    if (state.profile !== previous.profile) refreshOfflineLabels();
  });

  const playground: Playground = {
    stores,
    async connectAll() {
      const ids = [SINK_LANE, SENDER_LANE, ...resourceViews().map((v) => v.id)];
      await Promise.all(
        ids.map(async (id) => {
          const m = managed.get(id);
          if (m?.session && (m.session.online || m.session.status === "connecting")) return;
          await connect(id);
        }),
      );
    },
    async disconnectAll() {
      await Promise.all([...managed.keys()].map((id) => disconnect(id)));
    },
    addResource,
    removeResource,
    renameResource,
    setPresenceOnConnect,
    connectResource: (id) => connect(id),
    disconnectResource: (id) => disconnect(id),
    killResource,
    resumeResource,
    setPresence,
    connectSender: () => connect(SENDER_LANE),
    disconnectSender: () => disconnect(SENDER_LANE),
    connectSink: () => connect(SINK_LANE),
    disconnectSink: () => disconnect(SINK_LANE),
    disco,
    enable,
    disable,
    setSinkMode(mode) {
      stores.sink.getState().setMode(mode);
    },
    sinkRemoteDisable,
    send,
    sendRaw,
    sinkJid,
    freshNode: randomNode,
    resolvedService() {
      const r = resolveServiceUrl(profile().service, options.pageUrl);
      return r.ok ? ok(r.value) : r;
    },
    flush: () => {
      expectations.flush();
      queue.flush();
    },
    async syncServerLog() {
      if (primed) await primed;
      await pollLog();
      expectations.flush();
      queue.flush();
    },
    async dispose() {
      disposed = true;
      unsubscribeProfile();
      if (logTimer) clearTimeout(logTimer);
      if (logTicker) clearInterval(logTicker);
      await Promise.all([...managed.keys()].map((id) => disconnect(id)));
      for (const m of managed.values()) m.unsubscribe?.();
      expectations.dispose();
      queue.dispose();
    },
  };
  return playground;
}
