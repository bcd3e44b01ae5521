import { describe, expect, it } from "vitest";
import xml from "@xmpp/xml";
import { buildIq, iqChild, isIqType } from "./iq";
import { parseXml } from "./parse";

describe("buildIq", () => {
  it("leaves absent attributes out", () => {
    expect(buildIq({ type: "get" }).toString()).toBe('<iq type="get"/>');
    expect(buildIq({ type: "result", id: "1", from: "localhost", to: "a@localhost/r" }).toString()).toBe('<iq type="result" id="1" from="localhost" to="a@localhost/r"/>');
    expect(buildIq({ type: "set", id: "2" }, xml("ping", { xmlns: "urn:xmpp:ping" })).toString()).toBe('<iq type="set" id="2"><ping xmlns="urn:xmpp:ping"/></iq>');
  });
});

describe("iqChild", () => {
  it("returns the single payload and ignores whitespace", () => {
    expect(iqChild(parseXml("<iq type='get' id='1'>\n  <ping xmlns='urn:xmpp:ping'/>\n</iq>"))?.name).toBe("ping");
  });

  it("returns null for none or several payloads", () => {
    expect(iqChild(parseXml("<iq type='result' id='1'/>"))).toBeNull();
    expect(iqChild(parseXml("<iq type='set' id='1'><a/><b/></iq>"))).toBeNull();
  });

  it("skips the <error> of an error reply", () => {
    expect(iqChild(parseXml("<iq type='error' id='1'><query xmlns='q'/><error type='cancel'/></iq>"))?.name).toBe("query");
    expect(iqChild(parseXml("<iq type='error' id='1'><error type='cancel'/></iq>"))).toBeNull();
  });

  it("knows the four types", () => {
    expect(["get", "set", "result", "error"].every(isIqType)).toBe(true);
    expect(isIqType("GET")).toBe(false);
    expect(isIqType(undefined)).toBe(false);
  });
});
