import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_OPTIONS } from "../../protocol/policy/types";
import type { SessionView } from "../stores/sessions";
import { ACCOUNT, BOB, chatTo, connections, reg, resource, SINK } from "../test-support/expectation-fixtures";
import { observe, pushFact, type PushFact } from "./observe";
import { messageSnapshotOf, predict, sessionSnapshots, ZERO_COUNTERS, type RegistrationFacts } from "./predict";
import type { Observation } from "./types";
import { judge, judgeAll } from "./verdict";

function predictions(views: SessionView[], registrations: RegistrationFacts[]) {
  return predict({
    account: ACCOUNT,
    sessions: sessionSnapshots(views, connections(views)),
    registrations,
    message: messageSnapshotOf(chatTo(ACCOUNT, "where are you?", "m-1"), { from: BOB, domain: "localhost" }),
    options: DEFAULT_POLICY_OPTIONS,
    serverPolicy: null,
    counters: ZERO_COUNTERS,
  }).predictions;
}

const SENT = 10_000;
const WINDOW = 3_000;
let n = 0;

function push(node: string, at: number, opts: { cause?: string | null; link?: "server log" | "heuristic"; to?: string; count?: number; body?: string } = {}): PushFact {
  n += 1;
  return pushFact(
    {
      id: `p${n}`,
      iqId: `iq${n}`,
      at,
      node,
      notification: {
        ...(opts.count !== undefined ? { messageCount: opts.count } : { messageCount: 1, lastMessageSender: BOB }),
        ...(opts.body !== undefined ? { lastMessageBody: opts.body } : {}),
        otherFields: [],
      },
      ...(opts.cause !== null ? { causeMessageId: opts.cause ?? "m-1" } : {}),
      linkMethod: opts.link ?? "server log",
    },
    opts.to ?? SINK,
  );
}

function closed(pushes: PushFact[], unobservable: string | null = null): Observation {
  return observe({ messageId: "m-1", sentAt: SENT, windowMs: WINDOW, closedAt: SENT + WINDOW, unobservable }, pushes);
}

// The demo: laptop away, tablet xa, phone (which enabled n-3f9 with away=true) gone.
const awayCase = () => predictions([resource("phone", "offline"), resource("laptop", "away"), resource("tablet", "xa")], [reg("n-3f9", { away: true, by: "phone" })]);

describe("observe", () => {
  it("keeps the pushes linked to the message within the window, and sets late ones apart", () => {
    const obs = closed([push("n-1", SENT + 2_999), push("n-2", SENT + 3_001), push("n-3", SENT + 10, { cause: "m-other" }), push("n-4", SENT + 20, { cause: null })]);
    expect(obs.pushes.map((p) => p.key.node)).toEqual(["n-1"]);
    expect(obs.late.map((p) => p.key.node)).toEqual(["n-2"]);
  });

  it("ignores a Tigase 'retrieved' ping linked to the message only by guesswork", () => {
    const ping = push("n-1", SENT + 5, { count: 0, link: "heuristic" });
    expect(ping.retrievedPing).toBe(true);
    expect(closed([ping]).pushes).toEqual([]);
    // With the server's log saying so, it is the message's.
    expect(closed([push("n-1", SENT + 5, { count: 0, link: "server log" })]).pushes).toHaveLength(1);
  });
});

describe("judge", () => {
  it("match: the expected registration was pushed, with the policy's reason as the sentence", () => {
    const p = awayCase();
    const v = judge(p.spec, closed([push("n-3f9", SENT + 40)]), { sinkJid: SINK, windowMs: WINDOW });
    expect(v).toMatchObject({ status: "match", missing: [], unexpected: [], duplicates: [] });
    expect(v.sentence).toBe(
      "as expected, a push to n-3f9 arrived: all 2 receiving resources are away (laptop: away; tablet: xa) and registration n-3f9 has away=true, so it is pushed",
    );
  });

  it("mismatch: nothing arrived although a push was expected", () => {
    const v = judge(awayCase().spec, closed([]), { sinkJid: SINK, windowMs: WINDOW });
    expect(v.status).toBe("mismatch");
    expect(v.missing.map((k) => k.node)).toEqual(["n-3f9"]);
    expect(v.sentence).toBe(
      "no push arrived within 3 s (n-3f9 was not pushed), but spec expects a push to n-3f9: all 2 receiving resources are away (laptop: away; tablet: xa) and registration n-3f9 has away=true, so it is pushed",
    );
  });

  it("mismatch: a push arrived where none was expected (a Prosody-like server seen through spec)", () => {
    const p = predictions([resource("phone", "offline"), resource("tablet", "available")], [reg("n-1", { away: true, by: "phone" })]);
    const obs = closed([push("n-1", SENT + 3)]);
    const verdicts = judgeAll(p, obs, { sinkJid: SINK, windowMs: WINDOW });
    expect(verdicts.spec.status).toBe("mismatch");
    expect(verdicts.spec.unexpected.map((k) => k.node)).toEqual(["n-1"]);
    expect(verdicts.spec.sentence).toMatch(/^a push to n-1 arrived within 3 s \(n-1 was pushed unexpectedly\), but spec expects no push: resource tablet is online/);
    expect(verdicts.tigase.status).toBe("mismatch");
    expect(verdicts.prosody.status).toBe("match");
    expect(verdicts.ejabberd.status).toBe("match");
  });

  it("a registration pushed twice for one message is a mismatch", () => {
    const v = judge(awayCase().spec, closed([push("n-3f9", SENT + 1), push("n-3f9", SENT + 2)]), { sinkJid: SINK, windowMs: WINDOW });
    expect(v.status).toBe("mismatch");
    expect(v.sentence).toContain("n-3f9 was pushed 2 times for this one message");
  });

  it("pending while the window is open, and not judged when the sink could not observe", () => {
    const p = awayCase();
    const open = observe({ messageId: "m-1", sentAt: SENT, windowMs: WINDOW, closedAt: null, unobservable: null }, []);
    expect(judge(p.spec, open, { sinkJid: SINK, windowMs: WINDOW })).toMatchObject({ status: "pending" });
    const blind = closed([], "the App Server sink was not connected when the message was sent");
    const v = judge(p.spec, blind, { sinkJid: SINK, windowMs: WINDOW });
    expect(v.status).toBe("unobservable");
    expect(v.sentence).toMatch(/^not judged: the App Server sink was not connected when the message was sent; spec expects a push to n-3f9/);
  });

  it("a registration pointing at another push service cannot be observed: it is named, not missed", () => {
    const p = predictions([resource("phone", "offline")], [reg("n-own", { by: "phone" }), reg("n-elsewhere", { by: "phone", jid: "push.example.net" })]);
    const v = judge(p.spec, closed([push("n-own", SENT + 2)]), { sinkJid: SINK, windowMs: WINDOW });
    expect(v.status).toBe("match");
    expect(v.unobservableKeys.map((k) => k.node)).toEqual(["n-elsewhere"]);
    expect(v.sentence).toContain("n-elsewhere points at another push service than the sink, so the playground cannot see its push");
  });

  it("compares JIDs case-insensitively in the bare part", () => {
    const v = judge(awayCase().spec, closed([push("n-3f9", SENT + 1, { to: "PushSvc@LocalHost/sink" })]), { sinkJid: SINK, windowMs: WINDOW });
    expect(v.status).toBe("match");
  });
});
