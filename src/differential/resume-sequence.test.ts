// The executor on the emulation for the two operations the audit found missing (docs: README
// "Differential runs"): an enable without node, and a dropped session resumed after a message.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { runSequence } from "./execute";
import { validSequence } from "./ops";
import type { Op } from "./ops";
import { emulationTarget } from "./targets";

let emulation: Emulation;

beforeAll(async () => {
  emulation = await startEmulation("prosody.localhost");
});

afterAll(async () => {
  await emulation?.close();
});

const DROP_MESSAGE_RESUME: Op[] = validSequence([
  { op: "presence", r: "A2", show: "available", priority: 0 },
  { op: "enable", r: "A2", node: "none", away: false },
  { op: "drop", r: "A2" },
  { op: "send", type: "chat", body: true, to: "bare" },
  { op: "resume", r: "A2" },
  { op: "send", type: "chat", body: true, to: "A2" },
]);

describe("runSequence with an enable without node and a resume", () => {
  it("prosody.localhost: the nodeless registration is pushed, the resumed session gets the queued message with <delay/>, then live ones", async () => {
    const trace = await runSequence(DROP_MESSAGE_RESUME, emulationTarget(emulation.url, "prosody.localhost"), "t1");
    expect(trace.steps.map((s) => [s.op, s.iq ?? "", s.publishes, s.deliveries])).toEqual([
      ["A2 connect (XEP-0198)", "", [], []],
      ["A2 presence available priority 0", "", [], []],
      ["A2 enable (no node)", "result", [], []],
      ["A2 drop socket (app killed)", "", [], []],
      ["B → account (bare): chat", "", ['(no node) message count=1 sender=- body="New Message!"'], []],
      ["A2 resume (XEP-0198)", "", [], ['A2 ← chat from=B/* body="m4" delayed']],
      ["B → A2: chat", "", [], ['A2 ← chat from=B/* body="m6"']],
    ]);
    expect(trace.steps.every((s) => s.failed === undefined)).toBe(true);
  }, 30_000);

  it("ejabberd.localhost: the enable without node is refused, and the resumed session still gets the queued message", async () => {
    const trace = await runSequence(DROP_MESSAGE_RESUME, emulationTarget(emulation.url, "ejabberd.localhost"), "t2");
    expect(trace.steps[2]?.iq).toBe("error feature-not-implemented");
    expect(trace.steps[4]?.publishes).toEqual([]);
    expect(trace.steps[5]?.deliveries).toEqual(['A2 ← chat from=B/* body="m4" delayed']);
  }, 30_000);
});
