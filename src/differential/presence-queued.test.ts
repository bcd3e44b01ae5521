// A presence from another resource queued to a hibernated session that enabled push: Prosody 0.12
// (smacks-hibernation-stanza-queued, 1 s timer, no body field) and ejabberd 23.01 (c2s_handle_send
// on a pending session, no summary form) both push it. Found by the differential run (Prosody
// seed 33 #95) and checked against both servers with the harness; run here on the emulated hosts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulation } from "./emulation";
import type { Emulation } from "./emulation";
import { runSequence } from "./execute";
import type { Op } from "./ops";

const emulations: Partial<Record<string, Emulation>> = {};

beforeAll(async () => {
  emulations.prosody = await startEmulation("prosody.localhost");
  emulations.ejabberd = await startEmulation("ejabberd.localhost");
});

afterAll(async () => {
  await Promise.all(Object.values(emulations).map((e) => e?.close()));
});

const OPS: Op[] = [
  { op: "connect", r: "A1", sm: false },
  { op: "connect", r: "A2", sm: true },
  { op: "presence", r: "A2", show: "available", priority: 0 },
  { op: "enable", r: "A2", node: "N1", away: false },
  { op: "drop", r: "A2" },
  { op: "presence", r: "A1", show: "available", priority: 0 },
  { op: "disconnect", r: "A1" },
];

describe("a presence queued to a hibernated session that enabled push", () => {
  it.each([
    ["prosody", "N1 message count=1 sender=- body=-"],
    ["ejabberd", "N1 message no summary"],
  ])("%s: its presence and its unavailable presence at disconnect are each pushed, as the real server did", async (name, line) => {
    const emulation = emulations[name];
    if (!emulation) throw new Error("no emulation");
    const trace = await runSequence(OPS, emulation.target, `pq-${name}`);
    expect(trace.steps.map((s) => s.publishes)).toEqual([[], [], [], [], [], [line], [line]]);
  }, 30_000);
});
