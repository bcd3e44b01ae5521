import { describe, expect, it } from "vitest";
import { lintEnable, lintEnableElement, lintEnableForm, type EnableLintResult } from "./enable-lint";
import { parseXml } from "./parse";

const SINK = "pushsvc@localhost/sink";
const SENDER = "alice@localhost/phone";
const CTX = { sinkJid: SINK, senderFullJid: SENDER };
const PUBSUB_OPTIONS = "http://jabber.org/protocol/pubsub#publish-options";

function lint(xml: string): EnableLintResult {
  const result = lintEnableElement(parseXml(xml), CTX);
  if (!result) throw new Error("expected an enable");
  return result;
}

const codes = (r: EnableLintResult) => r.findings.map((f) => f.code);
const refusedBy = (r: EnableLintResult) => r.acceptance.filter((a) => a.refusal).map((a) => a.policy);

describe("lintEnableElement", () => {
  it("finds nothing wrong in the A.2 example pointed at the sink", () => {
    const r = lint(`<iq type='set' id='x42'>
      <enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='yxs32uqsflafdk3iuqo' away='true'>
        <x xmlns='jabber:x:data' type='submit'>
          <field var='FORM_TYPE'><value>${PUBSUB_OPTIONS}</value></field>
          <field var='secret'><value>eruio234vzxc2kla-91</value></field>
        </x>
      </enable>
    </iq>`);
    expect(codes(r)).toEqual(["accepted-by"]);
    expect(r.findings[0]).toMatchObject({ severity: "info", message: "All four policies (spec, tigase, prosody, ejabberd) would accept it." });
    expect(refusedBy(r)).toEqual([]);
  });

  it("flags a publish-options form without type='submit' (stanza PR #301)", () => {
    const r = lint(`<iq type='set' id='e1'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n1'>
      <x xmlns='jabber:x:data'><field var='FORM_TYPE'><value>${PUBSUB_OPTIONS}</value></field><field var='secret'><value>s</value></field></x>
    </enable></iq>`);
    expect(codes(r)).toContain("form-type-missing");
    const f = r.findings.find((x) => x.code === "form-type-missing")!;
    expect(f.severity).toBe("error");
    expect(f.ref.label).toBe("XEP-0357 §6 (publish options)");
    expect(f.ref.url).toBe("https://xmpp.org/extensions/xep-0357.html#enabling");
  });

  it("flags type='form' (ejabberd #2048)", () => {
    const r = lint(`<iq type='set' id='e2'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n1'>
      <x xmlns='jabber:x:data' type='form'><field var='FORM_TYPE' type='hidden'><value>${PUBSUB_OPTIONS}</value></field></x>
    </enable></iq>`);
    expect(r.findings.find((x) => x.code === "form-not-submit")).toMatchObject({ severity: "error", message: "The publish-options form has type='form'; it must be type='submit'." });
    expect(codes(r)).not.toContain("form-type-field-not-hidden");
  });

  it("flags a form with no FORM_TYPE (MongooseIM #3380), a wrong FORM_TYPE, a non-hidden FORM_TYPE and duplicates", () => {
    const none = lint(`<iq type='set' id='e3'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n1'>
      <x xmlns='jabber:x:data' type='submit'><field var='secret'><value>s</value></field></x>
    </enable></iq>`);
    expect(codes(none)).toContain("form-type-field-missing");

    const wrong = lint(`<iq type='set' id='e4'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n1'>
      <x xmlns='jabber:x:data' type='submit'>
        <field var='FORM_TYPE' type='text-single'><value>urn:xmpp:push:summary</value></field>
        <field var='secret'><value>a</value></field><field var='secret'><value>b</value></field>
      </x>
    </enable></iq>`);
    expect(codes(wrong)).toEqual(expect.arrayContaining(["form-type-field-wrong", "form-type-field-not-hidden", "duplicate-field"]));
    expect(wrong.findings.find((f) => f.code === "duplicate-field")!.message).toBe("The publish-options field 'secret' appears 2 times; each field may appear once.");
  });

  it("flags a missing node and says which servers refuse it, asking each policy", () => {
    const r = lint(`<iq type='set' id='e5'><enable xmlns='urn:xmpp:push:0' jid='${SINK}'/></iq>`);
    expect(codes(r)).toContain("node-missing");
    expect(refusedBy(r)).toEqual(["spec", "tigase", "ejabberd"]);
    expect(r.findings.find((f) => f.code === "refused-by-ejabberd")!.message).toBe(
      'ejabberd would refuse it with cancel/feature-not-implemented ("Enabling push without \'node\' attribute is not supported").',
    );
    expect(r.findings.find((f) => f.code === "accepted-by")!.message).toBe("Accepted by prosody.");
  });

  it("flags a missing jid and an invalid one", () => {
    expect(codes(lint(`<iq type='set' id='e6'><enable xmlns='urn:xmpp:push:0' node='n'/></iq>`))).toContain("jid-missing");
    const bad = lint(`<iq type='set' id='e7'><enable xmlns='urn:xmpp:push:0' jid='a@@b' node='n'/></iq>`);
    expect(bad.findings[0]).toMatchObject({ severity: "error", code: "jid-invalid" });
    expect(refusedBy(bad)).toEqual(["spec", "tigase", "ejabberd"]);
  });

  it("wants the sink's full JID: a bare one is answered by PEP, another JID is not observed", () => {
    const bare = lint(`<iq type='set' id='e8'><enable xmlns='urn:xmpp:push:0' jid='pushsvc@localhost' node='n'/></iq>`);
    expect(bare.findings[0]).toMatchObject({ severity: "error", code: "jid-bare-sink", ref: { label: "XEP-0357 §6", doc: "docs/push-semantics.md §0.3" } });
    expect(bare.findings[0]!.message).toContain("Use the full JID pushsvc@localhost/sink");
    const other = lint(`<iq type='set' id='e9'><enable xmlns='urn:xmpp:push:0' jid='push.example.org' node='n'/></iq>`);
    expect(other.findings.find((f) => f.code === "jid-not-sink")).toMatchObject({ severity: "info" });
  });

  it("checks the iq type: a get is refused by ejabberd and Prosody, processed by Tigase", () => {
    const r = lint(`<iq type='get' id='e10'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n'/></iq>`);
    expect(r.findings[0]).toMatchObject({ severity: "error", code: "iq-type" });
    expect(refusedBy(r)).toEqual(["spec", "prosody", "ejabberd"]);
    expect(r.acceptance.find((a) => a.policy === "prosody")!.refusal).toEqual({ type: "cancel", condition: "service-unavailable" });
  });

  it("checks away: only true/false/1/0, and '1' is not Tigase's true", () => {
    const yes = lint(`<iq type='set' id='e11'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n' away='yes'/></iq>`);
    expect(yes.findings[0]).toMatchObject({ severity: "error", code: "away-value" });
    expect(yes.findings[0]!.message).toBe("away='yes' is not a boolean: use 'true', 'false', '1' or '0' (no policy stores the away flag for it).");
    const one = lint(`<iq type='set' id='e12'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n' away='1'/></iq>`);
    expect(one.findings[0]).toMatchObject({ severity: "warning", code: "away-numeric" });
    expect(one.findings[0]!.message).toContain("the away flag is stored on by spec only");
    expect(codes(lint(`<iq type='set' id='e13'><enable xmlns='urn:xmpp:push:0' jid='${SINK}' node='n' away='false'/></iq>`))).toEqual(["accepted-by"]);
  });

  it("knows Prosody refuses the sender's own full JID", () => {
    const r = lint(`<iq type='set' id='e14'><enable xmlns='urn:xmpp:push:0' jid='${SENDER}' node='n'/></iq>`);
    expect(refusedBy(r)).toEqual(["prosody"]);
  });

  it("returns null for an iq without enable", () => {
    expect(lintEnableElement(parseXml(`<iq type='set' id='d'><disable xmlns='urn:xmpp:push:0' jid='${SINK}'/></iq>`), CTX)).toBeNull();
    expect(lintEnableElement(parseXml(`<message><enable xmlns='urn:xmpp:push:0' jid='${SINK}'/></message>`), CTX)).toBeNull();
  });
});

describe("lintEnable", () => {
  it("orders findings most severe first", () => {
    const r = lintEnable({ iqType: "set", jid: SINK, away: "1", publishOptions: { fields: [] } }, CTX);
    const severities = r.findings.map((f) => f.severity);
    expect(severities).toEqual([...severities].sort((a, b) => ["error", "warning", "info"].indexOf(a) - ["error", "warning", "info"].indexOf(b)));
    expect(severities[0]).toBe("error");
  });
});

describe("lintEnableForm", () => {
  const form = { jid: "", node: "n-1", away: false, publishOptions: [] };

  it("lints what the form sends: the sink by default, FORM_TYPE and type='submit' added", () => {
    expect(codes(lintEnableForm(form, CTX))).toEqual(["accepted-by"]);
    expect(codes(lintEnableForm({ ...form, publishOptions: [{ var: "secret", value: "s" }] }, CTX))).toEqual(["accepted-by"]);
  });

  it("flags duplicate rows, a user FORM_TYPE that is wrong, an unnamed row and a bare sink JID", () => {
    const dup = lintEnableForm({ ...form, publishOptions: [{ var: "secret", value: "a" }, { var: "secret ", value: "b" }] }, CTX);
    expect(codes(dup)).toContain("duplicate-field");
    expect(codes(lintEnableForm({ ...form, publishOptions: [{ var: "FORM_TYPE", value: "urn:x" }] }, CTX))).toContain("form-type-field-wrong");
    expect(codes(lintEnableForm({ ...form, publishOptions: [{ var: " ", value: "v" }] }, CTX))[0]).toBe("field-unnamed");
    expect(codes(lintEnableForm({ ...form, jid: "pushsvc@localhost" }, CTX))[0]).toBe("jid-bare-sink");
  });

  it("does not flag a blank node: the playground sends a fresh one", () => {
    expect(codes(lintEnableForm({ ...form, node: "  " }, CTX))).toEqual(["accepted-by"]);
  });
});
