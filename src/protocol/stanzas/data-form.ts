/** XEP-0004 data forms as plain `DataForm` values (publish-options, the push summary). */
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import type { DataForm } from "../policy/types";
import { attrOf, el, findChildren, isElement, localName, nsOf, textOf } from "./xml-util";

export const FORM_TYPE = "FORM_TYPE";

export function isDataForm(x: unknown): x is Element {
  return isElement(x) && localName(x) === "x" && nsOf(x) === NS.dataForms;
}

/**
 * Reads every `<field var>` with its `<value>`s, in document order. Fields without `var` (only
 * `fixed` fields may omit it) carry no data and are skipped; `<reported>`/`<item>` of result forms
 * are ignored. Never throws.
 */
export function parseDataForm(x: Element): DataForm {
  const form: DataForm = { fields: [] };
  if (!isElement(x)) return form;
  const type = attrOf(x, "type");
  if (type !== undefined) form.type = type;
  for (const field of findChildren(x, "field", NS.dataForms)) {
    const name = attrOf(field, "var");
    if (name === undefined) continue;
    form.fields.push({ var: name, values: findChildren(field, "value", NS.dataForms).map(textOf) });
  }
  return form;
}

/** `<x xmlns='jabber:x:data'>`; the `type` attribute only when the form has one (Tigase sends none). */
export function buildDataForm(form: DataForm): Element {
  return el(
    "x",
    { xmlns: NS.dataForms, type: form.type },
    ...form.fields.map((f) => el("field", { var: f.var }, ...f.values.map((v) => el("value", {}, v)))),
  );
}

/** First value of the field, or undefined when the field is absent or has no value. */
export function formValue(form: DataForm, name: string): string | undefined {
  return form.fields.find((f) => f.var === name)?.values[0];
}

/** All values of the field ([] when absent). */
export function formValues(form: DataForm, name: string): string[] {
  return form.fields.find((f) => f.var === name)?.values ?? [];
}

/** The form's FORM_TYPE value. */
export function formTypeOf(form: DataForm): string | undefined {
  return formValue(form, FORM_TYPE);
}

/**
 * A submit form from simple key/value pairs, FORM_TYPE first (a `FORM_TYPE` key wins over the
 * `formType` argument).
 */
export function dataFormFromRecord(record: Record<string, string>, formType?: string): DataForm {
  const fields: DataForm["fields"] = [];
  const explicit = Object.prototype.hasOwnProperty.call(record, FORM_TYPE) ? record[FORM_TYPE] : formType;
  if (explicit !== undefined) fields.push({ var: FORM_TYPE, values: [explicit] });
  for (const [name, value] of Object.entries(record)) {
    if (name !== FORM_TYPE) fields.push({ var: name, values: [value] });
  }
  return { type: "submit", fields };
}
