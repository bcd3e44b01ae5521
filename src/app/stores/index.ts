/**
 * All stores of the playground, one per concern (AsyncAPI Studio style): each is a vanilla zustand
 * store (for the Playground service and tests) with a React hook in ./hooks.ts.
 */
import type { StoreApi } from "zustand/vanilla";
import { createConsoleStore, type ConsoleState } from "./console";
import { createDiscoStore, type DiscoState } from "./disco";
import { createExpectationsStore, type ExpectationsState } from "./expectations";
import { createExplanationsStore, type ExplanationsState } from "./explanations";
import { createOutsideStore, selectOutsideLaneInfo, type OutsideState } from "./outside";
import { createProfileStore, type ProfileStoreOptions, type ProfileState } from "./profile";
import { createRegistrationsStore, type RegistrationsState } from "./registrations";
import { createScenariosStore, type ScenariosState } from "./scenarios";
import { createSessionsStore, selectLaneInfo, type SessionsState } from "./sessions";
import { createSinkStore, type SinkState } from "./sink";
import { createTimelineStore, type TimelineState } from "./timeline";

export interface Stores {
  profile: StoreApi<ProfileState>;
  sessions: StoreApi<SessionsState>;
  /** The account's sessions the playground did not open (issue 12): read-only outside lanes. */
  outside: StoreApi<OutsideState>;
  disco: StoreApi<DiscoState>;
  registrations: StoreApi<RegistrationsState>;
  sink: StoreApi<SinkState>;
  timeline: StoreApi<TimelineState>;
  console: StoreApi<ConsoleState>;
  /** Push expectations per sent message and the running policy score (src/app/expectations). */
  expectations: StoreApi<ExpectationsState>;
  /** The Scenarios panel: catalogue, selection, run progress and results (src/app/scenarios). */
  scenarios: StoreApi<ScenariosState>;
  /** The selected message's explanation card, counterfactuals and push lifecycle (issue 9). */
  explanations: StoreApi<ExplanationsState>;
}

export interface CreateStoresOptions {
  profile?: ProfileStoreOptions;
  /** Ring-buffer cap for timeline and console (default 200,000 each). */
  cap?: number;
}

export function createStores(options: CreateStoresOptions = {}): Stores {
  const profile = createProfileStore(options.profile);
  const sessions = createSessionsStore();
  const outside = createOutsideStore();
  return {
    profile,
    sessions,
    outside,
    disco: createDiscoStore(),
    registrations: createRegistrationsStore(),
    sink: createSinkStore(),
    timeline: createTimelineStore({
      cap: options.cap,
      getProfile: () => profile.getState().profile,
      getLanes: () => ({ ...selectOutsideLaneInfo(outside.getState()), ...selectLaneInfo(sessions.getState()) }),
    }),
    console: createConsoleStore({ cap: options.cap }),
    expectations: createExpectationsStore(),
    scenarios: createScenariosStore(),
    explanations: createExplanationsStore(),
  };
}

export type { ConsoleState, DiscoState, OutsideState, ExpectationsState, ExplanationsState, ProfileState, RegistrationsState, ScenariosState, SessionsState, SinkState, TimelineState };
export { DEFAULT_CAP } from "./ring";
