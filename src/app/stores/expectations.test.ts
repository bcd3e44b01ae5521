import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS, POLICY_NAMES, type PolicyName } from "../../protocol/policy/types";
import { ACCOUNT, BOB, chatTo, connections, reg, resource, SINK } from "../test-support/expectation-fixtures";
import { messageSnapshotOf, predict, sessionSnapshots, ZERO_COUNTERS } from "../expectations/predict";
import type { ExpectationRecord, PolicyVerdict, VerdictStatus } from "../expectations/types";
import { createExpectationsStore, selectExpectationChoice, selectRecordForEvent } from "./expectations";

/** A record from a real prediction; `status` stands in for the judged verdicts. */
function record(messageId: string, status: VerdictStatus): ExpectationRecord {
  const views = [resource("phone", "offline"), resource("laptop", "away")];
  const p = predict({
    account: ACCOUNT,
    sessions: sessionSnapshots(views, connections(views)),
    registrations: [reg("n-1", { away: true, by: "phone" })],
    message: messageSnapshotOf(chatTo(ACCOUNT, "hi", messageId), { from: BOB, domain: "localhost" }),
    options: DEFAULT_POLICY_OPTIONS,
    serverPolicy: null,
    counters: ZERO_COUNTERS,
  });
  const verdicts = {} as Record<PolicyName, PolicyVerdict>;
  for (const policy of POLICY_NAMES) verdicts[policy] = { policy, status, missing: [], unexpected: [], duplicates: [], unobservableKeys: [], sentence: status };
  return {
    messageId, eventId: `ev-${messageId}`, lane: "sender", sentAt: 0, windowMs: 3000, account: ACCOUNT, sinkJid: SINK,
    message: p.message, sessions: p.sessions, delivery: p.delivery, predictions: p.predictions,
    observation: { closedAt: status === "pending" ? null : 3000, pushes: [], late: [], unobservable: null }, verdicts, server: null,
  };
}

describe("expectations store", () => {
  it("keeps records by message id and event id, and scores revisions without double counting", () => {
    const store = createExpectationsStore();
    store.getState().applyBatch({ upsert: [record("m-1", "pending")] });
    expect(store.getState().scores.spec).toEqual({ matched: 0, judged: 0 });
    store.getState().applyBatch({ upsert: [record("m-1", "match"), record("m-2", "mismatch")] });
    store.getState().applyBatch({ upsert: [record("m-1", "match")] });
    const s = store.getState();
    expect(s.order).toEqual(["m-1", "m-2"]);
    expect(s.scores.spec).toEqual({ matched: 1, judged: 2 });
    expect(selectRecordForEvent(s, "ev-m-2")?.messageId).toBe("m-2");
    expect(selectRecordForEvent(s, "ev-unknown")).toBeUndefined();
  });

  it("forgets the oldest records beyond the cap but keeps their score", () => {
    const store = createExpectationsStore({ cap: 2 });
    store.getState().applyBatch({ upsert: [record("m-1", "match"), record("m-2", "match"), record("m-3", "mismatch")] });
    const s = store.getState();
    expect(s.order).toEqual(["m-2", "m-3"]);
    expect(s.records["m-1"]).toBeUndefined();
    expect(s.byEventId["ev-m-1"]).toBeUndefined();
    expect(s.dropped).toBe(1);
    expect(s.scores.spec).toEqual({ matched: 2, judged: 3 });
  });

  it("clamps the wait window, ignores non-numbers, and takes the server's policy as the default expectation", () => {
    const store = createExpectationsStore();
    expect(store.getState().setWindowMs(10)).toBe(200);
    expect(store.getState().setWindowMs(1e9)).toBe(60_000);
    expect(store.getState().setWindowMs(Number.NaN)).toBeNull();
    expect(store.getState().windowMs).toBe(60_000);
    store.getState().applyBatch({ upsert: [], server: { policy: "tigase", host: "tigase.localhost" } });
    expect(selectExpectationChoice(store.getState())).toMatchObject({ policy: "tigase", source: "server log" });
    store.getState().pin("spec");
    expect(selectExpectationChoice(store.getState()).policy).toBe("spec");
    store.getState().applyBatch({ upsert: [record("m-1", "match")] });
    store.getState().reset();
    expect(store.getState()).toMatchObject({ records: {}, order: [], pinned: "spec", server: { policy: "tigase" } });
    expect(store.getState().scores.spec).toEqual({ matched: 0, judged: 0 });
  });
});
