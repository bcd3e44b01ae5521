import type { AppServerOutcome, RegistrationKey } from "../../protocol/policy/types";
import type { LaneId } from "../model";
import type { SessionView } from "../stores/sessions";
import { keyId } from "./keys";
import { connectionSessionId, type EarlierEnable, type RegistrationDisabler, type RegistrationTracking } from "./predict";

/** Sink answers remembered per registration (Prosody removes at 16 errors). */
export const OUTCOMES_PER_REGISTRATION = 64;
/** Earlier enables of one key remembered (Prosody's earlier holders; more than a few is rare). */
export const EARLIER_ENABLES_PER_REGISTRATION = 8;

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
  /** `view`: the enabling lane's session as the sessions store holds it now; `at`: when the server accepted it. */
  registrationEnabled(key: RegistrationKey, lane: LaneId, view: SessionView | undefined, at?: number): void;
  /**
   * An outside session's enable (issue 12), with the server's session id from its log: a new
   * registration to the server, so nothing of the key's App Server history carries over.
   */
  enabledBySession(key: RegistrationKey, sessionId: string, resource: string, at: number): void;
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
    const earlier: EarlierEnable = { sessionId: t.enabledBySessionId, resource: t.enabledByResource, at: t.enabledAt, ...(t.disabledBy ? { disabledBy: t.disabledBy } : {}) };
    return [...before, earlier].slice(-EARLIER_ENABLES_PER_REGISTRATION);
  }

  function enabled(key: RegistrationKey, sessionId: string | null, resource: string | undefined, at: number | undefined): void {
    const id = keyId(key);
    const earlier = earlierOf(tracking.get(id));
    tracking.set(id, {
      enabledBySessionId: sessionId,
      remoteDisabled: false,
      outcomes: [],
      ...(resource !== undefined && at !== undefined ? { enabledByResource: resource, enabledAt: at } : {}),
      ...(earlier.length > 0 ? { earlier } : {}),
    });
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
    registrationEnabled(key, lane, view, at) {
      enabled(key, sessionIdOf(lane, view), view?.resource, at);
    },
    enabledBySession(key, sessionId, resource, at) {
      enabled(key, sessionId, resource, at);
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
