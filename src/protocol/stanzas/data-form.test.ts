import { describe, expect, it } from "vitest";
import { NS } from "../ns";
import { buildDataForm, dataFormFromRecord, formTypeOf, formValue, formValues, isDataForm, parseDataForm } from "./data-form";
import { parseXml } from "./parse";

// Publish options from XEP-0357 §6 / docs/push-semantics.md A.2.
const PUBLISH_OPTIONS = `<x xmlns='jabber:x:data' type='submit'>
  <field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>
  <field var='secret'><value>eruio234vzxc2kla-91</value></field>
</x>`;

describe("parseDataForm", () => {
  it("reads the XEP-0357 publish-options form", () => {
    const form = parseDataForm(parseXml(PUBLISH_OPTIONS));
    expect(form).toEqual({
      type: "submit",
      fields: [
        { var: "FORM_TYPE", values: [NS.pubsubPublishOptions] },
        { var: "secret", values: ["eruio234vzxc2kla-91"] },
      ],
    });
    expect(formTypeOf(form)).toBe(NS.pubsubPublishOptions);
    expect(formValue(form, "secret")).toBe("eruio234vzxc2kla-91");
    expect(formValue(form, "missing")).toBeUndefined();
  });

  it("keeps multi-valued fields, empty fields and order; skips fields without var", () => {
    const form = parseDataForm(
      parseXml(`<x xmlns='jabber:x:data' type='form'>
        <field type='fixed'><value>a label</value></field>
        <field var='list' type='list-multi'><value>a</value><value>b</value><option><value>c</value></option></field>
        <field var='empty'/>
        <field var='blank'><value/></field>
      </x>`),
    );
    expect(form.type).toBe("form");
    expect(form.fields).toEqual([
      { var: "list", values: ["a", "b"] },
      { var: "empty", values: [] },
      { var: "blank", values: [""] },
    ]);
    expect(formValues(form, "list")).toEqual(["a", "b"]);
    expect(formValues(form, "nope")).toEqual([]);
  });

  it("has no type when the form has none (Tigase's summary)", () => {
    expect(parseDataForm(parseXml("<x xmlns='jabber:x:data'/>"))).toEqual({ fields: [] });
  });

  it("ignores fields and values in other namespaces", () => {
    const form = parseDataForm(
      parseXml(`<x xmlns='jabber:x:data'>
        <field xmlns='urn:evil' var='a'><value>1</value></field>
        <field var='b'><value xmlns='urn:evil'>2</value><value>3</value></field>
      </x>`),
    );
    expect(form.fields).toEqual([{ var: "b", values: ["3"] }]);
  });

  it("does not throw on things that are not forms", () => {
    expect(parseDataForm(parseXml("<message><body>hi</body></message>"))).toEqual({ fields: [] });
    expect(parseDataForm(null as never)).toEqual({ fields: [] });
  });

  it("keeps markup in values as text", () => {
    const form = parseDataForm(parseXml("<x xmlns='jabber:x:data'><field var='b'><value>&lt;script&gt;alert(1)&lt;/script&gt;</value></field></x>"));
    expect(formValue(form, "b")).toBe("<script>alert(1)</script>");
  });
});

describe("buildDataForm", () => {
  it("round-trips through XML text", () => {
    const form = {
      type: "submit",
      fields: [
        { var: "FORM_TYPE", values: [NS.pubsubPublishOptions] },
        { var: "multi", values: ["x", "y & <z>"] },
        { var: "none", values: [] },
      ],
    };
    const element = buildDataForm(form);
    expect(isDataForm(element)).toBe(true);
    expect(parseDataForm(parseXml(element.toString()))).toEqual(form);
  });

  it("writes no type attribute when the form has none", () => {
    const element = buildDataForm({ fields: [{ var: "a", values: ["1"] }] });
    expect(element.attrs.type).toBeUndefined();
    expect(element.toString()).toBe('<x xmlns="jabber:x:data"><field var="a"><value>1</value></field></x>');
  });
});

describe("dataFormFromRecord", () => {
  it("puts FORM_TYPE first", () => {
    expect(dataFormFromRecord({ secret: "s" }, NS.pubsubPublishOptions)).toEqual({
      type: "submit",
      fields: [
        { var: "FORM_TYPE", values: [NS.pubsubPublishOptions] },
        { var: "secret", values: ["s"] },
      ],
    });
  });

  it("prefers an explicit FORM_TYPE key and still puts it first", () => {
    const form = dataFormFromRecord({ secret: "s", FORM_TYPE: "urn:custom" }, NS.pubsubPublishOptions);
    expect(form.fields.map((f) => f.var)).toEqual(["FORM_TYPE", "secret"]);
    expect(formTypeOf(form)).toBe("urn:custom");
  });
});
