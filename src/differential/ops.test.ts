import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meaningfulSequences, sequencesOf } from "./campaign";
import { describeOp, hibernatedBefore, MAX_OPS, validSequence } from "./ops";
import type { Op } from "./ops";

describe("the sequence generator", () => {
  it("is deterministic given the seed", () => {
    expect(sequencesOf(7, 20)).toEqual(sequencesOf(7, 20));
    expect(sequencesOf(7, 20)).not.toEqual(sequencesOf(8, 20));
  });

  it("yields 2 to 8 operations that all apply, covering every kind of operation", () => {
    const list = sequencesOf(1, 300);
    for (const { ops } of list) {
      expect(ops.length).toBeGreaterThanOrEqual(2);
      expect(ops.length).toBeLessThanOrEqual(MAX_OPS);
      expect(validSequence(ops)).toEqual(ops);
    }
    const kinds = new Set(list.flatMap(({ ops }) => ops.map((o) => o.op)));
    expect([...kinds].sort()).toEqual(["answer", "connect", "disable", "disconnect", "drop", "enable", "presence", "send"]);
    const all = list.flatMap(({ ops }) => ops);
    const sends = all.filter((o): o is Extract<Op, { op: "send" }> => o.op === "send");
    expect(new Set(sends.map((s) => s.type))).toEqual(new Set(["chat", "normal", "headline", "groupchat", "error"]));
    expect(new Set(sends.map((s) => s.to))).toEqual(new Set(["bare", "A1", "A2", "A3"]));
    expect(new Set(sends.map((s) => s.body))).toEqual(new Set([true, false]));
    const presences = all.filter((o): o is Extract<Op, { op: "presence" }> => o.op === "presence");
    expect(new Set(presences.map((p) => p.show)).size).toBe(6);
    expect(presences.some((p) => p.priority < 0)).toBe(true);
    const answers = new Set(all.flatMap((o) => (o.op === "answer" ? [o.answer] : [])));
    expect(answers).toEqual(new Set(["result", "silent", "wait", "cancel", "auth", "modify"]));
  });

  it("shrinks a sequence it did not generate (fast-check examples), keeping it meaningful", () => {
    const example: Op[] = [
      { op: "send", type: "headline", body: true, to: "bare" },
      { op: "connect", r: "A2", sm: true },
      { op: "enable", r: "A2", node: "N2", away: true },
      { op: "send", type: "groupchat", body: false, to: "A3" },
    ];
    const result = fc.check(
      fc.property(meaningfulSequences, (raw) => !validSequence(raw).some((o) => o.op === "enable")),
      { examples: [[example]], numRuns: 1 },
    );
    expect(result.failed).toBe(true);
    const shrunk = validSequence((result.counterexample?.[0] ?? []) as Op[]);
    expect(shrunk.length).toBeLessThan(example.length);
    expect(shrunk.slice(0, 2).map((o) => o.op)).toEqual(["connect", "enable"]);
    expect(shrunk[1]).toMatchObject({ r: shrunk[0]?.op === "connect" ? shrunk[0].r : "?" });
  });
});

describe("validSequence", () => {
  it("keeps only operations whose resource is in the right state", () => {
    const ops: Op[] = [
      { op: "presence", r: "A1", show: "away", priority: 0 },
      { op: "connect", r: "A1", sm: false },
      { op: "connect", r: "A1", sm: true },
      { op: "drop", r: "A1" },
      { op: "disconnect", r: "A1" },
      { op: "connect", r: "A1", sm: true },
      { op: "drop", r: "A1" },
      { op: "connect", r: "A1", sm: false },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "send", type: "chat", body: true, to: "A1" },
    ];
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A1 connect",
      "A1 disconnect",
      "A1 connect (XEP-0198)",
      "A1 drop socket (app killed)",
      "B → A1: chat",
    ]);
  });

  it("says when a session hibernates", () => {
    const ops: Op[] = [
      { op: "connect", r: "A2", sm: true },
      { op: "drop", r: "A2" },
      { op: "send", type: "chat", body: true, to: "bare" },
    ];
    expect([0, 1, 2, 3].map((i) => hibernatedBefore(ops, i))).toEqual([false, false, true, true]);
  });
});
