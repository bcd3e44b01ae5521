import { describe, expect, it } from "vitest";
import type { PushLogEntry } from "../../protocol/push-log";
import { DecisionLogSettler, decisionLogUrl, pendingDelayedPublishes, registerDecisionLogSource } from "./server-settle";

const SINK = { jid: "pushsvc@localhost/sink", node: "n-1" };
const OTHER = { jid: "pushsvc@localhost/sink", node: "n-2" };
const base = (seq: number, at = "2026-12-06T04:00:00.000Z") => ({ seq, at, host: "prosody.localhost", policy: "prosody" as const, account: "alice@prosody.localhost" });

function decision(seq: number, verdicts: { key: typeof SINK; push: boolean; delayMs?: number }[], delayMs = 0): PushLogEntry {
  return {
    ...base(seq),
    kind: "message-decision",
    messageId: `m${seq}`,
    from: "bob@prosody.localhost/B",
    to: "alice@prosody.localhost",
    sessions: [],
    registrations: [],
    delivery: { deliveredTo: [], storedOffline: false },
    decision: { policy: "prosody", rule: "prosody/hibernated", reason: "r", pushable: true, verdicts: verdicts.map((v) => ({ ...v, why: "w" })), summary: {}, delayMs },
  };
}

function publish(seq: number, causeSeq: number, key = SINK, batchedSeqs?: number[]): PushLogEntry {
  return { ...base(seq), kind: "publish", key, iqId: `p${seq}`, causeSeq, delayedMs: 1000, ...(batchedSeqs ? { batchedSeqs } : {}) };
}

describe("pendingDelayedPublishes", () => {
  it("owes a delayed push until its publish, or the batch that folded it in, is logged", () => {
    const d1 = decision(1, [{ key: SINK, push: true }], 1000);
    const d2 = decision(2, [{ key: SINK, push: true }], 1000);
    expect(pendingDelayedPublishes([d1, d2]).map((p) => [p.seq, p.dueAt])).toEqual([
      [1, Date.parse("2026-12-06T04:00:01.000Z")],
      [2, Date.parse("2026-12-06T04:00:01.000Z")],
    ]);
    expect(pendingDelayedPublishes([d1, d2, publish(3, 1, SINK, [2])])).toEqual([]);
  });

  it("ignores pushes sent at once and verdicts without a push; a verdict's own delay wins over the decision's", () => {
    const mixed = decision(1, [{ key: SINK, push: true, delayMs: 0 }, { key: OTHER, push: true }, { key: { ...SINK, node: "n-3" }, push: false }], 1000);
    expect(pendingDelayedPublishes([mixed]).map((p) => p.key.node)).toEqual(["n-2"]);
    expect(pendingDelayedPublishes([decision(2, [{ key: SINK, push: true }], 0)])).toEqual([]);
    // A publish for another registration of the same decision does not cover this one.
    expect(pendingDelayedPublishes([mixed, publish(2, 1, SINK)]).map((p) => p.key.node)).toEqual(["n-2"]);
  });

  it("drops a batch the session's resumption cancelled, not a later one", () => {
    const resumed: PushLogEntry = { ...base(2), kind: "session-resumed", resource: "A2", sessionId: "s1", sessions: [], unacked: 0, cancelledPushes: [SINK], why: "w" };
    const later = decision(3, [{ key: SINK, push: true }], 1000);
    expect(pendingDelayedPublishes([decision(1, [{ key: SINK, push: true }], 1000), resumed, later]).map((p) => p.seq)).toEqual([3]);
  });
});

describe("DecisionLogSettler", () => {
  it("reads the log on the WebSocket's origin, incrementally, and waits until the delayed publish is logged", async () => {
    const urls: string[] = [];
    const pages: PushLogEntry[][] = [[decision(7, [{ key: SINK, push: true }], 1000)], [], [publish(8, 7)]];
    const settler = new DecisionLogSettler(
      "ws://127.0.0.1:5280/xmpp-websocket",
      async (url) => {
        urls.push(url);
        return { ok: true, json: async () => ({ entries: pages.shift() ?? [], instance: "run-1" }) };
      },
      1,
    );
    expect(await settler.settle("alice@prosody.localhost", 10_000)).toBe(true);
    expect(urls).toEqual([
      decisionLogUrl("ws://127.0.0.1:5280/xmpp-websocket", "alice@prosody.localhost", 0),
      decisionLogUrl("ws://127.0.0.1:5280/xmpp-websocket", "alice@prosody.localhost", 7),
      decisionLogUrl("ws://127.0.0.1:5280/xmpp-websocket", "alice@prosody.localhost", 7),
    ]);
    expect(urls[0]).toBe("http://127.0.0.1:5280/xmpp-push/log?account=alice%40prosody.localhost&after=0");
  });

  it("says false (the caller keeps its window) when there is no log, or it answers something else", async () => {
    const unreachable = new DecisionLogSettler("wss://example.org/ws", async () => {
      throw new TypeError("fetch failed");
    });
    expect(await unreachable.settle("alice@example.org", 1000)).toBe(false);
    const notFound = new DecisionLogSettler("ws://h/ws", async () => ({ ok: false, json: async () => ({}) }));
    expect(await notFound.settle("alice@h", 1000)).toBe(false);
    const odd = new DecisionLogSettler("ws://h/ws", async () => ({ ok: true, json: async () => ({ entries: [{ seq: "1" }] }) }));
    expect(await odd.settle("alice@h", 1000)).toBe(false);
  });

  it("gives up after its longest wait when the publish never comes", async () => {
    const settler = new DecisionLogSettler("ws://h/ws", async () => ({ ok: true, json: async () => ({ entries: [decision(1, [{ key: SINK, push: true }], 1000)] }) }), 1);
    expect(await settler.settle("alice@h", 5)).toBe(false);
  });

  it("reads a log the service's scheme registered (the in-page sandbox) with the same query, not over HTTP", async () => {
    const searches: string[] = [];
    const pages: PushLogEntry[][] = [[decision(3, [{ key: SINK, push: true }], 1000)], [publish(4, 3)]];
    registerDecisionLogSource("test-inpage:", async (search) => {
      searches.push(search);
      return { ok: true, body: { entries: pages.shift() ?? [], instance: "page" } };
    });
    const settler = new DecisionLogSettler("test-inpage://in-page/xmpp", undefined, 1);
    expect(await settler.settle("alice@prosody.localhost", 10_000)).toBe(true);
    expect(searches).toEqual(["account=alice%40prosody.localhost&after=0", "account=alice%40prosody.localhost&after=3"]);
  });
});
