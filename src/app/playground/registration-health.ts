/**
 * Registration health (issue 10): a registration's App Server errors against the removal threshold
 * of the policy the server is judged under, its last answer, and when the server removed it with
 * the answer that caused it (docs/push-semantics.md B.4). Thresholds and rules are read from the
 * policies' own `onAppServerOutcome` by probing it, never copied. With the reference server the
 * facts come from its log; on a real server removal is inferred from pushes that stop after an error.
 * Pure: no stores, no clock.
 */
import { RFC6120_CONDITIONS } from "../../protocol/policy/common";
import type { AppServerOutcome, AppServerReaction, PushPolicy, RegistrationSnapshot } from "../../protocol/policy/types";
import type { KnownRegistration, MessageSentEvent, PushEvent, TimelineEvent } from "../model";

/** One answer of the App Server to a publish for this registration. */
export interface ObservedAnswer {
  at: number;
  outcome: AppServerOutcome;
  /** The server's own reaction, from its log (absent when only the sink saw the answer). */
  reaction?: AppServerReaction;
}

/** A removal the server's log reports. */
export interface LoggedRemoval {
  at: number;
  why: string;
  /** The answer that caused it, when an App Server answer did. */
  cause?: AppServerOutcome;
}

export interface RegistrationRemoval {
  source: "server-log" | "inferred";
  at: number;
  cause: AppServerOutcome | null;
  /** One sentence for the table. */
  sentence: string;
}

export interface RegistrationHealth {
  /** Non-wait errors counted so far (the server's count when its log says). */
  errorCount: number;
  /** Errors at which the policy removes, for a permanent (cancel) error; null: never. */
  threshold: number | null;
  /** "0 of 16 errors", "1 of 1 error". */
  countText: string;
  lastAnswer: ObservedAnswer | null;
  /** "result", "error cancel/item-not-found", "no answer (timeout)", "none yet". */
  lastAnswerText: string;
  removal: RegistrationRemoval | null;
  /** The policy's rule in one sentence, e.g. "ejabberd removes on the first non-wait error". */
  rule: string;
}

const PERMANENT: AppServerOutcome = { kind: "error", type: "cancel", condition: "item-not-found" };
/** Far above any real threshold (Prosody's is 16): probing stops here and reads "never". */
const PROBE_LIMIT = 100;

function probeSnapshot(errorCount: number): RegistrationSnapshot {
  return { jid: "probe@example/p", node: "probe", away: false, enabledBySessionId: "probe", enabledByResource: "probe", publishOptions: null, errorCount };
}

/** After how many consecutive `outcome`s the policy removes a registration; null when it never does. */
export function removalThreshold(policy: PushPolicy, outcome: AppServerOutcome = PERMANENT): number | null {
  let errorCount = 0;
  for (let n = 1; n <= PROBE_LIMIT; n++) {
    const reaction = policy.onAppServerOutcome(probeSnapshot(errorCount), outcome);
    if (reaction.action === "remove") return n;
    errorCount = reaction.errorCount;
  }
  return null;
}

function ordinal(n: number): string {
  if (n === 1) return "first";
  const tail = n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th";
  return `${n}${tail}`;
}

const rules = new WeakMap<PushPolicy, string>();

/** The policy's removal rule in one sentence, derived from probing its onAppServerOutcome (computed once per policy). */
export function removalRule(policy: PushPolicy): string {
  let rule = rules.get(policy);
  if (rule === undefined) {
    rule = probeRemovalRule(policy);
    rules.set(policy, rule);
  }
  return rule;
}

function probeRemovalRule(policy: PushPolicy): string {
  const permanent = removalThreshold(policy);
  if (permanent === null) return `${policy.name} never removes a registration after App Server errors`;
  const waitNever = removalThreshold(policy, { kind: "error", type: "wait", condition: "resource-constraint" }) === null;
  const kept = [...RFC6120_CONDITIONS].filter((condition) => removalThreshold(policy, { kind: "error", type: "cancel", condition }) === null);
  if (kept.length > 0) {
    return `${policy.name} judges by condition: it removes on the ${ordinal(permanent)} error of any other condition and keeps ${kept.join(", ")} (and timeouts)`;
  }
  const what = waitNever ? "non-wait error" : "error";
  if (permanent === 1) return `${policy.name} removes on the first ${what}`;
  const resets = policy.onAppServerOutcome(probeSnapshot(permanent - 1), { kind: "result" }).errorCount === 0;
  return `${policy.name} removes at the ${ordinal(permanent)} ${what}${resets ? " in a row (a result resets the count)" : ""}`;
}

export function answerText(outcome: AppServerOutcome | null): string {
  if (outcome === null) return "none yet";
  if (outcome.kind === "result") return "result";
  if (outcome.kind === "timeout") return "no answer (timeout)";
  return `error ${outcome.type}/${outcome.condition}`;
}

function causeText(outcome: AppServerOutcome | null | undefined): string {
  return outcome && outcome.kind === "error" ? `${outcome.type}/${outcome.condition}` : answerText(outcome ?? null);
}

/** The error count the policy reaches after these answers (replayed through its onAppServerOutcome). */
export function replayErrorCount(policy: PushPolicy, answers: readonly ObservedAnswer[]): number {
  let errorCount = 0;
  for (const a of answers) errorCount = policy.onAppServerOutcome(probeSnapshot(errorCount), a.outcome).errorCount;
  return errorCount;
}

export interface HealthInput {
  policy: PushPolicy;
  registration: Pick<KnownRegistration, "state" | "enabledAt">;
  /** Answers since the registration's last enable, oldest first. */
  answers: readonly ObservedAnswer[];
  /** The removal the server's log reports, if any. */
  loggedRemoval: LoggedRemoval | null;
  /** Whether a server log is read (the reference server): then nothing is inferred. */
  hasServerLog: boolean;
  /** When messages to the account were sent (for the inference on real servers). */
  messagesSentAt: readonly number[];
  now: number;
  /** How long after a message a push is still expected (the expectation window). */
  windowMs: number;
}

/**
 * A real server gives no log: when the last answer was an error the policy counts, and a message
 * sent after it (its wait window over) got no push, the server has most likely dropped the registration.
 */
function inferRemoval(input: HealthInput, threshold: number | null, errorCount: number): RegistrationRemoval | null {
  const last = input.answers[input.answers.length - 1];
  if (!last || last.outcome.kind !== "error" || last.outcome.type === "wait") return null;
  const unanswered = input.messagesSentAt.filter((at) => at > last.at && at + input.windowMs <= input.now);
  if (unanswered.length === 0) return null;
  const expected = threshold !== null && errorCount >= threshold;
  const policyWords = expected
    ? removalRule(input.policy)
    : `${input.policy.name} would keep it (${errorCount} of ${threshold ?? "∞"} errors), so the server behaves otherwise`;
  const n = unanswered.length;
  return {
    source: "inferred",
    at: last.at,
    cause: last.outcome,
    sentence: `inferred: no push for ${n === 1 ? "the message" : `${n} messages`} sent since the App Server answered ${causeText(last.outcome)}, so the server probably removed it (${policyWords})`,
  };
}

export function registrationHealth(input: HealthInput): RegistrationHealth {
  const { policy, answers, loggedRemoval } = input;
  const threshold = removalThreshold(policy);
  const lastAnswer = answers[answers.length - 1] ?? null;
  const errorCount = lastAnswer?.reaction?.errorCount ?? replayErrorCount(policy, answers);
  const rule = removalRule(policy);
  let removal: RegistrationRemoval | null = null;
  if (loggedRemoval) {
    const cause = loggedRemoval.cause ?? null;
    removal = {
      source: "server-log",
      at: loggedRemoval.at,
      cause,
      sentence: cause ? `removed by the server after ${causeText(cause)}: ${rule}` : `removed by the server: ${loggedRemoval.why}`,
    };
  } else if (!input.hasServerLog && input.registration.state === "active") {
    removal = inferRemoval(input, threshold, errorCount);
  }
  return {
    errorCount,
    threshold,
    countText: `${errorCount} of ${threshold ?? "∞"} ${threshold === 1 ? "error" : "errors"}`,
    lastAnswer,
    lastAnswerText: answerText(lastAnswer?.outcome ?? null),
    removal,
    rule,
  };
}

function isAnswerFor(e: TimelineEvent, node: string, since: number): e is PushEvent {
  return e.kind === "push" && e.node === node && e.at >= since && e.answer !== null;
}

function isSentTo(e: TimelineEvent, bare: string): e is MessageSentEvent {
  if (e.kind !== "message-sent") return false;
  const to = e.to.toLowerCase();
  return to === bare || to.startsWith(`${bare}/`);
}

/** Answers the sink gave to pushes for `node` since `since`, read from the timeline (real servers). */
export function sinkAnswersFor(events: readonly TimelineEvent[], node: string, since: number): ObservedAnswer[] {
  return events.filter((e) => isAnswerFor(e, node, since)).map((e) => ({ at: e.at, outcome: e.answer! }));
}

/** When messages to `account` (bare, or one of its resources) were sent, from the timeline. */
export function messagesSentTo(events: readonly TimelineEvent[], account: string): number[] {
  const bare = account.toLowerCase();
  return events.filter((e) => isSentTo(e, bare)).map((e) => e.at);
}

/**
 * The same reads for a timeline that grows at its end: the table re-renders per timeline flush,
 * and scanning 100,000 events per flush made every live push cost O(timeline). A scan remembers
 * how far it read (by event id, which a patch keeps) and reads only what was appended since; any
 * other change (cleared, trimmed, imported) reads it all again. It only picks fields a patch
 * never changes (kind, node, time, answer, recipient).
 */
interface Scan<T> {
  firstId: string;
  lastId: string;
  length: number;
  found: T[];
}

function appendedScan<T>(scans: Map<string, Scan<T>>, key: string, events: readonly TimelineEvent[], pick: (e: TimelineEvent) => T | null): T[] {
  const kept = scans.get(key);
  const continues = kept !== undefined && events.length >= kept.length && kept.length > 0 && events[0]!.id === kept.firstId && events[kept.length - 1]!.id === kept.lastId;
  const found = continues ? kept.found : [];
  for (let i = continues ? kept.length : 0; i < events.length; i++) {
    const value = pick(events[i]!);
    if (value !== null) found.push(value);
  }
  if (events.length === 0) scans.delete(key);
  else {
    if (!scans.has(key) && scans.size >= MAX_SCANS) scans.delete(scans.keys().next().value!);
    scans.set(key, { firstId: events[0]!.id, lastId: events[events.length - 1]!.id, length: events.length, found });
  }
  return found;
}

/** Registrations and accounts whose scans are kept (old ones go first). */
const MAX_SCANS = 64;
const answerScans = new Map<string, Scan<ObservedAnswer>>();
const sentScans = new Map<string, Scan<number>>();

function sinkAnswersSince(events: readonly TimelineEvent[], node: string, since: number): readonly ObservedAnswer[] {
  return appendedScan(answerScans, `${node}\u0000${since}`, events, (e) => (isAnswerFor(e, node, since) ? { at: e.at, outcome: e.answer! } : null));
}

function messagesSentSince(events: readonly TimelineEvent[], account: string): readonly number[] {
  const bare = account.toLowerCase();
  return appendedScan(sentScans, bare, events, (e) => (isSentTo(e, bare) ? e.at : null));
}

export interface HealthSources {
  policy: PushPolicy;
  /** The registrations store's answers and removals (from the server's log), by registrationKeyId. */
  answers: Readonly<Record<string, readonly ObservedAnswer[]>>;
  removals: Readonly<Record<string, LoggedRemoval>>;
  hasServerLog: boolean;
  /** Timeline events: the sink's answers and the messages sent, for real servers. */
  events: readonly TimelineEvent[];
  account: string;
  now: number;
  windowMs: number;
}

/** The health of one registration the playground knows, from the log when it has one, else from the sink. */
export function healthOfRegistration(reg: KnownRegistration, keyId: string, sources: HealthSources): RegistrationHealth {
  const logged = sources.answers[keyId] ?? [];
  const answers = logged.length > 0 || sources.hasServerLog ? logged : sinkAnswersSince(sources.events, reg.node, reg.enabledAt);
  return registrationHealth({
    policy: sources.policy,
    registration: reg,
    answers,
    loggedRemoval: sources.removals[keyId] ?? null,
    hasServerLog: sources.hasServerLog,
    messagesSentAt: sources.hasServerLog ? [] : messagesSentSince(sources.events, sources.account),
    now: sources.now,
    windowMs: sources.windowMs,
  });
}
