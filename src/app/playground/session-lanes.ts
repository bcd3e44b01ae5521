/**
 * Session lanes: connecting, disconnecting, "Kill app" and "Resume" (XEP-0198). What a session's
 * events mean is in session-events.ts.
 */
import type { Element } from "@xmpp/xml";
import type { ExpectationEngine } from "../expectations/engine";
import { SENDER_LANE, SINK_LANE, type ConnectionProfile, type LaneId, type PlaygroundError, type PresenceRequest, type SessionRole } from "../model";
import type { ActionResult } from "../playground-api";
import { resolveServiceUrl, validateDomain, validateResource, validateUsername } from "../xmpp/validate";
import { CREDENTIAL_FIELD, nameCredentialField } from "../xmpp/credential-field";
import type { XmppSession, XmppSessionOptions } from "../xmpp/session";
import { createSessionEventHandler } from "./session-events";
import { loadOutsideSessions } from "./outside-lazy";
import { loadExpectationEngine } from "../expectations/lazy-engine";
import { failed, ok, okVoid, type PlaygroundOptions, type ServiceContext } from "./context";
import type { LaneRegistry } from "./lane-registry";
import type { RedeliveryTracker } from "./observer";
import { runPooled } from "./pool";
import { createReconnector } from "./reconnect";
import { LOG_POLL_DELAY_MS, type ServerLogPoller } from "./server-log";
import type { SinkService } from "./sink";

export interface SessionLanesDeps {
  registry: LaneRegistry;
  redelivery: RedeliveryTracker;
  serverLog: ServerLogPoller;
  sink: Pick<SinkService, "attach">;
  expectations: Pick<ExpectationEngine, "connectionOnline" | "connectionResumed"> & Partial<Pick<ExpectationEngine, "presenceSent">>;
  /** Stanzas the session received or sent (observer, sink). */
  onElement: (lane: LaneId, direction: "in" | "out", element: Element, at: number) => void;
  /** The presence a resource sends right after connecting. */
  setPresence: (id: LaneId, request: PresenceRequest) => Promise<ActionResult>;
  /** A resource's fresh session is online and has sent its presence-on-connect (disco on connect). */
  onResourceOnline?: (id: LaneId) => void;
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

/** The session options of a lane from the Connection tab's profile, or the field to fix. */
function connectionOptions(
  p: ConnectionProfile,
  role: SessionRole,
  resource: string,
  options: SessionLanesDeps["options"] & Pick<XmppSessionOptions, "skipPresenceFrom">,
): ActionResult<XmppSessionOptions> {
  const service = resolveServiceUrl(p.service, options.pageUrl);
  if (!service.ok) return service;
  const domain = validateDomain(p.domain);
  if (!domain.ok) return domain;
  const creds = role === "resource" ? p.account : role === "sender" ? p.sender : p.sink;
  const username = validateUsername(creds.username, role === "resource" ? "account" : role === "sender" ? "sender" : "App Server sink");
  if (!username.ok) return username;
  const res = validateResource(resource, role === "sink" ? "sink resource" : "resource");
  if (!res.ok) return res;
  if (creds.password === "") {
    return failed({
      code: "bad-credentials",
      message: `the password for ${username.value}@${domain.value} is empty: fill “${CREDENTIAL_FIELD[role]} password” in the Connection tab (it is not saved unless “remember password” is ticked)`,
    });
  }
  const { connectTimeoutMs, iqTimeoutMs, skipPresenceFrom } = options;
  return ok({
    service: service.value,
    domain: domain.value,
    username: username.value,
    password: creds.password,
    resource: res.value,
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(iqTimeoutMs !== undefined ? { iqTimeoutMs } : {}),
    ...(skipPresenceFrom ? { skipPresenceFrom } : {}),
  });
}

/**
 * The XMPP client (xmpp.js and our session over it) is not in the first load: the first connect
 * fetches its chunk (main.tsx preloads it once the page is idle). Kept once loaded, so later
 * connects create their session without waiting.
 */
let sessionClass: typeof XmppSession | null = null;
export async function loadXmppSession(): Promise<typeof XmppSession> {
  // Outside sessions are seen through what a connected session receives, and the expectation
  // engine predicts only what an online session sends: their code comes along, so both are there
  // before the first session is online.
  if (!sessionClass) {
    const [module] = await Promise.all([import("../xmpp/session"), loadOutsideSessions(), loadExpectationEngine()]);
    sessionClass = module.XmppSession;
  }
  return sessionClass;
}

/** Card writes of many sessions at once reach the UI once per frame (stores/sessions.ts `coalesce`). */
async function coalescingCards<T>(sessions: ServiceContext["stores"]["sessions"], run: () => Promise<T>): Promise<T> {
  sessions.getState().coalesce(true);
  try {
    return await run();
  } finally {
    sessions.getState().coalesce(false);
  }
}

/** Handshakes in flight during Connect all. */
const CONNECT_POOL = 8;

export function createSessionLanes(ctx: ServiceContext, deps: SessionLanesDeps): SessionLanes {
  const { stores, recorder, clock } = ctx;
  const { registry, serverLog } = deps;
  const serviceUrls = new WeakMap<XmppSession, string>();
  const profile = () => stores.profile.getState().profile;
  const serviceOf = (session: XmppSession | null | undefined) => (session ? (serviceUrls.get(session) ?? "the server") : "the server");
  const reconnector = createReconnector({
    enabled: () => stores.profile.getState().autoReconnect,
    attempt: (id) => reconnectLane(id),
    note: (id, next) => {
      const error = registry.view(id)?.lastError;
      if (error) registry.patchView(id, { lastError: { ...error, message: `${error.message.replace(/; (reconnecting in|press Connect all).*$/, "")}${next}` } });
    },
  });
  const onSessionEvent = createSessionEventHandler(ctx, { ...deps, serviceOf, onDropped: (id) => reconnector.dropped(id), reconnecting: (id) => reconnector.pending(id) });

  /** One reconnect attempt: resume the session where the server still has it, else start a new one. */
  async function reconnectLane(id: LaneId): Promise<boolean> {
    const m = registry.lane(id);
    if (!m?.session) return false;
    if (m.session.online) return true;
    if (m.session.killed) {
      const resumed = await m.session.resume();
      serverLog.schedule(LOG_POLL_DELAY_MS);
      if (resumed.ok) {
        serverLog.ensureTicker();
        return true;
      }
      // Unreachable: try again later (with a fresh session, the killed client is gone).
      if (resumed.error.condition !== "item-not-found") return false;
    }
    const fresh = await connectLane(id);
    // The first read of the log tells whether this is still the same server run (server-log.ts).
    if (fresh.ok) serverLog.schedule(0);
    return fresh.ok;
  }

  async function connectLane(id: LaneId): Promise<ActionResult> {
    const Session = sessionClass ?? (await loadXmppSession());
    const m = registry.lane(id);
    const v = registry.view(id);
    if (!m || !v) return failed({ code: "internal", message: `no session ${id}` });
    if (m.session && (m.session.status === "online" || m.session.status === "connecting")) {
      return failed({ code: "internal", message: `${v.label} is already ${m.session.status}` });
    }
    const resource = m.role === "sink" ? profile().sink.resource.trim() : m.role === "sender" ? `playground-${deps.runTag}` : v.resource;
    // The observer ignores our own sessions' presence: ~10,000 broadcasts at Connect all, left unparsed.
    const opts = connectionOptions(profile(), m.role, resource, { ...deps.options, skipPresenceFrom: (from) => registry.ownJids().has(from) });
    // Refresh the view from the profile (usernames may have changed since the last connect).
    const fresh = registry.baseView(id, m.role, m.role === "sender" ? "sender" : resource, v.colour);
    // Usually unchanged: a write would re-render the card for nothing (100 of them at Connect all).
    if (fresh.label !== v.label || fresh.account !== v.account || fresh.resource !== v.resource) {
      registry.patchView(id, { label: fresh.label, account: fresh.account, resource: fresh.resource });
    }
    if (!opts.ok) {
      registry.patchView(id, { status: "failed", lastError: opts.error });
      recorder.record({ kind: "connection", lane: id, status: "failed", error: opts.error, summary: `${fresh.label}: ${opts.error.message}` });
      return opts;
    }
    serverLog.useService(opts.value.service);
    m.unsubscribe?.();
    const session = new Session(id, opts.value);
    serviceUrls.set(session, opts.value.service);
    if (m.role === "sink") deps.sink.attach(session);
    m.session = session;
    m.presenceCount = 0;
    m.unsubscribe = session.on((event) => onSessionEvent(id, event));
    const result = await session.start();
    if (!result.ok) return failed(nameCredentialField(result.error, CREDENTIAL_FIELD[m.role], registry.view(id)?.account ?? opts.value.username));
    serverLog.ensureTicker();
    // Start reading the log after the entries that exist now, so an old run is not replayed.
    if (m.role === "resource") serverLog.primeIfNew();
    if (m.role !== "resource") return okVoid;
    const after = registry.view(id);
    const choice = after?.presenceOnConnect ?? null;
    const presence = choice !== null && choice !== "unavailable" ? await deps.setPresence(id, { show: choice, priority: after?.priority ?? 0, status: after?.statusText || undefined }) : okVoid;
    deps.onResourceOnline?.(id);
    return presence;
  }

  async function connect(id: LaneId): Promise<ActionResult> {
    reconnector.cancel(id);
    return connectLane(id);
  }

  async function disconnect(id: LaneId): Promise<void> {
    reconnector.cancel(id);
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
      // A pool, not all at once: 100 simultaneous handshakes make long tasks (see pool.ts).
      await coalescingCards(stores.sessions, () =>
        runPooled(ids, CONNECT_POOL, async (id) => {
          const session = registry.lane(id)?.session;
          if (session && (session.online || session.status === "connecting")) return;
          await connect(id);
        }),
      );
    },
    async disconnectAll() {
      await coalescingCards(stores.sessions, () => Promise.all(registry.lanes().map((m) => disconnect(m.id))));
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
      reconnector.cancel(id);
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
      reconnector.dispose();
      await Promise.all(registry.lanes().map((m) => disconnect(m.id)));
      for (const m of registry.lanes()) m.unsubscribe?.();
    },
  };
}
