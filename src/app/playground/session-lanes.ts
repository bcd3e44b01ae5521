/**
 * Session lanes: connecting, disconnecting, "Kill app" and "Resume" (XEP-0198), and what each
 * session's events mean for its card, the console and the timeline.
 */
import type { Element } from "@xmpp/xml";
import { stanzaKind } from "../../protocol/xml-format";
import type { SmSnapshot } from "../../xmpp-client/client";
import type { ExpectationEngine } from "../expectations/engine";
import { SENDER_LANE, SINK_LANE, type LaneId, type PlaygroundError, type PresenceRequest, type SessionRole } from "../model";
import type { ActionResult } from "../playground-api";
import type { SessionView, SmView } from "../stores/sessions";
import { resolveServiceUrl, validateDomain, validateResource, validateUsername } from "../xmpp/validate";
import { XmppSession, type SessionEvent, type XmppSessionOptions } from "../xmpp/session";
import { failed, ok, okVoid, type PlaygroundOptions, type ServiceContext } from "./context";
import { resumedSummary } from "./format";
import type { LaneRegistry } from "./lane-registry";
import type { RedeliveryTracker } from "./observer";
import { LOG_POLL_DELAY_MS, type ServerLogPoller } from "./server-log";
import type { SinkService } from "./sink";

type StatusEvent = Extract<SessionEvent, { type: "status" }>;

export interface SessionLanesDeps {
  registry: LaneRegistry;
  redelivery: RedeliveryTracker;
  serverLog: ServerLogPoller;
  sink: Pick<SinkService, "attach">;
  expectations: Pick<ExpectationEngine, "connectionOnline">;
  /** Stanzas the session received or sent (observer, sink). */
  onElement: (lane: LaneId, direction: "in" | "out", element: Element, at: number) => void;
  /** The presence a resource sends right after connecting. */
  setPresence: (id: LaneId, request: PresenceRequest) => Promise<ActionResult>;
  options: Pick<PlaygroundOptions, "pageUrl" | "connectTimeoutMs" | "iqTimeoutMs">;
  /** This page load's tag (the sender's resource is `playground-<tag>`). */
  runTag: string;
}

export interface SessionLanes {
  connect(id: LaneId): Promise<ActionResult>;
  disconnect(id: LaneId): Promise<void>;
  connectAll(): Promise<void>;
  disconnectAll(): Promise<void>;
  kill(id: LaneId): Promise<ActionResult<{ resumable: boolean }>>;
  resume(id: LaneId): Promise<ActionResult<{ resent: number }>>;
  /** The session of `id` when it is online, or why not (`what`: the action that needs it). */
  requireOnline(id: LaneId, what: string): ActionResult<XmppSession>;
  dispose(): Promise<void>;
}

function smFromSnapshot(sm: SmSnapshot | null | undefined, state: SmView["state"], at: number, extra: Partial<SmView> = {}): SmView {
  return { state, enabled: sm?.enabled ?? false, resumable: sm?.resumable ?? false, id: sm?.id ?? "", max: sm?.max ?? null, since: at, ...extra };
}

export function createSessionLanes(ctx: ServiceContext, deps: SessionLanesDeps): SessionLanes {
  const { stores, recorder, clock } = ctx;
  const { registry, redelivery, serverLog } = deps;
  const serviceUrls = new WeakMap<XmppSession, string>();
  const profile = () => stores.profile.getState().profile;
  const serviceOf = (session: XmppSession | null | undefined) => (session ? (serviceUrls.get(session) ?? "the server") : "the server");

  function forget(id: LaneId): Partial<SessionView> {
    const m = registry.lane(id);
    if (m) m.presenceCount = 0;
    return { jid: null, presence: null, presenceChoice: null };
  }

  function onKilled(id: LaneId, event: StatusEvent, who: string): void {
    const sm = event.sm;
    const resumable = !!sm?.resumable && sm.id !== "";
    // A hibernated session keeps its presence on the server (it still counts for routing once
    // resumed); an ended one is gone.
    registry.patchView(id, { status: event.status, sm: smFromSnapshot(sm, resumable ? "hibernated" : "ended", event.at), ...(resumable ? {} : forget(id)) });
    const window = sm?.max ? `, resumable for up to ${sm.max} s` : "";
    recorder.record({
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
  }

  function onResumed(id: LaneId, event: StatusEvent, who: string): void {
    const redelivered = redelivery.counted(id);
    registry.patchView(id, { status: "online", lastError: null, sm: smFromSnapshot(event.sm, "resumed", event.at, { redelivered }) });
    const eventId = recorder.record({
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
    redelivery.resumed(id, eventId, event.at);
  }

  function onResumeFailed(id: LaneId, v: SessionView, event: StatusEvent): void {
    redelivery.stop(id);
    const expired = event.error?.condition === "item-not-found";
    registry.patchView(id, {
      status: event.status,
      ...forget(id),
      ...(event.error ? { lastError: event.error } : {}),
      sm: smFromSnapshot(event.sm, expired ? "expired" : "resume-failed", event.at, event.error ? { note: event.error.message } : {}),
    });
    recorder.record({
      kind: "connection",
      lane: id,
      at: event.at,
      status: event.status,
      sm: expired ? "expired" : "resume-failed",
      ...(event.error ? { error: event.error } : {}),
      summary: `${v.label}: resume failed: ${event.error?.message ?? "no reason given"}; connect to start a new session`,
    });
  }

  function statusSummary(v: SessionView, event: StatusEvent, session: XmppSession | null | undefined): string | null {
    switch (event.status) {
      case "connecting":
        return event.cause === "resuming"
          ? `${v.label}: resuming its session on ${serviceOf(session)} (<resume previd='${session?.sm?.id ?? ""}'/>)`
          : `${v.label}: connecting to ${serviceOf(session)}`;
      case "online":
        return `${event.jid ?? v.label} online${v.role === "sink" ? " (App Server sink)" : v.role === "sender" ? " (sender)" : ""}`;
      case "disconnecting":
        return null; // transient; "offline" follows
      case "offline":
        return `${v.label} disconnected`;
      case "failed":
        return `${v.label}: ${event.error?.message ?? "connection failed"}`;
    }
  }

  function onStatus(id: LaneId, event: StatusEvent): void {
    const v = registry.view(id);
    if (!v) return;
    const who = event.jid ?? v.jid ?? v.label;
    if (event.cause === "killed") return onKilled(id, event, who);
    if (event.cause === "resumed") return onResumed(id, event, who);
    if (event.cause === "resume-failed") return onResumeFailed(id, v, event);
    const session = registry.lane(id)?.session;
    const changes: Partial<SessionView> = { status: event.status };
    if (event.cause === "resuming") redelivery.resuming(id);
    if (event.status === "online") {
      const sm = session?.sm;
      deps.expectations.connectionOnline(id);
      Object.assign(changes, { sm: smFromSnapshot(sm, sm?.enabled ? "active" : "off", event.at), jid: event.jid ?? null, lastError: null, connectedAt: event.at, received: 0 });
    }
    if (event.status === "offline" || event.status === "failed") Object.assign(changes, forget(id));
    if (event.error) changes.lastError = event.error;
    registry.patchView(id, changes);
    const summary = statusSummary(v, event, session);
    if (summary === null) return;
    recorder.record({
      kind: "connection",
      lane: id,
      at: event.at,
      summary,
      status: event.status,
      ...(event.jid ? { jid: event.jid } : {}),
      ...(event.error ? { error: event.error } : {}),
    });
  }

  function onSessionEvent(id: LaneId, event: SessionEvent): void {
    switch (event.type) {
      case "frame":
        recorder.frame({ at: event.at, lane: id, direction: event.direction, kind: stanzaKind(event.text), text: event.text });
        return;
      case "status":
        onStatus(id, event);
        return;
      case "sm-enabled":
        if (registry.view(id)) stores.sessions.getState().patch(id, { sm: smFromSnapshot(event.sm, "active", event.at) });
        return;
      case "element":
        deps.onElement(id, event.direction, event.element, event.at);
        return;
      case "error":
        recorder.recordError(id, event.error, "session");
        return;
    }
  }

  function connectionOptions(role: SessionRole, resource: string): ActionResult<XmppSessionOptions> {
    const p = profile();
    const service = resolveServiceUrl(p.service, deps.options.pageUrl);
    if (!service.ok) return service;
    const domain = validateDomain(p.domain);
    if (!domain.ok) return domain;
    const creds = role === "resource" ? p.account : role === "sender" ? p.sender : p.sink;
    const username = validateUsername(creds.username, role === "resource" ? "account" : role === "sender" ? "sender" : "App Server sink");
    if (!username.ok) return username;
    const res = validateResource(resource, role === "sink" ? "sink resource" : "resource");
    if (!res.ok) return res;
    if (creds.password === "") {
      return failed({ code: "bad-credentials", message: `the password for ${username.value}@${domain.value} is empty (it is not saved unless “remember password” is ticked)` });
    }
    const { connectTimeoutMs, iqTimeoutMs } = deps.options;
    return ok({
      service: service.value,
      domain: domain.value,
      username: username.value,
      password: creds.password,
      resource: res.value,
      ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
      ...(iqTimeoutMs !== undefined ? { iqTimeoutMs } : {}),
    });
  }

  async function connect(id: LaneId): Promise<ActionResult> {
    const m = registry.lane(id);
    const v = registry.view(id);
    if (!m || !v) return failed({ code: "internal", message: `no session ${id}` });
    if (m.session && (m.session.status === "online" || m.session.status === "connecting")) {
      return failed({ code: "internal", message: `${v.label} is already ${m.session.status}` });
    }
    const resource = m.role === "sink" ? profile().sink.resource.trim() : m.role === "sender" ? `playground-${deps.runTag}` : v.resource;
    const opts = connectionOptions(m.role, resource);
    // Refresh the view from the profile (usernames may have changed since the last connect).
    const fresh = registry.baseView(id, m.role, m.role === "sender" ? "sender" : resource, v.colour);
    registry.patchView(id, { label: fresh.label, account: fresh.account, resource: fresh.resource });
    if (!opts.ok) {
      registry.patchView(id, { status: "failed", lastError: opts.error });
      recorder.record({ kind: "connection", lane: id, status: "failed", error: opts.error, summary: `${fresh.label}: ${opts.error.message}` });
      return opts;
    }
    serverLog.useService(opts.value.service);
    m.unsubscribe?.();
    const session = new XmppSession(id, opts.value);
    serviceUrls.set(session, opts.value.service);
    if (m.role === "sink") deps.sink.attach(session);
    m.session = session;
    m.presenceCount = 0;
    m.unsubscribe = session.on((event) => onSessionEvent(id, event));
    const result = await session.start();
    if (!result.ok) return failed(result.error);
    serverLog.ensureTicker();
    // Start reading the log after the entries that exist now, so an old run is not replayed.
    if (m.role === "resource") serverLog.primeIfNew();
    const after = registry.view(id);
    const choice = after?.presenceOnConnect ?? null;
    if (m.role === "resource" && choice !== null && choice !== "unavailable") {
      return deps.setPresence(id, { show: choice, priority: after?.priority ?? 0, status: after?.statusText || undefined });
    }
    return okVoid;
  }

  async function disconnect(id: LaneId): Promise<void> {
    const m = registry.lane(id);
    if (!m?.session) return;
    const wasKilled = m.session.killed;
    await m.session.stop();
    if (!wasKilled) return;
    // Forgetting a killed session sends nothing: the server expires it on its own.
    const v = registry.view(id);
    if (v?.sm?.state === "hibernated") {
      stores.sessions.getState().patch(id, { sm: { ...v.sm, state: "ended", since: clock.now(), note: "forgotten by the playground; the server expires it after its resumption window" } });
    }
  }

  function resourceLane(id: LaneId) {
    const m = registry.lane(id);
    const v = registry.view(id);
    return m && v && m.role === "resource" ? { m, v } : null;
  }

  function refuse<T>(id: LaneId, error: PlaygroundError, operation: string): ActionResult<T> {
    recorder.recordError(id, error, operation);
    return failed(error);
  }

  return {
    connect,
    disconnect,
    async connectAll() {
      const ids = [SINK_LANE, SENDER_LANE, ...registry.resourceViews().map((v) => v.id)];
      await Promise.all(
        ids.map(async (id) => {
          const session = registry.lane(id)?.session;
          if (session && (session.online || session.status === "connecting")) return;
          await connect(id);
        }),
      );
    },
    async disconnectAll() {
      await Promise.all(registry.lanes().map((m) => disconnect(m.id)));
    },
    async kill(id) {
      const lane = resourceLane(id);
      if (!lane) return failed({ code: "internal", message: `no resource ${id}` });
      const { m, v } = lane;
      if (!m.session || !m.session.online) return refuse(id, { code: "not-connected", message: `${v.label} is not connected: there is no app to kill` }, "kill app");
      const result = await m.session.kill();
      if (!result.ok) return refuse(id, result.error, "kill app");
      // The server logs the hibernation and any push it causes.
      serverLog.schedule(LOG_POLL_DELAY_MS);
      return ok({ resumable: result.resumable });
    },
    async resume(id) {
      const lane = resourceLane(id);
      if (!lane) return failed({ code: "internal", message: `no resource ${id}` });
      const { m, v } = lane;
      if (!m.session?.killed) {
        const ended = v.sm?.state === "ended" || v.sm?.state === "off" ? " (stream management was not enabled, so the session ended)" : "";
        return refuse(id, { code: "not-connected", message: `${v.label} has no killed session to resume${ended}` }, "resume");
      }
      const result = await m.session.resume();
      serverLog.schedule(LOG_POLL_DELAY_MS);
      if (!result.ok) return result; // recorded as a connection event (resume-failed / expired)
      serverLog.ensureTicker();
      return ok({ resent: result.resent });
    },
    requireOnline(id, what) {
      const m = registry.lane(id);
      const v = registry.view(id);
      if (!m || !v) return failed({ code: "internal", message: `no session ${id}` });
      if (!m.session || !m.session.online) return failed({ code: "not-connected", message: `${v.label} is not connected: connect it before ${what}` });
      return ok(m.session);
    },
    async dispose() {
      await Promise.all(registry.lanes().map((m) => disconnect(m.id)));
      for (const m of registry.lanes()) m.unsubscribe?.();
    },
  };
}
