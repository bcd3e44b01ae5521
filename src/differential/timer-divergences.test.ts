// Divergences found by `npm run differential -- --timers`, run on the emulated host with its ack
// timer shortened (the real servers' 30 s and 60 s would make each test a minute long): the
// sequence as fast-check shrank it, and what the real server observed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { runSequence } from "./execute";
import type { Op } from "./ops";

/** Longer than a send step's probe (its pings and quiet window), so the timer runs out in the wait, as on the real server. */
const ACK_TIMER_MS = 5000;
const OUTWAIT_MS = 7000;

let ejabberd: Emulation;

beforeAll(async () => {
  ejabberd = await startEmulation("ejabberd.localhost", { ackTimeoutMs: ACK_TIMER_MS });
});

afterAll(async () => {
  await ejabberd?.close();
});

describe("ejabberd: the push when ack_timeout makes a session pending", () => {
  // Seed 64 #2: ejabberd 23.01 pushed N2 with the body placeholder; the emulation pushed no summary.
  // mod_push's c2s_session_pending summarises the first queued message for which is_incoming_chat_msg
  // holds, and that reads the direction and the body only: an error with a body counts.
  const ops: Op[] = [
    { op: "connect", r: "A1", sm: true },
    { op: "connect", r: "A2", sm: true },
    { op: "drop", r: "A2" },
    { op: "enable", r: "A1", node: "N2", away: false },
    { op: "withhold", r: "A1" },
    { op: "send", type: "error", body: true, to: "A1" },
    { op: "outwait" },
  ];

  it("summarises a queued error message with a body, as ejabberd did", async () => {
    const trace = await runSequence(ops, { ...ejabberd.target, outwaitMs: OUTWAIT_MS }, "td-64-2");
    expect(trace.steps.map((s) => s.publishes)).toEqual([[], [], [], [], [], [], ['N2 message count=- sender=- body="New message"']]);
    expect(trace.steps[5]?.deliveries).toEqual(['A1 ← error from=B/* body="m5"']);
    expect(trace.steps[3]?.iq).toBe("result");
  }, 30_000);
});
