/**
 * XEP-0357 stanzas: enable (§6), disable (§7), the notification publish (§8) and the App Server's
 * remote disable (§9), plus Tigase's `away` attribute (tigase:push:away:0). Parsers never throw:
 * the App Server sink runs them on whatever the server under test sends.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import type { DataForm, SummaryFields } from "../policy/types";
import { buildDataForm, dataFormFromRecord, FORM_TYPE, formTypeOf, isDataForm, parseDataForm } from "./data-form";
import { buildIq } from "./iq";
import { attrOf, childElements, describe, el, findChild, findChildren, isElement, localName, nsOf, quote, textOf } from "./xml-util";

// ---------------------------------------------------------------------------------------------
// enable / disable

export interface EnableOptions {
  /** Push service JID (the App Server sink). */
  jid: string;
  node?: string;
  /** true → `away='true'`; false/undefined → no attribute; a string is sent verbatim (e.g. `'1'`). */
  away?: boolean | string;
  /** A record becomes a submit form with FORM_TYPE pubsub#publish-options. */
  publishOptions?: DataForm | Record<string, string>;
  id?: string;
  /** `set` per the XEP; `get` lets the playground probe servers that do not check the type. */
  type?: "set" | "get";
  /** Tigase's device label attribute (docs/push-semantics.md A.1). */
  name?: string;
}

export function buildEnable(options: EnableOptions): Element {
  const away = options.away === true ? "true" : options.away === false ? undefined : options.away;
  const form = toPublishOptionsForm(options.publishOptions);
  return buildIq(
    { type: options.type ?? "set", id: options.id },
    el("enable", { xmlns: NS.push, jid: options.jid, node: options.node, away, name: options.name }, form && buildDataForm(form)),
  );
}

function toPublishOptionsForm(options: DataForm | Record<string, string> | undefined): DataForm | null {
  if (options === undefined) return null;
  if (isDataFormValue(options)) return options.type === undefined ? { ...options, type: "submit" } : options;
  return dataFormFromRecord(options, NS.pubsubPublishOptions);
}

function isDataFormValue(value: DataForm | Record<string, string>): value is DataForm {
  return Array.isArray((value as { fields?: unknown }).fields);
}

export interface ParsedEnable {
  /** Raw attribute values; undefined when absent. */
  jid?: string;
  node?: string;
  away?: string;
  name?: string;
  /** The publish-options form (the `<x xmlns='jabber:x:data'>` child), null when none. */
  publishOptions: DataForm | null;
  /** The iq's `type` attribute as sent (servers differ on whether `get` is accepted). */
  iqType?: string;
}

/** The `<enable xmlns='urn:xmpp:push:0'>` of an iq; null when the iq carries none. */
export function parseEnable(iq: Element): ParsedEnable | null {
  if (!isElement(iq)) return null;
  const enable = findChild(iq, "enable", NS.push);
  if (!enable) return null;
  const form = childElements(enable).find(isDataForm);
  const parsed: ParsedEnable = { publishOptions: form ? parseDataForm(form) : null };
  assignDefined(parsed, "jid", attrOf(enable, "jid"));
  assignDefined(parsed, "node", attrOf(enable, "node"));
  assignDefined(parsed, "away", attrOf(enable, "away"));
  assignDefined(parsed, "name", attrOf(enable, "name"));
  assignDefined(parsed, "iqType", attrOf(iq, "type"));
  return parsed;
}

export interface DisableOptions {
  jid: string;
  /** Absent: disable every node of that service (XEP §7). */
  node?: string;
  id?: string;
  type?: "set" | "get";
}

export function buildDisable(options: DisableOptions): Element {
  return buildIq(
    { type: options.type ?? "set", id: options.id },
    el("disable", { xmlns: NS.push, jid: options.jid, node: options.node }),
  );
}

export interface ParsedDisable {
  jid?: string;
  node?: string;
  iqType?: string;
}

export function parseDisable(iq: Element): ParsedDisable | null {
  if (!isElement(iq)) return null;
  const disable = findChild(iq, "disable", NS.push);
  if (!disable) return null;
  const parsed: ParsedDisable = {};
  assignDefined(parsed, "jid", attrOf(disable, "jid"));
  assignDefined(parsed, "node", attrOf(disable, "node"));
  assignDefined(parsed, "iqType", attrOf(iq, "type"));
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// notification publish (XEP §8)

export const SUMMARY_FIELDS = {
  messageCount: "message-count",
  pendingSubscriptionCount: "pending-subscription-count",
  lastMessageSender: "last-message-sender",
  lastMessageBody: "last-message-body",
} as const;

export interface PushPublishOptions {
  id: string;
  /** The server's domain JID (docs/push-semantics.md A.4). */
  from: string;
  /** The push service JID of the registration. */
  to: string;
  node: string;
  summary: SummaryFields;
  /** The registration's publish-options, echoed in `<publish-options>` as a submit form. */
  publishOptions: DataForm | null;
  /** Further `<notification>` children (e.g. Tigase's `<priority xmlns='tigase:push:priority:0'>`). */
  extra?: Element[];
}

/** Fields of the summary form in the XEP's order; only those that are set. */
function summaryFormFields(summary: SummaryFields): DataForm["fields"] {
  const fields: DataForm["fields"] = [];
  if (summary.messageCount !== undefined) fields.push({ var: SUMMARY_FIELDS.messageCount, values: [String(summary.messageCount)] });
  if (summary.lastMessageSender !== undefined) fields.push({ var: SUMMARY_FIELDS.lastMessageSender, values: [summary.lastMessageSender] });
  if (summary.lastMessageBody !== undefined) fields.push({ var: SUMMARY_FIELDS.lastMessageBody, values: [summary.lastMessageBody] });
  return fields;
}

export function buildPushPublish(options: PushPublishOptions): Element {
  const fields = summaryFormFields(options.summary);
  const summaryForm =
    fields.length > 0
      ? buildDataForm({
          ...(options.summary.formType !== undefined ? { type: options.summary.formType } : {}),
          fields: [{ var: FORM_TYPE, values: [NS.pushSummary] }, ...fields],
        })
      : null;
  const publishOptions =
    options.publishOptions !== null
      ? el("publish-options", {}, buildDataForm({ type: "submit", fields: options.publishOptions.fields }))
      : null;
  return buildIq(
    { type: "set", id: options.id, from: options.from, to: options.to },
    el(
      "pubsub",
      { xmlns: NS.pubsub },
      el(
        "publish",
        { node: options.node },
        el("item", {}, el("notification", { xmlns: NS.push }, summaryForm, ...(options.extra ?? []))),
      ),
      publishOptions,
    ),
  );
}

export interface ParsedSummary {
  /** The `type` attribute of the summary `<x>` as sent (Tigase: none, Prosody: form, ejabberd: submit). */
  formType?: string;
  messageCount?: number;
  lastMessageSender?: string;
  lastMessageBody?: string;
  pendingSubscriptionCount?: number;
  /** Fields other than FORM_TYPE and the four registered ones. */
  otherFields: { var: string; values: string[] }[];
}

export interface ExtraChild {
  name: string;
  ns: string | null;
  /** Direct text content (e.g. `high` for Tigase's priority), cut to 200 characters. */
  text: string;
}

export interface ParsedPushPublish {
  id: string;
  /** "" when the attribute is absent. */
  from: string;
  to: string;
  /** "" when `<publish>` has no node (Prosody publishes so for a registration without node). */
  node: string;
  /** null when the notification carries no form (ejabberd's `notify_on: all`, Prosody's unimportant push). */
  summary: ParsedSummary | null;
  publishOptions: DataForm | null;
  /** Other `<notification>` children, each as `{ns}name` (Clark notation) or `name` without a namespace. */
  extraChildren: string[];
  /** The same children with their text, for display. */
  extraDetails: ExtraChild[];
  /** Deviations from XEP-0357 that do not stop the notification from being read. */
  warnings: string[];
}

export interface ParseFailure {
  error: string;
}

export function isParseFailure(value: unknown): value is ParseFailure {
  return typeof value === "object" && value !== null && typeof (value as { error?: unknown }).error === "string";
}

/** Reads a XEP-0357 §8 publish. Never throws; a failure names what is missing or malformed. */
export function parsePushPublish(iq: Element): ParsedPushPublish | ParseFailure {
  try {
    return readPushPublish(iq);
  } catch (e) {
    return { error: `unreadable notification: ${e instanceof Error ? e.message : String(e)}` };
  }
}

const MAX_EXTRA_TEXT = 200;

function readPushPublish(iq: Element): ParsedPushPublish | ParseFailure {
  if (!isElement(iq)) return { error: "not an XML element" };
  if (localName(iq) !== "iq") return { error: `not an <iq> (got <${iq.name}>)` };
  const type = attrOf(iq, "type");
  if (type !== "set") return { error: type === undefined ? "iq has no type, expected 'set'" : `iq type is ${quote(type)}, expected 'set'` };
  const id = attrOf(iq, "id");
  if (id === undefined || id === "") return { error: "iq has no id" };

  const pubsub = findChild(iq, "pubsub", NS.pubsub);
  if (!pubsub) {
    const wrong = childElements(iq).find((c) => localName(c) === "pubsub");
    return {
      error: wrong
        ? `${describe(wrong)} has the wrong namespace, expected '${NS.pubsub}'`
        : `no <pubsub xmlns='${NS.pubsub}'> element`,
    };
  }
  const publishes = findChildren(pubsub, "publish", NS.pubsub);
  const publish = publishes[0];
  if (!publish) return { error: "no <publish> element" };
  const warnings: string[] = [];
  if (publishes.length > 1) warnings.push(`${publishes.length} <publish> elements; only the first is read`);
  const node = attrOf(publish, "node") ?? "";
  if (node === "") warnings.push("<publish> has no node (XEP-0357 requires the node given at enable)");

  const items = findChildren(publish, "item", NS.pubsub);
  const item = items[0];
  if (!item) return { error: "no <item> in <publish>" };
  if (items.length > 1) warnings.push(`${items.length} <item> elements; only the first is read`);

  const notification = findChild(item, "notification", NS.push);
  if (!notification) {
    const wrong = childElements(item).find((c) => localName(c) === "notification");
    return {
      error: wrong
        ? `${describe(wrong)} has the wrong namespace, expected '${NS.push}'`
        : `no <notification xmlns='${NS.push}'> in <item>`,
    };
  }

  const forms = childElements(notification).filter(isDataForm);
  const summaryElement = forms.find((f) => formTypeOf(parseDataForm(f)) === NS.pushSummary) ?? forms[0];
  let summary: ParsedSummary | null = null;
  if (summaryElement) {
    const result = readSummary(parseDataForm(summaryElement), warnings);
    if (isParseFailure(result)) return result;
    summary = result;
  }
  if (forms.length > 1) warnings.push(`${forms.length} data forms in <notification>; only the summary is read`);

  const extras = childElements(notification).filter((c) => !isDataForm(c));
  const extraDetails = extras.map((c): ExtraChild => {
    const text = textOf(c).trim();
    return { name: localName(c), ns: nsOf(c) ?? null, text: text.length > MAX_EXTRA_TEXT ? `${text.slice(0, MAX_EXTRA_TEXT)}…` : text };
  });

  const optionsContainer = findChild(pubsub, "publish-options", NS.pubsub);
  const optionsForm = optionsContainer ? childElements(optionsContainer).find(isDataForm) : undefined;
  if (optionsContainer && !optionsForm) warnings.push("<publish-options> without a data form");

  return {
    id,
    from: attrOf(iq, "from") ?? "",
    to: attrOf(iq, "to") ?? "",
    node,
    summary,
    publishOptions: optionsForm ? parseDataForm(optionsForm) : null,
    extraChildren: extraDetails.map((d) => (d.ns ? `{${d.ns}}${d.name}` : d.name)),
    extraDetails,
    warnings,
  };
}

const KNOWN_SUMMARY_VARS = new Set<string>([FORM_TYPE, ...Object.values(SUMMARY_FIELDS)]);

function readSummary(form: DataForm, warnings: string[]): ParsedSummary | ParseFailure {
  const summary: ParsedSummary = { otherFields: [] };
  if (form.type !== undefined) summary.formType = form.type;
  const formType = formTypeOf(form);
  if (formType === undefined) warnings.push(`summary form has no FORM_TYPE (expected '${NS.pushSummary}')`);
  else if (formType !== NS.pushSummary) warnings.push(`summary form FORM_TYPE is ${quote(formType)}, expected '${NS.pushSummary}'`);

  const single = (name: string): string | undefined => {
    const fields = form.fields.filter((f) => f.var === name);
    if (fields.length > 1) warnings.push(`field ${name} appears ${fields.length} times; the first is read`);
    const values = fields[0]?.values ?? [];
    if (values.length > 1) warnings.push(`field ${name} has ${values.length} values; the first is read`);
    // Prosody's `form` lists every declared field, empty ones without a value: that reads as absent.
    const value = values[0];
    return value === undefined || value.trim() === "" ? undefined : value;
  };

  for (const [key, name] of [
    ["messageCount", SUMMARY_FIELDS.messageCount],
    ["pendingSubscriptionCount", SUMMARY_FIELDS.pendingSubscriptionCount],
  ] as const) {
    const raw = single(name);
    if (raw === undefined) continue;
    const count = parseCount(raw);
    if (count === null) return { error: `${name} is not a non-negative integer: ${quote(raw)}` };
    summary[key] = count;
  }
  const sender = single(SUMMARY_FIELDS.lastMessageSender);
  if (sender !== undefined) summary.lastMessageSender = sender;
  const body = single(SUMMARY_FIELDS.lastMessageBody);
  if (body !== undefined) summary.lastMessageBody = body;
  summary.otherFields = form.fields.filter((f) => !KNOWN_SUMMARY_VARS.has(f.var)).map((f) => ({ var: f.var, values: [...f.values] }));
  return summary;
}

/** xs:integer >= 0 that fits a JS safe integer; surrounding whitespace is allowed (xs whitespace collapse). */
function parseCount(raw: string): number | null {
  const trimmed = raw.trim();
  if (!/^\+?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

// ---------------------------------------------------------------------------------------------
// remote disable (XEP §9)

export interface RemoteDisableOptions {
  /** The push service (App Server) JID. */
  from: string;
  /** The account's bare JID (the message goes to the user's server). */
  to: string;
  node: string;
  /** The account whose affiliation is revoked (normally the same bare JID as `to`). */
  account: string;
}

export function buildRemoteDisable(options: RemoteDisableOptions): Element {
  return el(
    "message",
    { from: options.from, to: options.to },
    el("pubsub", { xmlns: NS.pubsub, node: options.node }, el("affiliation", { jid: options.account, affiliation: "none" })),
  );
}

export interface ParsedRemoteDisable {
  node: string;
  /** The push service: the message's `from`, i.e. the registration key's `jid`. */
  jid: string;
  /** The affiliation's `jid` (the account); undefined when absent. */
  account?: string;
}

/** The registration a §9 message revokes; null for any other message. */
export function parseRemoteDisable(message: Element): ParsedRemoteDisable | null {
  if (!isElement(message) || localName(message) !== "message") return null;
  const pubsub = findChild(message, "pubsub", NS.pubsub);
  if (!pubsub) return null;
  const node = attrOf(pubsub, "node");
  const from = attrOf(message, "from");
  if (node === undefined || from === undefined || from === "") return null;
  const affiliation = findChildren(pubsub, "affiliation", NS.pubsub).find((a) => attrOf(a, "affiliation") === "none");
  if (!affiliation) return null;
  const parsed: ParsedRemoteDisable = { node, jid: from };
  assignDefined(parsed, "account", attrOf(affiliation, "jid"));
  return parsed;
}

function assignDefined<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
