/** A service context for unit tests of one playground service: real stores, a recorder, a settable clock. */
import type { ServiceContext } from "../playground/context";
import { createRecorder } from "../playground/recorder";
import { createStores, type Stores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import type { TimelineEvent } from "../model";

export interface TestContext extends ServiceContext {
  /** Move the clock. */
  at(ms: number): void;
  /** The timeline after applying what is queued. */
  events(): TimelineEvent[];
}

export function createTestContext(stores: Stores = createStores({ profile: { storage: createMemoryStorage() } })): TestContext {
  let now = 1_700_000_000_000;
  const clock = { now: () => now };
  const recorder = createRecorder({ stores, now: clock.now, idPrefix: "t", flushIntervalMs: 60_000 });
  return {
    stores,
    recorder,
    clock,
    at(ms) {
      now = ms;
    },
    events() {
      recorder.flush();
      return stores.timeline.getState().events;
    },
  };
}
