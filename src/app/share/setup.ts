/**
 * A shareable setup (issue 11): what a playground session was set up with, as plain versioned
 * data that survives a URL fragment or a JSON file. It names resources, their presence, the push
 * registrations, the App Server the sink plays, the virtual host (so the policy) and the messages
 * to send. It never holds passwords, account names or anything captured: whoever opens the link
 * replays it with their own accounts.
 *
 * `validateSetup` is the only way an outside value becomes a `Setup`: it checks every field and
 * every limit, and its messages name the path of the first bad field.
 */
import type { Show } from "../../protocol/policy/types";
import { xmlTextProblem } from "../../protocol/xml-text";
import type { AnswerFault, FaultSettings, LatencyFault } from "../app-server/faults";
import type { ErrorAnswer, ProfileId, ProviderOutcome } from "../app-server/types";
import type { SendKind, SinkMode } from "../model";

export const SETUP_VERSION = 1;

/** Limits that keep a link short enough for chat and a setup quick to replay. */
export const SETUP_LIMITS = {
  resources: 8,
  registrations: 8,
  messages: 20,
  /** Messages per send (a burst); the playground itself allows more. */
  burst: 50,
  nodesWithFaults: 8,
  publishOptions: 8,
  nameChars: 64,
  textChars: 500,
  titleChars: 120,
} as const;

export interface SetupPresence {
  show: "available" | Show;
  priority: number;
  status?: string;
}

/**
 * How a resource ends the set-up: `online` (connected, with `presence`, or none: connected but
 * not receiving), `disconnected` (it connected to enable, then left with `</close>`), `killed`
 * (its app was killed: the socket dropped without `</close>`, the server may hibernate it).
 */
export type ResourceEnd = "online" | "disconnected" | "killed";

export interface SetupResource {
  name: string;
  presence: SetupPresence | null;
  end: ResourceEnd;
}

export interface SetupRegistration {
  /** The resource that sends the enable. */
  from: string;
  node: string;
  away: boolean;
  /** Publish-options without secrets (see `isSecretField`). */
  publishOptions: { var: string; value: string }[];
  /**
   * Names of the credential fields the registration's publish-options had (p2's `secret`), never
   * their values: a replay fills them from the replaying sink's own App Server settings.
   */
  credentialFields: string[];
}

export interface SetupSink {
  profile: ProfileId;
  mode: SinkMode;
  faults: FaultSettings | null;
  faultsByNode: Record<string, FaultSettings>;
}

export interface SetupMessage {
  /** `bare`, or a resource name of the account (a full JID). */
  to: string;
  kind: SendKind;
  body?: string;
  count: number;
}

export interface Setup {
  v: typeof SETUP_VERSION;
  title?: string;
  /** The reference server's virtual host, which picks the policy (localhost = spec, tigase.localhost, …). */
  domain: string;
  resources: SetupResource[];
  registrations: SetupRegistration[];
  sink: SetupSink;
  messages: SetupMessage[];
}

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

/** Publish-option fields that carry a credential (p2's secret, tokens) and are never shared. */
export function isSecretField(name: string): boolean {
  return /secret|password|token|key|auth/i.test(name);
}

const SHOWS: readonly SetupPresence["show"][] = ["available", "chat", "away", "xa", "dnd"];
const ENDS: readonly ResourceEnd[] = ["online", "disconnected", "killed"];
const SEND_KINDS: readonly SendKind[] = ["chat", "chat-state", "groupchat"];
const PROFILE_IDS: readonly ProfileId[] = ["generic", "p2", "fpush", "mod_push_appserver", "tigase"];
const ERROR_TYPES: readonly ErrorAnswer["type"][] = ["cancel", "modify", "auth", "wait", "continue"];
const PROVIDER_OUTCOMES: readonly ProviderOutcome[] = ["delivered", "token-expired", "dropped"];
const TOP_KEYS = ["v", "title", "domain", "resources", "registrations", "sink", "messages"];

class Invalid extends Error {}

type Obj = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new Invalid(`${path}: ${what}`);
}

function object(value: unknown, path: string, keys: readonly string[]): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(path, "must be an object");
  const extra = Object.keys(value).find((k) => !keys.includes(k));
  if (extra !== undefined) fail(path, `unknown field “${extra.slice(0, 40)}”`);
  return value as Obj;
}

function array(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(path, "must be a list");
  if (value.length > max) fail(path, `at most ${max} entries (got ${value.length})`);
  return value;
}

function text(value: unknown, path: string, max: number, options: { empty?: boolean } = {}): string {
  if (typeof value !== "string") fail(path, "must be text");
  if (value.length > max) fail(path, `at most ${max} characters (got ${value.length})`);
  if (!options.empty && value.trim() === "") fail(path, "must not be empty");
  // The same check as the playground's actions: a replay must never send what ends the session.
  const bad = xmlTextProblem(value, "text");
  if (bad) fail(path, `contains ${bad.code} (${bad.kind}) at character ${bad.position}, which XML does not allow: replaying it would end the session`);
  return value;
}

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) fail(path, `must be one of ${allowed.join(", ")}`);
  return value as T;
}

function int(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) fail(path, `must be a whole number from ${min} to ${max}`);
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") fail(path, "must be true or false");
  return value;
}

/** A resource name as RFC 7622 allows it, kept to what the playground's cards can show. */
function resourceName(value: unknown, path: string): string {
  const name = text(value, path, SETUP_LIMITS.nameChars);
  if (name !== name.trim()) fail(path, "must not start or end with spaces");
  return name;
}

function domain(value: unknown, path: string): string {
  const d = text(value, path, 253);
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(d)) fail(path, "must be a lower-case domain name such as localhost or prosody.localhost");
  return d;
}

function errorAnswer(o: Obj, path: string): ErrorAnswer {
  return { type: oneOf(o.type, `${path}.type`, ERROR_TYPES), condition: conditionName(o.condition, `${path}.condition`) };
}

function conditionName(value: unknown, path: string): string {
  const c = text(value, path, SETUP_LIMITS.nameChars);
  if (!/^[a-z][a-z-]*$/.test(c)) fail(path, "must be an XMPP error condition such as item-not-found");
  return c;
}

function sinkMode(value: unknown, path: string): SinkMode {
  const o = object(value, path, ["kind", "type", "condition"]);
  const kind = oneOf(o.kind, `${path}.kind`, ["result", "error", "timeout"] as const);
  if (kind === "error") return { kind, ...errorAnswer(o, path) };
  if (o.type !== undefined || o.condition !== undefined) fail(path, `a ${kind} answer has no error type or condition`);
  return { kind };
}

function latency(value: unknown, path: string): LatencyFault {
  const o = object(value, path, ["kind", "ms", "minMs", "maxMs"]);
  const kind = oneOf(o.kind, `${path}.kind`, ["none", "fixed", "random"] as const);
  if (kind === "fixed") return { kind, ms: int(o.ms, `${path}.ms`, 0, 60_000) };
  if (kind === "random") return { kind, minMs: int(o.minMs, `${path}.minMs`, 0, 60_000), maxMs: int(o.maxMs, `${path}.maxMs`, 0, 60_000) };
  return { kind };
}

function answerFault(value: unknown, path: string): AnswerFault {
  const o = object(value, path, ["kind", "type", "condition"]);
  const kind = oneOf(o.kind, `${path}.kind`, ["profile", "no-reply", "error"] as const);
  return kind === "error" ? { kind, ...errorAnswer(o, path) } : { kind };
}

function faults(value: unknown, path: string): FaultSettings {
  const o = object(value, path, ["latency", "answer", "errorProbability", "rateLimitPerSecond", "providerOutcome"]);
  const ep = object(o.errorProbability, `${path}.errorProbability`, ["p", "type", "condition"]);
  if (typeof ep.p !== "number" || !(ep.p >= 0 && ep.p <= 1)) fail(`${path}.errorProbability.p`, "must be a number from 0 to 1");
  return {
    latency: latency(o.latency, `${path}.latency`),
    answer: answerFault(o.answer, `${path}.answer`),
    errorProbability: { p: ep.p, ...errorAnswer(ep, `${path}.errorProbability`) },
    rateLimitPerSecond: o.rateLimitPerSecond === null ? null : int(o.rateLimitPerSecond, `${path}.rateLimitPerSecond`, 1, 1000),
    providerOutcome: o.providerOutcome === null ? null : oneOf(o.providerOutcome, `${path}.providerOutcome`, PROVIDER_OUTCOMES),
  };
}

function presence(value: unknown, path: string): SetupPresence | null {
  if (value === null) return null;
  const o = object(value, path, ["show", "priority", "status"]);
  const status = o.status === undefined ? undefined : text(o.status, `${path}.status`, SETUP_LIMITS.textChars, { empty: true });
  return { show: oneOf(o.show, `${path}.show`, SHOWS), priority: int(o.priority, `${path}.priority`, -128, 127), ...(status ? { status } : {}) };
}

function resources(value: unknown): SetupResource[] {
  const list = array(value, "resources", SETUP_LIMITS.resources).map((item, i) => {
    const path = `resources[${i}]`;
    const o = object(item, path, ["name", "presence", "end"]);
    return { name: resourceName(o.name, `${path}.name`), presence: presence(o.presence, `${path}.presence`), end: oneOf(o.end, `${path}.end`, ENDS) };
  });
  const names = list.map((r) => r.name);
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice !== undefined) fail("resources", `two resources are named “${twice}”`);
  return list;
}

function registrations(value: unknown, names: readonly string[]): SetupRegistration[] {
  return array(value, "registrations", SETUP_LIMITS.registrations).map((item, i) => {
    const path = `registrations[${i}]`;
    const o = object(item, path, ["from", "node", "away", "publishOptions", "credentialFields"]);
    const from = resourceName(o.from, `${path}.from`);
    if (!names.includes(from)) fail(`${path}.from`, `names no resource of the setup (“${from}”)`);
    const options = array(o.publishOptions, `${path}.publishOptions`, SETUP_LIMITS.publishOptions).map((f, j) => {
      const fo = object(f, `${path}.publishOptions[${j}]`, ["var", "value"]);
      const name = text(fo.var, `${path}.publishOptions[${j}].var`, SETUP_LIMITS.nameChars);
      if (isSecretField(name)) fail(`${path}.publishOptions[${j}].var`, `“${name}” looks like a credential, which a setup never carries`);
      return { var: name, value: text(fo.value, `${path}.publishOptions[${j}].value`, SETUP_LIMITS.textChars, { empty: true }) };
    });
    const credentials = array(o.credentialFields, `${path}.credentialFields`, SETUP_LIMITS.publishOptions).map((f, j) => {
      const name = text(f, `${path}.credentialFields[${j}]`, SETUP_LIMITS.nameChars);
      if (!isSecretField(name)) fail(`${path}.credentialFields[${j}]`, `“${name}” is not a credential field: it belongs in publishOptions`);
      return name;
    });
    return { from, node: text(o.node, `${path}.node`, SETUP_LIMITS.nameChars), away: bool(o.away, `${path}.away`), publishOptions: options, credentialFields: credentials };
  });
}

function sink(value: unknown): SetupSink {
  const o = object(value, "sink", ["profile", "mode", "faults", "faultsByNode"]);
  const byNode = object(o.faultsByNode, "sink.faultsByNode", Object.keys((o.faultsByNode as Obj | null) ?? {}));
  const entries = Object.entries(byNode);
  if (entries.length > SETUP_LIMITS.nodesWithFaults) fail("sink.faultsByNode", `at most ${SETUP_LIMITS.nodesWithFaults} nodes (got ${entries.length})`);
  // fromEntries defines own properties: a node named __proto__ stays a key, not a prototype.
  const faultsByNode: Record<string, FaultSettings> = Object.fromEntries(
    entries.map(([node, f]) => [text(node, "sink.faultsByNode (a node name)", SETUP_LIMITS.nameChars), faults(f, `sink.faultsByNode.${node}`)]),
  );
  return {
    profile: oneOf(o.profile, "sink.profile", PROFILE_IDS),
    mode: sinkMode(o.mode, "sink.mode"),
    faults: o.faults === null ? null : faults(o.faults, "sink.faults"),
    faultsByNode,
  };
}

function messages(value: unknown, names: readonly string[]): SetupMessage[] {
  return array(value, "messages", SETUP_LIMITS.messages).map((item, i) => {
    const path = `messages[${i}]`;
    const o = object(item, path, ["to", "kind", "body", "count"]);
    const to = text(o.to, `${path}.to`, SETUP_LIMITS.nameChars);
    if (to !== "bare" && !names.includes(to)) fail(`${path}.to`, `must be “bare” or a resource of the setup (got “${to}”)`);
    const kind = oneOf(o.kind, `${path}.kind`, SEND_KINDS);
    const count = int(o.count, `${path}.count`, 1, SETUP_LIMITS.burst);
    if (kind === "chat-state") {
      if (o.body !== undefined) fail(`${path}.body`, "a chat-state message has no body");
      return { to, kind, count };
    }
    return { to, kind, body: text(o.body, `${path}.body`, SETUP_LIMITS.textChars), count };
  });
}

/** A checked Setup from any value (parsed JSON), or the first reason it is not one. */
export function validateSetup(value: unknown): Checked<Setup> {
  try {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail("setup", "must be an object");
    const version = (value as Obj).v;
    if (typeof version === "number" && Number.isInteger(version) && version > SETUP_VERSION) {
      fail("v", `this setup was made by a newer version of the playground (format ${version}); this page reads format ${SETUP_VERSION}`);
    }
    const o = object(value, "setup", TOP_KEYS);
    if (version !== SETUP_VERSION) fail("v", `must be ${SETUP_VERSION}`);
    const title = o.title === undefined ? undefined : text(o.title, "title", SETUP_LIMITS.titleChars);
    const res = resources(o.resources);
    const names = res.map((r) => r.name);
    return {
      ok: true,
      value: {
        v: SETUP_VERSION,
        ...(title !== undefined ? { title } : {}),
        domain: domain(o.domain, "domain"),
        resources: res,
        registrations: registrations(o.registrations, names),
        sink: sink(o.sink),
        messages: messages(o.messages, names),
      },
    };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

/** The policy the reference server applies on a virtual host (the host names of src/server). */
export function policyOfDomain(d: string): string {
  const first = d.split(".")[0] ?? "";
  return d.includes(".") && ["tigase", "prosody", "ejabberd"].includes(first) ? first : d === "localhost" ? "spec" : `${d}'s own`;
}

/** What a setup does, one line each: what the "open link" panel and the demos show before applying. */
export function describeSetup(setup: Setup): string[] {
  const lines = [`Virtual host ${setup.domain} (${policyOfDomain(setup.domain)} policy)`];
  for (const r of setup.resources) {
    const presence = r.presence ? `${r.presence.show}${r.presence.priority !== 0 ? ` (priority ${r.presence.priority})` : ""}` : "no presence";
    lines.push(`Resource ${r.name}: ${r.end === "online" ? `online, ${presence}` : r.end === "disconnected" ? "connects, then disconnects" : "connects, then its app is killed"}`);
  }
  for (const g of setup.registrations) {
    const credentials = g.credentialFields.length ? ` (${g.credentialFields.join(", ")} from your sink's settings)` : "";
    lines.push(`Push enabled from ${g.from}, node ${g.node}, ${g.away ? "with away='true'" : "without away"}${credentials}`);
  }
  lines.push(`Sink plays ${setup.sink.profile}, answering ${setup.sink.mode.kind === "error" ? `error ${setup.sink.mode.type}/${setup.sink.mode.condition}` : setup.sink.mode.kind}`);
  for (const m of setup.messages) {
    lines.push(`bob sends ${m.count > 1 ? `${m.count}× ` : ""}${m.kind === "chat-state" ? "a chat state" : `“${m.body ?? ""}”`} to ${m.to === "bare" ? "the bare JID" : m.to}`);
  }
  return lines;
}
