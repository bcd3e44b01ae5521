/**
 * The enable linter: what is wrong or risky in an XEP-0357 §6 `<enable>` before (or after) it is
 * sent, and which of the four policies would accept it. Malformed enables are a common reason for
 * lost pushes (docs/push-semantics.md A.2; docs/push-ecosystem.md §3 #4: a publish-options form
 * without `type='submit'`, `type='form'`, no FORM_TYPE). Server acceptance is asked of each
 * policy's own `validateEnable`, so the linter never restates a server's rules.
 * Pure and isomorphic: no DOM, no Node.
 */
import type { Element } from "@xmpp/xml";
import { checkJid, isParsedJid } from "../jid";
import { xmlTextProblem } from "../xml-text";
import { NS } from "../ns";
import { POLICIES } from "../policy";
import { POLICY_NAMES, type DataForm, type EnableRequest, type PolicyName, type StanzaErrorSpec } from "../policy/types";
import { FORM_TYPE, isDataForm } from "./data-form";
import { parseEnable, type ParsedEnable } from "./push";
import { attrOf, childElements, findChild, findChildren, localName } from "./xml-util";

export type LintSeverity = "error" | "warning" | "info";

export interface LintReference {
  /** The spec section the link opens, e.g. "XEP-0357 §6". */
  label: string;
  url: string;
  /** The repository's own document and section that say more (not linkable from the page). */
  doc?: string;
}

export interface LintFinding {
  severity: LintSeverity;
  /** Stable identifier, e.g. `form-not-submit`. */
  code: string;
  /** One plain sentence. */
  message: string;
  ref: LintReference;
}

export interface ServerAcceptance {
  policy: PolicyName;
  /** null: the policy accepts the enable; otherwise the error it answers. */
  refusal: StanzaErrorSpec | null;
}

export interface EnableLintResult {
  findings: LintFinding[];
  acceptance: ServerAcceptance[];
}

export interface EnableLintContext {
  /** The playground's sink (a full JID), when known. */
  sinkJid?: string;
  /** Full JID of the session sending the enable (Prosody refuses a `jid` equal to it). */
  senderFullJid?: string;
}

/** What the linter reads of an enable: ParsedEnable plus what only the element shows. */
export interface EnableLintInput extends ParsedEnable {
  /** `type` attribute of the FORM_TYPE field, when the form's element was seen. */
  formTypeFieldType?: string;
  /** How many `<x xmlns='jabber:x:data'>` the `<enable>` holds (ParsedEnable keeps the first). */
  formCount?: number;
  /** Fields of the first form without a `var` (ParsedEnable skips them). */
  fieldsWithoutVar?: number;
}

export const XEP_ENABLE_REF: LintReference = { label: "XEP-0357 §6", url: "https://xmpp.org/extensions/xep-0357.html#enabling" };
export const XEP_PUBLISH_OPTIONS_REF: LintReference = { label: "XEP-0357 §6 (publish options)", url: "https://xmpp.org/extensions/xep-0357.html#enabling" };
export const DOC_ENABLE_REF: LintReference = { ...XEP_ENABLE_REF, doc: "docs/push-semantics.md A.2" };
export const DOC_SINK_REF: LintReference = { ...XEP_ENABLE_REF, doc: "docs/push-semantics.md §0.3" };
export const XEP_FIELD_REF: LintReference = { label: "XEP-0004 §3.2", url: "https://xmpp.org/extensions/xep-0004.html#protocol-field" };
export const XML_CHAR_REF: LintReference = { label: "XML 1.0 §2.2", url: "https://www.w3.org/TR/xml/#charsets" };

const AWAY_VALUES: readonly string[] = ["true", "false", "1", "0"];

function finding(severity: LintSeverity, code: string, message: string, ref: LintReference): LintFinding {
  return { severity, code, message, ref };
}

function lintIqType(iqType: string | undefined): LintFinding[] {
  if (iqType === "set") return [];
  const shown = iqType === undefined ? "no type" : `type '${iqType}'`;
  return [finding("error", "iq-type", `The iq has ${shown}; an enable must be an iq of type 'set' (ejabberd answers not-allowed, Prosody service-unavailable, Tigase processes it anyway).`, DOC_ENABLE_REF)];
}

function lintJid(jid: string | undefined, ctx: EnableLintContext): LintFinding[] {
  if (jid === undefined || jid === "") return [finding("error", "jid-missing", "The enable has no 'jid': it is mandatory, it names the push service (App Server).", XEP_ENABLE_REF)];
  const checked = checkJid(jid);
  if (!isParsedJid(checked)) {
    return [finding("error", "jid-invalid", `The 'jid' '${jid}' is not a valid JID (${checked.part ? `${checked.part}: ` : ""}${checked.problem}).`, XEP_ENABLE_REF)];
  }
  const sink = ctx.sinkJid ? checkJid(ctx.sinkJid) : null;
  if (!sink || !isParsedJid(sink)) return [];
  if (checked.full === sink.full) return [];
  if (checked.resource === "" && checked.bare === sink.bare) {
    return [finding("error", "jid-bare-sink", `'${jid}' is the sink's bare JID: the server's own PEP service answers the publish, the sink never sees it. Use the full JID ${sink.full}.`, DOC_SINK_REF)];
  }
  return [finding("info", "jid-not-sink", `'${jid}' is not the playground's sink (${sink.full}): pushes go elsewhere and the playground cannot observe them.`, DOC_SINK_REF)];
}

function lintNode(node: string | undefined): LintFinding[] {
  if (node === undefined) {
    return [finding("error", "node-missing", "The enable has no 'node': the XEP-0357 schema requires it; ejabberd refuses the enable and Tigase fails on it.", XEP_ENABLE_REF)];
  }
  if (node === "") return [finding("error", "node-empty", "The 'node' is empty: ejabberd refuses the enable (feature-not-implemented) and no App Server can route the push.", XEP_ENABLE_REF)];
  return [];
}

function awayReaders(away: string): string {
  const on = POLICY_NAMES.filter((p) => POLICIES[p].parseAwayFlag(away));
  return on.length === 0 ? "no policy stores the away flag for it" : `the away flag is stored on by ${on.join(", ")} only`;
}

function lintAway(away: string | undefined): LintFinding[] {
  if (away === undefined) return [];
  if (!AWAY_VALUES.includes(away)) {
    return [finding("error", "away-value", `away='${away}' is not a boolean: use 'true', 'false', '1' or '0' (${awayReaders(away)}).`, DOC_ENABLE_REF)];
  }
  if (away === "1") return [finding("warning", "away-numeric", `away='1' is an xs:boolean true, but Tigase compares with the string 'true': ${awayReaders(away)}.`, DOC_ENABLE_REF)];
  return [];
}

function lintForm(form: DataForm | null, formTypeFieldType: string | undefined): LintFinding[] {
  if (form === null) return [];
  const out: LintFinding[] = [];
  if (form.type === undefined) {
    out.push(finding("error", "form-type-missing", "The publish-options form has no type: it must be <x type='submit'>; ejabberd and App Servers reject the publishes that echo it.", XEP_PUBLISH_OPTIONS_REF));
  } else if (form.type !== "submit") {
    out.push(finding("error", "form-not-submit", `The publish-options form has type='${form.type}'; it must be type='submit'.`, XEP_PUBLISH_OPTIONS_REF));
  }
  const formTypes = form.fields.filter((f) => f.var === FORM_TYPE);
  const value = formTypes[0]?.values[0];
  if (formTypes.length === 0) {
    out.push(finding("error", "form-type-field-missing", `The publish-options form has no FORM_TYPE field; it must be '${NS.pubsubPublishOptions}'.`, XEP_PUBLISH_OPTIONS_REF));
  } else if (value !== NS.pubsubPublishOptions) {
    out.push(finding("error", "form-type-field-wrong", `The FORM_TYPE is '${value ?? ""}'; it must be '${NS.pubsubPublishOptions}'.`, XEP_PUBLISH_OPTIONS_REF));
  }
  if (formTypeFieldType !== undefined && formTypeFieldType !== "hidden") {
    out.push(finding("warning", "form-type-field-not-hidden", `The FORM_TYPE field has type='${formTypeFieldType}'; it should be a hidden field (or carry no type).`, XEP_PUBLISH_OPTIONS_REF));
  }
  const seen = new Map<string, number>();
  for (const f of form.fields) seen.set(f.var, (seen.get(f.var) ?? 0) + 1);
  for (const [name, n] of seen) {
    if (n > 1) out.push(finding("error", "duplicate-field", `The publish-options field '${name}' appears ${n} times; each field may appear once.`, XEP_PUBLISH_OPTIONS_REF));
  }
  return out;
}

/** What the element shows and ParsedEnable cannot: a second form, fields without a name. */
function lintFormElements(formCount: number | undefined, fieldsWithoutVar: number | undefined): LintFinding[] {
  const out: LintFinding[] = [];
  if (formCount !== undefined && formCount > 1) {
    out.push(
      finding("error", "form-repeated", `The enable carries ${formCount} publish-options forms; send one: servers read only one of them (Prosody the first) and the others are lost.`, XEP_PUBLISH_OPTIONS_REF),
    );
  }
  if (fieldsWithoutVar !== undefined && fieldsWithoutVar > 0) {
    const fields = fieldsWithoutVar === 1 ? "A publish-options <field> has" : `${fieldsWithoutVar} publish-options <field>s have`;
    out.push(finding("error", "field-without-var", `${fields} no 'var': a submitted field must name itself, and servers skip it with its value.`, XEP_FIELD_REF));
  }
  return out;
}

function toRequest(input: EnableLintInput, ctx: EnableLintContext): EnableRequest {
  return {
    // Servers read any type other than 'set' the way they read 'get'.
    iqType: input.iqType === "set" ? "set" : "get",
    ...(input.jid !== undefined ? { jid: input.jid } : {}),
    ...(input.node !== undefined ? { node: input.node } : {}),
    ...(input.away !== undefined ? { away: input.away } : {}),
    senderFullJid: ctx.senderFullJid ?? "",
  };
}

/** Each policy's own verdict on the enable (its `validateEnable`). */
export function serverAcceptance(input: EnableLintInput, ctx: EnableLintContext = {}): ServerAcceptance[] {
  const req = toRequest(input, ctx);
  return POLICY_NAMES.map((policy) => ({ policy, refusal: POLICIES[policy].validateEnable(req) }));
}

function acceptanceFindings(acceptance: readonly ServerAcceptance[]): LintFinding[] {
  const refused = acceptance.filter((a) => a.refusal !== null);
  const accepted = acceptance.filter((a) => a.refusal === null).map((a) => a.policy);
  const out = refused.map(({ policy, refusal }) =>
    finding("warning", `refused-by-${policy}`, `${policy} would refuse it with ${refusal!.type}/${refusal!.condition}${refusal!.text ? ` ("${refusal!.text}")` : ""}.`, DOC_ENABLE_REF),
  );
  out.push(
    finding(
      "info",
      "accepted-by",
      accepted.length === 0 ? "No policy would accept this enable." : accepted.length === acceptance.length ? "All four policies (spec, tigase, prosody, ejabberd) would accept it." : `Accepted by ${accepted.join(", ")}.`,
      DOC_ENABLE_REF,
    ),
  );
  return out;
}

const SEVERITY_ORDER: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

/** Findings for an enable, most severe first, and each policy's verdict. */
export function lintEnable(input: EnableLintInput, ctx: EnableLintContext = {}): EnableLintResult {
  const acceptance = serverAcceptance(input, ctx);
  const findings = [
    ...lintIqType(input.iqType),
    ...lintJid(input.jid, ctx),
    ...lintNode(input.node),
    ...lintAway(input.away),
    ...lintForm(input.publishOptions, input.formTypeFieldType),
    ...lintFormElements(input.formCount, input.fieldsWithoutVar),
    ...acceptanceFindings(acceptance),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return { findings, acceptance };
}

/** What the element shows of its publish-options beyond ParsedEnable, as written in the stanza. */
function formElementFacts(iq: Element): Pick<EnableLintInput, "formTypeFieldType" | "formCount" | "fieldsWithoutVar"> {
  const enable = findChild(iq, "enable", NS.push);
  const forms = enable ? childElements(enable).filter(isDataForm) : [];
  const fields = forms[0] ? findChildren(forms[0], "field", NS.dataForms) : [];
  const formTypeField = fields.find((f) => attrOf(f, "var") === FORM_TYPE);
  const fieldType = formTypeField ? attrOf(formTypeField, "type") : undefined;
  return {
    ...(fieldType !== undefined ? { formTypeFieldType: fieldType } : {}),
    formCount: forms.length,
    fieldsWithoutVar: fields.filter((f) => attrOf(f, "var") === undefined).length,
  };
}

/** Lints an `<iq><enable xmlns='urn:xmpp:push:0'/></iq>`; null when the element carries no enable. */
export function lintEnableElement(iq: Element, ctx: EnableLintContext = {}): EnableLintResult | null {
  if (localName(iq) !== "iq") return null;
  const parsed = parseEnable(iq);
  if (!parsed) return null;
  return lintEnable({ ...parsed, ...formElementFacts(iq) }, ctx);
}

export interface EnableFormValues {
  /** As typed; the playground sends the sink's JID when blank. */
  jid: string;
  /** As typed; the playground sends a fresh random node when blank. */
  node: string;
  away: boolean;
  /** Publish-options rows as typed (FORM_TYPE is added unless a row names it). */
  publishOptions: readonly { var: string; value: string }[];
}

/** Typed text XML does not allow: the enable action refuses it with the same check (xml-text.ts). */
function typedTextFindings(values: EnableFormValues): LintFinding[] {
  const texts: [string, string][] = [
    [values.jid, "push service JID"],
    [values.node, "node"],
    ...values.publishOptions.flatMap((r): [string, string][] => [
      [r.var, "publish-options field name"],
      [r.value, `value of publish-options field ${r.var.trim()}`],
    ]),
  ];
  return texts.flatMap(([text, field]) => {
    const problem = xmlTextProblem(text, field);
    return problem ? [finding("error", "xml-text", `${problem.message.charAt(0).toUpperCase()}${problem.message.slice(1)}; the playground will not send the enable.`, XML_CHAR_REF)] : [];
  });
}

/**
 * Lints what the playground's enable form will send: the same defaults as the enable action (the
 * sink's JID, a fresh node, `away='true'` or nothing, a submit form with FORM_TYPE first).
 */
export function lintEnableForm(values: EnableFormValues, ctx: EnableLintContext = {}): EnableLintResult {
  const rows = values.publishOptions.filter((r) => r.var.trim() !== "" || r.value !== "").map((r) => ({ var: r.var.trim(), values: [r.value] }));
  const form: DataForm | null =
    rows.length === 0 ? null : { type: "submit", fields: [...(rows.some((r) => r.var === FORM_TYPE) ? [] : [{ var: FORM_TYPE, values: [NS.pubsubPublishOptions] }]), ...rows] };
  const jid = values.jid.trim() || ctx.sinkJid;
  const result = lintEnable(
    {
      iqType: "set",
      ...(jid !== undefined && jid !== "" ? { jid } : {}),
      // A blank node is replaced by a fresh one when sent, so it is never missing on the wire.
      node: values.node.trim() || "fresh-node",
      ...(values.away ? { away: "true" } : {}),
      publishOptions: form,
    },
    ctx,
  );
  const unnamed = rows.filter((r) => r.var === "");
  if (unnamed.length > 0) {
    result.findings.unshift(finding("error", "field-unnamed", "A publish-options row has a value but no field name; the playground will not send the enable.", XEP_PUBLISH_OPTIONS_REF));
  }
  result.findings.unshift(...typedTextFindings(values));
  return result;
}
