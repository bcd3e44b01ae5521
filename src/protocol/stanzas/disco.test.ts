import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import { buildDiscoInfoQuery, buildDiscoInfoResult, classifyFeature, parseDiscoInfo, PUSH_FEATURES } from "./disco";
import { parseXml } from "./parse";
import { parseFrame } from "../test-support/frames";

// Design A.1: the client asks its own bare JID.
const REQUEST = `<iq type='get' id='d1' from='alice@example.com/phone' to='alice@example.com'>
  <query xmlns='http://jabber.org/protocol/disco#info'/>
</iq>`;

describe("buildDiscoInfoQuery", () => {
  it("builds a get to the target", () => {
    expect(buildDiscoInfoQuery({ to: "alice@localhost", id: "d1" }).toString()).toBe(
      '<iq type="get" id="d1" to="alice@localhost"><query xmlns="http://jabber.org/protocol/disco#info"/></iq>',
    );
    expect(buildDiscoInfoQuery({ to: "localhost", node: "urn:x" }).getChild("query")?.attrs.node).toBe("urn:x");
  });
});

describe("buildDiscoInfoResult", () => {
  it("answers the request of docs/push-semantics.md A.1: swapped addresses, same id, identities then features", () => {
    const result = buildDiscoInfoResult(parseXml(REQUEST), {
      identities: [{ category: "account", type: "registered" }],
      features: [NS.discoInfo, NS.push, NS.pushAway],
    });
    expect(result.toString()).toBe(
      '<iq type="result" id="d1" from="alice@example.com" to="alice@example.com/phone"><query xmlns="http://jabber.org/protocol/disco#info"><identity category="account" type="registered"/><feature var="http://jabber.org/protocol/disco#info"/><feature var="urn:xmpp:push:0"/><feature var="tigase:push:away:0"/></query></iq>',
    );
    expect(parseDiscoInfo(result)).toEqual({
      identities: [{ category: "account", type: "registered" }],
      features: [NS.discoInfo, NS.push, NS.pushAway],
    });
  });

  it("echoes the node and identity names", () => {
    const request = parseXml("<iq type='get' id='q' from='a@b/c' to='b'><query xmlns='http://jabber.org/protocol/disco#info' node='n#1'/></iq>");
    const result = buildDiscoInfoResult(request, { identities: [{ category: "server", type: "im", name: "Reference <server>" }], features: [] });
    expect(result.getChild("query")?.attrs.node).toBe("n#1");
    expect(parseDiscoInfo(parseXml(result.toString()))).toEqual({ identities: [{ category: "server", type: "im", name: "Reference <server>" }], features: [] });
  });
});

describe("parseDiscoInfo", () => {
  it("reads a result as xmpp.js delivers it", async () => {
    const frame = `<iq xmlns='jabber:client' type='result' id='d1' from='alice@example.com' to='alice@example.com/phone'><query xmlns='http://jabber.org/protocol/disco#info'><identity category='account' type='registered'/><feature var='urn:xmpp:push:0'/><feature var='tigase:push:away:0'/><feature var='tigase:push:priority:0'/></query></iq>`;
    expect(parseDiscoInfo(await parseFrame(frame))).toEqual({
      identities: [{ category: "account", type: "registered" }],
      features: [NS.push, NS.pushAway, "tigase:push:priority:0"],
    });
  });

  it("skips incomplete identities, features without var, duplicates and foreign namespaces", () => {
    const iq = parseXml(`<iq type='result' id='1'><query xmlns='http://jabber.org/protocol/disco#info'>
      <identity category='account'/><identity type='x'/><identity category='c' type='t'/>
      <feature/><feature var=''/><feature var='a'/><feature var='a'/>
      <feature xmlns='urn:evil' var='evil'/>
    </query></iq>`);
    expect(parseDiscoInfo(iq)).toEqual({ identities: [{ category: "c", type: "t" }], features: ["a"] });
  });

  it("reports errors and malformed results", () => {
    expect(
      parseDiscoInfo(parseXml("<iq type='error' id='1'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")),
    ).toEqual({ error: "disco#info failed: cancel/service-unavailable" });
    expect(parseDiscoInfo(parseXml("<iq type='error' id='1'/>"))).toEqual({ error: "disco#info failed: error without condition" });
    expect(parseDiscoInfo(parseXml("<iq type='result' id='1'/>"))).toEqual({ error: "no <query xmlns='http://jabber.org/protocol/disco#info'> in the result" });
    expect(parseDiscoInfo(parseXml("<iq type='get' id='1'/>"))).toEqual({ error: "iq type is 'get', expected 'result'" });
    expect(parseDiscoInfo(parseXml("<message/>"))).toEqual({ error: "not an <iq>" });
    expect(parseDiscoInfo(null as never)).toEqual({ error: "not an <iq>" });
  });
});

describe("classifyFeature", () => {
  it("tells push, Tigase away, other Tigase push extensions and the rest apart", () => {
    expect(PUSH_FEATURES).toEqual(["urn:xmpp:push:0", "tigase:push:away:0"]);
    expect(classifyFeature("urn:xmpp:push:0")).toBe("push");
    expect(classifyFeature("tigase:push:away:0")).toBe("push-away");
    expect(classifyFeature("tigase:push:priority:0")).toBe("tigase-push");
    expect(classifyFeature("tigase:push:encrypt:aes-128-gcm")).toBe("tigase-push");
    expect(classifyFeature("tigase:push:filter:muted:0")).toBe("tigase-push");
    expect(classifyFeature("urn:xmpp:push:1")).toBe("other");
    expect(classifyFeature("http://jabber.org/protocol/disco#info")).toBe("other");
  });
});
