/**
 * The fixed XEP-0198 plug-in against a scripted entity: the real @xmpp/middleware,
 * @xmpp/stream-features and @xmpp/iq/caller set up in @xmpp/client's order (iqCaller before
 * stream management), and elements delivered the way @xmpp/connection delivers one network read
 * (synchronously, `element` then `stanza`/`nonza`, for each element in turn). Where it matters the
 * stock @xmpp/stream-management runs through the same script, to show the miscount being fixed.
 */
import { EventEmitter } from "node:events";
import _iqCaller from "@xmpp/iq/caller.js";
import _middleware from "@xmpp/middleware";
import _stockStreamManagement from "@xmpp/stream-management";
import _streamFeatures from "@xmpp/stream-features";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { parse } from "ltx";
import { describe, expect, it, vi } from "vitest";
import { NS } from "../protocol/ns";
import { setupStreamManagement } from "./stream-management";
import type { SmEntity, SmFailure, SmInlineFeatures, SmResumed, SmStreamFeatures, StreamManagement } from "./stream-management";

const SM = NS.sm;
const el = (source: string): Element => parse(source) as Element;
const flush = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/** Just enough of a @xmpp/client-core Client for the plug-ins, driven by the test. */
class ScriptedEntity extends EventEmitter {
  jid: { toString(): string } | null = { toString: () => "alice@localhost/phone" };
  options = { domain: "localhost" };
  status = "online";
  readonly sent: Element[] = [];
  private readonly closeHooks: (() => Promise<void>)[] = [];

  async send(element: Element): Promise<void> {
    this.sent.push(element);
    // @xmpp/connection emits `send` once the write resolved.
    await Promise.resolve();
    this.emit("send", element);
  }

  async sendMany(elements: Element[]): Promise<void> {
    for (const element of elements) {
      this.sent.push(element);
      this.emit("send", element);
    }
  }

  hook(_event: "close", handler: () => Promise<void>): void {
    this.closeHooks.push(handler);
  }

  _ready(resumed: boolean): void {
    this.status = "online";
    if (!resumed) this.emit("online", this.jid);
  }

  async disconnect(): Promise<void> {
    this.status = "disconnect";
    this.emit("disconnect", { clean: false });
  }

  /** One network read: every element handled synchronously, in order, as @xmpp/connection does. */
  read(...sources: string[]): void {
    for (const source of sources) {
      const element = el(source);
      this.emit("element", element);
      const stanza = ["message", "presence", "iq"].includes(element.name);
      this.emit(stanza ? "stanza" : "nonza", element);
    }
  }

  /** The graceful close: hooks (the final `<a/>`), then `</close>` and the socket. */
  async stop(): Promise<void> {
    for (const hook of this.closeHooks) await hook();
    this.status = "offline";
    this.emit("disconnect", { clean: true });
    this.emit("offline");
  }

  sentSm(name: string): Element[] {
    return this.sent.filter((e) => e.is(name, SM));
  }

  acksSent(): number[] {
    return this.sentSm("a").map((a) => Number(a.attrs.h));
  }

  lastSent(): Element | undefined {
    return this.sent.at(-1);
  }
}

interface Rig {
  entity: ScriptedEntity;
  sm: StreamManagement;
  iqCaller: ReturnType<typeof _iqCaller>;
  binds: number;
}

const FEATURES_SM = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>";

/** middleware → stream features → iqCaller → (SM) → a stand-in resource binding, like client(). */
function rig(which: "fixed" | "stock" = "fixed"): Rig {
  const entity = new ScriptedEntity();
  const middleware = _middleware({ entity: entity as never });
  const streamFeatures = _streamFeatures({ middleware });
  const iqCaller = _iqCaller({ middleware, entity: entity as never });
  const sm =
    which === "fixed"
      ? setupStreamManagement({ entity: entity as unknown as SmEntity, streamFeatures: streamFeatures as unknown as SmStreamFeatures })
      : (_stockStreamManagement({ streamFeatures, entity: entity as never, middleware }) as unknown as StreamManagement);
  const r: Rig = { entity, sm, iqCaller, binds: 0 };
  streamFeatures.use("bind", "urn:ietf:params:xml:ns:xmpp-bind", async ({ entity: e }) => {
    r.binds += 1;
    (e as unknown as ScriptedEntity)._ready(false);
  });
  return r;
}

/** Features, binding, `<enable/>`, then `<enabled/>` in a read of its own. */
async function enabledRig(which: "fixed" | "stock" = "fixed", id = "sm-1"): Promise<Rig> {
  const r = rig(which);
  r.entity.read(FEATURES_SM);
  await flush();
  expect(r.entity.sentSm("enable")).toHaveLength(1);
  r.entity.read(`<enabled xmlns='urn:xmpp:sm:3' id='${id}' resume='true' max='300'/>`);
  await flush();
  return r;
}

describe("inbound count (our h)", () => {
  it("counts the reply to our own iq request, which iqCaller consumes (cause 1)", async () => {
    for (const which of ["fixed", "stock"] as const) {
      const { entity, sm, iqCaller } = await enabledRig(which);
      const reply = iqCaller.request(xml("iq", { type: "get", id: "q1", to: "localhost" }, xml("ping", { xmlns: NS.ping })), 1000);
      await flush();
      entity.read("<iq type='result' id='q1' from='localhost'/>", "<message from='bob@localhost/x' type='chat'><body>hi</body></message>", "<r xmlns='urn:xmpp:sm:3'/>");
      await expect(reply).resolves.toBeDefined();
      await flush();
      if (which === "fixed") {
        expect(sm.inbound).toBe(2);
        expect(entity.acksSent()).toEqual([2]);
      } else {
        // The stock module never sees the iq result: the server is told one stanza was lost.
        expect(sm.inbound).toBe(1);
        expect(entity.acksSent()).toEqual([1]);
      }
    }
  });

  it("counts iq requests from others and replies it did not ask for", async () => {
    const { entity, sm } = await enabledRig();
    entity.read("<iq type='get' id='p1' from='localhost'><ping xmlns='urn:xmpp:ping'/></iq>", "<iq type='result' id='not-ours'/>", "<presence from='bob@localhost/x'/>");
    expect(sm.inbound).toBe(3);
  });

  it("answers <enabled/>, a stanza and <r/> from one read with h=1 and never goes back (cause 2)", async () => {
    for (const which of ["fixed", "stock"] as const) {
      const r = rig(which);
      r.entity.read(FEATURES_SM);
      await flush();
      // Prosody writes these together when the app sent presence right after start().
      r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/>", "<presence from='alice@localhost/phone'/>", "<r xmlns='urn:xmpp:sm:3'/>");
      await flush();
      r.entity.read("<r xmlns='urn:xmpp:sm:3'/>");
      await flush();
      if (which === "fixed") {
        expect(r.entity.acksSent()).toEqual([1, 1]);
        expect(r.sm.inbound).toBe(1);
      } else {
        // What Prosody answers with "Client acknowledged less stanzas than already acknowledged".
        expect(r.entity.acksSent()).toEqual([1, 0]);
      }
    }
  });

  it("does not count what arrives before <enabled/>, and counts everything after it", async () => {
    const r = rig();
    r.entity.read(FEATURES_SM);
    await flush();
    r.entity.read("<message from='bob@localhost/x'><body>early</body></message>");
    expect(r.sm.inbound).toBe(0);
    r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='sm-3'/>", "<message from='bob@localhost/x'><body>late</body></message>");
    expect(r.sm.inbound).toBe(1);
  });

  it("wraps h at 2^32", async () => {
    const { entity, sm } = await enabledRig();
    sm.inbound = 2 ** 32 - 1;
    entity.read("<presence from='bob@localhost/x'/>", "<r xmlns='urn:xmpp:sm:3'/>");
    expect(sm.inbound).toBe(0);
    expect(entity.acksSent()).toEqual([0]);
  });

  it("sends <a h/> right before a graceful close", async () => {
    const { entity } = await enabledRig();
    entity.read("<message from='bob@localhost/x'><body>1</body></message>", "<message from='bob@localhost/x'><body>2</body></message>");
    await entity.stop();
    expect(entity.acksSent()).toEqual([2]);
  });

  it("leaves <r/> unanswered while withholding acks, keeps counting, and still acks on a graceful close", async () => {
    const { entity, sm } = await enabledRig();
    entity.read("<message from='bob@localhost/x'><body>1</body></message>", "<r xmlns='urn:xmpp:sm:3'/>");
    await flush();
    expect(entity.acksSent()).toEqual([1]);
    sm.withholdAcks = true;
    entity.read("<message from='bob@localhost/x'><body>2</body></message>", "<r xmlns='urn:xmpp:sm:3'/>", "<r xmlns='urn:xmpp:sm:3'/>");
    await flush();
    expect(entity.acksSent()).toEqual([1]);
    expect(sm.inbound).toBe(2);
    await entity.stop();
    expect(entity.acksSent()).toEqual([1, 2]);
  });
});

describe("negotiation", () => {
  it("enables after resource binding and records what <enabled/> granted", async () => {
    const r = rig();
    r.entity.read(FEATURES_SM);
    await flush();
    expect(r.binds).toBe(1);
    const enable = r.entity.sentSm("enable")[0];
    expect(enable?.attrs.resume).toBe("true");
    expect(r.sm.enabled).toBe(false);
    const enabledEvents: unknown[] = [];
    r.sm.on("enabled", (s) => enabledEvents.push(s));
    r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='abc' resume='1' max='120' location='[::1]:5222'/>");
    expect(r.sm.snapshot()).toEqual({ enabled: true, id: "abc", resumable: true, inbound: 0, outbound: 0, unacked: 0, max: 120, location: "[::1]:5222" });
    expect(enabledEvents).toHaveLength(1);
  });

  it("does not offer resumption when the server did not grant it", async () => {
    const r = rig();
    r.entity.read(FEATURES_SM);
    await flush();
    r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='abc'/>");
    expect(r.sm.resumable).toBe(false);
    await r.entity.disconnect();
    r.entity.read(FEATURES_SM);
    await flush();
    expect(r.entity.sentSm("resume")).toHaveLength(0);
    expect(r.entity.sentSm("enable")).toHaveLength(2);
  });

  it("reports <failed/> to <enable/> and carries on without stream management", async () => {
    const r = rig();
    const failures: SmFailure[] = [];
    r.sm.on("failed", (f) => failures.push(f));
    r.entity.read(FEATURES_SM);
    await flush();
    r.entity.read("<failed xmlns='urn:xmpp:sm:3'><unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>", "<r xmlns='urn:xmpp:sm:3'/>");
    await flush();
    expect(failures.map((f) => [f.phase, f.error.condition])).toEqual([["enable", "unexpected-request"]]);
    expect(r.sm.enabled).toBe(false);
    expect(r.entity.acksSent()).toEqual([]);
  });

  it("ignores the feature entirely when negotiate is false", async () => {
    const r = rig();
    r.sm.negotiate = false;
    r.entity.read(FEATURES_SM);
    await flush();
    expect(r.binds).toBe(1);
    expect(r.entity.sentSm("enable")).toHaveLength(0);
  });
});

describe("outbound count (the server's h)", () => {
  it("queues stanzas sent after <enable/> and releases them on <a/>", async () => {
    const r = rig();
    await r.entity.send(xml("presence"));
    r.entity.read(FEATURES_SM);
    await flush();
    await r.entity.send(xml("message", { to: "bob@localhost", id: "m1" }));
    r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='abc' resume='true'/>");
    await r.entity.send(xml("message", { to: "bob@localhost", id: "m2" }));
    await r.entity.send(xml("message", { to: "bob@localhost", id: "m3" }));
    expect(r.sm.unacked).toBe(3);
    const acked: string[] = [];
    r.sm.on("ack", (stanza) => acked.push(String(stanza.attrs.id)));
    r.entity.read("<a xmlns='urn:xmpp:sm:3' h='2'/>");
    expect(acked).toEqual(["m1", "m2"]);
    expect(r.sm.outbound).toBe(2);
    expect(r.sm.unacked).toBe(1);
  });

  it("asks for an ack shortly after a burst of stanzas", async () => {
    const { entity, sm } = await enabledRig();
    sm.requestAckDebounce = 5;
    await entity.send(xml("message", { to: "bob@localhost" }));
    await entity.send(xml("message", { to: "bob@localhost" }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(entity.sentSm("r")).toHaveLength(1);
    await entity.disconnect();
  });

  it("asks for an ack the interval after the last inbound stanza, however many arrive", async () => {
    const { entity, sm } = await enabledRig();
    vi.useFakeTimers();
    try {
      sm.requestAckInterval = 60;
      entity.read("<presence from='alice@localhost/r2'/>");
      // Stanzas keep arriving for longer than the interval: each one moves the <r/> on.
      for (let i = 0; i < 5; i++) {
        vi.advanceTimersByTime(20);
        entity.read(`<presence from='alice@localhost/r${i + 3}'/>`);
      }
      vi.advanceTimersByTime(59);
      expect(entity.sentSm("r")).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(entity.sentSm("r")).toHaveLength(1);
      expect(sm.inbound).toBe(6);
    } finally {
      vi.useRealTimers();
    }
    await entity.disconnect();
  });

  it("reports an <a/> that acknowledges more than was sent, or goes backwards", async () => {
    const { entity, sm } = await enabledRig();
    await entity.send(xml("message", { to: "bob@localhost" }));
    await entity.send(xml("message", { to: "bob@localhost" }));
    const bad: unknown[] = [];
    sm.on("bad-ack", (info) => bad.push(info));
    entity.read("<a xmlns='urn:xmpp:sm:3' h='5'/>");
    expect(bad).toEqual([{ h: "5", outbound: 0, unacked: 2 }]);
    expect(sm.unacked).toBe(0);
    expect(sm.outbound).toBe(5);
    entity.read("<a xmlns='urn:xmpp:sm:3' h='3'/>", "<a xmlns='urn:xmpp:sm:3' h='x'/>");
    expect(bad).toHaveLength(3);
    expect(sm.outbound).toBe(5);
  });
});

describe("resumption", () => {
  /** Enabled, 5 stanzas received, 3 of ours unacknowledged, then the socket dies. */
  async function droppedRig(): Promise<Rig> {
    const r = await enabledRig("fixed", "prev-1");
    for (let i = 1; i <= 5; i++) r.entity.read(`<message from='bob@localhost/x'><body>${i}</body></message>`);
    for (const id of ["o1", "o2", "o3"]) await r.entity.send(xml("message", { to: "bob@localhost", id }, xml("body", {}, id)));
    await r.entity.disconnect();
    expect(r.sm.snapshot()).toMatchObject({ enabled: false, id: "prev-1", resumable: true, inbound: 5, unacked: 3 });
    return r;
  }

  it("sends <resume h previd/>, counts re-sent stanzas on top of h and re-sends what the server missed", async () => {
    const r = await droppedRig();
    const onlineEvents: unknown[] = [];
    r.entity.on("online", (j) => onlineEvents.push(j));
    const resumed: SmResumed[] = [];
    const acked: string[] = [];
    r.sm.on("resumed", (info) => resumed.push(info));
    r.sm.on("ack", (stanza) => acked.push(String(stanza.attrs.id)));
    r.entity.status = "open";
    r.entity.read(FEATURES_SM);
    await flush();
    const resume = r.entity.sentSm("resume")[0];
    expect(resume?.attrs).toMatchObject({ h: "5", previd: "prev-1" });
    expect(r.binds).toBe(1);
    // The server had handled o1, and re-sends two stanzas it never saw acknowledged.
    r.entity.read("<resumed xmlns='urn:xmpp:sm:3' h='1' previd='prev-1'/>", "<message from='bob@localhost/x'><body>6</body></message>", "<message from='bob@localhost/x'><body>7</body></message>", "<r xmlns='urn:xmpp:sm:3'/>");
    await flush();
    expect(acked).toEqual(["o1"]);
    expect(r.entity.acksSent()).toEqual([7]);
    expect(resumed).toEqual([{ previd: "prev-1", h: 1, resent: 2 }]);
    const resent = r.entity.sent.filter((e) => e.is("message")).slice(-2);
    expect(resent.map((m) => m.attrs.id)).toEqual(["o2", "o3"]);
    expect(resent.every((m) => m.getChild("delay", NS.delay)?.attrs.from === "alice@localhost/phone")).toBe(true);
    expect(r.sm.snapshot()).toMatchObject({ enabled: true, inbound: 7, outbound: 1, unacked: 2 });
    expect(r.entity.status).toBe("online");
    expect(onlineEvents).toEqual([]);
    r.entity.read("<a xmlns='urn:xmpp:sm:3' h='3'/>");
    expect(acked).toEqual(["o1", "o2", "o3"]);
  });

  it("on <failed h/> acknowledges what the server handled, fails the rest and binds a new session", async () => {
    const r = await droppedRig();
    const acked: string[] = [];
    const failedStanzas: string[] = [];
    const failures: SmFailure[] = [];
    r.sm.on("ack", (stanza) => acked.push(String(stanza.attrs.id)));
    r.sm.on("fail", (stanza) => failedStanzas.push(String(stanza.attrs.id)));
    r.sm.on("failed", (f) => failures.push(f));
    r.entity.read(FEATURES_SM);
    await flush();
    r.entity.read("<failed xmlns='urn:xmpp:sm:3' h='2'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
    await flush();
    expect(acked).toEqual(["o1", "o2"]);
    expect(failedStanzas).toEqual(["o3"]);
    expect(failures.map((f) => [f.phase, f.error.condition])).toEqual([["resume", "item-not-found"]]);
    expect(r.sm.id).toBe("");
    expect(r.binds).toBe(2);
    expect(r.entity.sentSm("enable")).toHaveLength(2);
    r.entity.read("<enabled xmlns='urn:xmpp:sm:3' id='new-1' resume='true'/>", "<presence from='alice@localhost/phone'/>");
    expect(r.sm.snapshot()).toMatchObject({ enabled: true, id: "new-1", inbound: 1, outbound: 0, unacked: 0 });
  });

  it("keeps the session resumable when the socket dies during <resume/>", async () => {
    const r = await droppedRig();
    r.entity.read(FEATURES_SM);
    await flush();
    await r.entity.disconnect();
    await flush();
    expect(r.sm.snapshot()).toMatchObject({ id: "prev-1", resumable: true, inbound: 5, unacked: 3 });
    expect(r.binds).toBe(1);
  });

  it("forgets the session and fails the queue on stop()", async () => {
    const r = await enabledRig();
    await r.entity.send(xml("message", { to: "bob@localhost", id: "o1" }));
    const failedStanzas: string[] = [];
    r.sm.on("fail", (stanza) => failedStanzas.push(String(stanza.attrs.id)));
    await r.entity.stop();
    expect(failedStanzas).toEqual(["o1"]);
    expect(r.sm.snapshot()).toMatchObject({ enabled: false, id: "", resumable: false, inbound: 0, outbound: 0, unacked: 0 });
  });
});

describe("SASL2 inline (XEP-0388 with bind2)", () => {
  function inlineRig(): { entity: ScriptedEntity; sm: StreamManagement; sasl2: Map<string, Parameters<SmInlineFeatures["use"]>>; bind2: Map<string, Parameters<SmInlineFeatures["use"]>> } {
    const entity = new ScriptedEntity();
    const sasl2 = new Map<string, Parameters<SmInlineFeatures["use"]>>();
    const bind2 = new Map<string, Parameters<SmInlineFeatures["use"]>>();
    const sm = setupStreamManagement({
      entity: entity as unknown as SmEntity,
      sasl2: { use: (...args) => void sasl2.set(args[0], args) },
      bind2: { use: (...args) => void bind2.set(args[0], args) },
    });
    return { entity, sm, sasl2, bind2 };
  }

  it("applies an inline <enabled/> before the stanzas that follow <success/> in the same read", () => {
    const { entity, sm, bind2 } = inlineRig();
    const enable = bind2.get(SM)?.[1](el("<feature var='urn:xmpp:sm:3'/>"));
    expect(enable?.is("enable", SM)).toBe(true);
    entity.read(
      "<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>alice@localhost/phone</authorization-identifier><bound xmlns='urn:xmpp:bind:0'><enabled xmlns='urn:xmpp:sm:3' id='i-1' resume='true'/></bound></success>",
      "<presence from='alice@localhost/phone'/>",
      "<r xmlns='urn:xmpp:sm:3'/>",
    );
    expect(entity.acksSent()).toEqual([1]);
    expect(sm.snapshot()).toMatchObject({ enabled: true, id: "i-1", resumable: true, inbound: 1 });
  });

  it("resumes inline and keeps the queue an inline <enable/> request would otherwise fail", async () => {
    const { entity, sm, sasl2, bind2 } = inlineRig();
    bind2.get(SM)?.[1](el("<feature var='urn:xmpp:sm:3'/>"));
    entity.read("<success xmlns='urn:xmpp:sasl:2'><bound xmlns='urn:xmpp:bind:0'><enabled xmlns='urn:xmpp:sm:3' id='i-2' resume='true'/></bound></success>");
    await entity.send(xml("message", { to: "bob@localhost", id: "o1" }));
    await entity.disconnect();
    // Next authentication: both the inline <resume/> and bind2's <enable/> are requested.
    const resume = sasl2.get(SM)?.[1](el("<sm xmlns='urn:xmpp:sm:3'/>"));
    expect(resume?.attrs).toMatchObject({ previd: "i-2", h: "0" });
    bind2.get(SM)?.[1](el("<feature var='urn:xmpp:sm:3'/>"));
    const resumed: SmResumed[] = [];
    sm.on("resumed", (info) => resumed.push(info));
    entity.read("<success xmlns='urn:xmpp:sasl:2'><resumed xmlns='urn:xmpp:sm:3' h='0' previd='i-2'/></success>");
    await sasl2.get(SM)?.[2](el("<resumed xmlns='urn:xmpp:sm:3' h='0' previd='i-2'/>"));
    expect(resumed).toEqual([{ previd: "i-2", h: 0, resent: 1 }]);
    expect(sm.snapshot()).toMatchObject({ enabled: true, id: "i-2", unacked: 1 });
  });
});
