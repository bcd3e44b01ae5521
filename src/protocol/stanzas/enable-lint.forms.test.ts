/** The enable linter on what only the element shows (a second form, fields without var), typed text, and its references. */
import { describe, expect, it } from "vitest";
import { lintEnableElement, lintEnableForm, type EnableLintResult } from "./enable-lint";
import { parseXml } from "./parse";

const SINK = "pushsvc@localhost/sink";
const CTX = { sinkJid: SINK, senderFullJid: "alice@localhost/phone" };
const PUBSUB_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";
const FORM = `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${PUBSUB_OPTIONS}</value></field><field var='secret'><value>s</value></field></x>`;

function lint(children: string): EnableLintResult {
  const result = lintEnableElement(parseXml(`<iq type='set' id='e'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n1'>${children}</enable></iq>`), CTX);
  if (!result) throw new Error("expected an enable");
  return result;
}

const codes = (r: EnableLintResult) => r.findings.map((f) => f.code);

describe("publish-options forms as written", () => {
  it("flags a second publish-options <x>", () => {
    const r = lint(FORM + FORM);
    expect(r.findings.find((f) => f.code === "form-repeated")).toEqual({
      severity: "error",
      code: "form-repeated",
      message: "The enable carries 2 publish-options forms; send one: servers read only one of them (Prosody the first) and the others are lost.",
      ref: { label: "XEP-0357 §6 (publish options)", url: "https://xmpp.org/extensions/xep-0357.html#enabling" },
    });
    expect(codes(lint(FORM))).not.toContain("form-repeated");
  });

  it("flags a <field> without var, counting them, with the XEP-0004 section", () => {
    const one = lint(`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${PUBSUB_OPTIONS}</value></field><field><value>lost</value></field></x>`);
    expect(one.findings.find((f) => f.code === "field-without-var")).toMatchObject({
      severity: "error",
      message: "A publish-options <field> has no 'var': a submitted field must name itself, and servers skip it with its value.",
      ref: { label: "XEP-0004 §3.2", url: "https://xmpp.org/extensions/xep-0004.html#protocol-field" },
    });
    const two = lint(`<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${PUBSUB_OPTIONS}</value></field><field/><field type='text-single'/></x>`);
    expect(two.findings.find((f) => f.code === "field-without-var")?.message).toMatch(/^2 publish-options <field>s have no 'var'/);
    expect(codes(lint(FORM))).not.toContain("field-without-var");
  });

  it("gives every finding a link; repository docs ride along as `doc`", () => {
    const r = lint(`<x xmlns='jabber:x:data' type='form'/>`);
    const bare = lintEnableElement(parseXml(`<iq type='get' id='e'><enable xmlns='urn:xmpp:push:0' jid='pushsvc@localhost' node='n' away='yes'/></iq>`), CTX)!;
    for (const f of [...r.findings, ...bare.findings]) expect(f.ref.url).toMatch(/^https:\/\/(xmpp\.org\/extensions\/xep-0357\.html#enabling|xmpp\.org\/extensions\/xep-0004\.html#|www\.w3\.org\/TR\/xml\/#)/);
    expect(bare.findings.find((f) => f.code === "jid-bare-sink")?.ref).toEqual({ label: "XEP-0357 §6", url: "https://xmpp.org/extensions/xep-0357.html#enabling", doc: "docs/push-semantics.md §0.3" });
    expect(bare.findings.find((f) => f.code === "iq-type")?.ref.doc).toBe("docs/push-semantics.md A.2");
  });
});

describe("lintEnableForm and text XML does not allow", () => {
  it("names the field, the character and where, before the enable is sent", () => {
    const r = lintEnableForm({ jid: "", node: "n\u0001", away: false, publishOptions: [{ var: "secret", value: "x\uFFFF" }] }, CTX);
    const texts = r.findings.filter((f) => f.code === "xml-text");
    expect(texts.map((f) => f.message)).toEqual([
      "The node contains U+0001 (a control character) at character 2; XML does not allow it and the server would end the session, so remove it; the playground will not send the enable.",
      "The value of publish-options field secret contains U+FFFF (a noncharacter) at character 2; XML does not allow it and the server would end the session, so remove it; the playground will not send the enable.",
    ]);
    expect(texts[0]!.ref).toEqual({ label: "XML 1.0 §2.2", url: "https://www.w3.org/TR/xml/#charsets" });
    expect(codes(lintEnableForm({ jid: "", node: "n", away: false, publishOptions: [] }, CTX))).not.toContain("xml-text");
  });
});
