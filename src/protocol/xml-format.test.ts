import { describe, expect, it } from "vitest";
import xml from "@xmpp/xml";
import { NS } from "./ns";
import { MASK, maskSaslFrame, prettyXml, stanzaKind, tokenizeXml } from "./xml-format";

describe("prettyXml", () => {
  it("indents a push publish with two spaces, keeping attribute order and inline text", () => {
    const frame =
      "<iq xmlns='jabber:client' type='set' to='pushsvc@localhost/sink' id='n12'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n1'><item><notification xmlns='urn:xmpp:push:0'><x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field><field var='message-count'><value>1</value></field></x></notification></item></publish></pubsub></iq>";
    expect(prettyXml(frame)).toEqual({
      ok: true,
      text: [
        '<iq xmlns="jabber:client" type="set" to="pushsvc@localhost/sink" id="n12">',
        '  <pubsub xmlns="http://jabber.org/protocol/pubsub">',
        '    <publish node="n1">',
        "      <item>",
        '        <notification xmlns="urn:xmpp:push:0">',
        '          <x xmlns="jabber:x:data">',
        '            <field var="FORM_TYPE">',
        "              <value>urn:xmpp:push:summary</value>",
        "            </field>",
        '            <field var="message-count">',
        "              <value>1</value>",
        "            </field>",
        "          </x>",
        "        </notification>",
        "      </item>",
        "    </publish>",
        "  </pubsub>",
        "</iq>",
      ].join("\n"),
    });
  });

  it("re-indents already indented XML the same way", () => {
    const once = prettyXml("<message to='a'><body>hi</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>");
    if (!once.ok) throw new Error(once.error);
    expect(prettyXml(once.text)).toEqual(once);
    expect(once.text).toBe('<message to="a">\n  <body>hi</body>\n  <active xmlns="http://jabber.org/protocol/chatstates"/>\n</message>');
  });

  it("escapes text and attribute values; script tags stay text", () => {
    const result = prettyXml("<message to='a&amp;b' note='say \"hi\"'><body>&lt;script&gt;alert(1)&lt;/script&gt; &amp; <![CDATA[<b>]]></body></message>");
    expect(result).toEqual({
      ok: true,
      text: '<message to="a&amp;b" note="say &quot;hi&quot;">\n  <body>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;</body>\n</message>',
    });
  });

  it("keeps the exact text of text-only elements, including newlines", () => {
    const result = prettyXml("<message><body>  line 1\nline 2  </body></message>");
    expect(result).toEqual({ ok: true, text: "<message>\n  <body>  line 1\nline 2  </body>\n</message>" });
  });

  it("formats several top-level elements, comments and mixed content", () => {
    expect(prettyXml("<a/> <b><!-- c -->text<c/></b>")).toEqual({ ok: true, text: "<a/>\n<b>\n  <!-- c -->\n  text\n  <c/>\n</b>" });
  });

  it("accepts an XML declaration and prefixed stream elements", () => {
    expect(prettyXml("<?xml version='1.0'?><stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>")).toEqual({
      ok: true,
      text: '<?xml version="1.0"?>\n<stream:features xmlns:stream="http://etherx.jabber.org/streams">\n  <bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/>\n</stream:features>',
    });
  });

  it.each([
    ["<iq type='get'><query>", "unclosed tag"],
    ["<a></b>", "unexpected close tag"],
    ["just text", "no element"],
    ["", "no element"],
    ["<a b='1' b='2'/>", "duplicate attribute"],
    ["<a>&bogus;</a>", "undefined entity"],
  ])("returns malformed input %j unchanged with the error", (input, fragment) => {
    const result = prettyXml(input);
    expect(result.ok).toBe(false);
    expect(result.text).toBe(input);
    if (!result.ok) expect(result.error).toContain(fragment);
  });

  it("caps indentation on deep nesting instead of exploding", () => {
    const depth = 3000;
    const result = prettyXml("<a>".repeat(depth) + "<b/>" + "</a>".repeat(depth));
    expect(result.ok).toBe(true);
    const lines = result.text.split("\n");
    expect(lines).toHaveLength(2 * depth + 1);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(32 * 2 + 5);
  });

  it("never throws on non-strings", () => {
    expect(prettyXml(undefined as never)).toEqual({ ok: false, error: "input is not a string", text: "" });
  });
});

describe("tokenizeXml", () => {
  const join = (text: string) => tokenizeXml(text).map((t) => t.text).join("");

  it("splits a tag into punctuation, names and values", () => {
    expect(tokenizeXml(`<enable xmlns="urn:xmpp:push:0" away='true'/>`)).toEqual([
      { kind: "punct", text: "<" },
      { kind: "tag", text: "enable" },
      { kind: "text", text: " " },
      { kind: "attr-name", text: "xmlns" },
      { kind: "punct", text: "=" },
      { kind: "attr-value", text: '"urn:xmpp:push:0"' },
      { kind: "text", text: " " },
      { kind: "attr-name", text: "away" },
      { kind: "punct", text: "=" },
      { kind: "attr-value", text: "'true'" },
      { kind: "punct", text: "/>" },
    ]);
  });

  it("handles text, closing tags, comments, declarations and CDATA", () => {
    expect(tokenizeXml("<?xml version='1.0'?><body>a &amp; b<!-- note --><![CDATA[<x>]]></body>")).toEqual([
      { kind: "comment", text: "<?xml version='1.0'?>" },
      { kind: "punct", text: "<" },
      { kind: "tag", text: "body" },
      { kind: "punct", text: ">" },
      { kind: "text", text: "a &amp; b" },
      { kind: "comment", text: "<!-- note -->" },
      { kind: "punct", text: "<![CDATA[" },
      { kind: "text", text: "<x>" },
      { kind: "punct", text: "]]>" },
      { kind: "punct", text: "</" },
      { kind: "tag", text: "body" },
      { kind: "punct", text: ">" },
    ]);
  });

  it("reproduces any input exactly, however broken", () => {
    const inputs = [
      "",
      "plain text",
      "<a b='unterminated",
      '<a b="1"c=2 d = "3" >x</a',
      "< a><<b>>",
      "<!-- never closed",
      "<![CDATA[ open",
      "<a/><b / >< /c>",
      "a < b && c > d",
      "<x:y xmlns:x='u'>\n  <z/>\n</x:y>",
      "<a b=>",
      "<a =x>",
      "\u0000\uffff<é ü='ö'/>",
    ];
    for (const input of inputs) expect(join(input)).toBe(input);
  });

  it("reproduces the pretty-printed output of a real stanza", () => {
    const pretty = prettyXml("<presence xmlns='jabber:client'><show>away</show><priority>5</priority></presence>");
    expect(join(pretty.text)).toBe(pretty.text);
    expect(tokenizeXml(pretty.text).filter((t) => t.kind === "tag").map((t) => t.text)).toEqual(["presence", "show", "show", "priority", "priority", "presence"]);
  });

  it("marks unquoted values after = as values and keeps script text as text", () => {
    expect(tokenizeXml("<a b=c>")).toEqual([
      { kind: "punct", text: "<" },
      { kind: "tag", text: "a" },
      { kind: "text", text: " " },
      { kind: "attr-name", text: "b" },
      { kind: "punct", text: "=" },
      { kind: "attr-value", text: "c" },
      { kind: "punct", text: ">" },
    ]);
    const tokens = tokenizeXml("<body>&lt;script&gt;alert(1)&lt;/script&gt;</body>");
    expect(tokens[3]).toEqual({ kind: "text", text: "&lt;script&gt;alert(1)&lt;/script&gt;" });
  });

  it("is linear on large input", () => {
    const big = "<a b='c'>x</a>".repeat(20000);
    expect(join(big)).toBe(big);
  });
});

describe("maskSaslFrame", () => {
  it("masks PLAIN credentials and keeps the mechanism", () => {
    expect(maskSaslFrame("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>")).toBe(
      `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${MASK}</auth>`,
    );
    // xmpp.js writes double quotes.
    expect(maskSaslFrame('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFsaWNlAHNlY3JldA==</auth>')).not.toContain("AGFs");
  });

  it("masks SCRAM challenge, response and success", () => {
    const frames = [
      "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlk=</challenge>",
      "<response xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\">Yz1iaXdzLHI9ZnlrbyQyZA==</response>",
      "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>",
    ];
    for (const frame of frames) {
      const masked = maskSaslFrame(frame);
      expect(masked).toContain(MASK);
      expect(masked).not.toMatch(/[A-Za-z0-9+/]{12,}={0,2}</);
    }
  });

  it("leaves empty payloads, '=' and self-closing elements alone", () => {
    for (const frame of [
      "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
      "<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>=</response>",
      "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'></auth>",
      "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>",
    ]) {
      expect(maskSaslFrame(frame)).toBe(frame);
    }
  });

  it("masks partial frames", () => {
    expect(maskSaslFrame("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNl")).toBe(
      `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${MASK}`,
    );
    expect(maskSaslFrame("<auth mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>")).toBe(`<auth mechanism='PLAIN'>${MASK}</auth>`);
    expect(maskSaslFrame("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PL")).toBe("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PL");
  });

  it("masks SASL2 initial responses and FAST tokens", () => {
    const sasl2 = "<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>AGFsaWNlAHNlY3JldA==</initial-response><user-agent id='d4565fa7'/></authenticate>";
    expect(maskSaslFrame(sasl2)).toBe(`<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'><initial-response>${MASK}</initial-response><user-agent id='d4565fa7'/></authenticate>`);
    const success = "<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1zZWNyZXQ=</additional-data><authorization-identifier>alice@localhost/r</authorization-identifier><token xmlns='urn:xmpp:fast:0' expiry='2026-12-01T00:00:00Z' token='WXZzciBwYmFm'/></success>";
    const masked = maskSaslFrame(success);
    expect(masked).not.toContain("dj1zZWNyZXQ=");
    expect(masked).not.toContain("WXZzciBwYmFm");
    expect(masked).toContain(`token='${MASK}'`);
    expect(masked).toContain("alice@localhost/r");
  });

  it("leaves non-SASL elements with the same names alone", () => {
    const frames = [
      "<message xmlns='jabber:client' to='a'><body>my password is hunter2</body></message>",
      "<iq xmlns='jabber:client' type='result' id='1'><response xmlns='urn:xmpp:captcha'>keep</response></iq>",
      "<message xmlns='jabber:client'><success>kept</success></message>",
    ];
    for (const frame of frames) expect(maskSaslFrame(frame)).toBe(frame);
  });

  it("never throws", () => {
    for (const input of ["", "<", "<auth", "<auth>", "<auth>x", "<<auth>>", undefined, null]) {
      expect(() => maskSaslFrame(input as never)).not.toThrow();
    }
  });
});

describe("stanzaKind", () => {
  it.each([
    ["<message xmlns='jabber:client' to='a'><body>x</body></message>", "message"],
    ["<presence xmlns=\"jabber:client\"/>", "presence"],
    ["<iq type='get' id='1'/>", "iq"],
    ["<r xmlns='urn:xmpp:sm:3'/>", "sm"],
    ["<a xmlns='urn:xmpp:sm:3' h='3'/>", "sm"],
    ["<enable xmlns='urn:xmpp:sm:3' resume='true'/>", "sm"],
    ["<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>x</auth>", "sasl"],
    ["<authenticate xmlns='urn:xmpp:sasl:2' mechanism='PLAIN'>", "sasl"],
    ["<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>", "stream"],
    ["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>", "stream"],
    ["<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms/></stream:features>", "stream"],
    ["<stream:features>", "stream"],
    ["<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>", "stream"],
    ["</stream:stream>", "stream"],
    ["<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict/></stream:error>", "stream"],
    ["<message xmlns='urn:other'/>", "other"],
    [" ", "other"],
    ["garbage", "other"],
    ["", "other"],
  ])("classifies the frame %j", (frame, kind) => {
    expect(stanzaKind(frame)).toBe(kind);
  });

  it("classifies elements", () => {
    expect(stanzaKind(xml("message", { to: "a" }))).toBe("message");
    expect(stanzaKind(xml("iq", { xmlns: NS.client, type: "get" }))).toBe("iq");
    expect(stanzaKind(xml("r", { xmlns: NS.sm }))).toBe("sm");
    expect(stanzaKind(xml("success", { xmlns: NS.sasl }))).toBe("sasl");
    expect(stanzaKind(xml("stream:features", { "xmlns:stream": NS.streams }))).toBe("stream");
    expect(stanzaKind(xml("open", { xmlns: NS.framing }))).toBe("stream");
    expect(stanzaKind(xml("ping", { xmlns: NS.ping }))).toBe("other");
    expect(stanzaKind(null as never)).toBe("other");
  });
});
