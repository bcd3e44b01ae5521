/** Pieces the four push policies share: message checks, verdicts, sentences, validation. */
import { NS } from "../ns";
import type {
  AppServerOutcome,
  DecisionInput,
  MessageSnapshot,
  PolicyName,
  PushDecision,
  RegistrationKey,
  RegistrationSnapshot,
  RegistrationVerdict,
  SessionSnapshot,
  StanzaErrorSpec,
  SummaryFields,
} from "./types";
import { joinList } from "./words";

export { joinList };

/** What a server with Tigase's away extension switched on advertises (docs/push-semantics.md A.1). */
export const PUSH_WITH_AWAY_FEATURES: readonly string[] = [NS.push, NS.pushAway];

// ---- messages -------------------------------------------------------------------------------

export function isChatOrNormal(message: MessageSnapshot): boolean {
  return message.type === "chat" || message.type === "normal";
}

export function isBareGroupchat(message: MessageSnapshot): boolean {
  return message.type === "groupchat" && message.toResource === null;
}

export function domainOf(bareJid: string): string {
  return bareJid.slice(bareJid.indexOf("@") + 1);
}

// ---- sentences (shown in the UI: keep them exact) --------------------------------------------

export function plural(n: number, noun: string, nouns = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : nouns}`;
}

export function isAre(n: number): string {
  return n === 1 ? "is" : "are";
}

export function regLabel(key: RegistrationKey): string {
  return key.node === "" ? `${key.jid} (no node)` : key.node;
}

/** "registration n-1" or "registrations n-1 and n-2". */
export function regsPhrase(regs: readonly RegistrationKey[]): string {
  return `${regs.length === 1 ? "registration" : "registrations"} ${joinList(regs.map(regLabel))}`;
}

/** "all 3 registrations (a, b and c)" when the group is every registration, else `regsPhrase`. */
export function regsTarget(group: readonly RegistrationKey[], total: number): string {
  return group.length === total && total > 1 ? `all ${total} registrations (${joinList(group.map(regLabel))})` : regsPhrase(group);
}

/** "registration n-1 is pushed", "all 3 registrations (a, b and c) are pushed", "nothing is pushed". */
export function pushedPhrase(pushed: readonly RegistrationKey[], total: number): string {
  if (pushed.length === 0) return "nothing is pushed";
  return `${regsTarget(pushed, total)} ${isAre(pushed.length)} pushed`;
}

/** A session's presence as a developer reads it: "away", "available at priority -1", "no presence yet". */
export function presenceText(session: SessionSnapshot): string {
  const p = session.presence;
  if (session.state === "hibernated") return `hibernated, last presence ${p === null ? "none" : (p.show ?? "available")}`;
  if (p === null) return "no presence yet";
  return p.priority < 0 ? `${p.show ?? "available"} at priority ${p.priority}` : (p.show ?? "available");
}

/** "phone: away, tablet: no presence yet". */
export function sessionList(sessions: readonly SessionSnapshot[]): string {
  return sessions.map((s) => `${s.resource}: ${presenceText(s)}`).join("; ");
}

export function sessionById(sessions: readonly SessionSnapshot[], sessionId: string): SessionSnapshot | undefined {
  return sessions.find((s) => s.sessionId === sessionId);
}

// ---- decisions --------------------------------------------------------------------------------

export function verdict(reg: RegistrationKey, push: boolean, why: string, delayMs?: number): RegistrationVerdict {
  const v: RegistrationVerdict = { key: { jid: reg.jid, node: reg.node }, push, why };
  if (delayMs !== undefined) v.delayMs = delayMs;
  return v;
}

export function everyReg(regs: readonly RegistrationKey[], push: boolean, why: string): RegistrationVerdict[] {
  return regs.map((r) => verdict(r, push, why));
}

export interface DecisionParts {
  rule: string;
  reason: string;
  pushable: boolean;
  verdicts: RegistrationVerdict[];
  summary?: SummaryFields;
  delayMs?: number;
}

/** Builds the decision; the summary is dropped when nothing is pushed, so it never misleads. */
export function decision(policy: PolicyName, parts: DecisionParts): PushDecision {
  const anyPush = parts.verdicts.some((v) => v.push);
  return {
    policy,
    rule: parts.rule,
    reason: parts.reason,
    pushable: parts.pushable,
    verdicts: parts.verdicts,
    summary: anyPush ? (parts.summary ?? {}) : {},
    delayMs: anyPush ? (parts.delayMs ?? 0) : 0,
  };
}

export function noRegistrations(policy: PolicyName, input: DecisionInput, pushable: boolean): PushDecision {
  return decision(policy, {
    rule: `${policy}/no-registrations`,
    reason: `${input.account} has no push registration in force, so nothing is pushed`,
    pushable,
    verdicts: [],
  });
}

export function pushedKeys(d: PushDecision): RegistrationKey[] {
  return d.verdicts.filter((v) => v.push).map((v) => v.key);
}

// ---- enable / disable validation ---------------------------------------------------------------

export function stanzaError(type: StanzaErrorSpec["type"], condition: string, text?: string): StanzaErrorSpec {
  return text === undefined ? { type, condition } : { type, condition, text };
}

export function isBlank(value: string | undefined): boolean {
  return value === undefined || value === "";
}

/** RFC 7622 validity of an enable/disable `jid` (the one JID implementation, `protocol/jid.ts`). */
export { isValidJid } from "../jid";

// ---- App Server outcomes --------------------------------------------------------------------------

/** The defined stanza error conditions of RFC 6120 §8.3.3. */
export const RFC6120_CONDITIONS: ReadonlySet<string> = new Set([
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone", "internal-server-error",
  "item-not-found", "jid-malformed", "not-acceptable", "not-allowed", "not-authorized", "policy-violation",
  "recipient-unavailable", "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable", "subscription-required",
  "undefined-condition", "unexpected-request",
]);

/** "type=cancel item-not-found". */
export function errorText(outcome: Extract<AppServerOutcome, { kind: "error" }>): string {
  return `type=${outcome.type} ${outcome.condition}`;
}

/** The contract's counter: non-`wait` errors count up, a `result` resets it, the rest leave it. */
export function nextErrorCount(reg: RegistrationSnapshot, outcome: AppServerOutcome): number {
  if (outcome.kind === "result") return 0;
  if (outcome.kind === "error" && outcome.type !== "wait") return reg.errorCount + 1;
  return reg.errorCount;
}

// ---- registrations bound to their enabling session (Prosody, ejabberd) ---------------------------

/** The enabling session of a registration as a session-bound server sees it. */
export type EnablerState = "gone" | "hibernated" | "connected";

export function enablerState(reg: RegistrationSnapshot, sessions: readonly SessionSnapshot[]): EnablerState {
  return sessionById(sessions, reg.enabledBySessionId)?.state ?? "gone";
}

/**
 * The enabling session is hibernated and this message goes into its queue (delivered to it).
 * Prosody's and ejabberd's hibernation pushes fire for stanzas queued to the session; a message
 * stored offline or delivered elsewhere does not pass through that queue (differential run).
 */
export function queuedToHibernatedEnabler(reg: RegistrationSnapshot, sessions: readonly SessionSnapshot[], deliveredTo: readonly string[]): boolean {
  const session = sessionById(sessions, reg.enabledBySessionId);
  return session?.state === "hibernated" && deliveredTo.includes(session.resource);
}

/**
 * Prosody and ejabberd keep one push identifier per session, the last it enabled
 * (`session.push_identifier`, mod_push's c2s state): an older registration of the same session is
 * held by no session. `registrations` is in least-recently-enabled order (differential run).
 */
export function holdsPushIdentifier(reg: RegistrationSnapshot, registrations: readonly RegistrationSnapshot[]): boolean {
  const last = registrations.filter((r) => r.enabledBySessionId === reg.enabledBySessionId).at(-1);
  return last !== undefined && last.jid === reg.jid && last.node === reg.node;
}

/**
 * The sessions whose push identifier `reg` is: its enabling session while it holds it, and the
 * sessions that enabled the same key before it and kept it (Prosody, `earlierHolders`).
 */
export function pushIdentifierHolders(reg: RegistrationSnapshot, registrations: readonly RegistrationSnapshot[]): string[] {
  // pushIdCleared: the enabling session's identifier is another key now, or none (a removal).
  const enabler = holdsPushIdentifier(reg, registrations) && reg.pushIdCleared !== true ? [reg.enabledBySessionId] : [];
  return [...enabler, ...(reg.earlierHolders ?? []).filter((id) => id !== reg.enabledBySessionId)];
}

/** "its enabling session (phone) is", "their enabling sessions (phone and tablet) are". */
export function enablersAre(regs: readonly RegistrationSnapshot[]): string {
  const resources = [...new Set(regs.map((r) => r.enabledByResource))];
  const owner = regs.length === 1 ? "its" : "their";
  return resources.length === 1
    ? `${owner} enabling session (${resources[0]}) is`
    : `${owner} enabling sessions (${joinList(resources)}) are`;
}

/** Registrations grouped by the path that decided them, in first-seen order. */
export function groupByPath<P extends string>(
  regs: readonly RegistrationSnapshot[],
  pathOf: (reg: RegistrationSnapshot) => P,
): Map<P, RegistrationSnapshot[]> {
  const groups = new Map<P, RegistrationSnapshot[]>();
  for (const reg of regs) {
    const path = pathOf(reg);
    groups.set(path, [...(groups.get(path) ?? []), reg]);
  }
  return groups;
}
