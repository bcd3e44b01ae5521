/**
 * XEP-0198 Stream Management on the WebSocket transport: negotiation, `<r/>`/`<a/>` counting in both
 * directions, the server's ack requests, miscount errors, and `<resume/>` with redelivery. Driven
 * with raw sockets (exact frames and counts); one test uses xmpp.js the way the playground does.
 */
import type { Element } from "@xmpp/xml";
import { afterEach, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import {
  connectClient,
  rawLogin,
  rawSession,
  smResume,
  smSession,
  startTestServer,
  stopQuietly,
  streamErrorOf,
  type RawSocket,
  type TestServer,
} from "../test-support";
import { ACK_REQUEST_AFTER_STANZAS, H_MODULUS, parseH, StreamManagementState } from "./stream-management";
import xml from "@xmpp/xml";

let ts: TestServer | null = null;
const sockets: RawSocket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.ws.terminate();
  await ts?.close();
  ts = null;
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  ts = await startTestServer({ streamManagement: true, ...options });
  return ts;
}

function track<T extends { socket: RawSocket }>(x: T): T {
  sockets.push(x.socket);
  return x;
}

const failedCondition = (el: Element): string | undefined =>
  el.getChildElements().find((c) => c.getNS() === NS.stanzaErrors && c.getName() !== "text")?.getName();

const ping = (id: string): string => `<iq xmlns='jabber:client' type='get' id='${id}' to='localhost'><ping xmlns='${NS.ping}'/></iq>`;

describe("XEP-0198 negotiation", () => {
  it("offers <sm/> with bind after SASL, and not when stream management is switched off", async () => {
    const on = await server();
    const { socket, features } = track(await rawLogin(on.url, { username: "alice" }));
    expect(features.getChild("sm", NS.sm)).toBeDefined();
    expect(features.getChild("bind", NS.bind)).toBeDefined();
    socket.close();
    await on.close();

    ts = await startTestServer({ streamManagement: false });
    const off = track(await rawLogin(ts.url, { username: "alice" }));
    expect(off.features.getChild("sm", NS.sm)).toBeUndefined();
  });

  it("answers <enable resume='true'/> with an unguessable id, resume='true' and max in seconds", async () => {
    const { url } = await server({ resumptionTimeoutMs: 2000 });
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    expect(alice.id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(alice.max).toBe(2);
    const bob = track(await smSession(url, { username: "bob", resource: "phone" }));
    expect(bob.id).not.toBe(alice.id);
  });

  it("honours a smaller client max and caps a larger one at the server's", async () => {
    const { url } = await server({ resumptionTimeoutMs: 10_000 });
    expect(track(await smSession(url, { username: "alice", resource: "a", max: 3 })).max).toBe(3);
    expect(track(await smSession(url, { username: "alice", resource: "b", max: 600 })).max).toBe(10);
  });

  it("enables without an id when the client does not ask for resumption", async () => {
    const { url } = await server();
    const { socket } = track(await rawSession(url, { username: "alice", resource: "phone" }));
    socket.send(`<enable xmlns='${NS.sm}'/>`);
    const enabled = await socket.waitFor((e) => e.is("enabled", NS.sm));
    expect(enabled.attrs).toEqual({ xmlns: NS.sm });
  });

  it("refuses <enable/> before bind and a second <enable/> with <failed><unexpected-request/>", async () => {
    const { url } = await server();
    const { socket } = track(await rawLogin(url, { username: "alice" }));
    socket.send(`<enable xmlns='${NS.sm}' resume='true'/>`);
    const early = await socket.waitFor((e) => e.is("failed", NS.sm));
    expect(failedCondition(early)).toBe("unexpected-request");
    expect(early.getChildText("text", NS.stanzaErrors)).toMatch(/bind a resource before enabling/);

    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<enable xmlns='${NS.sm}'/>`);
    const twice = await alice.socket.waitFor((e) => e.is("failed", NS.sm));
    expect(failedCondition(twice)).toBe("unexpected-request");
    expect(twice.getChildText("text", NS.stanzaErrors)).toBe("Stream management is already enabled");
  });

  it("answers <r/> and <a/> sent before <enable/> with <failed><unexpected-request/>, keeping the stream", async () => {
    const { url } = await server();
    const { socket } = track(await rawSession(url, { username: "alice", resource: "phone" }));
    socket.send(`<r xmlns='${NS.sm}'/>`);
    expect(failedCondition(await socket.waitFor((e) => e.is("failed", NS.sm)))).toBe("unexpected-request");
    socket.send(`<a xmlns='${NS.sm}' h='0'/>`);
    expect(failedCondition(await socket.waitFor((e) => e.is("failed", NS.sm)))).toBe("unexpected-request");
    socket.send(ping("still-open"));
    expect((await socket.waitFor((e) => e.is("iq") && e.attrs.id === "still-open")).attrs.type).toBe("result");
  });

  it("treats SM elements as unsupported when stream management is off (not offered)", async () => {
    ts = await startTestServer({ streamManagement: false });
    const { socket } = track(await rawSession(ts.url, { username: "alice", resource: "phone" }));
    socket.send(`<enable xmlns='${NS.sm}' resume='true'/>`);
    expect((await socket.streamError()).condition).toBe("unsupported-stanza-type");
  });

  it("closes the stream on an element a server sends, such as <enabled/>", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<enabled xmlns='${NS.sm}'/>`);
    expect(await alice.socket.streamError()).toMatchObject({ condition: "unsupported-stanza-type" });
  });
});

describe("XEP-0198 counting", () => {
  it("answers <r/> with the number of stanzas received since <enable/>, not counting nonzas", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(ping("p1"));
    alice.socket.send(`<presence xmlns='jabber:client'/>`);
    alice.socket.send(`<r xmlns='${NS.sm}'/>`);
    alice.socket.send(`<message xmlns='jabber:client' to='bob@localhost' type='chat'><body>x</body></message>`);
    alice.socket.send(`<r xmlns='${NS.sm}'/>`);
    const first = await alice.socket.waitFor((e) => e.is("a", NS.sm));
    const second = await alice.socket.waitFor((e) => e.is("a", NS.sm));
    expect([first.attrs.h, second.attrs.h]).toEqual(["2", "3"]);
  });

  it(`asks for an ack once ${ACK_REQUEST_AFTER_STANZAS} stanzas are unacknowledged`, async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    for (let i = 0; i < ACK_REQUEST_AFTER_STANZAS; i++) alice.socket.send(ping(`p${i}`));
    await alice.socket.waitFor((e) => e.is("r", NS.sm));
    // The request follows the stanza that made the count: the client has them all by then.
    expect(alice.h).toBe(ACK_REQUEST_AFTER_STANZAS);
    expect(alice.requests).toBe(1);
  });

  it("asks for an ack about a second after a lone unacknowledged stanza", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    alice.socket.send(ping("lone"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "lone");
    expect(alice.requests).toBe(0);
    await alice.socket.waitFor((e) => e.is("r", NS.sm), 4000);
    expect(alice.requests).toBe(1);
  });

  it("does not ask again for the same count when a client under-acknowledges (no <r/> loop)", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    for (let i = 0; i < ACK_REQUEST_AFTER_STANZAS; i++) alice.socket.send(ping(`p${i}`));
    await alice.socket.waitFor((e) => e.is("r", NS.sm));
    alice.ack(2); // a miscounting client: 3 stay unacknowledged, and nothing new was sent since the <r/>
    await new Promise((r) => setTimeout(r, 1500));
    const after = alice.requests;
    alice.socket.send(ping("more"));
    await alice.socket.waitFor((e) => e.is("r", NS.sm), 4000);
    expect({ after, now: alice.requests }).toEqual({ after: 1, now: 2 });
  });

  it("keeps exact counts over 1,000 mixed stanzas in each direction", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone", resume: false }));
    const bob = track(await rawSession(url, { username: "bob", resource: "desk" }));
    const acks: number[] = [];
    alice.socket.ws.on("message", (data) => {
      const text = Buffer.from(data as ArrayBuffer).toString("utf8");
      const m = /^<a xmlns=['"]urn:xmpp:sm:3['"] h=['"](\d+)['"]\/>$/.exec(text);
      if (m) acks.push(Number(m[1]));
    });

    // bob writes to alice's full JID while alice is busy: 200 more stanzas for her, interleaved.
    const bobDone = (async () => {
      for (let i = 0; i < 200; i++) {
        bob.socket.send(`<message xmlns='jabber:client' to='alice@localhost/phone' type='chat' id='b${i}'><body>bob ${i}</body></message>`);
        if (i % 20 === 19) {
          bob.socket.send(ping(`bp${i}`));
          await bob.socket.waitFor((e) => e.is("iq") && e.attrs.id === `bp${i}`);
        }
      }
    })();

    // Each kind of stanza alice sends gets 1 or 0 stanzas back: ping → result, message to bob →
    // nothing, presence → its echo, message to herself → delivery, iq of a bad type → error.
    const kinds = [
      (i: number) => ping(`a${i}`),
      (i: number) => `<message xmlns='jabber:client' to='bob@localhost/desk' type='chat' id='a${i}'><body>to bob ${i}</body></message>`,
      (i: number) => `<presence xmlns='jabber:client'><priority>1</priority><status>s${i}</status></presence>`,
      (i: number) => `<message xmlns='jabber:client' to='alice@localhost' type='chat' id='a${i}'><body>self ${i}</body></message>`,
      (i: number) => `<iq xmlns='jabber:client' type='bogus' id='a${i}'/>`,
    ];
    let sent = 0;
    for (let chunk = 0; chunk < 20; chunk++) {
      for (let j = 0; j < 50; j++) {
        alice.socket.send((kinds[sent % kinds.length] as (i: number) => string)(sent));
        sent++;
      }
      alice.socket.send(`<r xmlns='${NS.sm}'/>`);
      await alice.socket.waitFor((e) => e.is("a", NS.sm) && e.attrs.h === String(sent), 10_000);
    }
    await bobDone;
    await expect.poll(() => alice.h, { timeout: 5000 }).toBe(1000);

    // What alice received: 200 of each reply kind, and bob's 200 messages.
    const names = alice.stanzas.map((s) => `${s.name}:${String(s.attrs.type ?? "")}`);
    const count = (x: string) => names.filter((n) => n === x).length;
    expect({ results: count("iq:result"), errors: count("iq:error"), presence: count("presence:"), chats: count("message:chat") }).toEqual({
      results: 200,
      errors: 200,
      presence: 200,
      chats: 400,
    });
    // Every <a/> the server sent answered our <r/> with exactly what we had sent at that point.
    expect(acks).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 50));
    expect(alice.requests).toBeGreaterThan(0);

    // Our acks to its <r/>s were all accepted; acknowledging all 1,000 is fine, and the server's
    // own count is exactly 1,000: one more is refused with the number it sent.
    alice.ack(1000);
    alice.socket.send(`<r xmlns='${NS.sm}'/>`);
    expect((await alice.socket.waitFor((e) => e.is("a", NS.sm))).attrs.h).toBe("1000");
    alice.ack(1001);
    expect(await alice.socket.streamError()).toEqual({
      condition: "undefined-condition",
      text: "Client acknowledged more stanzas than sent by server (h=1001, but the server sent 1000)",
    });
  });
});

describe("XEP-0198 miscounts end the stream like Prosody does", () => {
  it("an h above what the server sent → undefined-condition", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    alice.socket.send(ping("p"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p");
    alice.ack(2);
    expect(await alice.socket.streamError()).toEqual({
      condition: "undefined-condition",
      text: "Client acknowledged more stanzas than sent by server (h=2, but the server sent 1)",
    });
  });

  it("an h going backwards → undefined-condition", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    alice.socket.send(ping("p1"));
    alice.socket.send(ping("p2"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p2");
    alice.ack(2);
    alice.ack(1);
    expect(await alice.socket.streamError()).toEqual({
      condition: "undefined-condition",
      text: "Client acknowledged less stanzas than already acknowledged (h=1 after h=2)",
    });
  });

  it.each([["-1"], ["abc"], ["4294967296"], [""]])("an h of %j → invalid-xml", async (h) => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<a xmlns='${NS.sm}' h='${h}'/>`);
    expect((await alice.socket.streamError()).condition).toBe("invalid-xml");
  });

  it("sends a last <a/> with its count before the stream error", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(ping("p"));
    alice.ack(7);
    const before = await alice.socket.waitFor((e) => e.is("a", NS.sm) || e.is("error", NS.streams));
    expect(before.is("a", NS.sm) && before.attrs.h).toBe("1");
  });
});

describe("XEP-0198 resumption", () => {
  it("fails an unknown previd with item-not-found, after which the client can bind normally", async () => {
    const { url } = await server();
    const { answer, socket } = track(await smResume(url, { username: "alice", previd: "no-such-id", h: 0 }));
    expect(answer.is("failed", NS.sm)).toBe(true);
    expect(failedCondition(answer)).toBe("item-not-found");
    expect(answer.getChildText("text", NS.stanzaErrors)).toBe("Unknown session");
    socket.send(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'><resource>phone</resource></bind></iq>`);
    expect((await socket.waitFor((e) => e.is("iq") && e.attrs.id === "b")).attrs.type).toBe("result");
  });

  it("refuses <resume/> after bind with unexpected-request", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<resume xmlns='${NS.sm}' previd='${alice.id}' h='0'/>`);
    expect(failedCondition(await alice.socket.waitFor((e) => e.is("failed", NS.sm)))).toBe("unexpected-request");
  });

  it("never resumes another account's session", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.terminate();
    await expect.poll(() => ts?.server.hibernatedCount).toBe(1);
    const { answer } = track(await smResume(url, { username: "mallory", previd: alice.id ?? "", h: 0 }));
    expect(failedCondition(answer)).toBe("item-not-found");
  });

  it("re-sends what the client did not acknowledge, with <delay/>, and continues both counters", async () => {
    const { url } = await server({ resumptionTimeoutMs: 5000 });
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.autoAck = false;
    const bob = track(await rawSession(url, { username: "bob", resource: "desk" }));
    alice.socket.send(`<presence xmlns='jabber:client'/>`);
    alice.socket.send(ping("p1"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p1");
    for (const n of [1, 2, 3]) bob.socket.send(`<message xmlns='jabber:client' to='alice@localhost' type='chat' id='m${n}'><body>${n}</body></message>`);
    await expect.poll(() => alice.stanzas.filter((s) => s.name === "message").length).toBe(3);
    // alice got presence echo, ping result and 3 messages (h=5) but claims to have handled only 3.
    expect(alice.h).toBe(5);
    alice.terminate();
    await expect.poll(() => ts?.server.hibernatedCount).toBe(1);
    bob.socket.send(`<message xmlns='jabber:client' to='alice@localhost' type='chat' id='m4'><body>4</body></message>`);
    bob.socket.send(ping("settle"));
    await bob.socket.waitFor((e) => e.is("iq") && e.attrs.id === "settle");

    const resumed = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: 3, jid: alice.jid }));
    expect(resumed.answer.is("resumed", NS.sm)).toBe(true);
    expect(resumed.answer.attrs).toMatchObject({ previd: alice.id, h: "2" });
    const client = resumed.client;
    if (!client) throw new Error("not resumed");
    await expect.poll(() => client.stanzas.length).toBe(3);
    expect(client.stanzas.map((s) => s.getChildText("body"))).toEqual(["2", "3", "4"]);
    for (const s of client.stanzas) {
      const delay = s.getChild("delay", NS.delay);
      expect(delay?.attrs.from).toBe("localhost");
      expect(Number.isNaN(Date.parse(String(delay?.attrs.stamp)))).toBe(false);
    }
    expect(client.h).toBe(6);
    // The resumed stream asks for an ack at once and accepts the continued count.
    await expect.poll(() => client.requests).toBeGreaterThan(0);
    client.socket.send(`<r xmlns='${NS.sm}'/>`);
    expect((await client.socket.waitFor((e) => e.is("a", NS.sm))).attrs.h).toBe("2");
    client.socket.send(ping("after"));
    await client.socket.waitFor((e) => e.is("iq") && e.attrs.id === "after");
    client.ack();
    client.ack(client.h + 1);
    expect((await client.socket.streamError()).text).toBe("Client acknowledged more stanzas than sent by server (h=8, but the server sent 7)");
  });

  it("fails a resume whose h is above what was sent, and the session can still be resumed correctly", async () => {
    const { url } = await server({ resumptionTimeoutMs: 5000 });
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(ping("p"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p");
    alice.terminate();
    await expect.poll(() => ts?.server.hibernatedCount).toBe(1);
    const bad = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: 9 }));
    expect(failedCondition(bad.answer)).toBe("undefined-condition");
    expect(bad.answer.attrs.h).toBe("1");
    const good = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: 1 }));
    expect(good.answer.is("resumed", NS.sm)).toBe(true);
  });

  it("takes over a session whose old socket is still open, ending that stream with conflict", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(ping("p"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p");
    const resumed = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: alice.h }));
    expect(resumed.answer.is("resumed", NS.sm)).toBe(true);
    expect((await alice.socket.streamError()).condition).toBe("conflict");
    resumed.socket.send(ping("new"));
    expect((await resumed.socket.waitFor((e) => e.is("iq") && e.attrs.id === "new")).attrs.type).toBe("result");
  });

  it("answers a resume after expiry with item-not-found, 'expired' and the last h", async () => {
    const { url } = await server({ resumptionTimeoutMs: 200 });
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(ping("p1"));
    alice.socket.send(ping("p2"));
    await alice.socket.waitFor((e) => e.is("iq") && e.attrs.id === "p2");
    alice.terminate();
    // Connected, then hibernated, then gone once the 200 ms pass.
    await expect.poll(() => ts?.server.sessionManager?.sessionsOf("alice@localhost").length, { timeout: 3000 }).toBe(0);
    const { answer } = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: 2 }));
    expect(failedCondition(answer)).toBe("item-not-found");
    expect(answer.getChildText("text", NS.stanzaErrors)).toBe("Session expired, and cannot be resumed");
    expect(answer.attrs.h).toBe("2");
  });

  it("does not hibernate a session closed with </close> (its id is gone)", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<close xmlns='${NS.framing}'/>`);
    await alice.socket.closed;
    expect(ts?.server.hibernatedCount).toBe(0);
    const { answer } = track(await smResume(url, { username: "alice", previd: alice.id ?? "", h: 0 }));
    expect(answer.getChildText("text", NS.stanzaErrors)).toBe("Unknown session");
  });

  it("does not hibernate a session that enabled stream management without resume", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone", resume: false }));
    alice.terminate();
    await expect.poll(() => ts?.server.sessionManager?.sessionsOf("alice@localhost").length).toBe(0);
    expect(ts?.server.hibernatedCount).toBe(0);
  });
});

describe("XEP-0198 with xmpp.js 0.14 (the playground's client)", () => {
  it("enables stream management when offered, and resumes after its socket drops", async () => {
    const { url } = await server({ resumptionTimeoutMs: 10_000 });
    const xmpp = await connectClient({ url, username: "alice", resource: "phone" });
    try {
      await expect.poll(() => xmpp.streamManagement.enabled).toBe(true);
      const id = xmpp.streamManagement.id;
      expect(id).toBeTruthy();
      const sessionId = ts?.server.sessionManager?.sessionsOf("alice@localhost")[0]?.sessionId;

      // xmpp.js 0.14's StreamManagement is an EventEmitter; @types/xmpp__stream-management omits that.
      const sm = xmpp.streamManagement as unknown as { once(event: "resumed", fn: () => void): void };
      const resumed = new Promise<void>((resolve) => sm.once("resumed", () => resolve()));
      xmpp.reconnect.start();
      (xmpp.socket as unknown as { socket: { terminate(): void } }).socket.terminate();
      await resumed;
      xmpp.reconnect.stop();
      // The same session continues: same id on the server, no new bind.
      expect(ts?.server.sessionManager?.sessionsOf("alice@localhost")).toMatchObject([{ sessionId, state: "connected" }]);
      const reply = await xmpp.iqCaller.request(xml("iq", { type: "get", to: "localhost" }, xml("ping", { xmlns: NS.ping })));
      expect(reply.attrs.type).toBe("result");
    } finally {
      await stopQuietly(xmpp);
    }
  });
});

describe("StreamManagementState (counters modulo 2^32)", () => {
  const stanza = xml("message", { to: "x@localhost" });

  it("wraps both counters after 2^32 - 1 and accepts acks across the wrap", () => {
    const sm = new StreamManagementState("id", 1000, H_MODULUS - 2);
    for (let i = 0; i < 5; i++) sm.recordOutbound(stanza);
    for (let i = 0; i < 3; i++) sm.countInbound();
    expect(sm.outbound).toBe(3);
    expect(sm.inbound).toBe(1);
    expect(sm.unacked).toBe(5);
    expect(sm.ack(H_MODULUS - 1)).toEqual({ ok: true, acked: 1 });
    expect(sm.ack(1)).toEqual({ ok: true, acked: 2 });
    expect(sm.pending()).toHaveLength(2);
    expect(sm.ack(3)).toEqual({ ok: true, acked: 2 });
    expect(sm.unacked).toBe(0);
  });

  it("tells 'more than sent' from 'less than acknowledged' across the wrap", () => {
    const sm = new StreamManagementState(null, 1000, H_MODULUS - 1);
    sm.recordOutbound(stanza);
    sm.recordOutbound(stanza);
    expect(sm.ack(0)).toEqual({ ok: true, acked: 1 });
    expect(sm.ack(2)).toMatchObject({ ok: false, text: expect.stringMatching(/^Client acknowledged more stanzas than sent by server/) });
    expect(sm.ack(H_MODULUS - 1)).toMatchObject({ ok: false, text: expect.stringMatching(/^Client acknowledged less stanzas than already acknowledged/) });
    expect(sm.unacked).toBe(1);
  });

  it("forgets the oldest stanzas past its cap and is then no longer resumable", () => {
    const sm = new StreamManagementState("id", 1000, 0, 3);
    for (let i = 0; i < 5; i++) sm.recordOutbound(xml("message", { id: String(i) }));
    expect(sm.hasOverflowed).toBe(true);
    expect(sm.unacked).toBe(5);
    expect(sm.pending().map((p) => p.stanza.attrs.id)).toEqual(["2", "3", "4"]);
    expect(sm.ack(3)).toEqual({ ok: true, acked: 3 });
    expect(sm.pending().map((p) => p.stanza.attrs.id)).toEqual(["3", "4"]);
  });

  it.each([
    ["0", 0],
    ["4294967295", 4294967295],
    ["4294967296", null],
    ["-1", null],
    ["1e3", null],
    [" 1", null],
    [undefined, null],
  ])("parseH(%j) = %j", (raw, expected) => {
    expect(parseH(raw)).toBe(expected);
  });
});

describe("stream errors keep their meaning with SM on", () => {
  it("reports a stream error frame the client can read", async () => {
    const { url } = await server();
    const alice = track(await smSession(url, { username: "alice", resource: "phone" }));
    alice.socket.send(`<message xmlns='jabber:client' from='eve@localhost' to='bob@localhost'/>`);
    const error = await alice.socket.waitFor((e) => e.is("error", NS.streams));
    expect(streamErrorOf(error)?.condition).toBe("invalid-from");
  });
});
