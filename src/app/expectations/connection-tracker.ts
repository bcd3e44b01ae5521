import { sessionKeyAfter } from "../../protocol/account";
import type { AppServerOutcome, RegistrationKey } from "../../protocol/policy/types";
import type { LaneId } from "../model";
import type { SessionView } from "../stores/sessions";
import { keyId } from "./keys";
import { connectionSessionId, type EarlierEnable, type RegistrationDisabler, type RegistrationTracking } from "./predict";

/** Sink answers remembered per registration (Prosody removes at 16 errors). */
export const OUTCOMES_PER_REGISTRATION = 64;
/** Earlier enables of one key remembered (Prosody's earlier holders; more than a few is rare). */
export const EARLIER_ENABLES_PER_REGISTRATION = 8;
/** Sessions whose resumptions are remembered (the latest ones; a lane's older sessions are long gone). */
export const RESUMED_SESSIONS_REMEMBERED = 256;

/**
 * What the stores do not keep about connections and registrations: each lane's connection
 * generation (a new one per session id), which connection enabled which registration (and which
 * enabled it before: Prosody's earlier holders), which session disabled it (ejabberd clears that
 * session's push id, Prosody only that session's push identifier), whether the sink remotely
 * disabled it, and how the sink answered its pushes.
 */
export interface ConnectionTracker {
  connectionOnline(lane: LaneId): void;
  generationOf(lane: LaneId): number | undefined;
  /**
   * The session was resumed over XEP-0198: ejabberd resumes it in a new c2s process with a new
   * sid, so what it enables next is stored under a new key (PushPolicy.resumptionRenewsSessionKey).
   */
  sessionResumed(sessionId: string): void;
  /** `sessionResumed` for `lane`'s current connection (nothing when it has none). */
  connectionResumed(lane: LaneId, view: SessionView | undefined): void;
  /** `view`: the enabling lane's session as the sessions store holds it now; `at`: when the server accepted it. */
  registrationEnabled(key: RegistrationKey, lane: LaneId, view: SessionView | undefined, at?: number): void;
  /**
   * An outside session's enable (issue 12), with the server's session id from its log: a new
   * registration to the server, so nothing of the key's App Server history carries over.
   * `sessionKey`: the key the server's log gives the registration, when it gave one.
   */
  enabledBySession(key: RegistrationKey, sessionId: string, resource: string, at: number, sessionKey?: string): void;
  /** An accepted disable removed `keys` (registrations in force until then). */
  registrationDisabled(keys: readonly RegistrationKey[], by: RegistrationDisabler): void;
  /** The playground's session id of `lane`'s current connection, or null when it has none. */
  sessionIdOf(lane: LaneId, view: SessionView | undefined): string | null;
  remoteDisabled(key: RegistrationKey): void;
  answered(key: RegistrationKey, answer: AppServerOutcome): void;
  trackingOf(key: RegistrationKey): RegistrationTracking | undefined;
}

export function createConnectionTracker(): ConnectionTracker {
  const generations = new Map<LaneId, number>();
  const tracking = new Map<string, RegistrationTracking>();

  /** The key's enables before this one: the one tracked so far joins them (with the disable that followed it). */
  function earlierOf(t: RegistrationTracking | undefined): EarlierEnable[] {
    const before = t?.earlier ?? [];
    if (!t || t.enabledBySessionId === null || t.enabledAt === undefined || t.enabledByResource === undefined) return before;
    const earlier: EarlierEnable = {
      sessionId: t.enabledBySessionId,
      resource: t.enabledByResource,
      at: t.enabledAt,
      ...(t.enabledBySessionKey !== undefined ? { sessionKey: t.enabledBySessionKey } : {}),
      ...(t.disabledBy ? { disabledBy: t.disabledBy } : {}),
    };
    return [...before, earlier].slice(-EARLIER_ENABLES_PER_REGISTRATION);
  }

  const resumptions = new Map<string, number>();

  /** The session's key when it enables: its id, or after resumptions the key they renewed it to. */
  function keyOf(sessionId: string | null, logged: string | undefined): string | undefined {
    if (logged !== undefined) return logged;
    const count = sessionId === null ? 0 : (resumptions.get(sessionId) ?? 0);
    return sessionId !== null && count > 0 ? sessionKeyAfter(sessionId, count) : undefined;
  }

  function enabled(key: RegistrationKey, sessionId: string | null, resource: string | undefined, at: number | undefined, logged?: string): void {
    const id = keyId(key);
    const earlier = earlierOf(tracking.get(id));
    const sessionKey = keyOf(sessionId, logged);
    tracking.set(id, {
      enabledBySessionId: sessionId,
      ...(sessionKey !== undefined ? { enabledBySessionKey: sessionKey } : {}),
      remoteDisabled: false,
      outcomes: [],
      ...(resource !== undefined && at !== undefined ? { enabledByResource: resource, enabledAt: at } : {}),
      ...(earlier.length > 0 ? { earlier } : {}),
    });
  }

  function sessionResumed(sessionId: string): void {
    const count = (resumptions.get(sessionId) ?? 0) + 1;
    // Most recently resumed last, so the oldest goes first when the map is full.
    resumptions.delete(sessionId);
    resumptions.set(sessionId, count);
    const oldest = resumptions.keys().next().value;
    if (resumptions.size > RESUMED_SESSIONS_REMEMBERED && oldest !== undefined) resumptions.delete(oldest);
  }

  const sessionIdOf = (lane: LaneId, view: SessionView | undefined): string | null => {
    const generation = generations.get(lane);
    return view && generation !== undefined ? connectionSessionId(lane, view.resource, generation) : null;
  };

  return {
    connectionOnline(lane) {
      generations.set(lane, (generations.get(lane) ?? 0) + 1);
    },
    generationOf: (lane) => generations.get(lane),
    sessionResumed,
    connectionResumed(lane, view) {
      const sessionId = sessionIdOf(lane, view);
      if (sessionId !== null) sessionResumed(sessionId);
    },
    registrationEnabled(key, lane, view, at) {
      enabled(key, sessionIdOf(lane, view), view?.resource, at);
    },
    enabledBySession(key, sessionId, resource, at, sessionKey) {
      enabled(key, sessionId, resource, at, sessionKey);
    },
    registrationDisabled(keys, by) {
      for (const key of keys) {
        const id = keyId(key);
        const t = tracking.get(id) ?? { enabledBySessionId: null, remoteDisabled: false, outcomes: [] };
        tracking.set(id, { ...t, disabledBy: by });
      }
    },
    sessionIdOf,
    remoteDisabled(key) {
      const id = keyId(key);
      const t = tracking.get(id);
      tracking.set(id, t ? { ...t, remoteDisabled: true } : { enabledBySessionId: null, remoteDisabled: true, outcomes: [] });
    },
    answered(key, answer) {
      const id = keyId(key);
      const t = tracking.get(id) ?? { enabledBySessionId: null, remoteDisabled: false, outcomes: [] };
      tracking.set(id, { ...t, outcomes: [...t.outcomes, answer].slice(-OUTCOMES_PER_REGISTRATION) });
    },
    trackingOf: (key) => tracking.get(keyId(key)),
  };
}
