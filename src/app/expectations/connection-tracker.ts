import type { AppServerOutcome, RegistrationKey } from "../../protocol/policy/types";
import type { LaneId } from "../model";
import type { SessionView } from "../stores/sessions";
import { keyId } from "./keys";
import { connectionSessionId, type RegistrationTracking } from "./predict";

/** Sink answers remembered per registration (Prosody removes at 16 errors). */
export const OUTCOMES_PER_REGISTRATION = 64;

/**
 * What the stores do not keep about connections and registrations: each lane's connection
 * generation (a new one per session id), which connection enabled which registration, whether the
 * sink remotely disabled it, and how the sink answered its pushes.
 */
export interface ConnectionTracker {
  connectionOnline(lane: LaneId): void;
  generationOf(lane: LaneId): number | undefined;
  /** `view`: the enabling lane's session as the sessions store holds it now. */
  registrationEnabled(key: RegistrationKey, lane: LaneId, view: SessionView | undefined): void;
  remoteDisabled(key: RegistrationKey): void;
  answered(key: RegistrationKey, answer: AppServerOutcome): void;
  trackingOf(key: RegistrationKey): RegistrationTracking | undefined;
}

export function createConnectionTracker(): ConnectionTracker {
  const generations = new Map<LaneId, number>();
  const tracking = new Map<string, RegistrationTracking>();
  return {
    connectionOnline(lane) {
      generations.set(lane, (generations.get(lane) ?? 0) + 1);
    },
    generationOf: (lane) => generations.get(lane),
    registrationEnabled(key, lane, view) {
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
    answered(key, answer) {
      const id = keyId(key);
      const t = tracking.get(id) ?? { enabledBySessionId: null, remoteDisabled: false, outcomes: [] };
      tracking.set(id, { ...t, outcomes: [...t.outcomes, answer].slice(-OUTCOMES_PER_REGISTRATION) });
    },
    trackingOf: (key) => tracking.get(keyId(key)),
  };
}
