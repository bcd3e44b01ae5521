import { describe, expect, it } from "vitest";
import { parseXmlEvents, XmlSyntaxError, type XmlHandler, type XmlParseOptions } from "./xml-parser";

/** Runs the parser and records its events as short strings. */
function events(input: string, options: XmlParseOptions = {}, extra: Partial<XmlHandler> = {}): string[] {
  const out: string[] = [];
  parseXmlEvents(
    input,
    {
      xmlDeclaration: (d) => out.push(`decl ${JSON.stringify(d)}`),
      openTag: (name, attrs) => out.push(`open ${name}${attrs.map(([k, v]) => ` ${k}=${JSON.stringify(v)}`).join("")}`),
      closeTag: (name) => out.push(`close ${name}`),
      text: (t) => out.push(`text ${JSON.stringify(t)}`),
      ...extra,
    },
    options,
  );
  return out;
}

function failure(input: string, options: XmlParseOptions = {}, extra: Partial<XmlHandler> = {}): XmlSyntaxError {
  try {
    events(input, options, extra);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return e;
    throw e;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe("parseXmlEvents", () => {
  it("reports elements, attributes in order, text and CDATA", () => {
    expect(events("<a x='1' y=\"2\"><b/>t<![CDATA[<c>]]></a>")).toEqual(['open a x="1" y="2"', "open b", "close b", 'text "t"', 'text "<c>"', "close a"]);
  });

  it("expands the predefined entities and character references, nothing else", () => {
    expect(events("<a v='&lt;&amp;&#x263A;'>&quot;&apos;&gt;&#65;&#x1F600;</a>")).toEqual(['open a v="<&☺"', 'text "\\"\'>A😀"', "close a"]);
    expect(failure("<a>&nbsp;</a>").message).toBe("1:9: undefined entity.");
    expect(failure("<a>&#0;</a>").message).toBe("1:7: malformed character entity.");
    expect(failure("<a>&#xD800;</a>").message).toMatch(/malformed character entity/);
    // saxes reads an unterminated reference up to the next ";", here the end of input.
    expect(failure("<a>& b</a>").message).toBe("1:10: unclosed tag: a");
    expect(failure("<a>&a b;</a>").message).toMatch(/disallowed character in entity name/);
    expect(failure("<a>&constructor;</a>").message).toMatch(/undefined entity/);
    expect(failure("<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", {}, { doctype: () => undefined }).message).toMatch(/undefined entity/);
  });

  it("normalises line ends everywhere and whitespace in attribute values (not in references)", () => {
    expect(events("<a v='x\r\ny\tz&#10;'>1\r\n2\r3</a>")).toEqual(['open a v="x y z\\n"', 'text "1\\n2\\n3"', "close a"]);
  });

  it("refuses characters outside XML 1.0 (C0 controls, U+FFFE/FFFF, lone surrogates) with a position", () => {
    expect(failure("<a>\n x\u0001</a>").message).toBe("2:3: disallowed character U+0001");
    expect(failure("<a v='\uffff'/>").message).toMatch(/U\+FFFF/);
    expect(failure("<a>\ud800</a>").message).toMatch(/U\+D800/);
    expect(events("<a>\u0085\ud83d\ude00</a>")).toEqual(["open a", 'text "\u0085😀"', "close a"]);
  });

  it("checks names, quoting, separation, duplicates and nesting", () => {
    expect(events("<\u00e9l\u0301\u00b7-1 a.b='x'/>")).toEqual(['open \u00e9l\u0301\u00b7-1 a.b="x"', "close \u00e9l\u0301\u00b7-1"]);
    expect(failure("<1a/>").message).toMatch(/disallowed character in tag name/);
    expect(failure("<a b=1/>").message).toMatch(/unquoted attribute value/);
    expect(failure("<a b='1'c='2'/>").message).toMatch(/no whitespace between attributes/);
    expect(failure("<a b='1' b='2'/>").message).toMatch(/duplicate attribute: b/);
    expect(failure("<a b='<'/>").message).toBe("1:7: disallowed character.");
    expect(failure("<a></b>").message).toMatch(/unexpected close tag/);
    expect(failure("<a><b></a>").message).toMatch(/unexpected close tag/);
    expect(failure("<a>").message).toMatch(/unclosed tag: a/);
    expect(failure("<a>]]></a>").message).toMatch(/"]]>" is disallowed in char data/);
  });

  it("wants exactly one root in a document, any number and top-level text in a fragment", () => {
    expect(failure("").message).toMatch(/document must contain a root element/);
    expect(failure("<a/><b/>").message).toMatch(/only one root/);
    expect(failure("x<a/>").message).toMatch(/text data outside of root node/);
    expect(failure("<a/>x").message).toMatch(/text data outside of root node/);
    expect(events(" \n<a/>\n ")).toEqual(["open a", "close a"]);
    expect(events("<a/> x <b/>", { fragment: true })).toEqual(["open a", "close a", 'text " x "', "open b", "close b"]);
    expect(events("", { fragment: true })).toEqual([]);
  });

  it("reads the XML declaration only at the very start", () => {
    expect(events("\ufeff<?xml version='1.0' encoding=\"UTF-8\" standalone='yes'?><a/>")).toEqual(['decl {"version":"1.0","encoding":"UTF-8","standalone":"yes"}', "open a", "close a"]);
    expect(failure("<?xml encoding='UTF-8'?><a/>").message).toMatch(/expected one of version/);
    expect(failure("<?xml version='2.0'?><a/>").message).toMatch(/version number must match/);
    expect(failure(" <?xml version='1.0'?><a/>").message).toMatch(/must be at the start of the document/);
  });

  it("makes comments, processing instructions and DTDs restricted XML unless the handler takes them", () => {
    for (const [input, what] of [["<a><!-- c --></a>", "comment"], ["<?pi x?><a/>", "processing instruction"], ["<!DOCTYPE a><a/>", "DTD"]] as const) {
      const e = failure(input);
      expect(e.condition).toBe("restricted-xml");
      expect(e.message).toContain(`${what} is restricted XML in XMPP (RFC 6120 §11.1)`);
    }
    const seen: string[] = [];
    events("<!DOCTYPE a [<!ENTITY x '>'>]><?pi body?><a><!-- c --></a>", {}, {
      doctype: (t) => seen.push(`doctype${t}`),
      processingInstruction: (t, b) => seen.push(`pi ${t} ${b}`),
      comment: (t) => seen.push(`comment ${t}`),
    });
    expect(seen).toEqual(["doctype a [<!ENTITY x '>'>]", "pi pi body", "comment  c "]);
    expect(failure("<a><!-- a -- b --></a>", {}, { comment: () => undefined }).message).toMatch(/malformed comment/);
    expect(failure("<a/><!DOCTYPE a>", {}, { doctype: () => undefined }).message).toMatch(/inappropriately located doctype declaration/);
  });

  it("lets the handler's own exceptions through unchanged and stops there", () => {
    const limit = new Error("too deep");
    const seen: string[] = [];
    const handler: XmlHandler = {
      openTagStart: (name) => {
        if (name === "c") throw limit;
      },
      openTag: (name) => seen.push(name),
      closeTag: () => undefined,
      text: () => undefined,
    };
    expect(() => parseXmlEvents("<a><b/><c/><d/></a>", handler)).toThrow(limit);
    expect(seen).toEqual(["a", "b"]);
  });

  describe("namespaces", () => {
    const ns: XmlParseOptions = { namespaces: true };

    it("accepts bound prefixes, through ancestors, and the implicit xml prefix", () => {
      expect(events("<s:a xmlns:s='urn:s'><s:b s:x='1' xml:lang='en'/></s:a>", ns)).toHaveLength(4);
      expect(events("<a xmlns='urn:a'><b xmlns=''/></a>", ns)).toHaveLength(4);
    });

    it.each([
      ["<x:open/>", "bad-namespace-prefix", /unbound namespace prefix: "x"/],
      ["<a x:y='1'/>", "bad-namespace-prefix", /unbound namespace prefix: "x"/],
      ["<a><b xmlns:p='urn:p'/><p:c/></a>", "bad-namespace-prefix", /unbound namespace prefix: "p"/],
      ["<a xmlns:p=''/>", "bad-namespace-prefix", /invalid attempt to undefine prefix/],
      ["<a xmlns:xml='urn:x'/>", "bad-namespace-prefix", /xml prefix must be bound/],
      ["<a xmlns:xmlns='urn:x'/>", "bad-namespace-prefix", /xmlns prefix must be bound to http:\/\/www.w3.org\/2000\/xmlns\//],
      ["<a xmlns:p='http://www.w3.org/XML/1998/namespace'/>", "bad-namespace-prefix", /may not assign the xml namespace to another prefix/],
      ["<a xmlns='http://www.w3.org/2000/xmlns/'/>", "bad-namespace-prefix", /default namespace may not be set to http:\/\/www.w3.org\/2000\/xmlns\//],
      ["<a xmlns:p='http://www.w3.org/2000/xmlns/'/>", "bad-namespace-prefix", /may not assign a prefix \(even "xmlns"\)/],
      ["<xmlns:a/>", "bad-namespace-prefix", /tags may not have "xmlns" as prefix/],
      ["<a xmlns:='urn:x'/>", "not-well-formed", /malformed name/],
      ["<a:b:c xmlns:a='urn:a'/>", "not-well-formed", /malformed name/],
      ["<a xmlns:p='urn:x' xmlns:q='urn:x' p:n='1' q:n='2'/>", "not-well-formed", /duplicate attribute: \{urn:x\}n/],
    ])("refuses %j (%s)", (input, condition, reason) => {
      const e = failure(input, ns);
      expect(e.condition).toBe(condition);
      expect(e.message).toMatch(reason);
    });

    it("leaves prefixes alone when namespaces are not checked (the console's formatter)", () => {
      expect(events("<x:open/>")).toEqual(["open x:open", "close x:open"]);
    });
  });
});
