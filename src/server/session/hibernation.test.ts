/**
 * XEP-0198 hibernation as the push policies see it (docs/push-semantics.md §0.2, B.2 rows 11-12, E): the "app
 * killed" device is a raw stream-management client whose socket is dropped without `<close/>`;
 * bob (the sender) and the App Server sink are xmpp.js sessions. Each test reads the server's
 * decision record to check what the policy saw (state `hibernated`) and why it decided as it did.
 */
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import type { MessageDecisionEntry, PublishEntry, PushLogEntry, SessionStateEntry } from "../../protocol/push-log";
import { buildEnable } from "../../protocol/stanzas/push";
import { rawLogin, smSession, startTestServer, type RawSocket, type SmClient, type TestServer } from "../test-support";
import { AppServerSink, chat, connect, isMessageWithBody, isPresenceFrom, type Inbox } from "../test-support/session-kit";

const SINK = "pushsvc@localhost/sink";

let ts: TestServer | null = null;
const inboxes: Inbox[] = [];
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  await Promise.all(inboxes.splice(0).map((i) => i.stop()));
  await ts?.close();
  ts = null;
});

async function server(resumptionTimeoutMs = 5000): Promise<TestServer> {
  ts = await startTestServer({ streamManagement: true, resumptionTimeoutMs });
  return ts;
}

async function login(jid: string): Promise<Inbox> {
  if (!ts) throw new Error("no server");
  const inbox = await connect(ts.url, jid);
  inboxes.push(inbox);
  return inbox;
}

const manager = () => {
  const sm = ts?.server.sessionManager;
  if (!sm) throw new Error("no session manager");
  return sm;
};

const log = (account: string): PushLogEntry[] => ts?.server.pushLog.list({ account }) ?? [];
const entries = <K extends PushLogEntry["kind"]>(account: string, kind: K) =>
  log(account).filter((e): e is Extract<PushLogEntry, { kind: K }> => e.kind === kind);
const decisions = (account: string): MessageDecisionEntry[] => entries(account, "message-decision");
const publishes = (account: string): PublishEntry[] => entries(account, "publish");
const sessionEntries = (account: string): SessionStateEntry[] =>
  log(account).filter((e): e is SessionStateEntry => e.kind.startsWith("session-"));

/**
 * The device that will be "killed": binds `resource`, turns stream management (with resume) on,
 * sends presence, enables push to the sink (unless `node` is null) and acknowledges everything.
 */
async function device(
  domain: string,
  resource: string,
  options: { show?: string; node?: string | null; away?: boolean; autoAck?: boolean } = {},
): Promise<SmClient> {
  if (!ts) throw new Error("no server");
  const phone = await smSession(ts.url, { domain, username: "alice", resource });
  sockets.push(phone.socket);
  phone.socket.send(`<presence xmlns='jabber:client'>${options.show ? `<show>${options.show}</show>` : ""}</presence>`);
  await phone.socket.waitFor((e) => e.is("presence") && e.attrs.from === phone.jid);
  const node = options.node === undefined ? "n1" : options.node;
  if (node !== null) {
    const iq = buildEnable({ jid: SINK, node, id: "en1", away: options.away });
    phone.socket.send(iq.toString());
    const reply = await phone.socket.waitFor((e) => e.is("iq") && e.attrs.id === "en1");
    expect(reply.attrs.type, reply.toString()).toBe("result");
  }
  phone.ack();
  phone.autoAck = options.autoAck ?? true;
  return phone;
}

/** Drops the device's socket and waits until the session manager shows it hibernated. */
async function kill(phone: SmClient, account: string): Promise<void> {
  phone.terminate();
  await expect.poll(() => manager().sessionsOf(account).find((s) => s.resource === phone.jid.split("/")[1])?.state).toBe("hibernated");
}

function delayOf(stanza: Element): { from: string; stamp: number } | null {
  const delay = stanza.getChild("delay", NS.delay);
  return delay ? { from: String(delay.attrs.from), stamp: Date.parse(String(delay.attrs.stamp)) } : null;
}

describe("hibernate → message → push", () => {
  it("prosody: pushes the hibernated session's registration after its 1 s batch timer, once for a burst", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@prosody.localhost";
    const phone = await device("prosody.localhost", "phone");
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);

    const hibernated = sessionEntries(account).find((e) => e.kind === "session-hibernated");
    expect(hibernated).toMatchObject({
      policy: "prosody",
      resource: "phone",
      sessions: [{ resource: "phone", state: "hibernated", presence: { show: null } }],
      // It enabled push: mod_cloud_notify's push_max_hibernation_timeout until its first important push (issue 13).
      resumptionTimeoutMs: 72 * 3_600_000,
    });
    expect(hibernated?.why).toMatch(/batched by mod_cloud_notify's 1 s timer/);
    expect(hibernated?.why).toMatch(/push_max_hibernation_timeout \(72 h instead of 5 s\)/);

    await bob.send(chat(account, "one"));
    await bob.send(chat(account, "two"));
    await expect.poll(() => decisions(account).length).toBe(2);
    // Nothing before the timer fires…
    expect(await sink.settle(600)).toHaveLength(0);
    // …then one publish for both messages.
    const [push] = await sink.waitFor(1);
    expect(push?.node).toBe("n1");
    expect(push?.summary).toMatchObject({ messageCount: 1, lastMessageBody: "New Message!" });
    expect(await sink.settle(400)).toHaveLength(1);

    const [first, second] = decisions(account);
    for (const d of [first, second]) {
      expect(d?.decision.rule).toBe("prosody/hibernated");
      expect(d?.sessions).toMatchObject([{ resource: "phone", state: "hibernated" }]);
      expect(d?.delivery).toEqual({ deliveredTo: ["phone"], storedOffline: false });
      expect(d?.decision.verdicts).toMatchObject([{ push: true, delayMs: 1000 }]);
    }
    const [publish] = publishes(account);
    expect(publish).toMatchObject({ causeSeq: first?.seq, delayedMs: 1000, batchedSeqs: [second?.seq] });
    expect(publish?.note).toMatch(/^batched 1 s like Prosody's smacks timer/);
    // Recorded at least the batch delay after its decision (a lower bound: timers never fire early).
    expect(Date.parse(publish?.at ?? "") - Date.parse(first?.at ?? "")).toBeGreaterThanOrEqual(990);
  });

  it("ejabberd: pushes at once for each message queued while the session is pending", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@ejabberd.localhost";
    const phone = await device("ejabberd.localhost", "phone");
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);

    await bob.send(chat(account, "one"));
    await sink.waitFor(1);
    await bob.send(chat(account, "two"));
    await sink.waitFor(2);
    const [first] = decisions(account);
    expect(first?.decision.rule).toBe("ejabberd/session-pending");
    expect(first?.sessions).toMatchObject([{ resource: "phone", state: "hibernated" }]);
    expect(publishes(account).map((p) => [p.causeSeq, p.delayedMs, p.note])).toEqual(
      decisions(account).map((d) => [d.seq, undefined, undefined]),
    );
  });

  it("spec: a hibernated session is not receiving, so every registration is pushed (the message is queued, not stored offline)", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@localhost";
    const phone = await device("localhost", "phone");
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);

    await bob.send(chat(account, "hello"));
    const [push] = await sink.waitFor(1);
    expect(push?.summary).toMatchObject({ messageCount: 1, lastMessageBody: "hello", lastMessageSender: "bob@localhost/desk" });
    const [decision] = decisions(account);
    expect(decision?.decision.rule).toBe("spec/no-receiving-session");
    expect(decision?.decision.reason).toContain("phone: hibernated, last presence available");
    expect(decision?.delivery).toEqual({ deliveredTo: ["phone"], storedOffline: false });
    expect(manager().offlineCount(account)).toBe(0);
  });

  it("tigase: the hibernated session keeps its last presence, so an available one still blocks the away push", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@tigase.localhost";
    const phone = await device("tigase.localhost", "phone", { away: true });
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);

    await bob.send(chat(account, "hello"));
    await expect.poll(() => decisions(account).length).toBe(1);
    expect(await sink.settle()).toHaveLength(0);
    expect(decisions(account)[0]?.decision).toMatchObject({ rule: "tigase/online-session", verdicts: [{ push: false }] });
    expect(decisions(account)[0]?.sessions).toMatchObject([{ state: "hibernated", presence: { show: null } }]);
  });

  it("tigase: a hibernated session whose last presence was away lets the away push through", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@tigase.localhost";
    const phone = await device("tigase.localhost", "phone", { away: true, show: "away" });
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);

    await bob.send(chat(account, "hello"));
    await sink.waitFor(1);
    expect(decisions(account)[0]?.decision.rule).toBe("tigase/away");
  });
});

describe("hibernation with unacknowledged stanzas pushes at once (B.2 row 11)", () => {
  /** A device whose last stanzas (bob's message, then its own presence echo) stay unacknowledged. */
  async function unackedDevice(domain: string): Promise<{ phone: SmClient; account: string; sink: AppServerSink }> {
    const sink = new AppServerSink(await login(SINK));
    const account = `alice@${domain}`;
    const phone = await device(domain, "phone", { autoAck: false });
    const bob = await login("bob@localhost/desk");
    await bob.send(chat(account, "read, never acked"));
    phone.socket.send(`<presence xmlns='jabber:client'><show>away</show></presence>`);
    await expect.poll(() => phone.stanzas.filter((s) => s.name === "message" || s.attrs.from === phone.jid).length).toBeGreaterThanOrEqual(3);
    expect(await sink.settle(200)).toHaveLength(0); // connected: nothing pushed so far
    return { phone, account, sink };
  }

  it("prosody: smacks-hibernation-start pushes the session's registration once as important and once as unimportant", async () => {
    await server();
    const { phone, account, sink } = await unackedDevice("prosody.localhost");
    await kill(phone, account);
    const pushes = await sink.waitFor(2);
    expect(pushes.map((p) => p.summary?.lastMessageBody)).toEqual(["New Message!", undefined]);
    const hibernatedEntry = sessionEntries(account).find((e) => e.kind === "session-hibernated");
    expect(hibernatedEntry?.unacked).toBe(2);
    expect(hibernatedEntry?.decision).toMatchObject({ rule: "prosody/hibernation-start", pushes: [{ key: { node: "n1" } }, { key: { node: "n1" } }] });
    expect(publishes(account).map((p) => [p.causeSeq, p.delayedMs])).toEqual([
      [hibernatedEntry?.seq, undefined],
      [hibernatedEntry?.seq, undefined],
    ]);
    expect(await sink.settle(1200)).toHaveLength(2);
  });

  it("ejabberd: c2s_session_pending pushes once, for the queued chat message", async () => {
    await server();
    const { phone, account, sink } = await unackedDevice("ejabberd.localhost");
    await kill(phone, account);
    const [push] = await sink.waitFor(1);
    expect(push?.summary?.lastMessageBody).toBe("New message");
    expect(sessionEntries(account).find((e) => e.kind === "session-hibernated")?.decision?.rule).toBe("ejabberd/pending-queue");
    expect(await sink.settle()).toHaveLength(1);
  });

  it("spec: no hibernation trigger, so nothing is pushed until a message arrives", async () => {
    await server();
    const { phone, account, sink } = await unackedDevice("localhost");
    await kill(phone, account);
    expect(await sink.settle()).toHaveLength(0);
    const entry = sessionEntries(account).find((e) => e.kind === "session-hibernated");
    expect(entry).toMatchObject({ unacked: 2 });
    expect(entry?.decision).toBeUndefined();
  });
});

describe("hibernate → resume → redelivery, no push", () => {
  it("prosody: resuming before the 1 s timer fires redelivers the message and drops the batched push", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@prosody.localhost";
    const phone = await device("prosody.localhost", "phone");
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);
    // Log in on the new socket first, so the resume follows the message by milliseconds.
    const { socket } = await rawLogin(ts?.url ?? "", { domain: "prosody.localhost", username: "alice" });
    sockets.push(socket);

    await bob.send(chat(account, "while you were away"));
    await expect.poll(() => decisions(account).length).toBe(1);
    socket.send(`<resume xmlns='${NS.sm}' previd='${phone.id}' h='${phone.h}'/>`);
    const resumed = await socket.waitFor((e) => e.is("resumed", NS.sm) || e.is("failed", NS.sm));
    expect(resumed.is("resumed", NS.sm), resumed.toString()).toBe(true);
    const message = await socket.waitFor(isMessageWithBody("while you were away"));
    expect(delayOf(message)?.from).toBe("prosody.localhost");

    // Well past the 1 s the batch would have waited: nothing.
    expect(await sink.settle(1400)).toHaveLength(0);
    expect(publishes(account)).toEqual([]);
    const decision = decisions(account)[0];
    expect(decision?.decision.rule).toBe("prosody/hibernated");
    const resumedEntry = sessionEntries(account).find((e) => e.kind === "session-resumed");
    expect(resumedEntry).toMatchObject({
      resource: "phone",
      redelivered: 1,
      cancelledPushes: [{ jid: SINK, node: "n1" }],
      sessions: [{ resource: "phone", state: "connected" }],
    });
    expect(resumedEntry?.why).toContain(`decision #${decision?.seq}`);
    expect(manager().sessionsOf(account)).toMatchObject([{ state: "connected", sessionId: resumedEntry?.sessionId }]);

    // The registration is still bound to the same (resumed) session: alive, so no push.
    await bob.send(chat(account, "and now"));
    await socket.waitFor(isMessageWithBody("and now"));
    await expect.poll(() => decisions(account).length).toBe(2);
    expect(decisions(account)[1]?.decision.rule).toBe("prosody/session-alive");
    expect(await sink.settle(1200)).toHaveLength(0);
  });

  it("spec: after resuming, the session is receiving again and a new message is not pushed", async () => {
    await server();
    const sink = new AppServerSink(await login(SINK));
    const account = "alice@localhost";
    const phone = await device("localhost", "phone");
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);
    const { socket } = await rawLogin(ts?.url ?? "", { username: "alice" });
    sockets.push(socket);
    socket.send(`<resume xmlns='${NS.sm}' previd='${phone.id}' h='${phone.h}'/>`);
    expect((await socket.waitFor((e) => e.is("resumed", NS.sm) || e.is("failed", NS.sm))).name).toBe("resumed");

    await bob.send(chat(account, "you are back"));
    await socket.waitFor(isMessageWithBody("you are back"));
    await expect.poll(() => decisions(account).length).toBe(1);
    expect(decisions(account)[0]?.decision.rule).toBe("spec/online-session");
    expect(await sink.settle()).toHaveLength(0);
  });
});

describe("hibernate → timeout → offline storage", () => {
  it("stores what the client never acknowledged offline when hibernation expires, and delivers it with <delay/> to the next session", async () => {
    await server(400);
    const account = "alice@localhost";
    const phone = await device("localhost", "phone", { node: null, autoAck: false });
    const bob = await login("bob@localhost/desk");
    const sentAt = Date.now();
    await bob.send(chat(account, "unacked before the drop"));
    await expect.poll(() => phone.stanzas.filter((s) => s.name === "message").length).toBe(1);
    await kill(phone, account);
    await bob.send(chat(account, "while hibernated"));
    await expect.poll(() => decisions(account).length).toBe(2);

    await expect.poll(() => manager().sessionsOf(account).length, { timeout: 3000 }).toBe(0);
    expect(manager().offlineCount(account)).toBe(2);
    const expired = sessionEntries(account).find((e) => e.kind === "session-expired");
    expect(expired).toMatchObject({ resource: "phone", unacked: 2, sessions: [], unackedOutcome: { storedOffline: 2, rerouted: 0, bounced: 0, dropped: 0 } });
    expect(expired?.why).toMatch(/2 messages stored offline/);

    const next = await login(`${account}/tablet`);
    await next.send(xml("presence"));
    const first = await next.next(isMessageWithBody("unacked before the drop"));
    const second = await next.next(isMessageWithBody("while hibernated"));
    for (const m of [first, second]) {
      const delay = delayOf(m);
      expect(delay?.from).toBe("localhost");
      expect(delay?.stamp).toBeGreaterThanOrEqual(sentAt - 1000);
      expect(delay?.stamp).toBeLessThanOrEqual(Date.now());
    }
    expect(manager().offlineCount(account)).toBe(0);
  });

  it("keeps the hibernated session's presence for the other resources until it expires", async () => {
    await server(600);
    const account = "alice@localhost";
    const laptop = await login(`${account}/laptop`);
    await laptop.send(xml("presence"));
    const phone = await device("localhost", "phone", { node: null });
    await laptop.next(isPresenceFrom(phone.jid));
    await kill(phone, account);
    expect((await laptop.settle(isPresenceFrom(phone.jid, "unavailable"), 300))).toHaveLength(0);
    await laptop.next(isPresenceFrom(phone.jid, "unavailable"), "phone's unavailable presence at expiry", 3000);
    expect(manager().sessionsOf(account).map((s) => s.resource)).toEqual(["laptop"]);
  });

  it("an App Server session that expires with a publish pending settles it as an error (ejabberd then removes the registration)", async () => {
    await server(300);
    const sinkDevice = await smSession(ts?.url ?? "", { username: "pushsvc", resource: "sink" });
    sockets.push(sinkDevice.socket);
    const account = "alice@ejabberd.localhost";
    const phone = await device("ejabberd.localhost", "phone");
    phone.socket.send(`<close xmlns='${NS.framing}'/>`);
    await expect.poll(() => manager().sessionsOf(account).length).toBe(0);
    await kill(sinkDevice, "pushsvc@localhost");
    const bob = await login("bob@localhost/desk");
    await bob.send(chat(account, "nobody will answer"));
    await expect.poll(() => entries(account, "registration-removed").length, { timeout: 3000 }).toBe(1);
    expect(entries(account, "publish-outcome")[0]).toMatchObject({ outcome: { kind: "error", type: "cancel", condition: "service-unavailable" } });
    expect(sessionEntries("pushsvc@localhost").find((e) => e.kind === "session-expired")?.unackedOutcome).toMatchObject({ bounced: 1 });
    expect(manager().registrationsOf(account)).toEqual([]);
  });
});

describe("sessions that end for good with unacknowledged stanzas", () => {
  it("a clean </close> with stanzas unacknowledged (the xmpp.js miscount) sends the messages to offline storage", async () => {
    await server();
    const account = "alice@localhost";
    const phone = await device("localhost", "phone", { node: null, autoAck: false });
    const bob = await login("bob@localhost/desk");
    await bob.send(chat(account, "read but not acked"));
    await expect.poll(() => phone.stanzas.filter((s) => s.name === "message").length).toBe(1);
    phone.socket.send(`<close xmlns='${NS.framing}'/>`);
    await phone.socket.closed;
    await expect.poll(() => manager().offlineCount(account)).toBe(1);
    expect(ts?.server.hibernatedCount).toBe(0);
    const closed = sessionEntries(account).find((e) => e.kind === "session-closed");
    expect(closed).toMatchObject({ unacked: 1, unackedOutcome: { storedOffline: 1 } });
    expect(closed?.why).toMatch(/clean <\/close>.*xmpp\.js 0\.14 miscounts/);

    const again = await login(`${account}/phone`);
    await again.send(xml("presence"));
    expect(delayOf(await again.next(isMessageWithBody("read but not acked")))?.from).toBe("localhost");
  });

  it("without resume, a dropped socket ends the session at once and its unacked messages go offline", async () => {
    await server();
    const account = "alice@localhost";
    if (!ts) throw new Error("no server");
    const phone = await smSession(ts.url, { username: "alice", resource: "phone", resume: false });
    sockets.push(phone.socket);
    phone.autoAck = false;
    phone.socket.send(`<presence xmlns='jabber:client'/>`);
    const bob = await login("bob@localhost/desk");
    await bob.send(chat(account, "lost in transit"));
    await expect.poll(() => phone.stanzas.filter((s) => s.name === "message").length).toBe(1);
    phone.terminate();
    await expect.poll(() => manager().sessionsOf(account).length).toBe(0);
    expect(manager().offlineCount(account)).toBe(1);
    expect(sessionEntries(account).map((e) => e.kind)).toEqual(["session-closed"]);
  });

  it("a new login with the hibernated session's resource replaces it; its queue goes offline and the old id no longer resumes", async () => {
    await server();
    const account = "alice@localhost";
    const phone = await device("localhost", "phone", { node: null });
    const bob = await login("bob@localhost/desk");
    await kill(phone, account);
    await bob.send(chat(account, "queued for the old phone"));
    await expect.poll(() => decisions(account).length).toBe(1);

    const replacement = await login(`${account}/phone`);
    expect(manager().sessionsOf(account)).toMatchObject([{ resource: "phone", state: "connected" }]);
    expect(ts?.server.hibernatedCount).toBe(0);
    expect(sessionEntries(account).find((e) => e.kind === "session-closed")?.unackedOutcome).toMatchObject({ storedOffline: 1 });
    await replacement.send(xml("presence"));
    await replacement.next(isMessageWithBody("queued for the old phone"));

    const { socket } = await rawLogin(ts?.url ?? "", { username: "alice" });
    sockets.push(socket);
    socket.send(`<resume xmlns='${NS.sm}' previd='${phone.id}' h='${phone.h}'/>`);
    const failed = await socket.waitFor((e) => e.is("failed", NS.sm) || e.is("resumed", NS.sm));
    expect(failed.name).toBe("failed");
    expect(failed.getChild("item-not-found", NS.stanzaErrors)).toBeDefined();
  });
});
