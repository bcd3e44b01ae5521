/**
 * The stream's phase handlers on their own, over a fake stream context: what each writes, which
 * stream errors and stanza errors it raises, and what it hands to the session manager. The same
 * behaviour end to end over a WebSocket is in login.test.ts, sm.test.ts and malformed-input.test.ts.
 */
import xml, { type Element } from "@xmpp/xml";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NS } from "../../protocol/ns";
import { EJABBERD_TIMERS } from "../../protocol/policy/ejabberd";
import { PROSODY_TIMERS } from "../../protocol/policy/prosody";
import { buildChatMessage } from "../../protocol/stanzas/message";
import { parseXml } from "../../protocol/stanzas/parse";
import { AccountStore } from "../accounts";
import type { Logger, StanzaSink } from "../types";
import type { SessionTransport } from "./bound-session";
import { DEFAULT_FRAME_LIMITS } from "./frame-parser";
import { Negotiation } from "./negotiation";
import { StreamManagementHandler } from "./sm-handler";
import { deliverStanza } from "./stanza-gate";
import type { StreamContext, StreamFields, StreamPhase } from "./stream-context";

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Fake {
  ctx: StreamContext;
  fields: StreamFields;
  sent: Element[];
  streamErrors: string[];
  stanzaErrors: { condition: string; text?: string }[];
  sink: { [K in keyof StanzaSink]-?: ReturnType<typeof vi.fn> };
  /** How often the socket was dropped without `<close/>` (ctx.dropSocket). */
  dropped: () => number;
}

function fakeStream(phase: StreamPhase, options: { streamManagement?: boolean } = {}): Fake {
  const sent: Element[] = [];
  const streamErrors: string[] = [];
  const stanzaErrors: { condition: string; text?: string }[] = [];
  const sink = { sessionBound: vi.fn(), stanza: vi.fn(), sessionClosed: vi.fn(), sessionHibernated: vi.fn(), sessionResumed: vi.fn(), streamTimers: vi.fn(), sessionAckOverdue: vi.fn() };
  const fields: StreamFields = { phase, domain: "localhost", lang: "en", username: "alice", session: null, sessionReported: false };
  let drops = 0;
  const transport: SessionTransport = {
    sendElement: (el) => sent.push(el),
    closeWithStreamError: (condition) => streamErrors.push(condition),
    releaseSession: () => undefined,
  };
  const ctx: StreamContext = {
    opts: {
      hosts: ["localhost", "example.org"],
      accounts: new AccountStore({ hosts: ["localhost"], iterations: 1 }),
      sink,
      logger: quiet,
      saslMechanisms: ["PLAIN", "SCRAM-SHA-1"],
      limits: DEFAULT_FRAME_LIMITS,
      handshakeTimeoutMs: 1000,
      maxAuthFailures: 2,
      maxQueuedFrames: 10,
      logFrames: false,
      closeGraceMs: 100,
      streamManagement: options.streamManagement ?? false,
      resumptionTimeoutMs: 60_000,
      resumption: null,
    },
    log: quiet,
    fields,
    transport,
    sendElement: (el) => sent.push(el),
    write: (frame) => sent.push(parseXml(frame)),
    sendOpen: () => sent.push(xml("open", { xmlns: NS.framing })),
    closeWithStreamError: (condition) => {
      streamErrors.push(condition);
      fields.phase = "closing";
    },
    replyError: (_el, _type, condition, text) => stanzaErrors.push(text === undefined ? { condition } : { condition, text }),
    clearHandshakeTimer: () => undefined,
    dropSocket: () => {
      drops++;
    },
    carriedSm: () => (fields.session?.isCarriedBy(transport) ? fields.session.sm : null),
  };
  return { ctx, fields, sent, streamErrors, stanzaErrors, sink, dropped: () => drops };
}

const el = (text: string): Element => parseXml(text);

describe("Negotiation", () => {
  it("answers <open/> with the SASL features, and the restart with bind (and <sm/> when offered)", () => {
    const first = fakeStream("awaiting-open");
    new Negotiation(first.ctx).onOpen(el(`<open xmlns='${NS.framing}' to='Example.ORG.' version='1.0' xml:lang='de'/>`));
    expect(first.fields).toMatchObject({ phase: "sasl", domain: "example.org", lang: "de" });
    expect(first.sent.map((e) => e.name)).toEqual(["open", "stream:features"]);
    expect(first.sent[1]?.getChild("mechanisms", NS.sasl)?.getChildren("mechanism").map((m) => m.text())).toEqual(["PLAIN", "SCRAM-SHA-1"]);

    const restart = fakeStream("awaiting-restart", { streamManagement: true });
    new Negotiation(restart.ctx).onOpen(el(`<open xmlns='${NS.framing}' to='localhost' version='1.0'/>`));
    expect(restart.fields.phase).toBe("bind");
    const features = restart.sent[1];
    expect([features?.getChild("bind", NS.bind), features?.getChild("sm", NS.sm)].every(Boolean)).toBe(true);
  });

  it.each([
    [`<open xmlns='${NS.framing}' version='1.0'/>`, "host-unknown"],
    [`<open xmlns='${NS.framing}' to='elsewhere.org' version='1.0'/>`, "host-unknown"],
    [`<open xmlns='${NS.framing}' to='localhost'/>`, "unsupported-version"],
    [`<open xmlns='${NS.framing}' to='localhost' version='2.0'/>`, "unsupported-version"],
  ])("refuses %s with %s", (frame, condition) => {
    const fake = fakeStream("awaiting-open");
    new Negotiation(fake.ctx).onOpen(el(frame));
    expect(fake.streamErrors).toEqual([condition]);
  });

  it("authenticates with PLAIN, then binds the requested resource in its prepared form", async () => {
    const fake = fakeStream("sasl");
    fake.fields.username = null;
    const negotiation = new Negotiation(fake.ctx);
    await negotiation.onSasl(el(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${Buffer.from("\u0000alice\u0000pass").toString("base64")}</auth>`));
    expect(fake.fields).toMatchObject({ phase: "awaiting-restart", username: "alice" });
    expect(fake.sent.at(-1)?.is("success", NS.sasl)).toBe(true);

    fake.fields.phase = "bind";
    negotiation.onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='${NS.bind}'><resource>cafe\u0301</resource></bind></iq>`));
    expect(fake.fields.phase).toBe("bound");
    expect(fake.fields.session?.jid).toBe("alice@localhost/caf\u00e9");
    expect(fake.sent.at(-1)?.getChild("bind", NS.bind)?.getChildText("jid")).toBe("alice@localhost/caf\u00e9");
    expect(fake.sink.sessionBound).toHaveBeenCalledWith(fake.fields.session);
  });

  it("logs a decomposed username in as its NFC form, the form stanza addresses are compared in", async () => {
    const fake = fakeStream("sasl");
    const negotiation = new Negotiation(fake.ctx);
    await negotiation.onSasl(el(`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${Buffer.from("\u0000Jose\u0301\u0000pass").toString("base64")}</auth>`));
    expect(fake.fields.username).toBe("jos\u00e9");
    fake.fields.phase = "bind";
    negotiation.onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'><resource>r</resource></bind></iq>`));
    deliverStanza(fake.ctx, el("<message from='jose\u0301@localhost/r' to='bob@localhost'/>"));
    expect(fake.streamErrors).toEqual([]);
    expect(fake.sink.stanza).toHaveBeenCalledTimes(1);
  });

  it("counts SASL failures and ends the stream at the limit", async () => {
    const fake = fakeStream("sasl");
    const negotiation = new Negotiation(fake.ctx);
    await negotiation.onSasl(el(`<auth xmlns='${NS.sasl}' mechanism='DIGEST-MD5'/>`));
    expect(fake.sent.at(-1)?.getChild("invalid-mechanism")).toBeDefined();
    expect(fake.streamErrors).toEqual([]);
    await negotiation.onSasl(el(`<response xmlns='${NS.sasl}'>eA==</response>`));
    expect(fake.sent.at(-1)?.getChild("malformed-request")).toBeDefined();
    expect(fake.streamErrors).toEqual(["policy-violation"]);
  });

  it("refuses anything but a bind iq before bind, and a malformed resource", () => {
    const fake = fakeStream("bind");
    const negotiation = new Negotiation(fake.ctx);
    negotiation.onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'><resource> lead</resource></bind></iq>`));
    expect(fake.stanzaErrors).toEqual([{ condition: "bad-request", text: "resource rejected: resourcepart starts with a space" }]);
    negotiation.onBeforeBound(el("<message xmlns='jabber:client' to='bob@localhost'/>"));
    expect(fake.streamErrors).toEqual(["not-authorized"]);
  });
});

describe("deliverStanza (the established stream's gate)", () => {
  async function bound(): Promise<Fake> {
    const fake = fakeStream("bind");
    new Negotiation(fake.ctx).onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'><resource>phone</resource></bind></iq>`));
    fake.sent.length = 0;
    return fake;
  }

  it("stamps from and the namespace, then hands the stanza to the session manager", async () => {
    const fake = await bound();
    deliverStanza(fake.ctx, el("<message to='bob@localhost' from='Alice@LOCALHOST'><body>hi</body></message>"));
    const [session, stanza] = fake.sink.stanza.mock.calls[0] as [unknown, Element];
    expect(session).toBe(fake.fields.session);
    expect(stanza.attrs).toMatchObject({ xmlns: NS.client, from: "alice@localhost/phone", to: "bob@localhost" });
  });

  it("ends the stream on a spoofed from", async () => {
    const fake = await bound();
    deliverStanza(fake.ctx, el("<presence from='mallory@localhost/x'/>"));
    expect(fake.streamErrors).toEqual(["invalid-from"]);
    expect(fake.sink.stanza).not.toHaveBeenCalled();
  });

  it.each([
    ["<message id='m' to='a@b@localhost'/>", "jid-malformed", /'to' is not a valid JID: domainpart contains "@"/],
    ["<iq type='bogus' id='q'><ping xmlns='urn:xmpp:ping'/></iq>", "bad-request", /iq type must be/],
    ["<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>", "bad-request", /iq without id/],
    ["<iq type='get' id='q'/>", "bad-request", /exactly one child/],
    [`<iq type='set' id='q'><bind xmlns='${NS.bind}'/></iq>`, "not-allowed", /already bound/],
  ])("answers %s with %s", async (stanza, condition, text) => {
    const fake = await bound();
    deliverStanza(fake.ctx, el(stanza));
    expect(fake.stanzaErrors).toHaveLength(1);
    expect(fake.stanzaErrors[0]?.condition).toBe(condition);
    expect(fake.stanzaErrors[0]?.text).toMatch(text);
    expect(fake.sink.stanza).not.toHaveBeenCalled();
  });

  it("drops an error to a malformed JID and an id-less result silently", async () => {
    const fake = await bound();
    deliverStanza(fake.ctx, el("<message type='error' to='@localhost'/>"));
    deliverStanza(fake.ctx, el("<iq type='result'/>"));
    expect([fake.stanzaErrors, fake.streamErrors, fake.sink.stanza.mock.calls]).toEqual([[], [], []]);
  });

  it("answers the RFC 3921 session iq itself", async () => {
    const fake = await bound();
    deliverStanza(fake.ctx, el(`<iq type='set' id='s'><session xmlns='${NS.session}'/></iq>`));
    expect(fake.sent.map((e) => [e.attrs.type, e.attrs.id])).toEqual([["result", "s"]]);
    expect(fake.sink.stanza).not.toHaveBeenCalled();
  });

  it("answers internal-server-error when the session manager throws on a request", async () => {
    const fake = await bound();
    fake.sink.stanza.mockImplementation(() => {
      throw new Error("boom");
    });
    deliverStanza(fake.ctx, el("<iq type='get' id='q' to='bob@localhost'><ping xmlns='urn:xmpp:ping'/></iq>"));
    expect(fake.stanzaErrors).toEqual([{ condition: "internal-server-error" }]);
  });
});

describe("StreamManagementHandler", () => {
  it("refuses <enable/> before bind and <r/> before <enable/>, then enables after bind", () => {
    const fake = fakeStream("bind", { streamManagement: true });
    const sm = new StreamManagementHandler(fake.ctx);
    sm.onElement(el(`<enable xmlns='${NS.sm}'/>`));
    expect(fake.sent.at(-1)?.getChild("unexpected-request")).toBeDefined();

    new Negotiation(fake.ctx).onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'/></iq>`));
    sm.onElement(el(`<r xmlns='${NS.sm}'/>`));
    expect(fake.sent.at(-1)?.is("failed", NS.sm)).toBe(true);

    sm.onElement(el(`<enable xmlns='${NS.sm}' resume='true'/>`));
    // No resumption registry in this context: enabled, but without an id to resume.
    expect(fake.sent.at(-1)?.attrs).toEqual({ xmlns: NS.sm });
    expect(fake.fields.session?.sm?.resumable).toBe(false);
    sm.onElement(el(`<r xmlns='${NS.sm}'/>`));
    expect(fake.sent.at(-1)?.attrs).toEqual({ xmlns: NS.sm, h: "0" });
  });

  it("closes the stream on an <a/> without a numeric h, and refuses elements a client never sends", () => {
    const fake = fakeStream("bind", { streamManagement: true });
    const sm = new StreamManagementHandler(fake.ctx);
    new Negotiation(fake.ctx).onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'/></iq>`));
    sm.onElement(el(`<enable xmlns='${NS.sm}'/>`));
    sm.onElement(el(`<a xmlns='${NS.sm}' h='many'/>`));
    expect(fake.streamErrors).toEqual(["invalid-xml"]);

    const other = fakeStream("bound", { streamManagement: true });
    new StreamManagementHandler(other.ctx).onElement(el(`<enabled xmlns='${NS.sm}'/>`));
    expect(other.streamErrors).toEqual(["unsupported-stanza-type"]);
  });
});

describe("StreamManagementHandler: the host's ack timers (issue 13)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A bound stream with stream management on, its host's timers from the sink. */
  function smStream(timers: unknown): { fake: Fake; sm: StreamManagementHandler; send: (body: string) => Element } {
    vi.useFakeTimers();
    const fake = fakeStream("bind", { streamManagement: true });
    fake.sink.streamTimers.mockReturnValue(timers);
    const sm = new StreamManagementHandler(fake.ctx);
    new Negotiation(fake.ctx).onBeforeBound(el(`<iq xmlns='jabber:client' type='set' id='b'><bind xmlns='${NS.bind}'><resource>phone</resource></bind></iq>`));
    sm.onElement(el(`<enable xmlns='${NS.sm}'/>`));
    fake.sent.length = 0;
    // What StreamConnection.sendElement does with a stanza once stream management is on.
    const send = (body: string): Element => {
      const message = buildChatMessage({ to: "alice@localhost/phone", body, id: body });
      fake.fields.session?.sm?.recordOutbound(message);
      sm.scheduleAckRequest();
      return message;
    };
    return { fake, sm, send };
  }

  const requests = (fake: Fake): number => fake.sent.filter((e) => e.is("r", NS.sm)).length;

  it("prosody: <r/> right after the first stanza; unanswered for 30 s, the session manager hears smacks-ack-delayed once", () => {
    const { fake, send } = smStream(PROSODY_TIMERS);
    const message = send("hi");
    expect(requests(fake)).toBe(1);
    send("again");
    // One <r/> at a time, as mod_smacks waits for the <a/> (awaiting_ack).
    expect(requests(fake)).toBe(1);
    vi.advanceTimersByTime(29_999);
    expect(fake.sink.sessionAckOverdue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fake.sink.sessionAckOverdue).toHaveBeenCalledTimes(1);
    const [session, info] = fake.sink.sessionAckOverdue.mock.calls[0] as [unknown, { unacked: { stanza: Element }[]; waitedMs: number }];
    expect(session).toBe(fake.fields.session);
    expect(info.waitedMs).toBe(30_000);
    expect(info.unacked.map((u) => u.stanza.attrs.id)).toEqual([message.attrs.id, "again"]);
    vi.advanceTimersByTime(120_000);
    expect(fake.sink.sessionAckOverdue).toHaveBeenCalledTimes(1);
    expect(fake.dropped()).toBe(0);
  });

  it("prosody: an <a/> in time stops the timer, and the next stanza is asked for at once", () => {
    const { fake, sm, send } = smStream(PROSODY_TIMERS);
    send("hi");
    vi.advanceTimersByTime(10_000);
    sm.onElement(el(`<a xmlns='${NS.sm}' h='1'/>`));
    vi.advanceTimersByTime(60_000);
    expect(fake.sink.sessionAckOverdue).not.toHaveBeenCalled();
    send("two");
    expect(requests(fake)).toBe(2);
  });

  it("ejabberd: <r/> right after the stanza; unanswered for ack_timeout (60 s), the socket is dropped so the session hibernates", () => {
    const { fake, send } = smStream(EJABBERD_TIMERS);
    send("hi");
    expect(requests(fake)).toBe(1);
    vi.advanceTimersByTime(59_999);
    expect(fake.dropped()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fake.dropped()).toBe(1);
    expect(fake.sink.sessionAckOverdue).not.toHaveBeenCalled();
  });

  it("the reference server's own hosts: <r/> 1 s after the first stanza (or after 5), and an unanswered one does nothing", () => {
    const { fake, send } = smStream(undefined);
    send("hi");
    expect(requests(fake)).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(requests(fake)).toBe(1);
    vi.advanceTimersByTime(600_000);
    expect(fake.sink.sessionAckOverdue).not.toHaveBeenCalled();
    expect(fake.dropped()).toBe(0);
  });
});
