/**
 * Malformed and hostile input over a raw WebSocket and over TCP (RFC 6120, after STARTTLS): each
 * case gets the RFC 6120 / RFC 7395 reaction (stream error + <close/> + socket closed, or a stanza
 * error / SASL failure on a stream that stays usable), and the server keeps serving healthy
 * sessions afterwards.
 *
 * Over TCP the same strings are written to the socket, with our `<open …/>` written as the TCP
 * header `<stream:stream …>`; the raw TCP client reads the server's header and `</stream:stream>`
 * back as `<open/>` and `<close/>`, so the expectations are shared. A case whose input only means
 * something in WebSocket framing has a `tcp` variant: its TCP equivalent, or why there is none.
 */
import { createHash, createHmac } from "node:crypto";
import { xml } from "@xmpp/client";
import type { Client } from "@xmpp/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import {
  connectClient,
  parseElement,
  rawSession,
  rawSocket,
  startTestServer,
  stopQuietly,
  type RawSocket,
} from "../test-support";
import { rawTcpSession, rawTcpSocket, tcpHeader, tcpInput, type StreamSocket } from "../tcp/test-support/tcp-socket";
import { startTcpTestServer, type TcpTestServer } from "../tcp/test-support/tcp-server";
import { CLOSE_NO_SUBPROTOCOL } from "./websocket-endpoint";

const F = NS.framing;
const OPEN = `<open xmlns='${F}' to='localhost' version='1.0'/>`;
const b64 = (s: string | Buffer): string => Buffer.from(s).toString("base64");
const plainAuth = (payload: string): string => `<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${b64(payload)}</auth>`;
const scramAuth = (payload: string): string => `<auth xmlns='${NS.sasl}' mechanism='SCRAM-SHA-1'>${b64(payload)}</auth>`;

type Setup = "none" | "opened" | "bound";
type Expectation =
  | { streamError: string }
  | { stanzaError: string; id?: string }
  | { saslFailure: string }
  | { closeReply: true };

type Send = (string | Buffer | { binary: Buffer })[] | ((s: StreamSocket) => Promise<void>);

interface Case {
  name: string;
  setup: Setup;
  /** Frames to send; a function gets the socket for multi-step cases. */
  send: Send;
  expect: Expectation;
  /** Over TCP: another input (written as is) and/or expectation, or why the case has no TCP form. */
  tcp?: { send?: Send; expect?: Expectation } | { none: string };
}

type Transport = "websocket" | "tcp";
const HEADER = tcpHeader();
const HEADER_NO_DECL = `<stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='localhost' version='1.0'>`;

const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><open xmlns='${F}' to='localhost' version='1.0'>&lol3;</open>`;

const CASES: Case[] = [
  // ---- before the stream is opened
  { name: "not XML at all", setup: "none", send: ["hello server"], expect: { streamError: "not-well-formed" } },
  { name: "unclosed tag", setup: "none", send: [`<open xmlns='${F}' to='localhost' version='1.0'>`], expect: { streamError: "not-well-formed" } , tcp: { none: "an element not closed yet is a stream in progress over TCP: the framer waits for more bytes (the size cap and the handshake timeout end it; see the 300 KiB and timeout cases)" } },
  { name: "two root elements in one frame", setup: "none", send: [`${OPEN}${OPEN}`], expect: { streamError: "not-well-formed" } , tcp: { expect: { streamError: "invalid-xml" } /* two headers: the second is a restart before SASL, as in "second <open/> before authentication" */ } },
  { name: "text before the root", setup: "none", send: [`junk${OPEN}`], expect: { streamError: "not-well-formed" } },
  { name: "trailing garbage after the root", setup: "none", send: [`${OPEN}junk`], expect: { streamError: "not-well-formed" } },
  { name: "mismatched end tag", setup: "none", send: [`<open xmlns='${F}'></close>`], expect: { streamError: "not-well-formed" } , tcp: { send: [`${HEADER}<message xmlns='jabber:client'></iq>`] } },
  { name: "DOCTYPE with entities (billion laughs)", setup: "none", send: [billionLaughs], expect: { streamError: "restricted-xml" } , tcp: { send: [billionLaughs.replace(/<open .*$/, HEADER_NO_DECL)] } },
  { name: "external entity (XXE)", setup: "none", send: [`<!DOCTYPE open [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><open xmlns='${F}'>&xxe;</open>`], expect: { streamError: "restricted-xml" } , tcp: { send: [`<!DOCTYPE stream:stream [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${HEADER_NO_DECL}`] } },
  { name: "XML comment", setup: "none", send: [`<!-- hi -->${OPEN}`], expect: { streamError: "restricted-xml" } },
  { name: "processing instruction", setup: "none", send: [`<?php echo 1; ?>${OPEN}`], expect: { streamError: "restricted-xml" } },
  { name: "XML declaration claiming another encoding", setup: "none", send: [`<?xml version='1.0' encoding='ISO-8859-1'?>${OPEN}`], expect: { streamError: "unsupported-encoding" } },
  { name: "undefined entity reference", setup: "none", send: [`<open xmlns='${F}' to='&host;' version='1.0'/>`], expect: { streamError: "not-well-formed" } },
  { name: "unbound namespace prefix", setup: "none", send: [`<x:open xmlns='${F}' to='localhost' version='1.0'/>`], expect: { streamError: "bad-namespace-prefix" } , tcp: { send: [`<x:stream xmlns='jabber:client' to='localhost' version='1.0'>`] } },
  { name: "duplicate attribute", setup: "none", send: [`<open xmlns='${F}' to='localhost' to='localhost' version='1.0'/>`], expect: { streamError: "not-well-formed" } },
  { name: "control character in an attribute", setup: "none", send: [`<open xmlns='${F}' to='local\u0001host' version='1.0'/>`], expect: { streamError: "not-well-formed" } },
  { name: "control character as a character reference", setup: "none", send: [`<open xmlns='${F}' to='local&#x1b;host' version='1.0'/>`], expect: { streamError: "not-well-formed" } },
  { name: "TCP-style <stream:stream> opener (unclosed)", setup: "none", send: [`<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='localhost' version='1.0'>`], expect: { streamError: "invalid-namespace" } , tcp: { send: [OPEN], expect: { streamError: "invalid-namespace" } /* the mirror image: WebSocket framing over TCP */ } },
  { name: "TCP-style <stream:stream/> opener (self-closed)", setup: "none", send: [`<stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='localhost' version='1.0'/>`], expect: { streamError: "invalid-namespace" } , tcp: { expect: { closeReply: true } /* over TCP: a header and its end at once, an empty stream */ } },
  { name: "<open/> in the wrong namespace", setup: "none", send: [`<open xmlns='jabber:client' to='localhost' version='1.0'/>`], expect: { streamError: "invalid-namespace" } },
  { name: "<open/> without version", setup: "none", send: [`<open xmlns='${F}' to='localhost'/>`], expect: { streamError: "unsupported-version" } },
  { name: "<open/> with version 2.0", setup: "none", send: [`<open xmlns='${F}' to='localhost' version='2.0'/>`], expect: { streamError: "unsupported-version" } },
  { name: "<open/> to an unknown host", setup: "none", send: [`<open xmlns='${F}' to='example.org' version='1.0'/>`], expect: { streamError: "host-unknown" } },
  { name: "<open/> without to", setup: "none", send: [`<open xmlns='${F}' version='1.0'/>`], expect: { streamError: "host-unknown" } },
  { name: "message before <open/>", setup: "none", send: [`<message xmlns='jabber:client' to='bob@localhost'><body>hi</body></message>`], expect: { streamError: "not-authorized" } },
  { name: "<close/> before <open/>", setup: "none", send: [`<close xmlns='${F}'/>`], expect: { closeReply: true } , tcp: { send: ["</stream:stream>"] } },
  { name: "empty frame", setup: "none", send: [""], expect: { streamError: "not-well-formed" } , tcp: { none: "TCP has no frames: an empty write sends no bytes" } },
  { name: "whitespace-only frame", setup: "none", send: [" \n "], expect: { streamError: "not-well-formed" } , tcp: { none: "whitespace between top-level elements is a keepalive over TCP (RFC 6120 §4.6.1), not an error" } },
  { name: "binary frame", setup: "none", send: [{ binary: Buffer.from(OPEN) }], expect: { streamError: "unsupported-encoding" } , tcp: { send: [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(HEADER, "utf16le")])] } /* TCP has no binary frames: the nearest is a client writing another encoding (UTF-16) */ },
  { name: "invalid UTF-8 in a text frame", setup: "none", send: [Buffer.concat([Buffer.from(`<open xmlns='${F}' to='`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`' version='1.0'/>`)])], expect: { streamError: "unsupported-encoding" } , tcp: { send: [Buffer.concat([Buffer.from(`<stream:stream xmlns='jabber:client' xmlns:stream='${NS.streams}' to='`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from(`' version='1.0'>`)])] } },
  { name: "300 KiB frame", setup: "none", send: [`<open xmlns='${F}' to='localhost' version='1.0'>${"a".repeat(300 * 1024)}</open>`], expect: { streamError: "policy-violation" } , tcp: { send: [`${HEADER}<message xmlns='jabber:client'><body>${"a".repeat(300 * 1024)}</body></message>`] } },
  { name: "huge attribute value (300 KiB)", setup: "none", send: [`<open xmlns='${F}' to='localhost' version='1.0' x='${"v".repeat(300 * 1024)}'/>`], expect: { streamError: "policy-violation" } },
  { name: "10k nested elements", setup: "none", send: [`<open xmlns='${F}'>${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</open>`], expect: { streamError: "policy-violation" } , tcp: { send: [`${HEADER}<message xmlns='jabber:client'>${"<a>".repeat(10_000)}${"</a>".repeat(10_000)}</message>`] } },
  { name: "1000 attributes on one element", setup: "none", send: [`<open xmlns='${F}' to='localhost' version='1.0' ${Array.from({ length: 1000 }, (_, i) => `a${i}='x'`).join(" ")}/>`], expect: { streamError: "policy-violation" } },

  // ---- stream open, not authenticated
  { name: "message before authentication", setup: "opened", send: [`<message xmlns='jabber:client' to='bob@localhost'><body>hi</body></message>`], expect: { streamError: "not-authorized" } },
  { name: "bind before authentication", setup: "opened", send: [`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'/></iq>`], expect: { streamError: "not-authorized" } },
  { name: "presence without namespace before authentication", setup: "opened", send: [`<presence/>`], expect: { streamError: "not-authorized" } },
  { name: "unknown top-level element", setup: "opened", send: [`<foo xmlns='urn:example:foo'/>`], expect: { streamError: "unsupported-stanza-type" } },
  { name: "stream management <enable/> (not offered)", setup: "opened", send: [`<enable xmlns='${NS.sm}' resume='true'/>`], expect: { streamError: "unsupported-stanza-type" } },
  { name: "second <open/> before authentication", setup: "opened", send: [OPEN], expect: { streamError: "invalid-xml" } },
  { name: "unknown SASL mechanism", setup: "opened", send: [`<auth xmlns='${NS.sasl}' mechanism='DIGEST-MD5'/>`], expect: { saslFailure: "invalid-mechanism" } },
  { name: "SASL PLAIN with bad base64", setup: "opened", send: [`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>!!not*base64!!</auth>`], expect: { saslFailure: "incorrect-encoding" } },
  { name: "SASL PLAIN without NUL separators", setup: "opened", send: [plainAuth("alice:pass")], expect: { saslFailure: "malformed-request" } },
  { name: "SASL PLAIN with the authzid of another user", setup: "opened", send: [plainAuth("mallory@localhost\u0000victim\u0000pass")], expect: { saslFailure: "invalid-authzid" } },
  { name: "SASL PLAIN with a space in the username", setup: "opened", send: [plainAuth("\u0000al ice\u0000pass")], expect: { saslFailure: "not-authorized" } },
  { name: "SASL PLAIN with '@' in the username", setup: "opened", send: [plainAuth("\u0000a@b@localhost\u0000pass")], expect: { saslFailure: "not-authorized" } },
  { name: "SASL PLAIN with a 1024-byte username", setup: "opened", send: [plainAuth(`\u0000${"u".repeat(1024)}\u0000pass`)], expect: { saslFailure: "not-authorized" } },
  { name: "SCRAM-SHA-1 with channel binding (p=)", setup: "opened", send: [scramAuth("p=tls-unique,,n=known,r=abcdefgh")], expect: { saslFailure: "not-authorized" } },
  { name: "SCRAM-SHA-1 with a malformed client-first message", setup: "opened", send: [scramAuth("hello")], expect: { saslFailure: "malformed-request" } },
  {
    name: "SCRAM-SHA-1 with a wrong nonce in client-final",
    setup: "opened",
    send: async (s) => {
      s.send(scramAuth("n,,n=known,r=clientnonce123"));
      const challenge = await s.waitFor((e) => e.is("challenge", NS.sasl));
      expect(Buffer.from(challenge.text(), "base64").toString()).toMatch(/^r=clientnonce123.+,s=.+,i=\d+$/);
      s.send(`<response xmlns='${NS.sasl}'>${b64(`c=biws,r=clientnonce123WRONG,p=${b64(Buffer.alloc(20))}`)}</response>`);
    },
    expect: { saslFailure: "not-authorized" },
  },
  { name: "SASL <response/> without <auth/>", setup: "opened", send: [`<response xmlns='${NS.sasl}'>${b64("x")}</response>`], expect: { saslFailure: "malformed-request" } },
  { name: "SASL <abort/>", setup: "opened", send: [`<auth xmlns='${NS.sasl}' mechanism='SCRAM-SHA-1'/>`, `<abort xmlns='${NS.sasl}'/>`], expect: { saslFailure: "aborted" } },
  {
    name: "five failed SASL attempts",
    setup: "opened",
    send: Array.from({ length: 5 }, () => plainAuth("\u0000known\u0000wrong")),
    expect: { streamError: "policy-violation" },
  },
  {
    name: "stanza after SASL success but before the stream restart",
    setup: "opened",
    send: [plainAuth("\u0000known\u0000pass"), `<presence xmlns='jabber:client'/>`],
    expect: { streamError: "not-authorized" },
  },
  {
    name: "message after the restart but before bind",
    setup: "opened",
    send: async (s) => {
      s.send(plainAuth("\u0000known\u0000pass"));
      await s.waitFor((e) => e.is("success", NS.sasl));
      await s.open();
      s.send(`<message xmlns='jabber:client' to='bob@localhost'><body>early</body></message>`);
    },
    expect: { streamError: "not-authorized" },
  },

  // ---- bound
  { name: "spoofed from", setup: "bound", send: [`<message xmlns='jabber:client' from='victim@localhost/x' to='bob@localhost'><body>hi</body></message>`], expect: { streamError: "invalid-from" } },
  { name: "from of another resource of the same account", setup: "bound", send: [`<presence xmlns='jabber:client' from='known@localhost/other'/>`], expect: { streamError: "invalid-from" } },
  { name: "to with two '@'", setup: "bound", send: [`<message xmlns='jabber:client' id='m1' to='a@b@localhost'><body>hi</body></message>`], expect: { stanzaError: "jid-malformed", id: "m1" } },
  { name: "to with an empty localpart", setup: "bound", send: [`<iq xmlns='jabber:client' type='get' id='q1' to='@localhost'><ping xmlns='${NS.ping}'/></iq>`], expect: { stanzaError: "jid-malformed", id: "q1" } },
  { name: "to with a space in the domain", setup: "bound", send: [`<message xmlns='jabber:client' id='m2' to='bob@local host'/>`], expect: { stanzaError: "jid-malformed", id: "m2" } },
  // Found by the fuzzer: the reply's id was written with a raw line feed, which the client's parser reads as a space.
  { name: "iq id with a line-feed character reference (the reply keeps it)", setup: "bound", send: [`<iq xmlns='jabber:client' type='get' id='a&#10;b' to='localhost'><query xmlns='urn:example:unknown'/></iq>`], expect: { stanzaError: "service-unavailable", id: "a\nb" } },
  { name: "iq without id", setup: "bound", send: [`<iq xmlns='jabber:client' type='get' to='localhost'><ping xmlns='${NS.ping}'/></iq>`], expect: { stanzaError: "bad-request" } },
  { name: "iq with type='bogus'", setup: "bound", send: [`<iq xmlns='jabber:client' type='bogus' id='q2' to='localhost'><ping xmlns='${NS.ping}'/></iq>`], expect: { stanzaError: "bad-request", id: "q2" } },
  { name: "iq get with two children", setup: "bound", send: [`<iq xmlns='jabber:client' type='get' id='q3' to='localhost'><ping xmlns='${NS.ping}'/><ping xmlns='${NS.ping}'/></iq>`], expect: { stanzaError: "bad-request", id: "q3" } },
  { name: "second <open/> after bind", setup: "bound", send: [OPEN], expect: { streamError: "invalid-xml" } },
  { name: "SASL <auth/> after bind", setup: "bound", send: [plainAuth("\u0000known\u0000pass")], expect: { streamError: "unsupported-stanza-type" } },
  { name: "message in the jabber:server namespace", setup: "bound", send: [`<message xmlns='jabber:server' to='bob@localhost'/>`], expect: { streamError: "unsupported-stanza-type" } },
  { name: "unknown top-level element after bind", setup: "bound", send: [`<bogus xmlns='jabber:client'/>`], expect: { streamError: "unsupported-stanza-type" } },
  { name: "not-well-formed stanza after bind", setup: "bound", send: [`<message xmlns='jabber:client'><body>hi</message>`], expect: { streamError: "not-well-formed" } },
  // Found by the TCP fuzzer: over TCP the renamed header is an element that never ends, and the framer waited for its end.
  {
    name: "invalid UTF-8 in the name of a second <open/>",
    setup: "bound",
    send: [Buffer.concat([Buffer.from("<op"), Buffer.from([0xc3, 0x28]), Buffer.from(`en xmlns='${F}' to='localhost' version='1.0'/>`)])],
    expect: { streamError: "unsupported-encoding" },
    tcp: { send: [Buffer.concat([Buffer.from("<stream:st"), Buffer.from([0xc3, 0x28]), Buffer.from(HEADER_NO_DECL.slice("<stream:st".length))])] },
  },
];

let ts: TcpTestServer;
const healthy: Client[] = [];

beforeAll(async () => {
  ts = await startTcpTestServer();
  await ts.server.accounts.register("localhost", "known", "pass");
});

afterAll(async () => {
  await Promise.all(healthy.map(stopQuietly));
  await ts.close();
});

async function prepare(setup: Setup, transport: Transport): Promise<StreamSocket> {
  const resource = `r${Math.random().toString(36).slice(2)}`;
  if (transport === "tcp") {
    if (setup === "bound") return (await rawTcpSession(ts.c2sPort, ts.ca, { username: "known", resource })).socket;
    const s = await rawTcpSocket(ts.c2sPort);
    if (setup === "opened") await s.openSecure(ts.ca);
    return s;
  }
  if (setup === "bound") return (await rawSession(ts.url, { username: "known", resource })).socket;
  const s = await rawSocket(ts.url);
  if (setup === "opened") await s.open();
  return s;
}

async function expectClosedWithStreamError(s: StreamSocket, condition: string, setup: Setup): Promise<void> {
  const error = await s.streamError();
  expect(error.condition).toBe(condition);
  expect(error.text).toBeTruthy();
  // RFC 7395 §3.6.1: an error while opening still gets the <open/> response first ...
  if (setup === "none") expect(parseElement(s.frames[0] as string).is("open", F)).toBe(true);
  // ... and every stream error is followed by <close/> and the end of the WebSocket.
  await s.waitFor((e) => e.is("close", F));
  const closed = await s.closed;
  expect(closed.code).toBe(1000);
}

/** The case as it runs over `transport` (null: it has no form there). */
function variant(c: Case, transport: Transport): { setup: Setup; send: Send; expect: Expectation } | null {
  if (transport === "websocket") return c;
  if (c.tcp && "none" in c.tcp) return null;
  const send = c.tcp?.send ?? (Array.isArray(c.send) ? c.send.map((f) => (typeof f === "string" ? tcpInput(f) : f)) : c.send);
  return { setup: c.setup, send, expect: c.tcp?.expect ?? c.expect };
}

function send(s: StreamSocket, frames: Exclude<Send, (s: StreamSocket) => Promise<void>>): void {
  for (const frame of frames) {
    if (typeof frame === "object" && "binary" in frame) (s as RawSocket).send(frame.binary, { binary: true });
    else s.send(frame);
  }
}

describe("malformed input", () => {
  it("has at least 30 distinct cases", () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  const runs = (["websocket", "tcp"] as const).flatMap((transport) =>
    CASES.flatMap((c) => {
      const v = variant(c, transport);
      return v ? [{ name: c.name, transport, ...v }] : [];
    }),
  );

  it.each(runs)("$transport: $name", async ({ setup, send: input, expect: expectation, transport }) => {
    const s = await prepare(setup, transport);
    const before = s.frames.length;
    if (typeof input === "function") await input(s);
    else send(s, input);

    if ("streamError" in expectation) {
      await expectClosedWithStreamError(s, expectation.streamError, setup);
    } else if ("closeReply" in expectation) {
      await s.waitFor((e) => e.is("close", F));
      expect((await s.closed).code).toBe(1000);
      expect(s.frames.slice(before).some((f) => f.includes("stream:error"))).toBe(false);
    } else if ("saslFailure" in expectation) {
      const failure = await s.waitFor((e) => e.is("failure", NS.sasl));
      expect(failure.getChildElements()[0]?.getName()).toBe(expectation.saslFailure);
      // A SASL failure is not fatal: the client may try again on the same stream.
      s.send(plainAuth("\u0000known\u0000pass"));
      await s.waitFor((e) => e.is("success", NS.sasl));
      s.close();
    } else {
      const reply = await s.waitFor((e) => e.attrs.type === "error");
      if (expectation.id) expect(reply.attrs.id).toBe(expectation.id);
      expect(reply.getChild("error")?.getChild(expectation.stanzaError, NS.stanzaErrors)).toBeDefined();
      // A stanza error leaves the stream up: the server still answers a ping.
      s.send(`<iq xmlns='jabber:client' type='get' id='alive' to='localhost'><ping xmlns='${NS.ping}'/></iq>`);
      const pong = await s.waitFor((e) => e.attrs.id === "alive");
      expect(pong.attrs.type).toBe("result");
      expect(s.isClosed()).toBe(false);
      s.close();
    }
  });

  it("answers a client offering only other subprotocols without 'xmpp', so the client fails the handshake", async () => {
    // RFC 7395 §3.1: without 'xmpp' in the response the client MUST NOT use the connection.
    await expect(rawSocket(ts.url, { protocols: ["chat"] })).rejects.toThrow(/subprotocol/i);
  });

  it("closes a WebSocket that offers no subprotocol with 1002 and a reason naming 'xmpp'", async () => {
    const s = await rawSocket(ts.url, { protocols: [] });
    const closed = await s.closed;
    expect(closed.code).toBe(CLOSE_NO_SUBPROTOCOL);
    expect(closed.reason).toContain("xmpp");
    expect(s.frames).toEqual([]);
  });

  it("still serves healthy sessions afterwards: two clients exchange a message", async () => {
    const alice = await connectClient({ url: ts.url, username: "healthy-alice", resource: "a" });
    const bob = await connectClient({ url: ts.url, username: "healthy-bob", resource: "b" });
    healthy.push(alice, bob);
    const received = new Promise<string | null>((resolve) => {
      bob.on("stanza", (st) => {
        if (st.is("message")) resolve(st.getChildText("body"));
      });
    });
    await bob.send(xml("presence"));
    await alice.send(xml("message", { to: "healthy-bob@localhost/b", type: "chat" }, xml("body", {}, "still alive")));
    await expect(received).resolves.toBe("still alive");
  });

  it("leaks no connections: every rejected socket is gone, WebSocket and TCP", async () => {
    await expect.poll(() => ts.server.connectionCount, { timeout: 5000 }).toBe(2);
  });
});

describe("timeouts", () => {
  it("closes a socket that never sends <open/> with connection-timeout", async () => {
    const quick = await startTestServer({ handshakeTimeoutMs: 200 });
    try {
      const s = await rawSocket(quick.url);
      await expectClosedWithStreamError(s, "connection-timeout", "none");
    } finally {
      await quick.close();
    }
  });

  it("closes a stream that authenticates but never binds", async () => {
    const quick = await startTestServer({ handshakeTimeoutMs: 300 });
    try {
      const s = await rawSocket(quick.url);
      await s.open();
      s.send(plainAuth("\u0000slow\u0000pass"));
      await s.waitFor((e) => e.is("success", NS.sasl));
      const error = await s.streamError();
      expect(error.condition).toBe("connection-timeout");
      await s.closed;
    } finally {
      await quick.close();
    }
  });
});

describe("SCRAM-SHA-1 server signature", () => {
  it("sends v= in <success/> that proves the server knows the password (RFC 5802)", async () => {
    const s = await rawSocket(ts.url);
    await s.open();
    const clientFirstBare = "n=known,r=rOprNGfwEbeRWgbNEkqO";
    s.send(scramAuth(`n,,${clientFirstBare}`));
    const serverFirst = Buffer.from((await s.waitFor((e) => e.is("challenge", NS.sasl))).text(), "base64").toString();
    const fields = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
    const { pbkdf2Sync } = await import("node:crypto");
    const salted = pbkdf2Sync("pass", Buffer.from(fields.s as string, "base64"), Number(fields.i), 20, "sha1");
    const clientKey = createHmac("sha1", salted).update("Client Key").digest();
    const storedKey = createHash("sha1").update(clientKey).digest();
    const finalNoProof = `c=biws,r=${fields.r}`;
    const authMessage = `${clientFirstBare},${serverFirst},${finalNoProof}`;
    const signature = createHmac("sha1", storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] ?? 0)));
    s.send(`<response xmlns='${NS.sasl}'>${b64(`${finalNoProof},p=${proof.toString("base64")}`)}</response>`);
    const success = await s.waitFor((e) => e.is("success", NS.sasl));
    const serverKey = createHmac("sha1", salted).update("Server Key").digest();
    const expected = createHmac("sha1", serverKey).update(authMessage).digest("base64");
    expect(Buffer.from(success.text(), "base64").toString()).toBe(`v=${expected}`);
    s.close();
  });
});
