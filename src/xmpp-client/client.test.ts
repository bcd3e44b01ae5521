/**
 * createXmppClient end to end over a real WebSocket, against a scripted XEP-0198 server
 * (test-support/scripted-sm-server.ts): the assembly, the ack count seen from the server's side,
 * and the playground's "kill app" / "resume" controls. The same against Prosody and ejabberd is in
 * real-prosody.test.ts.
 */
import type { Element } from "@xmpp/xml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NS } from "../protocol/ns";
import { createXmppClient, xml } from "./client";
import type { XmppClient, XmppClientOptions } from "./client";
import { ScriptedSmServer } from "./test-support/scripted-sm-server";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let server: ScriptedSmServer;
const clients: XmppClient[] = [];

beforeEach(async () => {
  server = await ScriptedSmServer.start();
});

afterEach(async () => {
  for (const c of clients.splice(0)) {
    c.reconnect.stop();
    await c.stop().catch(() => undefined);
  }
  await server.close();
});

interface Connected {
  xmpp: XmppClient;
  bodies: string[];
  errors: Error[];
}

async function connect(options: Partial<XmppClientOptions> = {}): Promise<Connected> {
  const xmpp = createXmppClient({
    service: server.url,
    domain: "localhost",
    resource: "phone",
    credentials: async (authenticate: (c: { username: string; password: string }, m: string) => Promise<void>) => authenticate({ username: "alice", password: "pass" }, "PLAIN"),
    ...options,
  } as XmppClientOptions);
  clients.push(xmpp);
  const bodies: string[] = [];
  const errors: Error[] = [];
  xmpp.on("error", (err: Error) => errors.push(err));
  xmpp.on("stanza", (stanza: Element) => {
    const body = stanza.is("message") ? stanza.getChildText("body") : null;
    if (body !== null) bodies.push(body);
  });
  await xmpp.start();
  if (options.streamManagement !== false) await until(() => xmpp.streamManagement.enabled, "<enabled/>");
  return { xmpp, bodies, errors };
}

describe("createXmppClient: the assembly", () => {
  it("has @xmpp/client's transports and mechanisms in Node, with our stream management", async () => {
    const xmpp = createXmppClient({ service: server.url, resource: "r", username: "alice", password: "pass" });
    clients.push(xmpp);
    expect(xmpp.options.domain).toBe("127.0.0.1");
    expect(xmpp.jid?.toString()).toBe("alice@127.0.0.1");
    expect(xmpp.mechanisms.map((m) => Object.keys(m)[0])).toEqual(["scramsha1", "plain", "anonymous"]);
    expect(xmpp.transports).toHaveLength(3);
    expect(xmpp.smState()).toEqual({ enabled: false, id: "", resumable: false, inbound: 0, outbound: 0, unacked: 0, max: null, location: undefined });
    expect(typeof xmpp.iqCallee.get).toBe("function");
  });

  it("answers pings (iqCallee, as @xmpp/client does)", async () => {
    const { xmpp } = await connect();
    const replies: Element[] = [];
    xmpp.on("send", (el: Element) => {
      if (el.is("iq") && el.attrs.id === "ping-1") replies.push(el);
    });
    xmpp.emit("element", xml("iq", { type: "get", id: "ping-1", from: "localhost" }, xml("ping", { xmlns: NS.ping })));
    await until(() => replies.length > 0, "the ping reply");
    expect(replies[0]?.attrs.type).toBe("result");
  });

  it("never enables stream management with streamManagement: false", async () => {
    const { xmpp } = await connect({ streamManagement: false });
    await xmpp.iqCaller.request(xml("iq", { type: "get" }, xml("ping", { xmlns: NS.ping })), 2000);
    expect(xmpp.streamManagement.enabled).toBe(false);
    expect(server.sessions.size).toBe(0);
  });
});

describe("createXmppClient: acks as the server sees them", () => {
  it("acknowledges the replies to its own iq requests, and everything in the closing <a/>", async () => {
    const { xmpp, bodies } = await connect();
    const session = server.session();
    await xmpp.iqCaller.request(xml("iq", { type: "get" }, xml("ping", { xmlns: NS.ping })), 2000);
    server.deliver(session, "one");
    await until(() => bodies.length === 1, "the message");
    server.requestAck(session);
    await until(() => session.acks.length === 1, "the <a/>");
    expect(session.acks).toEqual([2]);
    expect(session.outbound).toBe(2);
    await xmpp.stop();
    // The closing <a/> covers everything, so the server has nothing left to re-deliver.
    expect(session.acks).toEqual([2, 2]);
    await until(() => server.socketEnds.length === 1, "the server to see the socket end");
    expect(server.socketEnds[0]?.streamClosed).toBe(true);
  });
});

describe("createXmppClient: skipPresenceFrom", () => {
  it("leaves the presence of the given senders unparsed and unemitted, and still counts it in its acks", async () => {
    const sibling = "alice@localhost/tablet";
    const { xmpp } = await connect({ skipPresenceFrom: (from) => from === sibling });
    const presences: string[] = [];
    xmpp.on("element", (el: Element) => {
      if (el.is("presence")) presences.push(`${String(el.attrs.from)} ${el.getChildText("show") ?? ""}`.trim());
    });
    const session = server.session();
    server.deliverPresence(session, sibling, "away");
    server.deliverPresence(session, "carol@localhost/desk", "dnd");
    server.deliverPresence(session, sibling);
    server.deliver(session, "after");
    await until(() => xmpp.smState().inbound === 4, "four stanzas counted");
    expect(presences).toEqual(["carol@localhost/desk dnd"]);
    server.requestAck(session);
    await until(() => session.acks.length === 1, "the <a/>");
    expect(session.acks).toEqual([4]);
  });
});

describe("createXmppClient: kill app and resume", () => {
  it("killSocket() drops the socket without </close>, does not reconnect, and keeps the session", async () => {
    const { xmpp } = await connect();
    xmpp.reconnect.delay = 20;
    await xmpp.killSocket();
    expect(xmpp.status).toBe("disconnect");
    await until(() => server.socketEnds.length === 1, "the server to see the socket end");
    expect(server.socketEnds[0]).toEqual({ streamClosed: false, code: 1006 });
    // Reconnect would have fired after 20 ms.
    await sleep(300);
    expect(server.connections).toBe(1);
    expect(xmpp.smState()).toMatchObject({ enabled: false, resumable: true });
    expect(server.session().socket).toBeNull();
  });

  it("resume() gets the same session back, with what arrived while the app was dead", async () => {
    const { xmpp, bodies, errors } = await connect();
    const session = server.session();
    server.deliver(session, "before");
    await until(() => bodies.length === 1, "the first message");
    await xmpp.killSocket();
    server.deliver(session, "while dead 1");
    server.deliver(session, "while dead 2");
    const onlineEvents: unknown[] = [];
    xmpp.on("online", (j: unknown) => onlineEvents.push(j));

    const resumed = await xmpp.resume();

    expect(resumed).toEqual({ previd: session.id, h: 0, resent: 0 });
    expect(xmpp.status).toBe("online");
    expect(onlineEvents).toEqual([]);
    await until(() => bodies.length === 3, "the messages kept for the session");
    expect(bodies).toEqual(["before", "while dead 1", "while dead 2"]);
    expect(xmpp.smState()).toMatchObject({ enabled: true, id: session.id, inbound: 3 });
    server.requestAck(session);
    await until(() => session.acks.at(-1) === 3, "<a h='3'/>");
    expect(session.unacked).toEqual([]);
    expect(server.connections).toBe(2);
    expect(errors).toEqual([]);
  });

  it("resume() re-sends what the server never acknowledged", async () => {
    const { xmpp } = await connect();
    const session = server.session();
    xmpp.streamManagement.requestAckDebounce = 60_000;
    await xmpp.send(xml("message", { to: "bob@localhost", type: "chat", id: "o1" }, xml("body", {}, "sent before the kill")));
    await until(() => session.inbound === 1, "the server to get the message");
    expect(xmpp.smState().unacked).toBe(1);
    await xmpp.killSocket();
    const resumed = await xmpp.resume();
    // The server had handled it: acknowledged by <resumed h='1'/>, not sent again.
    expect(resumed).toMatchObject({ h: 1, resent: 0 });
    expect(xmpp.smState()).toMatchObject({ outbound: 1, unacked: 0 });
  });

  it("resume() rejects with the server's condition once the session is gone, and a new session follows", async () => {
    const { xmpp } = await connect();
    const first = server.session();
    await xmpp.killSocket();
    server.expireDetached();
    const online = new Promise((resolve) => xmpp.once("online", resolve));

    await expect(xmpp.resume()).rejects.toMatchObject({ condition: "item-not-found" });

    await online;
    await until(() => xmpp.streamManagement.enabled, "<enabled/> on the new session");
    expect(xmpp.smState().id).not.toBe(first.id);
    expect(xmpp.smState().inbound).toBe(0);
  });

  it("resume() rejects when the server offers no stream management any more", async () => {
    const { xmpp } = await connect();
    await xmpp.killSocket();
    server.offerSm = false;
    await expect(xmpp.resume()).rejects.toThrow(/new session instead of resuming/);
  });

  it("refuses to resume while connected or without a resumable session, and to kill without a socket", async () => {
    const { xmpp } = await connect();
    await expect(xmpp.resume()).rejects.toThrow(/while the status is online/);
    await xmpp.stop();
    await expect(xmpp.killSocket()).rejects.toThrow(/no socket/);
    const plain = await connect({ streamManagement: false, resource: "laptop" });
    await plain.xmpp.killSocket();
    await expect(plain.xmpp.resume()).rejects.toThrow(/no resumable session/);
  });
});
