/**
 * Publish-options field names are the user's (or a server's) text: names such as constructor,
 * toString, hasOwnProperty or __proto__ are fields like any other, never an object's own keys.
 */
import type { Element } from "@xmpp/xml";
import { describe, expect, it } from "vitest";
import { buildEnable, parseEnable } from "../../protocol/stanzas/push";
import { tryParseXml } from "../../protocol/stanzas/parse";
import { publishOptionsForm } from "./push-actions";
import { decideSinkAnswer, publishInputOf } from "./sink";

const OBJECT_NAMES = ["constructor", "toString", "hasOwnProperty", "__proto__", "valueOf"];

function iq(xml: string): Element {
  const parsed = tryParseXml(xml);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.element;
}

function publishWithOptions(fields: readonly (readonly [string, string])[]): Element {
  const form = fields.map(([name, value]) => `<field var='${name}'><value>${value}</value></field>`).join("");
  return iq(
    `<iq type='set' id='p1' to='pushsvc@localhost/sink' from='localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n1'><item><notification xmlns='urn:xmpp:push:0'/></item></publish>` +
      `<publish-options><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>${form}</x></publish-options></pubsub></iq>`,
  );
}

describe("publishOptionsForm", () => {
  it.each(OBJECT_NAMES)("keeps a field named %s once, with its value, and sends it", (name) => {
    const form = publishOptionsForm([
      { var: name, value: "v1" },
      { var: "secret", value: "s" },
    ]);
    expect(form.ok).toBe(true);
    if (!form.ok || !form.value) throw new Error("no form");
    expect(Object.keys(form.value)).toEqual([name, "secret"]);
    expect(Object.getOwnPropertyDescriptor(form.value, name)?.value).toBe("v1");
    expect(Object.getPrototypeOf(form.value)).toBe(Object.prototype);
    const sent = parseEnable(buildEnable({ jid: "pushsvc@localhost/sink", node: "n", away: false, publishOptions: form.value }));
    expect(sent?.publishOptions?.fields.map((f) => [f.var, f.values[0]])).toEqual([
      ["FORM_TYPE", "http://jabber.org/protocol/pubsub#publish-options"],
      [name, "v1"],
      ["secret", "s"],
    ]);
  });

  it.each(OBJECT_NAMES)("still says a field named %s appears twice when it does", (name) => {
    const form = publishOptionsForm([
      { var: name, value: "a" },
      { var: name, value: "b" },
    ]);
    expect(form).toEqual({ ok: false, error: { code: "bad-input", message: `publish-options field ${name} appears twice` } });
  });

  it("refuses a field name or value XML does not allow, naming the field, the character and where", () => {
    expect(publishOptionsForm([{ var: "sec\u0001ret", value: "x" }])).toEqual({
      ok: false,
      error: { code: "bad-input", message: "the publish-options field name contains U+0001 (a control character) at character 4; XML does not allow it and the server would end the session, so remove it" },
    });
    const value = publishOptionsForm([{ var: "secret", value: "ab\uFFFF" }]);
    expect(!value.ok && value.error.message).toBe(
      "the value of publish-options field secret contains U+FFFF (a noncharacter) at character 3; XML does not allow it and the server would end the session, so remove it",
    );
  });
});

describe("the sink's reading of publish-options", () => {
  it.each(OBJECT_NAMES)("hands a field named %s to the App Server profile", (name) => {
    const stanza = publishWithOptions([
      [name, "v1"],
      ["secret", "s"],
    ]);
    const decision = decideSinkAnswer(stanza, { kind: "result" });
    if (!decision) throw new Error("not a publish");
    const input = publishInputOf(stanza, decision);
    expect(Object.hasOwn(input.options, name)).toBe(true);
    expect(input.options[name]).toBe("v1");
    expect(Object.keys(input.options)).toEqual([name, "secret"]);
  });

  it("keeps the first value of a repeated field and gives undefined for an absent one", () => {
    const stanza = publishWithOptions([
      ["constructor", "first"],
      ["constructor", "second"],
    ]);
    const decision = decideSinkAnswer(stanza, { kind: "result" });
    if (!decision) throw new Error("not a publish");
    const input = publishInputOf(stanza, decision);
    expect(input.options.constructor).toBe("first");
    expect(input.options.toString).toBeUndefined();
    expect(input.options.secret).toBeUndefined();
  });
});
