import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REAL_SERVERS } from "../real-servers/realServers";
import { sequencesOf } from "./campaign";
import { queueOp } from "./execute";
import { describeOp, hibernatedBefore, opsOf, validSequence } from "./ops";
import type { Op, RawSequence } from "./ops";
import { chainCall, printScenario } from "./scenario-print";
import { EMULATION_HOST, emulationTarget, realTarget } from "./targets";
import { OUTWAIT_MS, timersSequenceArbitrary } from "./timer-sequence";
import type { PushHarness } from "../scenarios/harness";

describe("--timers sequences", () => {
  it("are deterministic given the seed and differ from the ordinary ones", () => {
    expect(sequencesOf(21, 10, timersSequenceArbitrary)).toEqual(sequencesOf(21, 10, timersSequenceArbitrary));
    expect(sequencesOf(21, 10, timersSequenceArbitrary)).not.toEqual(sequencesOf(21, 10));
  });

  it("freeze the enabling resource, which holds XEP-0198, then send a message, then wait once past the ack timer", () => {
    for (const { ops } of sequencesOf(3, 200, timersSequenceArbitrary)) {
      expect(validSequence(ops)).toEqual(ops);
      const withholds = ops.flatMap((o, i) => (o.op === "withhold" ? [i] : []));
      expect(withholds).toHaveLength(1);
      const w = withholds[0] ?? -1;
      const frozen = (ops[w] as Extract<Op, { op: "withhold" }>).r;
      // Its session was opened with XEP-0198 and enabled push before it froze.
      const connects = ops.slice(0, w).filter((o): o is Extract<Op, { op: "connect" }> => o.op === "connect" && o.r === frozen);
      expect(connects.at(-1)?.sm).toBe(true);
      expect(ops.slice(0, w).some((o) => o.op === "enable" && o.r === frozen)).toBe(true);
      // Nothing happens on it afterwards; one message, then one wait.
      expect(ops.slice(w + 1).some((o) => "r" in o && o.r === frozen)).toBe(false);
      const outwait = ops.findIndex((o) => o.op === "outwait");
      expect(ops.filter((o) => o.op === "outwait")).toHaveLength(1);
      expect(ops.slice(w + 1, outwait).some((o) => o.op === "send")).toBe(true);
      expect(hibernatedBefore(ops, w + 1)).toBe(true);
    }
  });

  it("flatten in order: an XEP-0198 connect, before, enable, withhold, between, the message, outwait, after", () => {
    const raw: RawSequence = {
      before: [{ op: "presence", r: "A2", show: "away", priority: 1 }],
      enable: { op: "enable", r: "A1", node: "N1", away: false },
      withhold: true,
      between: [{ op: "answer", answer: "cancel" }],
      send: { op: "send", type: "chat", body: true, to: "A1" },
      after: [{ op: "send", type: "normal", body: false, to: "bare" }],
    };
    expect(validSequence(opsOf(raw)).map(describeOp)).toEqual([
      "A1 connect (XEP-0198)",
      "A2 connect (XEP-0198)",
      "A2 presence away priority 1",
      "A1 enable N1",
      "A1 withholds acks (app frozen, socket open)",
      "S answers cancel/item-not-found",
      "B → A1: chat",
      "wait past the server's ack timer",
      "B → account (bare): normal without body",
    ]);
  });

  it("shrink an example they did not generate, keeping the freeze", () => {
    const example: RawSequence = {
      before: [
        { op: "presence", r: "A1", show: "dnd", priority: 5 },
        { op: "answer", answer: "auth" },
      ],
      enable: { op: "enable", r: "A2", node: "N2", away: true },
      withhold: true,
      between: [{ op: "connect", r: "A1", sm: false }],
      send: { op: "send", type: "headline", body: true, to: "A2" },
      after: [{ op: "answer", answer: "silent" }],
    };
    const result = fc.check(
      fc.property(timersSequenceArbitrary, (raw) => !validSequence(opsOf(raw)).some((o) => o.op === "outwait")),
      { examples: [[example]], numRuns: 1 },
    );
    // Every timers sequence has its wait: the property fails on the example and shrinks it.
    expect(result.failed).toBe(true);
    const shrunk = result.counterexample ? validSequence(opsOf(result.counterexample[0])) : [];
    expect(shrunk.map((o) => o.op)).toEqual(["connect", "enable", "withhold", "send", "outwait"]);
  });
});

describe("validSequence with timer operations", () => {
  it("leaves out a withhold without XEP-0198 and an outwait with no freeze before it, and keeps one outwait per freeze", () => {
    const ops: Op[] = [
      { op: "outwait" },
      { op: "connect", r: "A1", sm: false },
      { op: "withhold", r: "A1" },
      { op: "withhold", r: "A2" },
      { op: "presence", r: "A2", show: "away", priority: 0 },
      { op: "outwait" },
      { op: "outwait" },
    ];
    expect(validSequence(ops).map(describeOp)).toEqual([
      "A1 connect",
      "A2 connect (XEP-0198)",
      "A2 withholds acks (app frozen, socket open)",
      "wait past the server's ack timer",
    ]);
  });
});

describe("timer operations on the harness and in a printed scenario", () => {
  it("queue withholdAcks and a wait of the target's outwait", () => {
    const calls: string[] = [];
    const h = {
      withholdAcks: (r: string) => (calls.push(`withholdAcks ${r}`), h),
      wait: (ms: number) => (calls.push(`wait ${ms}`), h),
    } as unknown as PushHarness;
    queueOp(h, { op: "withhold", r: "A2" }, 3, 34_000);
    queueOp(h, { op: "outwait" }, 4, 34_000);
    expect(calls).toEqual(["withholdAcks A2", "wait 34000"]);
  });

  it("give both sides of a run the real server's wait", () => {
    for (const server of [REAL_SERVERS.prosody, REAL_SERVERS.ejabberd]) {
      expect(realTarget(server).outwaitMs).toBe(OUTWAIT_MS[server.name]);
      expect(emulationTarget("ws://127.0.0.1:1/xmpp-websocket", EMULATION_HOST[server.name]).outwaitMs).toBe(OUTWAIT_MS[server.name]);
    }
    // Past Prosody's push 31 s after the message and ejabberd's close at 60 s (scripts/probe-timer-pushes.ts).
    expect(OUTWAIT_MS.prosody).toBeGreaterThan(31_000);
    expect(OUTWAIT_MS.ejabberd).toBeGreaterThan(60_000);
    expect(emulationTarget("ws://127.0.0.1:1/xmpp-websocket", "localhost").outwaitMs).toBeUndefined();
  });

  it("print as the harness calls, with a probe after the wait", () => {
    expect(chainCall({ op: "withhold", r: "A1" }, 2, 63_000)).toBe('.withholdAcks("A1")');
    expect(chainCall({ op: "outwait" }, 4, 63_000)).toBe(".wait(63000)");
    const ops: Op[] = [
      { op: "connect", r: "A1", sm: true },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "withhold", r: "A1" },
      { op: "send", type: "chat", body: true, to: "A1" },
      { op: "outwait" },
    ];
    const step = (op: string, publishes: string[] = []) => ({ op, publishes, deliveries: [] });
    const text = printScenario({
      id: "CD9",
      server: "ejabberd",
      seed: 5,
      ops,
      real: { steps: [step("A1 connect (XEP-0198)"), step("A1 enable N1"), step("A1 withholds acks"), step("B → A1: chat"), step("wait", ['N1 message count=- sender=- body="New message"'])] },
      divergence: "step 4: nothing",
      quietMs: 300,
      hibernationQuietMs: 1600,
    });
    expect(text).toContain('      .withholdAcks("A1")\n      .send({ to: "A1", type: "chat", body: "m3" })\n      .collect("step 3", { quietMs: 1600 })\n      .wait(63000)\n      .collect("step 4", { quietMs: 1600 })');
    expect(text).toMatch(/"step 4": \{\s*"push": \[\s*"N1"\s*\]/);
  });
});
