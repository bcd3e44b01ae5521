/**
 * The timeline export format and its strict validation. Imported files are untrusted: every
 * field is checked, unknown kinds are refused, and errors say exactly which event is wrong.
 */
import type { ConnectionProfile, LaneInfo, TimelineEvent, TimelineKind } from "../model";
import { TIMELINE_KINDS } from "../model";
import { coerceProfile, stripPasswords } from "./profile";

export const TIMELINE_FORMAT = "xmpp-push-playground/timeline";
const TIMELINE_VERSION = 1;
/** Refuse files larger than this many events (a hand-crafted file should not freeze the tab). */
const MAX_IMPORT_EVENTS = 1_000_000;

export interface TimelineDocument {
  format: typeof TIMELINE_FORMAT;
  version: typeof TIMELINE_VERSION;
  exportedAt: string;
  /** Never contains passwords (even when the profile remembers them). */
  profile: ConnectionProfile | null;
  /** Labels and colours of the lanes the events use (optional when importing). */
  lanes: Record<string, LaneInfo>;
  events: TimelineEvent[];
}

export function buildTimelineDocument(
  events: readonly TimelineEvent[],
  profile: ConnectionProfile | null,
  lanes: Record<string, LaneInfo> = {},
  now = new Date(),
): TimelineDocument {
  return { ...timelineDocumentHead(events, profile, lanes, now), events: [...events] };
}

/** Everything a document of these events holds besides them: passwords stripped, only the lanes they use. */
export function timelineDocumentHead(
  events: readonly TimelineEvent[],
  profile: ConnectionProfile | null,
  lanes: Record<string, LaneInfo> = {},
  now = new Date(),
): TimelineDocumentHead {
  const used = new Set<string>();
  for (const e of events) used.add(e.lane);
  return {
    format: TIMELINE_FORMAT,
    version: TIMELINE_VERSION,
    exportedAt: now.toISOString(),
    profile: profile ? stripPasswords({ ...profile, rememberPassword: false }) : null,
    lanes: Object.fromEntries(Object.entries(lanes).filter(([id]) => used.has(id))),
  };
}

const LANE_ROLES = new Set(["resource", "sender", "sink", "server", "playground"]);

function parseLanes(raw: unknown): Record<string, LaneInfo> | string {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "'lanes' must be an object";
  const lanes: Record<string, LaneInfo> = {};
  for (const [id, info] of Object.entries(raw as Record<string, unknown>)) {
    const i = info as Partial<Record<keyof LaneInfo, unknown>> | null;
    if (typeof i !== "object" || i === null || typeof i.label !== "string" || typeof i.colour !== "string" || typeof i.role !== "string" || !LANE_ROLES.has(i.role)) {
      return `lane ${JSON.stringify(id.slice(0, 40))} needs a string label, colour and a known role`;
    }
    // Colours end up in style attributes: accept only #rgb/#rrggbb.
    if (!/^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/.test(i.colour)) return `lane ${JSON.stringify(id.slice(0, 40))} has an invalid colour (expected #rrggbb)`;
    lanes[id] = { label: i.label, colour: i.colour, role: i.role as LaneInfo["role"] };
  }
  return lanes;
}

export type ParseResult = { ok: true; document: TimelineDocument } | { ok: false; error: string };

type FieldType = "string" | "number" | "boolean" | "string[]" | "object" | "object|null" | "string|null";

/** Fields each kind must carry beyond the common ones (optional fields are type-checked when present). */
const REQUIRED: Record<TimelineKind, Record<string, FieldType>> = {
  connection: { status: "string" },
  error: { error: "object" },
  presence: { direction: "string", available: "boolean", priority: "number" },
  disco: { target: "string", jid: "string", outcome: "string", features: "string[]" },
  enable: { jid: "string", node: "string", away: "boolean", outcome: "string" },
  disable: { jid: "string", outcome: "string" },
  "message-sent": { messageId: "string", from: "string", to: "string", messageType: "string", receivedBy: "string[]" },
  "message-received": { from: "string", to: "string", messageType: "string", delayed: "boolean" },
  push: { iqId: "string", from: "string" },
  "sink-answer": { iqId: "string", pushEventId: "string", answer: "object" },
  "remote-disable": { to: "string", node: "string" },
  "raw-send": { element: "string" },
  decision: { seq: "number", logKind: "string" },
};

const OPTIONAL_STRINGS = [
  "xml", "body", "causeMessageId", "causeEventId", "linkMethod", "linkDetail", "parseError", "operation", "status",
];

function typeOk(value: unknown, type: FieldType): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "string[]":
      return Array.isArray(value) && value.every((v) => typeof v === "string");
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "object|null":
      return value === null || (typeof value === "object" && !Array.isArray(value));
    case "string|null":
      return value === null || typeof value === "string";
  }
}

const TYPE_WORDS: Record<FieldType, string> = {
  string: "a string",
  number: "a finite number",
  boolean: "true or false",
  "string[]": "an array of strings",
  object: "an object",
  "object|null": "an object or null",
  "string|null": "a string or null",
};

function describeType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v;
}

function validateEvent(raw: unknown, index: number, seen: Set<string>): string | null {
  const where = `event ${index + 1}`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return `${where} is ${describeType(raw)}, expected an object`;
  const e = raw as Record<string, unknown>;
  if (typeof e.id !== "string" || e.id === "") return `${where}: 'id' must be a non-empty string`;
  if (seen.has(e.id)) return `${where}: duplicate id '${e.id.slice(0, 40)}'`;
  seen.add(e.id);
  if (typeof e.at !== "number" || !Number.isFinite(e.at) || e.at < 0) return `${where} (${e.id}): 'at' must be epoch milliseconds (a non-negative number)`;
  if (typeof e.lane !== "string" || e.lane === "") return `${where} (${e.id}): 'lane' must be a non-empty string`;
  if (typeof e.kind !== "string" || !(TIMELINE_KINDS as readonly string[]).includes(e.kind)) {
    return `${where} (${e.id}): unknown kind ${JSON.stringify(typeof e.kind === "string" ? e.kind.slice(0, 40) : e.kind)}; expected one of ${TIMELINE_KINDS.join(", ")}`;
  }
  if (typeof e.summary !== "string") return `${where} (${e.id}): 'summary' must be a string`;
  for (const [field, type] of Object.entries(REQUIRED[e.kind as TimelineKind])) {
    if (!typeOk(e[field], type)) {
      return `${where} (${e.id}, ${e.kind}): '${field}' must be ${TYPE_WORDS[type]}, got ${describeType(e[field])}`;
    }
  }
  for (const field of OPTIONAL_STRINGS) {
    if (field in e && e[field] !== undefined && typeof e[field] !== "string" && !(field === "status" && e.kind === "connection")) {
      return `${where} (${e.id}): '${field}' must be a string when present`;
    }
  }
  return null;
}

/** Parse and validate an exported timeline. Never throws. */
export function parseTimelineDocument(text: string): ParseResult {
  if (typeof text !== "string" || text.trim() === "") return { ok: false, error: "The file is empty." };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, error: "Not a timeline export: the top level must be an object." };
  }
  const doc = data as Record<string, unknown>;
  const head = checkDocumentHead(doc, Array.isArray(doc.events) ? doc.events.length : null);
  if (!head.ok) return head;
  const problem = checkEvents(doc.events as unknown[], 0, new Set());
  if (problem) return { ok: false, error: problem };
  const events = (doc.events as TimelineEvent[]).slice().sort((a, b) => a.at - b.at);
  return { ok: true, document: { ...head.meta, events } };
}

/** What a document holds besides its events. */
export type TimelineDocumentHead = Omit<TimelineDocument, "events">;

/**
 * Check everything but the events of a parsed document (`eventCount`: how many its `events` array
 * has, null when it is not an array). Split from the events so a file can be checked in chunks.
 */
export function checkDocumentHead(doc: Record<string, unknown>, eventCount: number | null): { ok: true; meta: TimelineDocumentHead } | { ok: false; error: string } {
  if (doc.format !== TIMELINE_FORMAT) {
    return { ok: false, error: `Not a timeline export: 'format' is ${JSON.stringify(doc.format) ?? "missing"}, expected "${TIMELINE_FORMAT}".` };
  }
  if (doc.version !== TIMELINE_VERSION) {
    return { ok: false, error: `Unsupported timeline version ${JSON.stringify(doc.version) ?? "(missing)"}; this playground reads version ${TIMELINE_VERSION}.` };
  }
  if (typeof doc.exportedAt !== "string" || Number.isNaN(Date.parse(doc.exportedAt))) {
    return { ok: false, error: "'exportedAt' must be an ISO date string." };
  }
  if (eventCount === null) return { ok: false, error: "'events' must be an array." };
  if (eventCount > MAX_IMPORT_EVENTS) {
    return { ok: false, error: `Too many events (${eventCount}); at most ${MAX_IMPORT_EVENTS} can be imported.` };
  }
  let profile: ConnectionProfile | null = null;
  if (doc.profile !== null && doc.profile !== undefined) {
    profile = coerceProfile(doc.profile);
    if (!profile) return { ok: false, error: "'profile' must be an object or null." };
    // A file could carry passwords (hand-edited); the imported view never keeps them.
    profile = stripPasswords({ ...profile, rememberPassword: false });
  }
  const lanes = parseLanes(doc.lanes);
  if (typeof lanes === "string") return { ok: false, error: `Invalid timeline: ${lanes}.` };
  return { ok: true, meta: { format: TIMELINE_FORMAT, version: TIMELINE_VERSION, exportedAt: doc.exportedAt, profile, lanes } };
}

/**
 * Check events `firstIndex`… of a file (`seen`: the ids met so far, shared across chunks); the
 * error to show, or null when they are all valid.
 */
export function checkEvents(events: readonly unknown[], firstIndex: number, seen: Set<string>): string | null {
  for (let i = 0; i < events.length; i++) {
    const problem = validateEvent(events[i], firstIndex + i, seen);
    if (problem) return `Invalid timeline: ${problem}.`;
  }
  return null;
}
