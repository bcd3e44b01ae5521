import { describe, expect, it } from "vitest";
import { parseXml } from "./parse";
import { buildPresence, parsePresence } from "./presence";
import { parseFrame } from "../test-support/frames";

describe("buildPresence", () => {
  it("builds an initial presence and an away presence", () => {
    expect(buildPresence().toString()).toBe("<presence/>");
    expect(buildPresence({ show: "away", priority: 5, status: "in a meeting", id: "p1" }).toString()).toBe(
      '<presence id="p1"><show>away</show><status>in a meeting</status><priority>5</priority></presence>',
    );
    expect(buildPresence({ type: "unavailable", to: "room@muc/nick" }).toString()).toBe('<presence type="unavailable" to="room@muc/nick"/>');
  });

  it("round-trips", () => {
    for (const options of [{}, { show: "xa" as const, priority: -1 }, { show: "dnd" as const, priority: 127, status: "<b>busy</b>" }]) {
      const parsed = parsePresence(parseXml(buildPresence(options).toString()));
      expect(parsed).toEqual({
        kind: "available",
        show: options.show ?? null,
        priority: "priority" in options ? options.priority : 0,
        ...("status" in options ? { status: options.status } : {}),
      });
    }
  });
});

describe("parsePresence", () => {
  it("reads presences as xmpp.js delivers them", async () => {
    expect(parsePresence(await parseFrame("<presence xmlns='jabber:client' from='alice@localhost/r1'><show>chat</show><priority>1</priority></presence>"))).toEqual({
      kind: "available",
      show: "chat",
      priority: 1,
    });
    expect(parsePresence(await parseFrame("<presence xmlns='jabber:client' type='unavailable'/>"))).toEqual({ kind: "unavailable", show: null, priority: 0 });
  });

  it("classifies every RFC 6121 type", () => {
    expect(parsePresence(parseXml("<presence type='probe'/>"))).toMatchObject({ kind: "probe" });
    expect(parsePresence(parseXml("<presence type='error'/>"))).toMatchObject({ kind: "error" });
    for (const type of ["subscribe", "subscribed", "unsubscribe", "unsubscribed"]) {
      expect(parsePresence(parseXml(`<presence type='${type}'/>`))).toEqual({ kind: "subscription", subscriptionType: type, show: null, priority: 0 });
    }
  });

  it("accepts the priority bounds and xs:byte spellings", () => {
    const priorityOf = (raw: string) => parsePresence(parseXml(`<presence><priority>${raw}</priority></presence>`));
    expect(priorityOf("-128")).toMatchObject({ priority: -128 });
    expect(priorityOf("127")).toMatchObject({ priority: 127 });
    expect(priorityOf(" +7 ")).toMatchObject({ priority: 7 });
    expect(priorityOf("-0")).toMatchObject({ priority: 0 });
    expect(priorityOf("007")).toMatchObject({ priority: 7 });
  });

  it.each([
    ["128", "<priority> must be an integer from -128 to 127, got '128'"],
    ["-129", "<priority> must be an integer from -128 to 127, got '-129'"],
    ["1.5", "<priority> must be an integer from -128 to 127, got '1.5'"],
    ["", "<priority> must be an integer from -128 to 127, got ''"],
    ["ten", "<priority> must be an integer from -128 to 127, got 'ten'"],
    ["99999999999999999999999999", "<priority> must be an integer from -128 to 127, got '99999999999999999999999999'"],
  ])("rejects priority %j", (raw, error) => {
    expect(parsePresence(parseXml(`<presence><priority>${raw}</priority></presence>`))).toEqual({ error });
  });

  it("rejects bad show values, repeated show/priority and unknown types", () => {
    expect(parsePresence(parseXml("<presence><show>busy</show></presence>"))).toEqual({ error: "<show> must be chat, away, xa or dnd, got 'busy'" });
    expect(parsePresence(parseXml("<presence><show/></presence>"))).toEqual({ error: "<show> must be chat, away, xa or dnd, got ''" });
    expect(parsePresence(parseXml("<presence><show>away</show><show>xa</show></presence>"))).toEqual({ error: "more than one <show> (RFC 6121 §4.7.2.1)" });
    expect(parsePresence(parseXml("<presence><priority>1</priority><priority>2</priority></presence>"))).toEqual({ error: "more than one <priority> (RFC 6121 §4.7.2.3)" });
    expect(parsePresence(parseXml("<presence type='invisible'/>"))).toEqual({ error: "unknown presence type 'invisible'" });
    expect(parsePresence(parseXml("<message/>"))).toEqual({ error: "not a <presence>" });
  });

  it("ignores extension elements that merely share a name", () => {
    const parsed = parsePresence(parseXml("<presence><show xmlns='urn:other'>busy</show><x:priority xmlns:x='urn:x'>500</x:priority><show>xa</show></presence>"));
    expect(parsed).toEqual({ kind: "available", show: "xa", priority: 0 });
  });

  it("prefers the status without xml:lang and keeps markup as text", () => {
    const parsed = parsePresence(parseXml("<presence><status xml:lang='de'>weg</status><status>&lt;script&gt;away&lt;/script&gt;</status></presence>"));
    expect(parsed).toMatchObject({ status: "<script>away</script>" });
  });
});
