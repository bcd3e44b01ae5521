import { describe, expect, it } from "vitest";
import { parseXml, tryParseXml } from "./parse";

describe("tryParseXml", () => {
  it("parses one element with namespaces resolved through ancestors", () => {
    const result = tryParseXml("<iq xmlns='jabber:client' type='get'><query xmlns='q'><item/></query></iq>");
    if (!result.ok) throw new Error(result.error);
    const item = result.element.getChild("query")?.getChild("item");
    expect(item?.getNS()).toBe("q");
    expect(result.element.toString()).toBe('<iq xmlns="jabber:client" type="get"><query xmlns="q"><item/></query></iq>');
  });

  it("decodes entities and CDATA into text", () => {
    expect(parseXml("<body>a &amp; &lt;b&gt; <![CDATA[<c>]]></body>").getText()).toBe("a & <b> <c>");
  });

  it.each([
    ["", "root element"],
    ["<a>", "unclosed tag"],
    ["<a></b>", "unexpected close tag"],
    ["<a/><b/>", "only one root"],
    ["text", "text data outside of root node"],
    ["<a>&nbsp;</a>", "undefined entity"],
    ["<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", ""],
    ["<a><!-- hi --></a>", "comment is restricted XML"],
    ["<a><?pi x?></a>", "processing instruction is restricted XML"],
    ["<a b='1' b='2'/>", "duplicate attribute"],
  ])("rejects %j", (input, fragment) => {
    const result = tryParseXml(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(fragment);
  });

  it("refuses nesting beyond the limit", () => {
    const deep = "<a>".repeat(300) + "</a>".repeat(300);
    expect(tryParseXml(deep)).toEqual({ ok: false, error: "elements nested deeper than 256 levels" });
    expect(tryParseXml(deep, { maxDepth: 300 }).ok).toBe(true);
  });

  it("throws from parseXml with the reason", () => {
    expect(() => parseXml("<a>")).toThrow(/invalid XML: .*unclosed tag/);
  });
});
