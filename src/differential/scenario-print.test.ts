import { describe, expect, it } from "vitest";
import type { Op } from "./ops";
import { chainCall, expectationFromTrace, printScenario } from "./scenario-print";
import type { Trace } from "./trace";

const OPS: Op[] = [
  { op: "connect", r: "A2", sm: true },
  { op: "enable", r: "A2", node: "N1", away: true },
  { op: "answer", answer: "wait" },
  { op: "drop", r: "A2" },
  { op: "send", type: "chat", body: true, to: "bare" },
  { op: "send", type: "headline", body: false, to: "A1" },
];

const REAL: Trace = {
  steps: [
    { op: "A2 connect (XEP-0198)", publishes: [], deliveries: [] },
    { op: "A2 enable N1 away=true", iq: "result", publishes: [], deliveries: [] },
    { op: "S answers wait/resource-constraint", publishes: [], deliveries: [] },
    { op: "A2 drop socket (app killed)", publishes: [], deliveries: [] },
    { op: "B → account (bare): chat", publishes: ['N1 message count=1 sender=- body="New Message!"'], deliveries: [] },
    { op: "B → A1: headline without body", publishes: [], deliveries: [] },
  ],
};

describe("chainCall", () => {
  it("writes each operation as the harness call the runner made", () => {
    expect(OPS.map((op, i) => chainCall(op, i))).toEqual([
      '.connect("A2", { streamManagement: true })',
      '.enable("A2", { node: "N1", away: true, label: "enable@1" })',
      '.sinkAnswers({ type: "wait", condition: "resource-constraint" })',
      '.drop("A2")',
      '.send({ to: "bare", type: "chat", body: "m4" })',
      '.send({ to: "A1", type: "headline", body: null, chatState: "composing" })',
    ]);
    expect(chainCall({ op: "presence", r: "A1", show: "dnd", priority: -1 }, 0)).toBe('.presence("A1", "dnd", { priority: -1 })');
    expect(chainCall({ op: "disable", r: "A1", node: "all" }, 3)).toBe('.disable("A1", { node: null, label: "disable@3" })');
    expect(chainCall({ op: "enable", r: "A1", node: "none", away: false }, 2)).toBe('.enable("A1", { node: null, label: "enable@2" })');
    expect(chainCall({ op: "resume", r: "A2" }, 5)).toBe('.resume("A2")');
  });
});

describe("expectationFromTrace", () => {
  it("files iq outcomes by label and, per probe, the pushed nodes and the resources that got a body", () => {
    const withDelivery: Trace = structuredClone(REAL);
    withDelivery.steps[5] = { ...withDelivery.steps[5]!, deliveries: ['A1 ← headline from=B/* body=-', 'A3 ← chat from=B/* body="m5"'] };
    expect(expectationFromTrace(OPS, withDelivery)).toEqual({
      iqs: { "enable@1": "result" },
      probes: {
        "step 3": { push: [], delivered: [] },
        "step 4": { push: ["N1"], delivered: [] },
        "step 5": { push: [], delivered: ["A3"] },
      },
    });
  });

  it("names a push without a node as the judge does, and probes after a resume", () => {
    const ops: Op[] = [
      { op: "connect", r: "A2", sm: true },
      { op: "enable", r: "A2", node: "none", away: false },
      { op: "drop", r: "A2" },
      { op: "send", type: "chat", body: true, to: "bare" },
      { op: "resume", r: "A2" },
    ];
    const trace: Trace = {
      steps: [
        { op: "A2 connect (XEP-0198)", publishes: [], deliveries: [] },
        { op: "A2 enable (no node)", iq: "result", publishes: [], deliveries: [] },
        { op: "A2 drop socket (app killed)", publishes: [], deliveries: [] },
        { op: "B → account (bare): chat", publishes: ['(no node) message count=1 sender=- body="New Message!"'], deliveries: [] },
        { op: "A2 resume (XEP-0198)", publishes: [], deliveries: ['A2 ← chat from=B/* body="m3" delayed'] },
      ],
    };
    expect(expectationFromTrace(ops, trace)).toEqual({
      iqs: { "enable@1": "result" },
      probes: {
        "step 2": { push: [], delivered: [] },
        "step 3": { push: ["(no node)"], delivered: [] },
        "step 4": { push: [], delivered: ["A2"] },
      },
    });
    const text = printScenario({ id: "CD1", server: "prosody", seed: 1, ops, real: trace, divergence: "x", quietMs: 300, hibernationQuietMs: 1600 });
    expect(text).toContain('.resume("A2")\n      .collect("step 4", { quietMs: 1600 })');
  });
});

describe("printScenario", () => {
  it("prints a catalogue scenario with the real server's observation as its policy's expectation", () => {
    const text = printScenario({ id: "CD7", server: "prosody", seed: 42, ops: OPS, real: REAL, divergence: "step 4: nothing", quietMs: 300, hibernationQuietMs: 1600 });
    expect(text).toContain('id: "CD7"');
    expect(text).toContain("needsStreamManagement: true,");
    expect(text).toContain('backing: "npm run differential -- --target prosody --seed 42"');
    expect(text).toContain('.drop("A2")\n      .collect("step 3", { quietMs: 1600 })');
    expect(text).toMatch(/ejabberd: \{ record: "found by npm run differential against prosody/);
    // The printed object is valid JavaScript once the harness chain is cut off.
    const literal = text.slice(text.indexOf("{"), text.indexOf("    (h) =>")).trim().replace(/,$/, "");
    const parsed = new Function(`return (${literal});`)() as { expected: { prosody: { probes: Record<string, { push: string[] }> } } };
    expect(parsed.expected.prosody.probes["step 4"]?.push).toEqual(["N1"]);
  });
});
