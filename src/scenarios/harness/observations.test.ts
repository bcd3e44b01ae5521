import { describe, expect, it } from "vitest";
import type { HarnessEvent, ObservedPublish } from "../types";
import { ObservationLog } from "./observations";

function publish(seq: number, at: number, nodeLabel = "N"): ObservedPublish {
  return {
    seq,
    at,
    iqId: `p${seq}`,
    from: "localhost",
    to: "pushsvc@localhost/sink",
    node: `node-${nodeLabel}`,
    nodeLabel,
    kind: "message",
    summary: null,
    publishOptions: null,
    extraChildren: [],
    warnings: [],
    answer: { kind: "result" },
    xml: "<iq/>",
  };
}

const delivery = (at: number) => ({ at, role: "account" as const, resource: "A1", from: "bob@localhost/B", to: "alice@localhost", type: "chat", body: "hi" });

describe("ObservationLog", () => {
  it("numbers deliveries, emits every record and consumes publishes up to a cursor", () => {
    const events: HarnessEvent[] = [];
    const log = new ObservationLog((e) => events.push(e));
    log.addPublish(publish(1, 10));
    log.addDelivery(delivery(11));
    log.addDelivery(delivery(12));
    expect(log.deliveries.map((d) => d.seq)).toEqual([1, 2]);
    expect(events.map((e) => e.type)).toEqual(["publish", "delivery", "delivery"]);
    expect(log.consumePublishes().map((p) => p.seq)).toEqual([1]);
    expect(log.pendingPublishes()).toEqual([]);
    log.addPublish(publish(2, 20));
    expect(log.pendingPublishes().map((p) => p.seq)).toEqual([2]);
  });

  it("files a probe with what arrived since the previous one and starts the next from there", () => {
    const log = new ObservationLog();
    log.addSent({ seq: 1, at: 1, from: "b", to: "a", type: "chat", id: "m1" });
    log.addPublish(publish(1, 5));
    log.addDelivery(delivery(6));
    const first = log.closeProbe("first", 1);
    expect(first).toMatchObject({ label: "first", startedAt: 1 });
    expect([first.publishes.length, first.deliveries.length, first.sent.length]).toEqual([1, 1, 1]);
    log.addPublish(publish(2, 9, "N2"));
    const second = log.closeProbe("second", 8);
    expect(second.publishes.map((p) => p.nodeLabel)).toEqual(["N2"]);
    expect([second.deliveries.length, second.sent.length]).toEqual([0, 0]);
    expect(log.probes.map((p) => p.label)).toEqual(["first", "second"]);
  });

  it("reports the latest unconsumed arrival, 0 once everything is consumed", () => {
    const log = new ObservationLog();
    expect(log.lastActivityAt()).toBe(0);
    log.addPublish(publish(1, 100));
    log.addDelivery(delivery(150));
    expect(log.lastActivityAt()).toBe(150);
    log.advanceCursors();
    expect(log.lastActivityAt()).toBe(0);
  });

  it("keeps a throwing listener's error as a trace instead of failing the caller", () => {
    const log = new ObservationLog(() => {
      throw new Error("boom");
    });
    log.recordError("first");
    expect(log.errors).toEqual(["first", "event listener threw: boom"]);
  });

  it("wakes a waiter when a publish arrives", async () => {
    const log = new ObservationLog();
    const woke = log.activity.until(() => log.publishes.length > 0, 2000);
    log.addPublish(publish(1, 1));
    await expect(woke).resolves.toBe(true);
  });
});
