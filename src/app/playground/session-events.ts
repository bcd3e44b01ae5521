/**
 * What a session's events mean: console frames, its card (status, stream management, presence
 * forgotten when the session ends) and `connection` events on the timeline, including the
 * XEP-0198 steps (killed, resumed, resume failed).
 */
import type { Element } from "@xmpp/xml";
import { stanzaKind } from "../../protocol/frame-text";
import type { SmSnapshot } from "../../xmpp-client/client";
import type { ExpectationEngine } from "../expectations/engine";
import type { LaneId } from "../model";
import type { SessionView, SmView } from "../stores/sessions";
import { CREDENTIAL_FIELD, nameCredentialField } from "../xmpp/credential-field";
import type { SessionEvent, XmppSession } from "../xmpp/session";
import type { ServiceContext } from "./context";
import { resumedSummary } from "./format";
import type { LaneRegistry } from "./lane-registry";
import type { RedeliveryTracker } from "./observer";

type StatusEvent = Extract<SessionEvent, { type: "status" }>;

export interface SessionEventDeps {
  registry: LaneRegistry;
  redelivery: RedeliveryTracker;
  expectations: Pick<ExpectationEngine, "connectionOnline" | "connectionResumed"> & Partial<Pick<ExpectationEngine, "presenceSent">>;
  /** Stanzas the session received or sent (observer, sink). */
  onElement: (lane: LaneId, direction: "in" | "out", element: Element, at: number) => void;
  /** The WebSocket URL a session connects to (for summaries). */
  serviceOf: (session: XmppSession | null | undefined) => string;
  /** The connection dropped under a live stream: returns what happens next ("; reconnecting in 2 s…"). */
  onDropped?: (id: LaneId) => string;
  /** An automatic reconnect of the lane is under way (a failed resume is then followed by a new session). */
  reconnecting?: (id: LaneId) => boolean;
}

function smFromSnapshot(sm: SmSnapshot | null | undefined, state: SmView["state"], at: number, extra: Partial<SmView> = {}): SmView {
  return { state, enabled: sm?.enabled ?? false, resumable: sm?.resumable ?? false, id: sm?.id ?? "", max: sm?.max ?? null, since: at, ...extra };
}

export function createSessionEventHandler(ctx: ServiceContext, deps: SessionEventDeps): (id: LaneId, event: SessionEvent) => void {
  const { stores, recorder } = ctx;
  const { registry, redelivery, serviceOf } = deps;

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
    deps.expectations.connectionResumed(id);
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
      summary: `${v.label}: resume failed: ${event.error?.message ?? "no reason given"}; ${deps.reconnecting?.(id) ? "reconnecting with a new session" : "connect to start a new session"}`,
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

  function onStatus(id: LaneId, raw: StatusEvent): void {
    const v = registry.view(id);
    if (!v) return;
    // A refused password names the Connection tab field to fix.
    let event = raw.error ? { ...raw, error: nameCredentialField(raw.error, CREDENTIAL_FIELD[v.role], v.account) } : raw;
    if (event.cause === "dropped" && event.error) event = { ...event, error: { ...event.error, message: `${event.error.message}${deps.onDropped?.(id) ?? ""}` } };
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
    const eventId = recorder.record({
      kind: "connection",
      lane: id,
      at: event.at,
      summary,
      status: event.status,
      ...(event.jid ? { jid: event.jid } : {}),
      ...(event.error ? { error: event.error } : {}),
    });
    // A session that had sent presence and closed: the server broadcasts its unavailable presence,
    // which a hibernated resource's queue may push (predicted for servers without a decision log).
    const closed = event.status === "offline" && !event.cause && (v.status === "online" || v.status === "disconnecting");
    if (closed && v.role === "resource" && v.presence) deps.expectations.presenceSent?.(id, { before: { ...v.presence }, after: null }, eventId, event.at);
  }

  return function onSessionEvent(id: LaneId, event: SessionEvent): void {
    switch (event.type) {
      case "frame":
        recorder.frame({ at: event.at, lane: id, direction: event.direction, kind: stanzaKind(event.text), text: event.text });
        return;
      case "status":
        onStatus(id, event);
        return;
      case "sm-enabled": {
        // While connecting, the `online` status that follows carries the same state: one card
        // write per login instead of two.
        const v = registry.view(id);
        if (v && v.status !== "connecting") stores.sessions.getState().patch(id, { sm: smFromSnapshot(event.sm, "active", event.at) });
        return;
      }
      case "element":
        deps.onElement(id, event.direction, event.element, event.at);
        return;
      case "error":
        recorder.recordError(id, event.error, "session");
        return;
    }
  };
}
