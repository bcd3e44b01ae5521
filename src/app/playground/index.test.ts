/**
 * The wiring: one recorder for the page. The Playground and the scenario runner, created together
 * as main.tsx does, write the same timeline through it; the view actions reach the stores.
 */
import { describe, expect, it } from "vitest";
import { SCENARIO_LANE, SENDER_LANE } from "../model";
import { createScenarioRunner } from "../scenarios/runner";
import { createStores } from "../stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "../stores/profile";
import { createPlayground } from "./index";
import { createRecorder } from "./recorder";

describe("createPlayground", () => {
  it("shares one recorder with the scenario runner: both land in one timeline with distinct ids", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const recorder = createRecorder({ stores, now: () => Date.now(), idPrefix: "page", flushIntervalMs: 60_000 });
    const pg = createPlayground({ stores, recorder, profile: { ...DEFAULT_PROFILE, service: "http://localhost:5280/xmpp-websocket" }, initialResources: [] });
    const runner = createScenarioRunner({
      stores,
      recorder,
      resolveService: () => ({ ok: true, value: "ws://127.0.0.1:1/xmpp-websocket" }),
      runSuite: async (options) => {
        options.onHarnessEvent?.("C1", { type: "party", party: { role: "account", resource: "a1", jid: null, state: "connecting" } });
        throw new Error("stopped by the test");
      },
    });
    expect((await pg.connectSender()).ok).toBe(false);
    expect(await runner.run(["C1"])).toBeNull();
    pg.flush();
    const events = stores.timeline.getState().events;
    expect(events.map((e) => e.lane)).toEqual([SENDER_LANE, SCENARIO_LANE]);
    expect(events[0]!.id).toMatch(/^page-/);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(stores.scenarios.getState()).toMatchObject({ status: "failed", error: "stopped by the test", firstEventIds: { C1: events[1]!.id } });

    pg.timeline.select(events[1]!.id);
    expect(stores.timeline.getState().selectedId).toBe(events[1]!.id);
    pg.resetSinkCounters();
    pg.setResourceColour(SENDER_LANE, "#101010");
    expect(stores.sessions.getState().sessions[SENDER_LANE]!.colour).toBe("#101010");
    await pg.dispose();
  });
});
