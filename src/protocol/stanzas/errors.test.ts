import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import {
  buildErrorReply,
  buildStreamError,
  DEFAULT_ERROR_TYPE,
  isStanzaErrorCondition,
  isStreamErrorCondition,
  parseStanzaError,
  parseStreamError,
  STANZA_ERROR_CONDITIONS,
  STREAM_ERROR_CONDITIONS,
  stanzaError,
} from "./errors";
import { parseXml } from "./parse";
import { parseFrame } from "../test-support/frames";

describe("condition lists", () => {
  it("hold the RFC 6120 conditions", () => {
    expect(STANZA_ERROR_CONDITIONS).toHaveLength(22);
    expect(STREAM_ERROR_CONDITIONS).toHaveLength(25);
    expect(new Set(STANZA_ERROR_CONDITIONS).size).toBe(22);
    expect(Object.keys(DEFAULT_ERROR_TYPE).sort()).toEqual([...STANZA_ERROR_CONDITIONS].sort());
    expect(isStanzaErrorCondition("item-not-found")).toBe(true);
    expect(isStanzaErrorCondition("payment-required")).toBe(false);
    expect(isStreamErrorCondition("see-other-host")).toBe(true);
    expect(isStreamErrorCondition("item-not-found")).toBe(false);
  });

  it("default to the RFC's type (wait keeps push registrations)", () => {
    expect(stanzaError("resource-constraint")).toEqual({ type: "wait", condition: "resource-constraint" });
    expect(stanzaError("bad-request", "no jid")).toEqual({ type: "modify", condition: "bad-request", text: "no jid" });
    expect(stanzaError("forbidden").type).toBe("auth");
  });
});

describe("buildErrorReply", () => {
  it("answers an iq: same id, swapped addresses, no payload", () => {
    const request = parseXml("<iq type='set' id='x42' from='alice@localhost/r1' to='alice@localhost'><enable xmlns='urn:xmpp:push:0'/></iq>");
    const reply = buildErrorReply(request, { type: "modify", condition: "bad-request", text: "Attribute 'jid' is missing" });
    expect(reply.toString()).toBe(
      `<iq id="x42" from="alice@localhost" to="alice@localhost/r1" type="error"><error type="modify"><bad-request xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/><text xmlns="urn:ietf:params:xml:ns:xmpp-stanzas">Attribute 'jid' is missing</text></error></iq>`,
    );
    expect(parseStanzaError(reply)).toEqual({ type: "modify", condition: "bad-request", text: "Attribute 'jid' is missing" });
  });

  it("answers a message and a presence without echoing the original", () => {
    const message = parseXml("<message from='bob@localhost/b' to='nobody@localhost' id='m1' type='chat'><body>hi</body></message>");
    const reply = buildErrorReply(message, stanzaError("service-unavailable"));
    expect(reply.name).toBe("message");
    expect(reply.attrs).toEqual({ id: "m1", from: "nobody@localhost", to: "bob@localhost/b", type: "error" });
    expect(reply.getChild("body")).toBeUndefined();
    expect(buildErrorReply(parseXml("<presence from='a@b/c'/>"), stanzaError("not-acceptable")).attrs).toEqual({ to: "a@b/c", type: "error" });
  });

  it("parses back as xmpp.js's StanzaError would see it", async () => {
    const reply = buildErrorReply(parseXml("<iq type='set' id='p1' from='localhost' to='sink@localhost/s'/>"), { type: "wait", condition: "resource-constraint" });
    const received = await parseFrame(reply.toString().replace("<iq ", "<iq xmlns='jabber:client' "));
    expect(parseStanzaError(received)).toEqual({ type: "wait", condition: "resource-constraint" });
  });
});

describe("parseStanzaError", () => {
  it("reads ejabberd's feature-not-implemented with text", () => {
    const iq = parseXml(`<iq type='error' id='1'><error type='cancel'><feature-not-implemented xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xml:lang='en' xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Enabling push without 'node' attribute is not supported</text></error></iq>`);
    expect(parseStanzaError(iq)).toEqual({ type: "cancel", condition: "feature-not-implemented", text: "Enabling push without 'node' attribute is not supported" });
  });

  it("tolerates text before the condition, application conditions and junk", () => {
    const iq = parseXml(
      "<iq type='error' id='1'><error type='modify'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>t</text><app xmlns='urn:app'/><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    expect(parseStanzaError(iq)).toEqual({ type: "modify", condition: "not-acceptable", text: "t" });
  });

  it("reads a missing or bogus type as cancel and a missing condition as undefined-condition", () => {
    expect(parseStanzaError(parseXml("<iq type='error' id='1'><error/></iq>"))).toEqual({ type: "cancel", condition: "undefined-condition" });
    expect(parseStanzaError(parseXml("<iq type='error' id='1'><error type='later'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"))).toEqual({ type: "cancel", condition: "gone" });
  });

  it("returns null without an error child", () => {
    expect(parseStanzaError(parseXml("<iq type='result' id='1'/>"))).toBeNull();
    expect(parseStanzaError(parseXml("<iq type='error' id='1'><error xmlns='urn:other'/></iq>"))).toBeNull();
  });
});

describe("buildStreamError", () => {
  it("declares the stream prefix on the element (RFC 7395 frames are standalone)", () => {
    expect(buildStreamError("policy-violation", "too fast").toString()).toBe(
      '<stream:error xmlns:stream="http://etherx.jabber.org/streams"><policy-violation xmlns="urn:ietf:params:xml:ns:xmpp-streams"/><text xmlns="urn:ietf:params:xml:ns:xmpp-streams">too fast</text></stream:error>',
    );
  });

  it("is recognised the way xmpp.js's Connection recognises stream errors", async () => {
    const received = await parseFrame(buildStreamError("conflict", "Replaced by new connection").toString());
    // @xmpp/connection `_onElement`: element.is("error", NS_JABBER_STREAM), then StreamError.fromElement.
    expect(received.is("error", NS.streams)).toBe(true);
    const [condition, text] = received.getChildElements();
    expect(condition?.name).toBe("conflict");
    expect(text?.is("text")).toBe(true);
    expect(parseStreamError(received)).toEqual({ condition: "conflict", text: "Replaced by new connection" });
  });

  it("parses both spellings and rejects other elements", () => {
    expect(parseStreamError(parseXml("<error xmlns='http://etherx.jabber.org/streams'><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></error>"))).toEqual({ condition: "host-unknown" });
    expect(parseStreamError(parseXml("<error type='cancel'/>"))).toBeNull();
    expect(parseStreamError(parseXml("<stream:error xmlns:stream='http://etherx.jabber.org/streams'/>"))).toEqual({ condition: "undefined-condition" });
  });
});
