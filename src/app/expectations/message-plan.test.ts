import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import { SINK_LANE } from "../model";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { ACCOUNT, BOB, chatTo, resource } from "../test-support/expectation-fixtures";
import { createConnectionTracker } from "./connection-tracker";
import { messageToAccount, planMessage, sentRecord, type PlanContext } from "./message-plan";
import { ZERO_COUNTERS } from "./predict";

function context(): PlanContext {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  stores.sessions.getState().upsert(resource("r1", "available"));
  return {
    stores,
    connections: createConnectionTracker(),
    account: ACCOUNT,
    sinkJid: () => "pushsvc@localhost/sink",
    windowMs: () => 3000,
    policyOptions: DEFAULT_POLICY_OPTIONS,
    serverPolicy: null,
    counters: ZERO_COUNTERS,
  };
}

describe("message plan", () => {
  it("plans only messages with an id to the account, bare or full JID", () => {
    const account = () => ACCOUNT;
    expect(messageToAccount(chatTo(ACCOUNT, "hi", "m-1"), account)).toEqual({ messageId: "m-1", account: ACCOUNT });
    expect(messageToAccount(chatTo("Alice@Localhost/phone", "hi", "m-2"), account)).toEqual({ messageId: "m-2", account: ACCOUNT });
    expect(messageToAccount(chatTo("carol@localhost", "hi", "m-3"), account)).toBeNull();
    expect(messageToAccount(chatTo(ACCOUNT, "hi", ""), account)).toBeNull();
  });

  it("predicts with what is known now, and says when the sink cannot observe", () => {
    const ctx = context();
    const plan = planMessage(chatTo(ACCOUNT, "hi", "m-1"), "m-1", "sender", BOB, ctx);
    expect(plan).toMatchObject({ messageId: "m-1", lane: "sender", account: ACCOUNT, sinkJid: "pushsvc@localhost/sink", windowMs: 3000, sinkConnectedAt: null });
    expect(plan.unobservable).toBe("the App Server sink was not connected when the message was sent");
    expect(plan.prediction.sessions.map((s) => s.resource)).toEqual(["r1"]);

    ctx.stores.sessions.getState().upsert({ ...resource("sink", "available"), id: SINK_LANE, role: "sink", status: "online", connectedAt: 42 });
    const observable = planMessage(chatTo(ACCOUNT, "hi", "m-2"), "m-2", "sender", BOB, ctx);
    expect(observable.unobservable).toBeNull();
    expect(observable.sinkConnectedAt).toBe(42);
  });

  it("starts a sent message's record with nothing observed yet", () => {
    const plan = planMessage(chatTo(ACCOUNT, "hi", "m-1"), "m-1", "sender", BOB, context());
    const record = sentRecord(plan, "ev-1", 5);
    expect(record).toMatchObject({ messageId: "m-1", eventId: "ev-1", lane: "sender", sentAt: 5, windowMs: 3000, server: null });
    expect(record.predictions).toBe(plan.prediction.predictions);
    expect(record.observation).toEqual({ closedAt: null, pushes: [], late: [], unobservable: plan.unobservable });
  });
});
