import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { meaningfulSequences, sequencesOf } from "./campaign";
import { describeOp, hibernatedBefore, MAX_OPS, opsOf, validSequence } from "./ops";
import type { Op } from "./ops";

describe("the sequence generator", () => {
  it("is deterministic given the seed", () => {
    expect(sequencesOf(7, 20)).toEqual(sequencesOf(7, 20));
    expect(sequencesOf(7, 20)).not.toEqual(sequencesOf(8, 20));
  });

  it("yields 2 to 8 generated operations (10 with a drop-resume row) that apply as run, covering every kind of operation", () => {
    const list = sequencesOf(1, 300);
    for (const { raw, ops } of list) {
      expect(ops.length).toBeGreaterThanOrEqual(2);
      // A drop-resume row adds its enabler's presence and its resume to the eight.
      const generated = opsOf(raw);
      expect(generated.length).toBeLessThanOrEqual(MAX_OPS + 2);
      // Only the sessions the operations imply are added, and a drop before a resume of a connected session.
      const resumes = generated.filter((o) => o.op === "resume").length;
      expect(ops.filter((o) => o.op !== "connect").length).toBeLessThanOrEqual(generated.length + resumes);
      expect(validSequence(ops)).toEqual(ops);
    }
    // Most sequences have the shape of a B.2 row: an enable, then a message.
    const rowShaped = list.filter(({ ops }) => ops.findIndex((o) => o.op === "enable") >= 0 && ops.findLastIndex((o) => o.op === "send") > ops.findIndex((o) => o.op === "enable"));
    expect(rowShaped.length).toBeGreaterThan(list.length / 2);
    const kinds = new Set(list.flatMap(({ ops }) => ops.map((o) => o.op)));
    expect([...kinds].sort()).toEqual(["answer", "connect", "disable", "disconnect", "drop", "enable", "presence", "resume", "send"]);
    const all = list.flatMap(({ ops }) => ops);
    const enables = all.filter((o): o is Extract<Op, { op: "enable" }> => o.op === "enable");
    expect(new Set(enables.map((e) => e.node))).toEqual(new Set(["N1", "N2", "none"]));
    // A resume always follows a drop of the same resource, with nothing reconnecting it in between.
    for (const { ops } of list) {
      ops.forEach((o, i) => {
        if (o.op !== "resume") return;
        const last = ops.slice(0, i).findLast((p) => "r" in p && p.r === o.r);
        expect(last?.op).toBe("drop");
      });
    }
    // Enough resumptions after a message the hibernated session missed to compare what is re-sent.
    const resumedAfterSend = list.filter(({ ops }) => ops.some((o, i) => o.op === "resume" && ops.slice(0, i).some((p) => p.op === "send")));
    expect(resumedAfterSend.length).toBeGreaterThan(list.length / 20);
    const sends = all.filter((o): o is Extract<Op, { op: "send" }> => o.op === "send");
    expect(new Set(sends.map((s) => s.type))).toEqual(new Set(["chat", "normal", "headline", "groupchat", "error"]));
    expect(new Set(sends.map((s) => s.to))).toEqual(new Set(["bare", "A1", "A2", "A3"]));
    expect(new Set(sends.map((s) => s.body))).toEqual(new Set([true, false]));
    const presences = all.filter((o): o is Extract<Op, { op: "presence" }> => o.op === "presence");
    expect(new Set(presences.map((p) => p.show)).size).toBe(6);
    expect(presences.some((p) => p.priority < 0)).toBe(true);
    // A node disabled from the other resource, then a message (the cross-disable arm).
    const crossDisabled = list.filter(({ ops }) =>
      ops.some((o, i) => o.op === "enable" && ops.slice(i + 1).some((d) => d.op === "disable" && d.r !== o.r && (d.node === o.node || d.node === "all")) && ops.slice(i + 1).some((m) => m.op === "send")),
    );
    expect(crossDisabled.length).toBeGreaterThan(list.length / 10);
    const answers = new Set(all.flatMap((o) => (o.op === "answer" ? [o.answer] : [])));
    expect(answers).toEqual(new Set(["result", "silent", "wait", "cancel", "auth", "modify"]));
  });

  it("lays out the cross-disable arm: enable, the other resource's disable, the enabler's leave, then a message", () => {
    const ops = opsOf({
      before: [],
      enable: { op: "enable", r: "A1", node: "N2", away: false },
      crossDisable: "node",
      leave: "drop",
      between: [],
      send: { op: "send", type: "chat", body: true, to: "A1" },
      after: [],
    });
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A1 connect (XEP-0198)",
      "A1 enable N2",
      "A2 connect (XEP-0198)",
      "A2 disable N2",
      "A1 drop socket (app killed)",
      "B → A1: chat",
    ]);
  });

  it("shrinks a sequence it did not generate (fast-check examples), keeping it meaningful", () => {
    const example = {
      free: [
        { op: "send", type: "headline", body: true, to: "bare" },
        { op: "connect", r: "A2", sm: true },
        { op: "enable", r: "A2", node: "N2", away: true },
        { op: "send", type: "groupchat", body: false, to: "A3" },
      ] satisfies Op[],
    };
    const result = fc.check(
      fc.property(meaningfulSequences, (raw) => !validSequence(opsOf(raw)).some((o) => o.op === "enable")),
      { examples: [[example]], numRuns: 1 },
    );
    expect(result.failed).toBe(true);
    const counterexample = result.counterexample?.[0];
    const shrunk = counterexample ? validSequence(opsOf(counterexample)) : [];
    expect(shrunk.length).toBeLessThan(example.free.length);
    expect(shrunk.slice(0, 2).map((o) => o.op)).toEqual(["connect", "enable"]);
    expect(shrunk[1]).toMatchObject({ r: shrunk[0]?.op === "connect" ? shrunk[0].r : "?" });
  });
});

describe("validSequence", () => {
  it("connects a resource an operation needs, and leaves out what cannot apply", () => {
    const ops: Op[] = [
      { op: "presence", r: "A1", show: "away", priority: 0 },
      { op: "connect", r: "A1", sm: true },
      { op: "drop", r: "A1" },
      { op: "disconnect", r: "A1" },
      { op: "enable", r: "A2", node: "N1", away: false },
      { op: "drop", r: "A2" },
      { op: "disconnect", r: "A3" },
      { op: "drop", r: "A3" },
      { op: "presence", r: "A3", show: "xa", priority: -1 },
      { op: "send", type: "chat", body: true, to: "A1" },
    ];
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A1 connect",
      "A1 presence away priority 0",
      "A1 disconnect",
      "A2 connect (XEP-0198)",
      "A2 enable N1",
      "A2 drop socket (app killed)",
      "A3 connect (XEP-0198)",
      "A3 drop socket (app killed)",
      "B → A1: chat",
    ]);
  });

  it("flattens a B.2-row shape in order: before, enable, the enabler leaving, between, the message, after", () => {
    const ops = opsOf({
      before: [{ op: "presence", r: "A1", show: "dnd", priority: 1 }],
      enable: { op: "enable", r: "A2", node: "N2", away: true },
      leave: "drop",
      between: [],
      send: { op: "send", type: "normal", body: false, to: "bare" },
      after: [{ op: "answer", answer: "wait" }],
    });
    expect(ops.map(describeOp)).toEqual(["A1 presence dnd priority 1", "A2 enable N2 away=true", "A2 drop socket (app killed)", "B → account (bare): normal without body", "S answers wait/resource-constraint"]);
  });

  it("resumes a dropped session, drops a connected XEP-0198 session before resuming it, and leaves out any other resume", () => {
    const ops: Op[] = [
      { op: "resume", r: "A1" },
      { op: "connect", r: "A1", sm: false },
      { op: "resume", r: "A1" },
      { op: "connect", r: "A2", sm: true },
      { op: "drop", r: "A2" },
      { op: "enable", r: "A2", node: "none", away: false },
      { op: "connect", r: "A2", sm: true },
      { op: "send", type: "chat", body: true, to: "A2" },
      { op: "resume", r: "A2" },
      { op: "resume", r: "A2" },
      { op: "enable", r: "A2", node: "none", away: true },
      { op: "withhold", r: "A2" },
      { op: "resume", r: "A2" },
    ];
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A1 connect",
      "A2 connect (XEP-0198)",
      "A2 drop socket (app killed)",
      "B → A2: chat",
      "A2 resume (XEP-0198)",
      "A2 drop socket (app killed)",
      "A2 resume (XEP-0198)",
      "A2 enable (no node) away=true",
      "A2 withholds acks (app frozen, socket open)",
    ]);
  });

  it("flattens drop-resume as: the enabler is available, enables, drops, the message comes, then it resumes", () => {
    const ops = opsOf({
      before: [],
      enable: { op: "enable", r: "A2", node: "none", away: false },
      leave: "drop-resume",
      between: [{ op: "presence", r: "A1", show: "chat", priority: 0 }],
      send: { op: "send", type: "chat", body: true, to: "bare" },
      after: [{ op: "answer", answer: "result" }],
    });
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A2 connect (XEP-0198)",
      "A2 presence available priority 0",
      "A2 enable (no node)",
      "A2 drop socket (app killed)",
      "A1 connect",
      "A1 presence chat priority 0",
      "B → account (bare): chat",
      "A2 resume (XEP-0198)",
      "S answers result",
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
