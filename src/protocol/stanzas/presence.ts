/** RFC 6121 presence: the fields the push decision reads (show, priority) and their validation. */
import type { Element } from "@xmpp/xml";
import { SHOW_VALUES } from "../policy/types";
import type { Show } from "../policy/types";
import { attrOf, el, findClientChildren, isElement, localName, quote, textOf } from "./xml-util";

export interface PresenceOptions {
  type?: "unavailable";
  show?: Show;
  priority?: number;
  status?: string;
  to?: string;
  id?: string;
}

export function buildPresence(options: PresenceOptions = {}): Element {
  return el(
    "presence",
    { type: options.type, to: options.to, id: options.id },
    options.show !== undefined ? el("show", {}, options.show) : null,
    options.status !== undefined ? el("status", {}, options.status) : null,
    options.priority !== undefined ? el("priority", {}, String(options.priority)) : null,
  );
}

export type PresenceKind = "available" | "unavailable" | "subscription" | "probe" | "error";

export interface ParsedPresence {
  kind: PresenceKind;
  /** The raw `type` for subscription presences (subscribe, subscribed, …); undefined otherwise. */
  subscriptionType?: "subscribe" | "subscribed" | "unsubscribe" | "unsubscribed";
  show: Show | null;
  /** RFC 6121 §4.7.2.3: 0 when absent. */
  priority: number;
  status?: string;
}

const SUBSCRIPTION_TYPES = ["subscribe", "subscribed", "unsubscribe", "unsubscribed"] as const;

/**
 * Reads and validates a presence: an unknown `type`, a `<show>` outside chat/away/xa/dnd, a
 * priority that is not an integer in -128..127, or a repeated `<show>`/`<priority>` (RFC 6121
 * §4.7.2) is an error. Never throws.
 */
export function parsePresence(presence: Element): ParsedPresence | { error: string } {
  if (!isElement(presence) || localName(presence) !== "presence") return { error: "not a <presence>" };
  const type = attrOf(presence, "type");
  let kind: PresenceKind;
  let subscriptionType: ParsedPresence["subscriptionType"];
  if (type === undefined) kind = "available";
  else if (type === "unavailable" || type === "probe" || type === "error") kind = type;
  else {
    subscriptionType = SUBSCRIPTION_TYPES.find((t) => t === type);
    if (!subscriptionType) return { error: `unknown presence type ${quote(type)}` };
    kind = "subscription";
  }

  const shows = findClientChildren(presence, "show");
  if (shows.length > 1) return { error: "more than one <show> (RFC 6121 §4.7.2.1)" };
  let show: Show | null = null;
  if (shows[0]) {
    const raw = textOf(shows[0]).trim();
    const known = SHOW_VALUES.find((s) => s === raw);
    if (!known) return { error: `<show> must be chat, away, xa or dnd, got ${quote(raw)}` };
    show = known;
  }

  const priorities = findClientChildren(presence, "priority");
  if (priorities.length > 1) return { error: "more than one <priority> (RFC 6121 §4.7.2.3)" };
  let priority = 0;
  if (priorities[0]) {
    const raw = textOf(priorities[0]);
    const parsed = parsePriority(raw);
    if (parsed === null) return { error: `<priority> must be an integer from -128 to 127, got ${quote(raw)}` };
    priority = parsed;
  }

  const result: ParsedPresence = { kind, show, priority };
  if (subscriptionType) result.subscriptionType = subscriptionType;
  const statuses = findClientChildren(presence, "status");
  // Several <status> may differ by xml:lang; prefer the one without a language tag.
  const status = statuses.find((s) => attrOf(s, "xml:lang") === undefined) ?? statuses[0];
  if (status) result.status = textOf(status);
  return result;
}

/** xs:byte: optional sign, digits, whitespace collapsed; -128..127. */
function parsePriority(raw: string): number | null {
  const trimmed = raw.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  // `+ 0` turns "-0" into 0.
  return value >= -128 && value <= 127 ? value + 0 : null;
}
