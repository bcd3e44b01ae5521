import xml from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { parseElement } from "../test-support/raw-socket";
import { serializeElement } from "./serialize";

describe("serializeElement", () => {
  it("writes what ltx writes for ordinary elements", () => {
    const el = xml("iq", { xmlns: "jabber:client", type: "result", id: "a&b<'\"" }, xml("query", { xmlns: "urn:x" }, "text & <more>"), xml("empty"));
    expect(serializeElement(el)).toBe(el.toString());
  });

  it("keeps tab, line feed and carriage return in attribute values through a parser (fuzzer finding: iq id='&#10;' came back as ' ')", () => {
    const el = xml("iq", { id: "a\tb\nc\rd" });
    expect(el.toString()).toContain("\n"); // ltx writes it raw, which a parser turns into a space
    expect(parseElement(serializeElement(el)).attrs.id).toBe("a\tb\nc\rd");
  });

  it("keeps a carriage return in text", () => {
    const el = xml("body", {}, "line1\r\nline2");
    expect(parseElement(serializeElement(el)).getText()).toBe("line1\r\nline2");
  });
});
