/** Iq routing, the server's own iq handlers and disco per policy, over real sessions. */
import { xml } from "@xmpp/client";
import { describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { parseDiscoInfo } from "../../protocol/stanzas/disco";
import { attrOf, findChild } from "../../protocol/stanzas/xml-util";
import { serverFixture } from "../test-support/server-fixture";
import { errorOf } from "../test-support/session-kit";

const fixture = serverFixture();
const login = (jid: string) => fixture.login(jid);
let n = 0;
const user = (name: string, domain = "localhost") => `${name}${++n}@${domain}`;

const discoInfo = (to?: string, node?: string) =>
  xml("iq", { type: "get", ...(to ? { to } : {}) }, xml("query", { xmlns: NS.discoInfo, ...(node ? { node } : {}) }));

describe("iq routing", () => {
  it("routes an iq to a bound full JID and the answer back", async () => {
    const alice = user("alice");
    const a1 = await login(`${alice}/a1`);
    const a2 = await login(`${alice}/a2`);
    a2.xmpp.iqCallee.get("urn:example:echo", "echo", () => xml("echo", { xmlns: "urn:example:echo" }, "pong"));
    const reply = await a1.iq(xml("iq", { type: "get", to: a2.jid }, xml("echo", { xmlns: "urn:example:echo" })));
    expect(attrOf(reply, "type")).toBe("result");
    expect(attrOf(reply, "from")).toBe(a2.jid);
    expect(findChild(reply, "echo", "urn:example:echo")?.getText()).toBe("pong");

    // Across accounts and virtual hosts too.
    const carol = await login(`${user("carol", "prosody.localhost")}/c`);
    const cross = await carol.iq(xml("iq", { type: "get", to: a2.jid }, xml("echo", { xmlns: "urn:example:echo" })));
    expect(attrOf(cross, "type")).toBe("result");
  });

  it("answers service-unavailable for a full JID that is not bound and for another account's bare JID", async () => {
    const alice = user("alice");
    const a1 = await login(`${alice}/a1`);
    const bob = user("bob");
    await login(`${bob}/b`);
    const gone = await a1.iq(xml("iq", { type: "get", to: `${bob}/nowhere` }, xml("echo", { xmlns: "urn:example:echo" })));
    expect(errorOf(gone)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    const bare = await a1.iq(xml("iq", { type: "get", to: bob }, xml("echo", { xmlns: "urn:example:echo" })));
    expect(errorOf(bare)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    const far = await a1.iq(xml("iq", { type: "get", to: "x@elsewhere.example/r" }, xml("echo", { xmlns: "urn:example:echo" })));
    expect(errorOf(far)).toMatchObject({ type: "cancel", condition: "remote-server-not-found" });
  });

  it("answers ping on the domain, and service-unavailable for an unknown payload on the domain and the own bare JID", async () => {
    const a1 = await login(`${user("alice")}/a1`);
    const ping = await a1.iq(xml("iq", { type: "get", to: "localhost" }, xml("ping", { xmlns: NS.ping })));
    expect(attrOf(ping, "type")).toBe("result");
    expect(attrOf(ping, "from")).toBe("localhost");
    const unknownDomain = await a1.iq(xml("iq", { type: "get", to: "localhost" }, xml("nope", { xmlns: "urn:example:nope" })));
    expect(errorOf(unknownDomain)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    const unknownOwn = await a1.iq(xml("iq", { type: "set" }, xml("nope", { xmlns: "urn:example:nope" })));
    expect(errorOf(unknownOwn)).toMatchObject({ type: "cancel", condition: "service-unavailable" });
    // disco#info is get-only.
    const discoSet = await a1.iq(xml("iq", { type: "set", to: "localhost" }, xml("query", { xmlns: NS.discoInfo })));
    expect(errorOf(discoSet)).toMatchObject({ condition: "service-unavailable" });
    const items = await a1.iq(xml("iq", { type: "get", to: "localhost" }, xml("query", { xmlns: NS.discoItems })));
    expect(attrOf(items, "type")).toBe("result");
    expect(findChild(items, "query", NS.discoItems)?.getChildElements()).toEqual([]);
  });
});

describe("disco", () => {
  it("lists server identity and the policy's features on the domain (spec)", async () => {
    const a1 = await login(`${user("alice")}/a1`);
    const info = parseDiscoInfo(await a1.iq(discoInfo("localhost")));
    if ("error" in info) throw new Error(info.error);
    expect(info.identities).toContainEqual(expect.objectContaining({ category: "server", type: "im" }));
    expect(info.features).toEqual(expect.arrayContaining([NS.discoInfo, NS.discoItems, NS.ping, NS.push, NS.pushAway]));
  });

  it("lists the account identity and push features on the owner's bare JID, per policy", async () => {
    const spec = await login(`${user("alice")}/a1`);
    const specInfo = parseDiscoInfo(await spec.iq(discoInfo(spec.jid.split("/")[0])));
    if ("error" in specInfo) throw new Error(specInfo.error);
    expect(specInfo.identities).toEqual([{ category: "account", type: "registered" }]);
    expect(specInfo.features).toEqual(expect.arrayContaining([NS.push, NS.pushAway, NS.decisions]));

    // No `to` is the own bare JID too (RFC 6120 §10.3.3).
    const implicit = parseDiscoInfo(await spec.iq(discoInfo()));
    expect(implicit).toEqual(specInfo);

    const prosody = await login(`${user("carol", "prosody.localhost")}/c`);
    const prosodyInfo = parseDiscoInfo(await prosody.iq(discoInfo(prosody.jid.split("/")[0])));
    if ("error" in prosodyInfo) throw new Error(prosodyInfo.error);
    expect(prosodyInfo.features).toContain(NS.push);
    expect(prosodyInfo.features).not.toContain(NS.pushAway);
  });

  it("refuses disco#info of another account's bare JID and node queries", async () => {
    const alice = await login(`${user("alice")}/a1`);
    const bob = user("bob");
    await login(`${bob}/b`);
    expect(errorOf(await alice.iq(discoInfo(bob)))).toMatchObject({ condition: "service-unavailable" });
    expect(errorOf(await alice.iq(discoInfo("localhost", "some-node")))).toMatchObject({ condition: "item-not-found" });
  });
});
