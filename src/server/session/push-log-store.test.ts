import { describe, expect, it, vi } from "vitest";
import { PushLog, type NewPushLogEntry } from "./push-log-store";

function enableEntry(account: string, node: string): NewPushLogEntry {
  return {
    kind: "enable",
    host: "localhost",
    policy: "spec",
    account,
    resource: "phone",
    key: { jid: "pushsvc@localhost/sink", node },
    why: "enabled",
  };
}

describe("PushLog", () => {
  it("assigns monotonic seq and an ISO timestamp, and returns the stored entry", () => {
    const log = new PushLog();
    const a = log.append(enableEntry("alice@localhost", "n1"));
    const b = log.append(enableEntry("bob@localhost", "n2"));
    expect(a.seq).toBe(1);
    expect(b.seq).toBe(2);
    expect(new Date(a.at).toISOString()).toBe(a.at);
    expect(a).toMatchObject({ kind: "enable", account: "alice@localhost", key: { node: "n1" } });
    expect(log.lastSeq).toBe(2);
    expect(log.list()).toEqual([a, b]);
  });

  it("filters by account and after", () => {
    const log = new PushLog();
    for (let i = 0; i < 6; i++) log.append(enableEntry(i % 2 ? "bob@localhost" : "alice@localhost", `n${i}`));
    expect(log.list({ account: "alice@localhost" }).map((e) => e.seq)).toEqual([1, 3, 5]);
    expect(log.list({ after: 3 }).map((e) => e.seq)).toEqual([4, 5, 6]);
    expect(log.list({ account: "bob@localhost", after: 2 }).map((e) => e.seq)).toEqual([4, 6]);
    expect(log.list({ after: 6 })).toEqual([]);
    expect(log.list({ after: 100 })).toEqual([]);
    expect(log.list({ after: -5 }).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("limit returns the oldest entries after `after`, the newest without it", () => {
    const log = new PushLog();
    for (let i = 0; i < 10; i++) log.append(enableEntry("alice@localhost", `n${i}`));
    expect(log.list({ after: 2, limit: 3 }).map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.list({ limit: 3 }).map((e) => e.seq)).toEqual([8, 9, 10]);
    expect(log.list({ limit: 0 })).toEqual([]);
  });

  it("drops the oldest entries beyond capacity and keeps seq monotonic", () => {
    const log = new PushLog(3);
    for (let i = 0; i < 7; i++) log.append(enableEntry("alice@localhost", `n${i}`));
    expect(log.length).toBe(3);
    expect(log.list().map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(log.list({ after: 1 }).map((e) => e.seq)).toEqual([5, 6, 7]);
    expect(log.list({ after: 5 }).map((e) => e.seq)).toEqual([6, 7]);
    expect(log.append(enableEntry("alice@localhost", "n7")).seq).toBe(8);
    expect(log.list().map((e) => e.seq)).toEqual([6, 7, 8]);
  });

  it("rejects a capacity that is not a positive integer", () => {
    expect(() => new PushLog(0)).toThrow(RangeError);
    expect(() => new PushLog(1.5)).toThrow(RangeError);
  });

  it("notifies subscribers until they unsubscribe, and isolates a throwing subscriber", () => {
    const onError = vi.fn();
    const log = new PushLog(10, onError);
    const seen: number[] = [];
    log.subscribe(() => {
      throw new Error("boom");
    });
    const off = log.subscribe((e) => seen.push(e.seq));
    log.append(enableEntry("alice@localhost", "a"));
    off();
    log.append(enableEntry("alice@localhost", "b"));
    expect(seen).toEqual([1]);
    expect(onError).toHaveBeenCalledTimes(2);
    expect(log.length).toBe(2);
  });

  it("names its run with an instance id, different for each new log (a restarted server)", () => {
    const a = new PushLog();
    const b = new PushLog();
    expect(a.instance).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.instance).not.toBe(a.instance);
    const before = a.instance;
    a.append(enableEntry("alice@localhost", "n1"));
    expect(a.instance).toBe(before);
  });
});
