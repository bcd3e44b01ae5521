/** The expectation engine behind its chunk (issue 14): what happens before, while and after it loads. */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_POLICY_OPTIONS, type PolicyName } from "../../protocol/policy/types";
import type { RegistrationEntry } from "../../protocol/push-log";
import { SINK_LANE } from "../model";
import { createStores, type Stores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { ACCOUNT, BOB, chatTo, manualClock, resource, SINK } from "../test-support/expectation-fixtures";

type LazyModule = typeof import("./lazy-engine");

let lazyModule: LazyModule;
let stores: Stores;

beforeEach(async () => {
  // A fresh module each time: whether the engine's chunk has loaded is the module's state.
  vi.resetModules();
  lazyModule = await import("./lazy-engine");
  stores = createStores({ profile: { storage: createMemoryStorage() } });
});

function lazyEngine() {
  return lazyModule.createLazyExpectationEngine({ stores, account: () => ACCOUNT, sinkJid: () => SINK, policyOptions: DEFAULT_POLICY_OPTIONS, ...manualClock() });
}

/** An outside session's enable as the server's log has it, on a host running `policy`. */
function enableEntry(seq: number, policy: PolicyName, host: string): RegistrationEntry {
  const registration = { jid: SINK, node: "n-1", away: false, enabledBySessionId: "srv-9", enabledByResource: "tablet", publishOptions: null, errorCount: 0 };
  return { seq, at: new Date(1_000_000).toISOString(), account: ACCOUNT, host, policy, kind: "enable", resource: "tablet", key: { jid: SINK, node: "n-1" }, registration, why: "new registration" };
}

describe("lazy expectation engine", () => {
  it("keeps the calls made before its chunk has loaded and runs them in order once it has", async () => {
    const engine = lazyEngine();
    engine.logEntry(enableEntry(1, "tigase", "tigase.localhost"));
    engine.logEntry(enableEntry(2, "prosody", "prosody.localhost"));
    engine.flush();
    expect(stores.expectations.getState().server).toBeNull();

    await lazyModule.loadExpectationEngine();
    engine.flush();
    // The later entry names the server last: it wins only if the calls ran in the order they were made.
    expect(stores.expectations.getState().server).toEqual({ policy: "prosody", host: "prosody.localhost" });
  });

  it("predicts at send time once loaded, as the engine itself does", async () => {
    await lazyModule.loadExpectationEngine();
    const engine = lazyEngine();
    stores.sessions.getState().upsert({ ...resource("sink", "available"), id: SINK_LANE, role: "sink", label: "pushsvc/sink", account: "pushsvc@localhost" });
    stores.sessions.getState().upsert(resource("phone", "available"));
    engine.connectionOnline(SINK_LANE);
    engine.connectionOnline("res-phone");
    const plan = engine.plan(chatTo(ACCOUNT, "hello", "m-1"), "sender", BOB);
    expect(plan?.messageId).toBe("m-1");
    engine.sent(plan!, "ev-m-1", 1_000_000);
    engine.flush();
    expect(stores.expectations.getState().records["m-1"]).toMatchObject({ messageId: "m-1", eventId: "ev-m-1" });
  });

  it("drops what waited when disposed before its chunk arrived", async () => {
    const engine = lazyEngine();
    engine.logEntry(enableEntry(1, "ejabberd", "ejabberd.localhost"));
    engine.dispose();
    await lazyModule.loadExpectationEngine();
    engine.logEntry(enableEntry(2, "ejabberd", "ejabberd.localhost"));
    engine.flush();
    expect(stores.expectations.getState().server).toBeNull();
  });
});
