/** The server-log poller with a fake HTTP log: new entries only, once each, and a missing log reported once. */
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { PushLogEntry } from "../../protocol/push-log";
import { SERVER_LANE } from "../model";
import { createTestContext } from "../test-support/service-context";
import { createServerLogPoller, preloadLogReaders } from "./server-log";

const entry = (seq: number) => ({ seq, at: "2026-01-01T00:00:00.000Z", host: "localhost", policy: "spec", account: "alice@localhost", kind: "publish", key: { jid: "s@localhost/sink", node: "n" }, iqId: `iq${seq}`, causeSeq: 0 });

function setUp(respond: (after: number) => Response, isOwnEntry?: (e: PushLogEntry) => boolean, onServerRestart?: () => void) {
  const ctx = createTestContext();
  const fetch = vi.fn(async (url: string | URL | Request) => respond(Number(new URL(String(url)).searchParams.get("after"))));
  const onEntry = vi.fn();
  const afterRead = vi.fn(() => false);
  const poller = createServerLogPoller(ctx, {
    enabled: true,
    accountBare: () => "alice@localhost",
    resourceSession: () => null,
    anyOnline: () => false,
    onEntry,
    afterRead,
    fetch: fetch as unknown as typeof globalThis.fetch,
    ...(isOwnEntry ? { isOwnEntry } : {}),
    ...(onServerRestart ? { onServerRestart } : {}),
  });
  poller.useService("ws://127.0.0.1:1/xmpp-websocket");
  return { ctx, poller, fetch, onEntry, afterRead };
}

describe("server log poller", () => {
  // As in the page (main.tsx preloads them): with the readers loaded, a read starts in the caller's tick.
  beforeAll(() => preloadLogReaders());

  it("reads after the last seq it saw and hands each entry over once", async () => {
    const all = [entry(1), entry(2), entry(3)];
    const { poller, fetch, onEntry, afterRead } = setUp((after) => Response.json({ entries: all.filter((e) => e.seq > after) }));
    await poller.sync();
    await poller.sync();
    expect(onEntry.mock.calls.map(([e]) => e.seq)).toEqual([1, 2, 3]);
    expect(fetch.mock.calls.map(([url]) => new URL(String(url)).searchParams.get("after"))).toEqual(["0", "3"]);
    expect(afterRead).toHaveBeenCalledTimes(2);
    poller.dispose();
  });

  it("skips what exists when primed, then reads only newer entries", async () => {
    const all = [entry(1), entry(2)];
    const { poller, onEntry } = setUp((after) => Response.json({ entries: all.filter((e) => e.seq > after) }));
    poller.primeIfNew();
    all.push(entry(3));
    await poller.sync();
    expect(onEntry.mock.calls.map(([e]) => e.seq)).toEqual([3]);
    poller.dispose();
  });

  it("when primed after this run's first entries were logged, skips only the older ones", async () => {
    // The race: the account's first decisions reach the log before the priming read comes back.
    const all = [entry(1), entry(2), entry(3), entry(4)];
    const { poller, onEntry } = setUp((after) => Response.json({ entries: all.filter((e) => e.seq > after) }), (e) => e.kind === "publish" && e.iqId === "iq3");
    poller.primeIfNew();
    await poller.sync();
    expect(onEntry.mock.calls.map(([e]) => e.seq)).toEqual([3, 4]);
    poller.dispose();
  });

  it("reports a server without the log once, on the server lane", async () => {
    const { ctx, poller, onEntry } = setUp(() => new Response("nope", { status: 404 }));
    await poller.sync();
    await poller.sync();
    expect(onEntry).not.toHaveBeenCalled();
    const errors = ctx.events().filter((e) => e.kind === "error");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ lane: SERVER_LANE, operation: "read push log", summary: expect.stringContaining("linked to messages heuristically") });
    poller.dispose();
  });

  it("starts over from the new log when the server's instance changes (a restart), and says so once", async () => {
    let instance = "run-1";
    let all = [entry(1), entry(2), entry(3)];
    const onServerRestart = vi.fn();
    const { poller, fetch, onEntry } = setUp((after) => Response.json({ entries: all.filter((e) => e.seq > after), instance }), undefined, onServerRestart);
    await poller.sync();
    // The server restarts: its log starts at seq 1 again, below where the poller stood.
    instance = "run-2";
    all = [entry(1), entry(2)];
    await poller.sync();
    await poller.sync();
    expect(onServerRestart).toHaveBeenCalledTimes(1);
    expect(onEntry.mock.calls.map(([e]) => e.seq)).toEqual([1, 2, 3, 1, 2]);
    expect(fetch.mock.calls.map(([url]) => new URL(String(url)).searchParams.get("after"))).toEqual(["0", "3", "0", "2"]);
    poller.dispose();
  });

  it("does not call a first instance, or a log without one, a restart", async () => {
    const onServerRestart = vi.fn();
    const { poller } = setUp(() => Response.json({ entries: [entry(1)] }), undefined, onServerRestart);
    await poller.sync();
    await poller.sync();
    expect(onServerRestart).not.toHaveBeenCalled();
    poller.dispose();
  });
});
