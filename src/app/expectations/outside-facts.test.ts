/** Outside sessions as the predictions count them: from the server log, or seen through presence on another server. */
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import type { KnownRegistration } from "../model";
import { createStores } from "../stores";
import { outsideLaneId, type OutsideSessionView } from "../stores/outside";
import { createMemoryStorage } from "../stores/profile";
import { ACCOUNT, BOB, chatTo, resource, SINK } from "../test-support/expectation-fixtures";
import { createConnectionTracker } from "./connection-tracker";
import { planMessage, type PlanContext } from "./message-plan";
import { outsideEnabler, outsideSessionSnapshots } from "./outside-facts";
import { ZERO_COUNTERS } from "./predict";

function outside(name: string, over: Partial<OutsideSessionView> = {}): OutsideSessionView {
  return {
    id: outsideLaneId(name),
    resource: name,
    jid: `${ACCOUNT}/${name}`,
    label: `alice/${name} (outside)`,
    status: "online",
    sessionId: null,
    presence: { show: null, priority: 0 },
    capsNode: null,
    seenThrough: "presence",
    since: 1,
    ...over,
  };
}

function registration(node: string, by: string, sessionId: string): KnownRegistration {
  return { jid: SINK, node, away: true, publishOptions: null, enabledBySessionId: sessionId, enabledByResource: by, enabledAt: 1, state: "active", pushCount: 0 };
}

describe("outside session snapshots", () => {
  it("counts online and hibernated outside sessions, with the server's session id or one per resource, and leaves ended ones and the playground's own out", () => {
    const views = [
      outside("phone", { sessionId: "srv-7", seenThrough: "server log", presence: { show: "dnd", priority: 5 } }),
      outside("gajim"),
      outside("old", { status: "ended", presence: null }),
      outside("killed", { status: "hibernated", sessionId: "srv-8", seenThrough: "server log", presence: { show: "away", priority: 0 } }),
      outside("r1"),
    ];
    expect(outsideSessionSnapshots(views, new Set(["r1"]))).toEqual([
      { sessionId: "srv-7", resource: "phone", state: "connected", presence: { show: "dnd", priority: 5 }, presenceCount: 1 },
      { sessionId: "outside/gajim", resource: "gajim", state: "connected", presence: { show: null, priority: 0 }, presenceCount: 1 },
      { sessionId: "srv-8", resource: "killed", state: "hibernated", presence: { show: "away", priority: 0 }, presenceCount: 1 },
    ]);
  });

  it("binds a registration an outside session enabled to that session, and leaves the playground's own to the tracker", () => {
    const enabler = outsideEnabler([outside("phone", { sessionId: "srv-7" }), outside("r1")], new Set(["r1"]));
    expect(enabler(registration("n-out", "phone", "srv-7"))).toBe("srv-7");
    expect(enabler(registration("n-own", "r1", "res-r1"))).toBeNull();
  });
});

describe("a message planned while an outside app is online (another server: seen through presence)", () => {
  function context(): PlanContext {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    stores.sessions.getState().upsert(resource("r1", "away"));
    const tracker = createConnectionTracker();
    tracker.connectionOnline("res-r1");
    stores.registrations.getState().upsert(registration("n-1", "r1", "res-r1"));
    tracker.registrationEnabled({ jid: SINK, node: "n-1" }, "res-r1", stores.sessions.getState().sessions["res-r1"]);
    return { stores, connections: tracker, account: ACCOUNT, sinkJid: () => SINK, windowMs: () => 3000, policyOptions: DEFAULT_POLICY_OPTIONS, serverPolicy: null, counters: ZERO_COUNTERS };
  }

  it("expects no push under spec while the outside app is available, and the push once it went unavailable", () => {
    const ctx = context();
    const alone = planMessage(chatTo(ACCOUNT, "hi", "m-1"), "m-1", "sender", BOB, ctx);
    expect(alone.prediction.predictions.spec.decision.rule).toBe("spec/all-away");

    ctx.stores.outside!.getState().upsert(outside("gajim", { presence: { show: null, priority: 1 } }));
    const withApp = planMessage(chatTo(ACCOUNT, "hi", "m-2"), "m-2", "sender", BOB, ctx);
    expect(withApp.prediction.sessions.map((s) => s.resource)).toEqual(["r1", "gajim"]);
    expect(withApp.prediction.delivery.deliveredTo).toEqual(["r1", "gajim"]);
    expect(withApp.prediction.predictions.spec.decision.rule).toBe("spec/online-session");
    expect(withApp.prediction.predictions.spec.expected).toEqual([]);

    ctx.stores.outside!.getState().upsert(outside("gajim", { status: "ended", presence: null }));
    const gone = planMessage(chatTo(ACCOUNT, "hi", "m-3"), "m-3", "sender", BOB, ctx);
    expect(gone.prediction.predictions.spec.expected).toEqual([{ jid: SINK, node: "n-1" }]);
  });
});
