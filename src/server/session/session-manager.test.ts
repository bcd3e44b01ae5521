/**
 * SessionManager against fake sessions: the paths real clients cannot easily provoke (a handler
 * that throws, the order of conflict callbacks, delayed publishes and close()).
 */
import xml, { type Element } from "@xmpp/xml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NS } from "../../protocol/ns";
import { specPolicy } from "../../protocol/policy";
import { buildEnable } from "../../protocol/stanzas/push";
import { attrOf } from "../../protocol/stanzas/xml-util";
import { silentLogger } from "../logger";
import { PushLog } from "./push-log-store";
import { SessionManager } from "./session-manager";
import { FakeSession } from "../test-support/fake-session";
import { errorOf, sleep } from "../test-support/session-kit";

const managers: SessionManager[] = [];
function manager(appServerTimeoutMs = 5000): { sm: SessionManager; log: PushLog } {
  const log = new PushLog();
  const sm = new SessionManager({
    hosts: [
      { domain: "localhost", policy: "spec" },
      { domain: "prosody.localhost", policy: "prosody" },
    ],
    logger: silentLogger,
    appServerTimeoutMs,
    pushLog: log,
    offlineCap: 3,
  });
  managers.push(sm);
  return { sm, log };
}

function bind(sm: SessionManager, jid: string): FakeSession {
  const session = new FakeSession(jid);
  sm.sessionBound(session);
  return session;
}

/** What the stream layer does before handing a stanza over: stamp `from`. */
function from(session: FakeSession, stanza: Element): Element {
  stanza.attrs.from = session.jid;
  return stanza;
}

afterEach(() => {
  managers.splice(0).forEach((m) => m.close());
  vi.restoreAllMocks();
});

describe("SessionManager with fake sessions", () => {
  it("answers internal-server-error when handling a stanza throws, and keeps serving", () => {
    vi.spyOn(specPolicy, "validateEnable").mockImplementationOnce(() => {
      throw new Error("policy bug");
    });
    const { sm } = manager();
    const alice = bind(sm, "alice@localhost/a");
    sm.stanza(alice, from(alice, buildEnable({ jid: "pushsvc@localhost/sink", node: "n", id: "e1" })));
    expect(alice.sent.map((s) => [attrOf(s, "id"), errorOf(s)?.condition])).toEqual([["e1", "internal-server-error"]]);
    sm.stanza(alice, from(alice, buildEnable({ jid: "pushsvc@localhost/sink", node: "n", id: "e2" })));
    expect(alice.sent.map((s) => [attrOf(s, "id"), attrOf(s, "type")])).toEqual([["e1", "error"], ["e2", "result"]]);
  });

  it("isolates a recipient whose send fails and a push decision that throws: the others still get the message", () => {
    const { sm, log } = manager();
    const bob = bind(sm, "bob@localhost/b");
    const broken = bind(sm, "alice@localhost/broken");
    const fine = bind(sm, "alice@localhost/fine");
    for (const s of [broken, fine]) sm.stanza(s, from(s, xml("presence")));
    broken.failSend = true;
    vi.spyOn(specPolicy, "decide").mockImplementationOnce(() => {
      throw new Error("policy bug");
    });
    sm.stanza(bob, from(bob, xml("message", { to: "alice@localhost", id: "m1", type: "chat" }, xml("body", {}, "hi"))));
    expect(fine.sent.filter((s) => s.name === "message").map((s) => attrOf(s, "id"))).toEqual(["m1"]);
    // Delivered, so the sender gets no error; the failed decision is logged, not recorded.
    expect(bob.sent).toEqual([]);
    expect(log.list({ account: "alice@localhost" })).toEqual([]);
  });

  it("replaces a session on conflict whether the stream layer reports the close at once or later", () => {
    const { sm } = manager();
    const first = bind(sm, "alice@localhost/phone");
    const watcher = bind(sm, "alice@localhost/watch");
    sm.stanza(watcher, from(watcher, xml("presence")));
    sm.stanza(first, from(first, xml("presence")));
    first.onClose = () => sm.sessionClosed(first, "replaced");

    const second = bind(sm, "alice@localhost/phone");
    expect(first.closedWith).toEqual({ condition: "conflict", text: "Replaced by new connection" });
    expect(sm.sessionsOf("alice@localhost").map((s) => s.sessionId)).toEqual([watcher.id, second.id]);
    const unavailable = watcher.sent.filter((s) => s.name === "presence" && attrOf(s, "type") === "unavailable");
    expect(unavailable.map((s) => attrOf(s, "from"))).toEqual(["alice@localhost/phone"]);

    // A late close of the replaced stream, and its stanzas, change nothing.
    const third = bind(sm, "alice@localhost/phone");
    sm.sessionClosed(second, "replaced");
    sm.stanza(second, from(second, xml("presence")));
    expect(sm.sessionsOf("alice@localhost").map((s) => [s.sessionId, s.presence])).toEqual([
      [watcher.id, { show: null, priority: 0 }],
      [third.id, null],
    ]);
  });

  it("refuses a session on a domain it does not serve", () => {
    const { sm } = manager();
    const stray = bind(sm, "eve@elsewhere.example/x");
    expect(stray.closedWith?.condition).toBe("host-unknown");
    expect(sm.sessionsOf("eve@elsewhere.example")).toEqual([]);
  });

  it("delivers a bare-JID chat by the host's policy: every routable resource on spec, the top priority on prosody", () => {
    const { sm } = manager();
    const received = (domain: string) => {
      const bob = bind(sm, `bob@${domain}/b`);
      const laptop = bind(sm, `alice@${domain}/laptop`);
      const phone = bind(sm, `alice@${domain}/phone`);
      sm.stanza(laptop, from(laptop, xml("presence", {}, xml("priority", {}, "5"))));
      sm.stanza(phone, from(phone, xml("presence", {}, xml("show", {}, "away"))));
      sm.stanza(bob, from(bob, xml("message", { to: `alice@${domain}`, type: "chat" }, xml("body", {}, "hi"))));
      return [laptop, phone].filter((s) => s.sent.some((m) => m.name === "message")).map((s) => s.jid);
    };
    expect(received("localhost")).toEqual(["alice@localhost/laptop", "alice@localhost/phone"]);
    expect(received("prosody.localhost")).toEqual(["alice@prosody.localhost/laptop"]);
  });

  it("hands out offline messages on initial presence only on prosody, also on a raised priority elsewhere", () => {
    const { sm } = manager();
    const delivered = (domain: string) => {
      const bob = bind(sm, `bob@${domain}/b`);
      const alice = bind(sm, `alice@${domain}/a`);
      sm.stanza(alice, from(alice, xml("presence", {}, xml("priority", {}, "-1"))));
      sm.stanza(bob, from(bob, xml("message", { to: `alice@${domain}`, type: "chat" }, xml("body", {}, "hi"))));
      sm.stanza(alice, from(alice, xml("presence", {}, xml("show", {}, "xa"), xml("priority", {}, "1"))));
      return alice.sent.filter((s) => s.name === "message").length;
    };
    expect(delivered("localhost")).toBe(1);
    // Differential run against Prosody 0.12, seed 8 #188: the message stays stored.
    expect(delivered("prosody.localhost")).toBe(0);
    expect(sm.offlineCount("alice@prosody.localhost")).toBe(1);
  });

  it("keeps at most the configured number of offline messages, dropping the oldest", () => {
    const { sm } = manager();
    const bob = bind(sm, "bob@localhost/b");
    for (const body of ["1", "2", "3", "4", "5"]) {
      sm.stanza(bob, from(bob, xml("message", { to: "alice@localhost", type: "chat" }, xml("body", {}, body))));
    }
    expect(sm.offlineCount("alice@localhost")).toBe(3);
    const alice = bind(sm, "alice@localhost/a");
    sm.stanza(alice, from(alice, xml("presence")));
    const bodies = alice.sent.filter((s) => s.name === "message").map((s) => s.getChildText("body"));
    expect(bodies).toEqual(["3", "4", "5"]);
    expect(alice.sent.filter((s) => s.name === "message").every((s) => s.getChild("delay", NS.delay)?.attrs.from === "localhost")).toBe(true);
  });

  it("sends a publish after the decision's delay, and close() cancels what is still waiting", async () => {
    const original = specPolicy.decide;
    vi.spyOn(specPolicy, "decide").mockImplementation((input) => ({ ...original(input), delayMs: 60 }));
    const { sm, log } = manager();
    const sink = bind(sm, "pushsvc@localhost/sink");
    const phone = bind(sm, "alice@localhost/phone");
    sm.stanza(phone, from(phone, buildEnable({ jid: sink.jid, node: "n", id: "e1" })));
    expect(phone.sent.map((s) => attrOf(s, "type"))).toEqual(["result"]);
    sm.sessionClosed(phone, "closed");

    const bob = bind(sm, "bob@localhost/b");
    sm.stanza(bob, from(bob, xml("message", { to: "alice@localhost", type: "chat" }, xml("body", {}, "later"))));
    expect(sink.sent).toEqual([]);
    await sleep(200);
    expect(sink.sent.map((s) => s.name)).toEqual(["iq"]);
    expect(log.list({ account: "alice@localhost" }).map((e) => e.kind)).toEqual(["enable", "message-decision", "publish"]);

    // Answer it so it settles, then a second delayed publish is cut short by close().
    const publish = sink.sent[0]!;
    sm.stanza(sink, from(sink, xml("iq", { type: "result", id: attrOf(publish, "id"), to: "localhost" })));
    expect(log.list({ account: "alice@localhost" }).at(-1)).toMatchObject({ kind: "publish-outcome", outcome: { kind: "result" } });
    sm.stanza(bob, from(bob, xml("message", { to: "alice@localhost", type: "chat" }, xml("body", {}, "never"))));
    sm.close();
    await sleep(150);
    expect(sink.sent).toHaveLength(1);
  });

  it("settles a publish only with an answer from the push JID to the publishing domain", () => {
    const { sm, log } = manager();
    const sink = bind(sm, "pushsvc@localhost/sink");
    const phone = bind(sm, "carol@prosody.localhost/phone");
    sm.stanza(phone, from(phone, buildEnable({ jid: sink.jid, node: "n", id: "e1" })));
    sm.sessionClosed(phone, "closed");
    const bob = bind(sm, "bob@localhost/b");
    sm.stanza(bob, from(bob, xml("message", { to: "carol@prosody.localhost", type: "chat" }, xml("body", {}, "hi"))));
    const publish = sink.sent[0]!;
    expect(attrOf(publish, "from")).toBe("prosody.localhost");
    const id = attrOf(publish, "id");

    // Right id, wrong sender or wrong domain: not the answer.
    sm.stanza(bob, from(bob, xml("iq", { type: "result", id, to: "prosody.localhost" })));
    sm.stanza(sink, from(sink, xml("iq", { type: "result", id, to: "localhost" })));
    expect(sm.pendingPublishes).toBe(1);
    sm.stanza(
      sink,
      from(sink, xml("iq", { type: "error", id, to: "prosody.localhost" }, xml("error", { type: "auth" }, xml("forbidden", { xmlns: NS.stanzaErrors })))),
    );
    expect(sm.pendingPublishes).toBe(0);
    expect(log.list({ account: "carol@prosody.localhost" }).at(-1)).toMatchObject({
      kind: "publish-outcome",
      outcome: { kind: "error", type: "auth", condition: "forbidden" },
      reaction: { action: "keep", errorCount: 1 },
    });
    expect(sm.registrationsOf("carol@prosody.localhost")[0]?.errorCount).toBe(1);
  });

  it("re-routes a gone session's unacknowledged stanzas by RFC 6121 rules (XEP-0198)", () => {
    const { sm, log } = manager();
    const phone = bind(sm, "alice@localhost/phone");
    const laptop = bind(sm, "alice@localhost/laptop");
    const bob = bind(sm, "bob@localhost/b");
    for (const s of [phone, laptop]) sm.stanza(s, from(s, xml("presence")));
    laptop.sent.length = 0;
    bob.sent.length = 0;
    const at = new Date("2026-11-24T10:00:00Z");
    const body = () => xml("body", {}, "hi");
    const unacked = [
      xml("message", { from: bob.jid, to: phone.jid, type: "chat", id: "to-full" }, body()),
      xml("message", { from: bob.jid, to: "alice@localhost", type: "chat", id: "to-bare" }, body()),
      xml("message", { from: bob.jid, to: phone.jid, type: "headline", id: "headline" }, body()),
      xml("presence", { from: laptop.jid, to: phone.jid }),
      xml("iq", { from: bob.jid, to: phone.jid, type: "get", id: "q1" }, xml("ping", { xmlns: NS.ping })),
      xml("iq", { from: bob.jid, to: phone.jid, type: "result", id: "r1" }),
    ].map((stanza) => ({ stanza, at }));

    sm.sessionClosed(phone, "closed", unacked);
    // The message to the gone full JID goes to the other receiving resource; the bare one it already had.
    expect(laptop.sent.filter((s) => s.name === "message").map((s) => attrOf(s, "id"))).toEqual(["to-full"]);
    expect(bob.sent.map((s) => [s.name, attrOf(s, "id"), attrOf(s, "from"), errorOf(s)?.condition])).toEqual([
      ["iq", "q1", "alice@localhost/phone", "service-unavailable"],
    ]);
    expect(sm.offlineCount("alice@localhost")).toBe(0);
    expect(log.list({ account: "alice@localhost" }).at(-1)).toMatchObject({
      kind: "session-closed",
      resource: "phone",
      unacked: 6,
      unackedOutcome: { storedOffline: 0, rerouted: 1, bounced: 1, dropped: 4 },
    });

    // With nobody left, messages go offline stamped with the time they were first sent.
    sm.sessionClosed(laptop, "expired", [{ stanza: xml("message", { from: bob.jid, to: "alice@localhost", type: "normal" }, body()), at }]);
    expect(sm.offlineCount("alice@localhost")).toBe(1);
    const again = bind(sm, "alice@localhost/tablet");
    sm.stanza(again, from(again, xml("presence")));
    const stored = again.sent.find((s) => s.name === "message");
    expect(stored?.getChild("delay", NS.delay)?.attrs).toMatchObject({ from: "localhost", stamp: at.toISOString() });
  });

  it("marks a hibernated session, keeps its presence, and on resumption cancels the batched Prosody push", async () => {
    const { sm, log } = manager();
    const sink = bind(sm, "pushsvc@localhost/sink");
    const phone = bind(sm, "carol@prosody.localhost/phone");
    sm.stanza(phone, from(phone, xml("presence")));
    sm.stanza(phone, from(phone, buildEnable({ jid: sink.jid, node: "n", id: "e1" })));
    sm.sessionHibernated(phone, { unacked: [], resumptionTimeoutMs: 1000 });
    expect(sm.sessionsOf("carol@prosody.localhost")).toMatchObject([{ state: "hibernated", presence: { show: null } }]);
    const bob = bind(sm, "bob@localhost/b");
    sm.stanza(bob, from(bob, xml("message", { to: "carol@prosody.localhost", type: "chat" }, xml("body", {}, "hi"))));
    // Queued for the hibernated session (the fake records what the stream layer would queue).
    expect(phone.sent.filter((s) => s.name === "message")).toHaveLength(1);
    sm.sessionResumed(phone, { redelivered: 1, hibernatedMs: 120 });
    await sleep(1150);
    expect(sink.sent).toEqual([]);
    expect(log.list({ account: "carol@prosody.localhost" }).map((e) => e.kind)).toEqual(["enable", "session-hibernated", "message-decision", "session-resumed"]);
    expect(log.list({ account: "carol@prosody.localhost" }).at(-1)).toMatchObject({ cancelledPushes: [{ jid: sink.jid, node: "n" }], redelivered: 1 });
  });

  it("exposes each host's policy and rejects unknown ones", () => {
    const { sm } = manager();
    expect(sm.policyOf("LOCALHOST").name).toBe("spec");
    expect(sm.policyOf("prosody.localhost").name).toBe("prosody");
    expect(() => sm.policyOf("nowhere.example")).toThrow(/not a virtual host/);
    expect(
      () => new SessionManager({ hosts: [{ domain: "x", policy: "nope" as "spec" }], logger: silentLogger, appServerTimeoutMs: 1, pushLog: new PushLog() }),
    ).toThrow(/unknown push policy/);
  });
});
