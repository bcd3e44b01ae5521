// The sequences that showed ejabberd 23.01 pushing a registration its session enabled before an
// XEP-0198 resumption once the session enables again (the resumed session is a new c2s process
// with a new sid; mod_push stores the new enable under it and moves the push id there), run on
// ejabberd.localhost: each step's publishes must be what the real server published (recorded with
// the differential harness against Debian's ejabberd 23.01, accounts erin/frank/pushsvc3).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { runSequence } from "./execute";
import { validSequence } from "./ops";
import type { Op } from "./ops";

let emulation: Emulation;

beforeAll(async () => {
  emulation = await startEmulation("ejabberd.localhost");
});

afterAll(async () => {
  await emulation?.close();
});

const pushOf = (node: "N1" | "N2") => `${node} message count=- sender=- body="New message"`;
const connect: Op = { op: "connect", r: "A2", sm: true };
const enable = (node: "N1" | "N2"): Op => ({ op: "enable", r: "A2", node, away: false });
const disable = (node: "N1" | "N2"): Op => ({ op: "disable", r: "A2", node });
const drop: Op = { op: "drop", r: "A2" };
const resume: Op = { op: "resume", r: "A2" };
const chatToA2: Op = { op: "send", type: "chat", body: true, to: "A2" };
const chatToBare: Op = { op: "send", type: "chat", body: true, to: "bare" };
const leave: Op = { op: "disconnect", r: "A2" };

/**
 * Each case: the sequence, and the publishes real ejabberd made at each step that had any. Also
 * seen there, and covered by the account model's tests (resumed-session-key.test.ts): two
 * resumptions, a disable of N2, and an enable of N1 again after the second enable.
 */
const SEEN_ON_EJABBERD: { name: string; ops: Op[]; publishes: Record<number, string[]> }[] = [
  {
    name: "enable N1; drop; resume; enable N2: a chat to the connected A2 pushes N1 (seed 22)",
    ops: [connect, enable("N1"), drop, resume, enable("N2"), chatToA2],
    publishes: { 5: [pushOf("N1")] },
  },
  {
    name: "without the second enable the push id carried over holds N1: nothing is pushed",
    ops: [connect, enable("N1"), drop, resume, chatToA2],
    publishes: {},
  },
  {
    name: "disable N1 after the second enable deletes N1's key only and clears the push id: N2 is pushed",
    ops: [connect, enable("N1"), drop, resume, enable("N2"), disable("N1"), chatToA2],
    publishes: { 6: [pushOf("N2")] },
  },
  {
    name: "the App Server's error to N1's push deletes N1 only: N2 stays and is pushed once A2 is gone",
    ops: [connect, enable("N1"), drop, resume, enable("N2"), chatToA2, { op: "answer", answer: "cancel" }, chatToA2, { op: "answer", answer: "result" }, leave, chatToBare],
    publishes: { 5: [pushOf("N1")], 7: [pushOf("N1")], 10: [pushOf("N2")] },
  },
  {
    name: "dropped again: the pending session's queue pushes N2 and the MAM hook N1",
    ops: [connect, enable("N1"), drop, resume, enable("N2"), drop, chatToA2],
    publishes: { 6: [pushOf("N1"), pushOf("N2")] },
  },
];

describe("ejabberd.localhost gives what ejabberd 23.01 gave for an enable after a resumption", () => {
  // A fresh account per case: the emulation registers users by their tag.
  it.each(SEEN_ON_EJABBERD.map((c, i) => ({ ...c, tag: `res${i}` })))("$name", async ({ ops, publishes, tag }) => {
    const sequence = validSequence(ops);
    expect(sequence).toEqual(ops);
    const trace = await runSequence(sequence, emulation.target, tag);
    const seen = Object.fromEntries(trace.steps.flatMap((step, i) => (step.publishes.length > 0 ? [[i, [...new Set(step.publishes)].sort()]] : [])));
    expect(seen).toEqual(publishes);
    expect(trace.steps.filter((s) => s.failed)).toEqual([]);
  }, 30_000);
});
