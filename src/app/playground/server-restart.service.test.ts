/**
 * The reference server crashes mid-session and comes back on the same port (issue 13, "Surviving a
 * server restart"): the drop is said in plain words, the lanes reconnect by themselves, the
 * playground notices the new server run and resets what it shows of the old one's state, keeps
 * linking pushes by the new server's decision log, and loses nothing it captured.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConnectionEvent, PushEvent } from "../model";
import { PlaygroundDriver } from "../test-support/driver";
import { startRestartableServer, type RestartableServer } from "../test-support/reference-server";
import { RESTART_NOTE } from "./server-restart";

let server: RestartableServer;
beforeAll(async () => {
  server = await startRestartableServer();
});
afterAll(async () => {
  await server.close();
});

const DROPPED = /^the server closed the connection \(code 1006\) — it may have stopped; reconnecting in 2 s…$/;

/** r1 away with an away=true registration: the spec host pushes the next message. */
async function pushOnce(d: PlaygroundDriver, body: string): Promise<PushEvent> {
  const r1 = d.lane("r1");
  expect((await d.pg.enable({ fromResourceId: r1, away: true })).outcome).toBe("result");
  expect((await d.pg.setPresence(r1, { show: "away", priority: 0 })).ok).toBe(true);
  await d.pg.syncServerLog();
  await d.send(body);
  const id = d.lastSent[0]!;
  return d.waitFor(() => d.pushes().find((p) => p.causeMessageId === id && p.linkMethod === "server log"), `the push for "${body}", linked by the server log`);
}

describe("the reference server restarts mid-session", () => {
  it("says so plainly, reconnects by itself, resets the old server's state and reads the new server's log", async () => {
    const d = new PlaygroundDriver({ service: server.url, accountPrefix: "rs", initialResources: ["r1"], waitMs: 12_000 });
    try {
      await d.connect().sync();
      const before = await pushOnce(d, "before the crash");
      expect(before.linkMethod).toBe("server log");
      expect(d.pg.stores.registrations.getState().registrations.filter((r) => r.state === "active")).toHaveLength(1);
      d.pg.flush();
      const capturedIds = d.events().map((e) => e.id);

      await server.kill();
      // Every lane says, in words, what happened and what comes next.
      const dropped = await d.waitFor(() => {
        const r1 = d.view("r1");
        return r1.status === "failed" && r1.lastError ? r1.lastError : null;
      }, "r1 to notice the drop");
      expect(dropped.code).toBe("socket-closed");
      expect(dropped.message).toMatch(DROPPED);
      expect(dropped.message).not.toMatch(/state|disconnect/);
      d.pg.flush();
      const failed = d.events().filter((e): e is ConnectionEvent => e.kind === "connection" && e.status === "failed");
      expect(failed.some((e) => /: the server closed the connection \(code 1006\) — it may have stopped; reconnecting in 2 s…$/.test(e.summary))).toBe(true);

      await server.restart();
      // Automatic reconnect: the old session is gone (resume answers item-not-found), a new one is bound.
      await d.waitFor(() => ["r1", "sender", "sink"].every((n) => d.view(n).status === "online"), "every lane online again");
      d.pg.flush();
      expect(d.events().some((e) => e.kind === "connection" && e.lane === d.lane("r1") && /resume failed: .*\(item-not-found\).*; reconnecting with a new session$/.test(e.summary))).toBe(true);
      await d.pg.syncServerLog();
      await d.waitFor(() => d.events().find((e) => e.kind === "connection" && e.lane === "server" && /the server restarted/.test(e.summary)), "the restart notice");
      const regs = d.pg.stores.registrations.getState().registrations;
      expect(regs).toHaveLength(1);
      expect(regs[0]).toMatchObject({ state: "removed-by-server", note: RESTART_NOTE });
      await d.waitFor(() => d.pg.stores.disco.getState().results.account, "disco asked again");

      // The new server's decisions link the new push.
      const after = await pushOnce(d, "after the restart");
      expect(after.linkMethod).toBe("server log");
      expect(after.id).not.toBe(before.id);

      // Nothing captured before is lost.
      const ids = new Set(d.events().map((e) => e.id));
      expect(capturedIds.filter((id) => !ids.has(id))).toEqual([]);
    } finally {
      await d.dispose();
    }
  }, 40_000);

  it("a dropped connection to a server that is still there resumes the same sessions, and nothing is reset", async () => {
    const d = new PlaygroundDriver({ service: server.url, accountPrefix: "rb", initialResources: ["r1"], waitMs: 8_000 });
    try {
      await d.connect().sync();
      await d.enable({ from: "r1", away: true });
      server.dropConnections();
      await d.waitFor(() => d.view("r1").lastError?.message.match(DROPPED), "r1 to notice the drop");
      await d.waitFor(() => ["r1", "sender", "sink"].every((n) => d.view(n).status === "online"), "every lane online again");
      expect(d.view("r1").sm).toMatchObject({ state: "resumed" });
      await d.pg.syncServerLog();
      d.pg.flush();
      expect(d.events().filter((e) => e.kind === "connection" && e.sm === "resumed").map((e) => e.lane).sort()).toEqual(["res-1", "sender", "sink"].sort());
      expect(d.events().some((e) => /the server restarted/.test(e.summary))).toBe(false);
      expect(d.pg.stores.registrations.getState().registrations.map((r) => r.state)).toEqual(["active"]);
    } finally {
      await d.dispose();
    }
  }, 20_000);

  it("with automatic reconnect off, says how to reconnect and does not", async () => {
    const d = new PlaygroundDriver({ service: server.url, accountPrefix: "rm", initialResources: ["r1"] });
    try {
      d.pg.stores.profile.getState().setAutoReconnect(false);
      await d.connect("r1");
      await server.kill();
      const error = await d.waitFor(() => d.view("r1").lastError, "r1 to notice the drop");
      expect(error.message).toBe("the server closed the connection (code 1006) — it may have stopped; press Connect all to reconnect (automatic reconnect is off in the Connection tab)");
      await server.restart();
      await new Promise((r) => setTimeout(r, 2_500));
      expect(d.view("r1").status).toBe("failed");
      await d.connect("r1");
      expect(d.view("r1").status).toBe("online");
    } finally {
      await d.dispose();
    }
  }, 20_000);
});
