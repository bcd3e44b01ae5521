import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import { ACCOUNT, BOB, chatTo, manualClock } from "../test-support/expectation-fixtures";
import { createConnectionTracker } from "./connection-tracker";
import { planMessage, sentRecord } from "./message-plan";
import { ZERO_COUNTERS } from "./predict";
import { createRecordWriter } from "./record-writer";

function setup() {
  const stores = createStores({ profile: { storage: createMemoryStorage() } });
  const clock = manualClock();
  const writer = createRecordWriter({ stores, setTimer: clock.setTimer, clearTimer: clock.clearTimer, flushIntervalMs: 50 });
  const plan = planMessage(chatTo(ACCOUNT, "hi", "m-1"), "m-1", "sender", BOB, {
    stores,
    connections: createConnectionTracker(),
    account: ACCOUNT,
    sinkJid: () => "pushsvc@localhost/sink",
    windowMs: () => 3000,
    policyOptions: DEFAULT_POLICY_OPTIONS,
    serverPolicy: null,
    counters: ZERO_COUNTERS,
  });
  return { stores, clock, writer, record: sentRecord(plan, "ev-1", clock.now()) };
}

describe("record writer", () => {
  it("batches records and the server policy into one store write per period, and reads its pending writes", () => {
    const { stores, clock, writer, record } = setup();
    writer.put(record);
    writer.setServer({ policy: "prosody", host: "localhost" });
    expect(writer.current("m-1")).toBe(record);
    expect(writer.server()).toEqual({ policy: "prosody", host: "localhost" });
    expect(stores.expectations.getState().records["m-1"]).toBeUndefined();
    expect(stores.expectations.getState().server).toBeNull();
    clock.advance(50);
    expect(stores.expectations.getState().records["m-1"]).toEqual(record);
    expect(stores.expectations.getState().server).toEqual({ policy: "prosody", host: "localhost" });
    expect(writer.current("m-1")).toEqual(record);
  });

  it("flushes on demand and on dispose; after dispose only an explicit flush writes", () => {
    const { stores, clock, writer, record } = setup();
    writer.put(record);
    writer.flush();
    expect(stores.expectations.getState().records["m-1"]).toEqual(record);

    writer.put({ ...record, eventId: "ev-2" });
    writer.dispose();
    expect(stores.expectations.getState().records["m-1"]?.eventId).toBe("ev-2");

    writer.put({ ...record, eventId: "ev-3" });
    clock.advance(1000);
    expect(stores.expectations.getState().records["m-1"]?.eventId).toBe("ev-2");
    writer.flush();
    expect(stores.expectations.getState().records["m-1"]?.eventId).toBe("ev-3");
  });

  it("with a scheduler (the recorder's defer) writes when it runs the flush, once per batch, and no timer", () => {
    const { stores, clock } = setup();
    const scheduled: (() => void)[] = [];
    const writer = createRecordWriter({ stores, setTimer: clock.setTimer, clearTimer: clock.clearTimer, flushIntervalMs: 50, defer: (flush) => scheduled.push(flush) });
    const { record } = setup();
    writer.put(record);
    writer.put({ ...record, eventId: "ev-2" });
    expect(scheduled).toHaveLength(1);
    clock.advance(1000);
    expect(stores.expectations.getState().records["m-1"]).toBeUndefined();
    scheduled[0]!();
    expect(stores.expectations.getState().records["m-1"]?.eventId).toBe("ev-2");
    // The next write asks for the next flush.
    writer.put({ ...record, eventId: "ev-3" });
    expect(scheduled).toHaveLength(2);
  });
});
