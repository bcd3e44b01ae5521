// The sequences that showed Prosody 0.12 pushing a registration disabled from another resource
// (mod_cloud_notify's push_disable clears only the disabling session's push_identifier), run on
// prosody.localhost: each step's publishes must be what the real server published (recorded with
// the differential harness against Debian's Prosody 0.12.3, accounts carol/dave/pushsvc2).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { runSequence } from "./execute";
import { validSequence } from "./ops";
import type { Op } from "./ops";

let emulation: Emulation;

beforeAll(async () => {
  emulation = await startEmulation("prosody.localhost");
});

afterAll(async () => {
  await emulation?.close();
});

const IMPORTANT = 'N1 message count=1 sender=- body="New Message!"';
const UNIMPORTANT = "N1 message count=1 sender=- body=-";

/** Each case: the sequence, and the publishes real Prosody made at each step that had any. */
const SEEN_ON_PROSODY: { name: string; ops: Op[]; publishes: Record<number, string[]> }[] = [
  {
    name: "A2 disables A1's node; A1 is dropped; a chat to A1 is pushed through A1's queue",
    ops: [
      { op: "connect", r: "A1", sm: true },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "connect", r: "A2", sm: false },
      { op: "disable", r: "A2", node: "N1" },
      { op: "drop", r: "A1" },
      { op: "send", type: "chat", body: true, to: "A1" },
    ],
    publishes: { 5: [IMPORTANT] },
  },
  {
    name: "a disable of every node, an App Server error to nothing, then a body-less chat to A1",
    ops: [
      { op: "connect", r: "A1", sm: true },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "connect", r: "A2", sm: false },
      { op: "disable", r: "A2", node: "all" },
      { op: "drop", r: "A1" },
      { op: "send", type: "chat", body: true, to: "bare" },
      { op: "answer", answer: "cancel" },
      { op: "send", type: "chat", body: false, to: "A1" },
    ],
    publishes: { 7: [UNIMPORTANT] },
  },
  {
    name: "A1's own disable of the node afterwards matches nothing stored and clears nothing",
    ops: [
      { op: "connect", r: "A1", sm: true },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "connect", r: "A2", sm: false },
      { op: "disable", r: "A2", node: "N1" },
      { op: "disable", r: "A1", node: "N1" },
      { op: "drop", r: "A1" },
      { op: "send", type: "normal", body: false, to: "A1" },
    ],
    publishes: { 6: [UNIMPORTANT] },
  },
  {
    name: "A2 disables A1's latest node: the MAM hook pushes A1's older one while A1 is connected",
    ops: [
      { op: "connect", r: "A1", sm: true },
      { op: "enable", r: "A1", node: "N1", away: false },
      { op: "enable", r: "A1", node: "N2", away: false },
      { op: "connect", r: "A2", sm: false },
      { op: "disable", r: "A2", node: "N2" },
      { op: "send", type: "chat", body: true, to: "A2" },
    ],
    publishes: { 5: [IMPORTANT] },
  },
];

describe("prosody.localhost gives what Prosody 0.12 gave for a registration disabled from another resource", () => {
  it.each(SEEN_ON_PROSODY)("$name", async ({ ops, publishes }) => {
    const sequence = validSequence(ops);
    expect(sequence).toEqual(ops);
    const trace = await runSequence(sequence, emulation.target, `det${ops.length}`);
    const seen = Object.fromEntries(trace.steps.flatMap((step, i) => (step.publishes.length > 0 ? [[i, [...new Set(step.publishes)]]] : [])));
    expect(seen).toEqual(publishes);
    expect(trace.steps.filter((s) => s.failed)).toEqual([]);
  }, 30_000);
});
