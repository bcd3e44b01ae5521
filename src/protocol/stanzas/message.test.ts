import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import { addDelay, buildChatMessage, chatStateOf, messageSnapshot, messageType, NS_JINGLE_MESSAGE, resourceOf } from "./message";
import { parseXml } from "./parse";
import { parseFrame } from "../test-support/frames";

const own = { ownDomain: "localhost" };

describe("buildChatMessage", () => {
  it("builds a chat message with body, thread and chat state", () => {
    expect(buildChatMessage({ to: "alice@localhost", body: "hi", id: "m1", thread: "t1", chatState: "active" }).toString()).toBe(
      '<message type="chat" to="alice@localhost" id="m1"><body>hi</body><thread>t1</thread><active xmlns="http://jabber.org/protocol/chatstates"/></message>',
    );
  });

  it("builds a body-less chat state notification and other types", () => {
    const composing = buildChatMessage({ to: "alice@localhost/r1", chatState: "composing" });
    expect(messageSnapshot(composing, own)).toEqual({ type: "chat", hasBody: false, from: "", toResource: "r1", standaloneChatState: true });
    expect(chatStateOf(composing)).toBe("composing");
    expect(buildChatMessage({ to: "alice@localhost", body: "x", type: "normal" }).attrs.type).toBe("normal");
  });
});

describe("messageSnapshot", () => {
  it("tells a standalone chat state (ejabberd bounces it rather than store it) from other body-less messages", async () => {
    const snap = async (frame: string) => messageSnapshot(await parseFrame(frame), own).standaloneChatState;
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'/>")).toBe(true);
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'><thread>t</thread><paused xmlns='http://jabber.org/protocol/chatstates'/><no-store xmlns='urn:xmpp:hints'/></message>")).toBe(true);
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'><body></body><active xmlns='http://jabber.org/protocol/chatstates'/></message>")).toBeUndefined();
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'><subject>s</subject></message>")).toBeUndefined();
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'><event xmlns='http://jabber.org/protocol/pubsub#event'/></message>")).toBeUndefined();
    expect(await snap("<message xmlns='jabber:client' to='alice@localhost'><body>hi</body></message>")).toBeUndefined();
  });

  it("reads a chat message as xmpp.js delivers it", async () => {
    const el = await parseFrame("<message xmlns='jabber:client' type='chat' from='bob@localhost/laptop' to='alice@localhost' id='m1'><body>Wherefore art thou, Romeo?</body></message>");
    expect(messageSnapshot(el, own)).toEqual({
      type: "chat",
      hasBody: true,
      body: "Wherefore art thou, Romeo?",
      from: "bob@localhost/laptop",
      toResource: null,
    });
  });

  it("treats a missing or unknown type as normal (RFC 6121 §5.2.2)", () => {
    expect(messageType(parseXml("<message/>"))).toBe("normal");
    expect(messageType(parseXml("<message type='urgent'/>"))).toBe("normal");
    expect(messageType(parseXml("<message type='CHAT'/>"))).toBe("normal");
    for (const type of ["chat", "groupchat", "headline", "error", "normal"]) expect(messageType(parseXml(`<message type='${type}'/>`))).toBe(type);
  });

  it("needs a non-empty body in the client namespace", () => {
    expect(messageSnapshot(parseXml("<message><body/></message>"), own).hasBody).toBe(false);
    expect(messageSnapshot(parseXml("<message><body>  \n </body></message>"), own).hasBody).toBe(false);
    expect(messageSnapshot(parseXml("<message><body xmlns='urn:other'>x</body></message>"), own).hasBody).toBe(false);
    expect(messageSnapshot(parseXml("<message><x:body xmlns:x='urn:x'>x</x:body></message>"), own).hasBody).toBe(false);
    expect(messageSnapshot(parseXml("<message><body xml:lang='en'/><body xml:lang='de'>hallo</body></message>"), own)).toMatchObject({ hasBody: true, body: "hallo" });
  });

  it("keeps script tags in bodies as text", () => {
    const snapshot = messageSnapshot(parseXml("<message><body>&lt;script&gt;alert(1)&lt;/script&gt;</body></message>"), own);
    expect(snapshot.body).toBe("<script>alert(1)</script>");
  });

  it("reads the resource of `to`, including resources with slashes", () => {
    expect(resourceOf("alice@localhost/r1")).toBe("r1");
    expect(resourceOf("alice@localhost/a/b")).toBe("a/b");
    expect(resourceOf("alice@localhost")).toBeNull();
    expect(resourceOf("alice@localhost/")).toBeNull();
    expect(resourceOf(undefined)).toBeNull();
    expect(messageSnapshot(parseXml("<message to='localhost/res'/>"), own).toResource).toBe("res");
  });

  it("flags a delay stamped by the own domain only", () => {
    const stamped = (from: string) => parseXml(`<message><body>x</body><delay xmlns='urn:xmpp:delay' from='${from}' stamp='2002-09-10T23:08:25Z'/></message>`);
    expect(messageSnapshot(stamped("localhost"), own).delayedByOwnDomain).toBe(true);
    expect(messageSnapshot(stamped("other.example"), own).delayedByOwnDomain).toBeUndefined();
    expect(messageSnapshot(parseXml("<message><delay xmlns='jabber:x:delay' from='localhost'/></message>"), own).delayedByOwnDomain).toBeUndefined();
  });

  it("flags XEP-0353 call proposals", () => {
    const propose = parseXml(`<message type='chat' to='alice@localhost'><propose xmlns='${NS_JINGLE_MESSAGE}' id='c1'><description xmlns='urn:xmpp:jingle:apps:rtp:1' media='audio'/></propose></message>`);
    expect(messageSnapshot(propose, own)).toEqual({ type: "chat", hasBody: false, from: "", toResource: null, callPropose: true });
    expect(messageSnapshot(parseXml("<message><propose xmlns='urn:other'/></message>"), own).callPropose).toBeUndefined();
  });

  it("does not throw on garbage", () => {
    expect(() => messageSnapshot(parseXml("<message from='x'><body><b>nested</b></body></message>"), own)).not.toThrow();
    expect(messageSnapshot(parseXml("<message from='x'><body><b>nested</b></body></message>"), own).hasBody).toBe(false);
  });
});

describe("addDelay", () => {
  it("appends a XEP-0203 delay to a copy and leaves the original alone", () => {
    const original = buildChatMessage({ to: "alice@localhost", body: "hi" });
    const before = original.toString();
    const delayed = addDelay(original, { from: "localhost", stamp: new Date(Date.UTC(2026, 10, 24, 8, 30, 5, 123)) });
    expect(original.toString()).toBe(before);
    expect(delayed.toString()).toBe(
      '<message type="chat" to="alice@localhost"><body>hi</body><delay xmlns="urn:xmpp:delay" from="localhost" stamp="2026-11-24T08:30:05.123Z"/></message>',
    );
    expect(messageSnapshot(delayed, own).delayedByOwnDomain).toBe(true);
    expect(delayed.getChild("delay", NS.delay)?.parent).toBe(delayed);
  });
});
