import { describe, expect, it } from "vitest";
import xml from "@xmpp/xml";
import { NS } from "../ns";
import { parseXml } from "./parse";
import {
  buildDisable,
  buildEnable,
  buildPushPublish,
  buildRemoteDisable,
  isParseFailure,
  parseDisable,
  parseEnable,
  parsePushPublish,
  parseRemoteDisable,
} from "./push";
import type { ParsedPushPublish } from "./push";
import { parseFrame } from "../test-support/frames";

/** Narrows a parse result to success, failing the test with the parser's message otherwise. */
function ok(result: ReturnType<typeof parsePushPublish>): ParsedPushPublish {
  if (isParseFailure(result)) throw new Error(`expected a parsed publish, got: ${result.error}`);
  return result;
}

// Design A.2 (XEP-0357 §6 + T-SPEC away.md §4.2).
const ENABLE_WITH_AWAY = `<iq type='set' id='x42'>
  <enable xmlns='urn:xmpp:push:0' jid='push-5.client.example' node='yxs32uqsflafdk3iuqo' away='true'>
    <x xmlns='jabber:x:data' type='submit'>
      <field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
      <field var='secret'><value>eruio234vzxc2kla-91</value></field>
    </x>
  </enable>
</iq>`;

// Design A.4 (XEP-0357 §8 example, with Tigase's priority child).
const XEP_PUBLISH = `<iq type='set' from='example.com' to='push-5.client.example' id='n12' xmlns='jabber:client'>
  <pubsub xmlns='http://jabber.org/protocol/pubsub'>
    <publish node='yxs32uqsflafdk3iuqo'>
      <item>
        <notification xmlns='urn:xmpp:push:0'>
          <x xmlns='jabber:x:data'>
            <field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field>
            <field var='message-count'><value>1</value></field>
            <field var='last-message-sender'><value>juliet@capulet.example/balcony</value></field>
            <field var='last-message-body'><value>Wherefore art thou, Romeo?</value></field>
          </x>
          <priority xmlns='tigase:push:priority:0'>high</priority>
        </notification>
      </item>
    </publish>
    <publish-options>
      <x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
        <field var='secret'><value>eruio234vzxc2kla-91</value></field>
      </x>
    </publish-options>
  </pubsub>
</iq>`;

function publishWith(notificationChildren: string, publishAttrs = " node='n1'"): string {
  return `<iq type='set' from='localhost' to='pushsvc@localhost/sink' id='p1' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish${publishAttrs}><item><notification xmlns='urn:xmpp:push:0'>${notificationChildren}</notification></item></publish></pubsub></iq>`;
}

function summaryForm(fields: Record<string, string>, type?: string): string {
  const fieldXml = Object.entries(fields)
    .map(([k, v]) => `<field var='${k}'><value>${v}</value></field>`)
    .join("");
  return `<x xmlns='jabber:x:data'${type ? ` type='${type}'` : ""}><field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field>${fieldXml}</x>`;
}

describe("enable", () => {
  it("parses the enable of docs/push-semantics.md A.2 with away and publish options", () => {
    expect(parseEnable(parseXml(ENABLE_WITH_AWAY))).toEqual({
      jid: "push-5.client.example",
      node: "yxs32uqsflafdk3iuqo",
      away: "true",
      iqType: "set",
      publishOptions: {
        type: "submit",
        fields: [
          { var: "FORM_TYPE", values: [NS.pubsubPublishOptions] },
          { var: "secret", values: ["eruio234vzxc2kla-91"] },
        ],
      },
    });
  });

  it("builds the same stanza it parses", () => {
    const built = buildEnable({
      jid: "push-5.client.example",
      node: "yxs32uqsflafdk3iuqo",
      away: true,
      publishOptions: { secret: "eruio234vzxc2kla-91" },
      id: "x42",
    });
    expect(parseEnable(parseXml(built.toString()))).toEqual(parseEnable(parseXml(ENABLE_WITH_AWAY)));
    expect(built.attrs).toEqual({ type: "set", id: "x42" });
  });

  it("maps away: true to 'true', false/absent to no attribute, and passes strings verbatim", () => {
    const awayOf = (away?: boolean | string) => buildEnable({ jid: "s@h/r", node: "n", away }).getChild("enable")?.attrs.away;
    expect(awayOf(true)).toBe("true");
    expect(awayOf(false)).toBeUndefined();
    expect(awayOf(undefined)).toBeUndefined();
    expect(awayOf("1")).toBe("1");
    expect(awayOf("false")).toBe("false");
  });

  it("omits node and form when not given, and can send an iq get", () => {
    const built = buildEnable({ jid: "pushsvc@localhost/sink", type: "get" });
    expect(built.toString()).toBe('<iq type="get"><enable xmlns="urn:xmpp:push:0" jid="pushsvc@localhost/sink"/></iq>');
    expect(parseEnable(built)).toEqual({ jid: "pushsvc@localhost/sink", iqType: "get", publishOptions: null });
  });

  it("gives a DataForm without type the submit type", () => {
    const built = buildEnable({ jid: "s", node: "n", publishOptions: { fields: [{ var: "FORM_TYPE", values: [NS.pubsubPublishOptions] }] } });
    expect(parseEnable(built)?.publishOptions?.type).toBe("submit");
  });

  it("reports raw attributes of a hostile enable without judging them", () => {
    const parsed = parseEnable(parseXml("<iq type='set' id='1'><enable xmlns='urn:xmpp:push:0' away='yes' node=''/></iq>"));
    expect(parsed).toEqual({ node: "", away: "yes", iqType: "set", publishOptions: null });
  });

  it("returns null without an enable in the push namespace", () => {
    expect(parseEnable(parseXml("<iq type='set' id='1'><enable xmlns='urn:xmpp:sm:3'/></iq>"))).toBeNull();
    expect(parseEnable(parseXml("<iq type='set' id='1'><disable xmlns='urn:xmpp:push:0' jid='a'/></iq>"))).toBeNull();
    expect(parseEnable(parseXml("<iq type='set' id='1'/>"))).toBeNull();
  });

  it("accepts a prefixed enable (namespaces, not spelling, decide)", () => {
    const parsed = parseEnable(parseXml("<iq type='set' id='1'><p:enable xmlns:p='urn:xmpp:push:0' jid='a' node='b'/></iq>"));
    expect(parsed).toMatchObject({ jid: "a", node: "b" });
  });
});

describe("disable", () => {
  it("parses both XEP §7 forms", () => {
    expect(parseDisable(parseXml("<iq type='set' id='x97'><disable xmlns='urn:xmpp:push:0' jid='push-5.client.example' node='yxs32uqsflafdk3iuqo'/></iq>"))).toEqual({
      jid: "push-5.client.example",
      node: "yxs32uqsflafdk3iuqo",
      iqType: "set",
    });
    expect(parseDisable(parseXml("<iq type='set' id='x98'><disable xmlns='urn:xmpp:push:0' jid='push-5.client.example'/></iq>"))).toEqual({
      jid: "push-5.client.example",
      iqType: "set",
    });
  });

  it("builds what it parses", () => {
    const built = buildDisable({ jid: "pushsvc@localhost/sink", node: "n1", id: "d1" });
    expect(built.toString()).toBe('<iq type="set" id="d1"><disable xmlns="urn:xmpp:push:0" jid="pushsvc@localhost/sink" node="n1"/></iq>');
    expect(parseDisable(built)).toEqual({ jid: "pushsvc@localhost/sink", node: "n1", iqType: "set" });
  });

  it("returns null for other payloads", () => {
    expect(parseDisable(parseXml("<iq type='set' id='1'><enable xmlns='urn:xmpp:push:0' jid='a'/></iq>"))).toBeNull();
  });
});

describe("parsePushPublish", () => {
  it("reads the XEP-0357 §8 example as xmpp.js delivers it", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(XEP_PUBLISH)));
    expect(parsed).toEqual({
      id: "n12",
      from: "example.com",
      to: "push-5.client.example",
      node: "yxs32uqsflafdk3iuqo",
      summary: {
        messageCount: 1,
        lastMessageSender: "juliet@capulet.example/balcony",
        lastMessageBody: "Wherefore art thou, Romeo?",
        otherFields: [],
      },
      publishOptions: {
        type: "submit",
        fields: [
          { var: "FORM_TYPE", values: [NS.pubsubPublishOptions] },
          { var: "secret", values: ["eruio234vzxc2kla-91"] },
        ],
      },
      extraChildren: ["{tigase:push:priority:0}priority"],
      extraDetails: [{ name: "priority", ns: "tigase:push:priority:0", text: "high" }],
      warnings: [],
    });
  });

  it("reads Prosody's form: type='form', declared-but-empty fields read as absent", async () => {
    const frame = publishWith(
      `<x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE'><value>urn:xmpp:push:summary</value></field><field var='message-count'><value>1</value></field><field var='pending-subscription-count'/><field var='last-message-sender'/><field var='last-message-body'><value>New Message!</value></field></x>`,
    );
    const parsed = ok(parsePushPublish(await parseFrame(frame)));
    expect(parsed.summary).toEqual({ formType: "form", messageCount: 1, lastMessageBody: "New Message!", otherFields: [] });
    expect(parsed.warnings).toEqual([]);
  });

  it("reads ejabberd's submit form without message-count", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "last-message-body": "New message" }, "submit")))));
    expect(parsed.summary).toEqual({ formType: "submit", lastMessageBody: "New message", otherFields: [] });
  });

  it("reads Tigase's 'messages retrieved' notification (message-count 0)", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "message-count": "0" })))));
    expect(parsed.summary).toEqual({ messageCount: 0, otherFields: [] });
  });

  it("reads a notification without a form as summary null", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(""))));
    expect(parsed.summary).toBeNull();
    expect(parsed.publishOptions).toBeNull();
    expect(parsed.extraChildren).toEqual([]);
  });

  it("keeps unknown summary fields and pending-subscription-count", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "pending-subscription-count": "3", "x-custom": "v" })))));
    expect(parsed.summary).toEqual({ pendingSubscriptionCount: 3, otherFields: [{ var: "x-custom", values: ["v"] }] });
  });

  it("keeps markup in bodies as text", async () => {
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "last-message-body": "&lt;script&gt;alert('x')&lt;/script&gt; &amp; more" })))));
    expect(parsed.summary?.lastMessageBody).toBe("<script>alert('x')</script> & more");
  });

  it("warns, without failing, on deviations it can still read", async () => {
    const noNode = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "message-count": "2" }), ""))));
    expect(noNode.node).toBe("");
    expect(noNode.warnings).toEqual(["<publish> has no node (XEP-0357 requires the node given at enable)"]);

    const wrongFormType = ok(
      parsePushPublish(
        await parseFrame(publishWith("<x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>urn:other</value></field><field var='message-count'><value>4</value></field></x>")),
      ),
    );
    expect(wrongFormType.summary?.messageCount).toBe(4);
    expect(wrongFormType.warnings).toEqual(["summary form FORM_TYPE is 'urn:other', expected 'urn:xmpp:push:summary'"]);

    const twoValues = ok(
      parsePushPublish(await parseFrame(publishWith(summaryForm({}).replace("</x>", "<field var='last-message-body'><value>a</value><value>b</value></field></x>")))),
    );
    expect(twoValues.summary?.lastMessageBody).toBe("a");
    expect(twoValues.warnings).toEqual(["field last-message-body has 2 values; the first is read"]);
  });

  it("picks the summary form among several forms", async () => {
    const parsed = ok(
      parsePushPublish(
        await parseFrame(publishWith(`<x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>urn:other</value></field></x>${summaryForm({ "message-count": "7" })}`)),
      ),
    );
    expect(parsed.summary?.messageCount).toBe(7);
    expect(parsed.warnings).toEqual(["2 data forms in <notification>; only the summary is read"]);
  });

  it.each([
    ["not an iq", "<message id='1'/>", "not an <iq> (got <message>)"],
    ["iq get", "<iq type='get' id='1'/>", "iq type is 'get', expected 'set'"],
    ["no type", "<iq id='1'/>", "iq has no type, expected 'set'"],
    ["no id", "<iq type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'/></iq>", "iq has no id"],
    ["no pubsub", "<iq type='set' id='1'/>", "no <pubsub xmlns='http://jabber.org/protocol/pubsub'> element"],
    ["pubsub in the wrong namespace", "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub#owner'/></iq>", "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'> has the wrong namespace, expected 'http://jabber.org/protocol/pubsub'"],
    ["no publish", "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='n'/></pubsub></iq>", "no <publish> element"],
    ["no item", "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'/></pubsub></iq>", "no <item> in <publish>"],
    ["no notification", "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'><item><entry/></item></publish></pubsub></iq>", "no <notification xmlns='urn:xmpp:push:0'> in <item>"],
    ["notification in the wrong namespace", "<iq type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='n'><item><notification xmlns='urn:xmpp:push:1'/></item></publish></pubsub></iq>", "<notification xmlns='urn:xmpp:push:1'> has the wrong namespace, expected 'urn:xmpp:push:0'"],
  ])("fails with a specific message: %s", (_label, stanza, error) => {
    expect(parsePushPublish(parseXml(stanza))).toEqual({ error });
  });

  it.each([
    ["x", "message-count is not a non-negative integer: 'x'"],
    ["-1", "message-count is not a non-negative integer: '-1'"],
    ["1.5", "message-count is not a non-negative integer: '1.5'"],
    ["1e3", "message-count is not a non-negative integer: '1e3'"],
    ["99999999999999999999999", "message-count is not a non-negative integer: '99999999999999999999999'"],
  ])("rejects message-count %s", async (value, error) => {
    expect(parsePushPublish(await parseFrame(publishWith(summaryForm({ "message-count": value }))))).toEqual({ error });
  });

  it("accepts a count with surrounding whitespace and cuts long values in messages", async () => {
    expect(ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "message-count": " 12 " }))))).summary?.messageCount).toBe(12);
    const long = "9".repeat(80) + "z";
    const result = parsePushPublish(await parseFrame(publishWith(summaryForm({ "pending-subscription-count": long }))));
    expect(result).toEqual({ error: `pending-subscription-count is not a non-negative integer: '${long.slice(0, 60)}…'` });
  });

  it("never throws on hand-built garbage", () => {
    const garbage = [
      null,
      undefined,
      "a string",
      42,
      {},
      { name: "iq", attrs: null, children: null },
      xml("iq", { type: "set", id: "1" }, xml("pubsub", { xmlns: NS.pubsub }, xml("publish", { node: "n" }, xml("item", {}, xml("notification", { xmlns: NS.push }, "text", xml("x", { xmlns: NS.dataForms }, xml("field", {}))))))),
    ];
    for (const input of garbage) {
      expect(() => parsePushPublish(input as never)).not.toThrow();
      expect(parsePushPublish(input as never)).toBeTypeOf("object");
    }
  });

  it("survives deep nesting inside the notification", async () => {
    const deep = "<a>".repeat(5000) + "</a>".repeat(5000);
    const parsed = ok(parsePushPublish(await parseFrame(publishWith(summaryForm({ "message-count": "1" }) + deep))));
    // An unqualified child inherits the notification's namespace.
    expect(parsed.extraChildren).toEqual(["{urn:xmpp:push:0}a"]);
  });
});

describe("buildPushPublish", () => {
  it("builds the XEP §8 publish and reads back the same", () => {
    const publish = buildPushPublish({
      id: "n12",
      from: "example.com",
      to: "push-5.client.example",
      node: "yxs32uqsflafdk3iuqo",
      summary: { messageCount: 1, lastMessageSender: "juliet@capulet.example/balcony", lastMessageBody: "Wherefore art thou, Romeo?" },
      publishOptions: { type: "submit", fields: [{ var: "FORM_TYPE", values: [NS.pubsubPublishOptions] }, { var: "secret", values: ["eruio234vzxc2kla-91"] }] },
      extra: [xml("priority", { xmlns: "tigase:push:priority:0" }, "high")],
    });
    expect(ok(parsePushPublish(parseXml(publish.toString())))).toEqual(ok(parsePushPublish(parseXml(XEP_PUBLISH))));
    expect(publish.toString()).toBe(
      '<iq type="set" id="n12" from="example.com" to="push-5.client.example"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="yxs32uqsflafdk3iuqo"><item><notification xmlns="urn:xmpp:push:0"><x xmlns="jabber:x:data"><field var="FORM_TYPE"><value>urn:xmpp:push:summary</value></field><field var="message-count"><value>1</value></field><field var="last-message-sender"><value>juliet@capulet.example/balcony</value></field><field var="last-message-body"><value>Wherefore art thou, Romeo?</value></field></x><priority xmlns="tigase:push:priority:0">high</priority></notification></item></publish><publish-options><x xmlns="jabber:x:data" type="submit"><field var="FORM_TYPE"><value>http://jabber.org/protocol/pubsub#publish-options</value></field><field var="secret"><value>eruio234vzxc2kla-91</value></field></x></publish-options></pubsub></iq>',
    );
  });

  it("writes the form type only when set, and only present fields", () => {
    const publish = buildPushPublish({ id: "p", from: "localhost", to: "s@localhost/sink", node: "n", summary: { messageCount: 0, formType: "submit" }, publishOptions: null });
    const parsed = ok(parsePushPublish(publish));
    expect(parsed.summary).toEqual({ formType: "submit", messageCount: 0, otherFields: [] });
    expect(publish.getChild("pubsub")?.getChild("publish-options")).toBeUndefined();
  });

  it("leaves the form out when no summary field is set", () => {
    const publish = buildPushPublish({ id: "p", from: "localhost", to: "s@localhost/sink", node: "n", summary: { formType: "form" }, publishOptions: null });
    expect(publish.toString()).toContain('<notification xmlns="urn:xmpp:push:0"/>');
    expect(ok(parsePushPublish(publish)).summary).toBeNull();
  });

  it("echoes publish options as a submit form even if stored with another type", () => {
    const publish = buildPushPublish({ id: "p", from: "localhost", to: "s", node: "n", summary: { messageCount: 1 }, publishOptions: { type: "form", fields: [{ var: "secret", values: ["s3"] }] } });
    expect(ok(parsePushPublish(publish)).publishOptions).toEqual({ type: "submit", fields: [{ var: "secret", values: ["s3"] }] });
  });

  it("escapes hostile bodies", () => {
    const publish = buildPushPublish({ id: "p", from: "localhost", to: "s", node: "n", summary: { lastMessageBody: "</value><script>x</script>" }, publishOptions: null });
    expect(publish.toString()).toContain("&lt;/value&gt;&lt;script&gt;x&lt;/script&gt;");
    expect(ok(parsePushPublish(parseXml(publish.toString()))).summary?.lastMessageBody).toBe("</value><script>x</script>");
  });
});

describe("remote disable (XEP §9)", () => {
  const XEP_REMOTE_DISABLE = `<message from='push-5.client.example' to='alice@example.com'>
    <pubsub xmlns='http://jabber.org/protocol/pubsub' node='yxs32uqsflafdk3iuqo'>
      <affiliation jid='alice@example.com' affiliation='none'/>
    </pubsub>
  </message>`;

  it("parses the XEP example into the registration key", () => {
    expect(parseRemoteDisable(parseXml(XEP_REMOTE_DISABLE))).toEqual({ node: "yxs32uqsflafdk3iuqo", jid: "push-5.client.example", account: "alice@example.com" });
  });

  it("round-trips", () => {
    const built = buildRemoteDisable({ from: "pushsvc@localhost/sink", to: "alice@localhost", node: "n1", account: "alice@localhost" });
    expect(parseRemoteDisable(parseXml(built.toString()))).toEqual({ node: "n1", jid: "pushsvc@localhost/sink", account: "alice@localhost" });
  });

  it("returns null for anything else", () => {
    const cases = [
      "<message from='a' to='b'><body>hi</body></message>",
      "<message to='b'><pubsub xmlns='http://jabber.org/protocol/pubsub' node='n'><affiliation jid='b' affiliation='none'/></pubsub></message>",
      "<message from='a' to='b'><pubsub xmlns='http://jabber.org/protocol/pubsub'><affiliation jid='b' affiliation='none'/></pubsub></message>",
      "<message from='a' to='b'><pubsub xmlns='http://jabber.org/protocol/pubsub' node='n'><affiliation jid='b' affiliation='member'/></pubsub></message>",
      "<message from='a' to='b'><pubsub xmlns='http://jabber.org/protocol/pubsub#event' node='n'><affiliation jid='b' affiliation='none'/></pubsub></message>",
      "<iq from='a' to='b' type='set' id='1'><pubsub xmlns='http://jabber.org/protocol/pubsub' node='n'><affiliation jid='b' affiliation='none'/></pubsub></iq>",
    ];
    for (const stanza of cases) expect(parseRemoteDisable(parseXml(stanza))).toBeNull();
  });
});
