/**
 * `counterfactuals`: the single changes a user can make that flip a message's outcome (issue 9).
 * Every candidate is applied to the recorded input and judged again by the policies, so a listed
 * change is one that really flips the decision; the rest are dropped.
 */
import { POLICIES } from "../policy";
import { domainOf, joinList, regLabel } from "../policy/common";
import { POLICY_NAMES, type DecisionInput, type PolicyName, type PushDecision, type PushPolicy, type SessionSnapshot } from "../policy/types";
import { applyChange, changeClause, presenceChoiceText, sendKindOf } from "./changes";
import { decisiveParts, keyId } from "./state";
import type { Change, Counterfactual, DecisionSummary, PresenceChoice, SendKind } from "./types";

export interface CounterfactualOptions {
  /** Service JID for a registration a change enables (default `appserver@<domain>/sink`, docs/push-semantics.md §0.3). */
  sinkJid?: string;
  /** Node for a registration a change enables (default "new-node"); the UI passes a fresh one. */
  newNode?: string;
  /**
   * Policies to offer as "under the X policy" (default: the other three). A real server's policy is
   * not the user's to switch, so the UI passes [] there; the reference server runs any of them.
   */
  otherPolicies?: readonly PolicyName[];
}

export function summarize(d: PushDecision): DecisionSummary {
  const pushedTo = d.verdicts.filter((v) => v.push).map((v) => ({ jid: v.key.jid, node: v.key.node }));
  return { policy: d.policy, rule: d.rule, pushed: pushedTo.length > 0, pushedTo, reason: d.reason };
}

/**
 * Most relevant first: the resources and registrations the rule rests on, then the other
 * registrations and resources, the message, disabling, and last the server's policy.
 */
const Tier = { DecisiveResource: 0, Registration: 1, OtherResource: 2, Message: 3, Disable: 4, Policy: 5 } as const;
type Tier = (typeof Tier)[keyof typeof Tier];

interface Candidate {
  change: Change;
  tier: Tier;
  /** Candidates with the same fold key and the same outcome collapse into the first. */
  fold: string;
}

const PRESENCE_ORDER: readonly PresenceChoice[] = ["available", "away", "xa", "dnd", "chat", "unavailable"];
const SEND_KINDS: readonly SendKind[] = ["chat", "chat-state", "groupchat"];

function showOf(s: SessionSnapshot): PresenceChoice {
  return s.presence === null ? "unavailable" : (s.presence.show ?? "available");
}

function presenceCandidates(s: SessionSnapshot): { show: PresenceChoice; priority: number }[] {
  const priority = s.presence?.priority ?? 0;
  const current = showOf(s);
  const out = PRESENCE_ORDER.filter((show) => show !== current).map((show) => ({ show, priority: show === "unavailable" ? 0 : priority }));
  // Priority decides whether a session receives at all (B.2 row 7): offer the other sign.
  if (current !== "unavailable") out.push({ show: current, priority: priority < 0 ? 0 : -1 });
  return out;
}

function freeResourceName(sessions: readonly SessionSnapshot[], registrationsBy: readonly string[]): string {
  const taken = new Set([...sessions.map((s) => s.resource), ...registrationsBy]);
  for (let n = 1; ; n++) if (!taken.has(`r${n}`)) return `r${n}`;
}

function resourceCandidates(input: DecisionInput, decisive: ReadonlySet<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const s of input.sessions) {
    const tier = decisive.has(s.resource) ? Tier.DecisiveResource : Tier.OtherResource;
    const add = (change: Change, fold = JSON.stringify(change)) => out.push({ change, tier, fold });
    if (s.state === "connected") {
      for (const p of presenceCandidates(s)) add({ kind: "set-presence", resource: s.resource, ...p }, `presence:${s.resource}`);
      add({ kind: "disconnect", resource: s.resource });
      add({ kind: "kill-app", resource: s.resource });
    } else {
      add({ kind: "resume", resource: s.resource });
      add({ kind: "disconnect", resource: s.resource });
    }
  }
  return out;
}

function registrationCandidates(input: DecisionInput, options: CounterfactualOptions, newResource: string, decisive: ReadonlySet<string>): Candidate[] {
  const out: Candidate[] = [];
  for (const r of input.registrations) {
    const change: Change = { kind: "re-enable", jid: r.jid, node: r.node, away: !r.away, byResource: r.enabledByResource };
    // A registration the rule rests on (its away flag decided) ranks with the deciding resources, before them.
    const tier = decisive.has(keyId(r)) ? Tier.DecisiveResource : Tier.Registration;
    out.push({ change, tier, fold: JSON.stringify(change) });
  }
  if (input.registrations.length === 0) {
    const jid = options.sinkJid ?? `appserver@${domainOf(input.account)}/sink`;
    const node = options.newNode ?? "new-node";
    for (const away of [true, false]) {
      const from = input.sessions.filter((s) => s.state === "connected").map((s) => s.resource);
      for (const byResource of from) {
        out.push({ change: { kind: "enable", jid, node, away, byResource, byResourceStays: true }, tier: Tier.Registration, fold: `enable:${away}` });
      }
      out.push({ change: { kind: "enable", jid, node, away, byResource: newResource, byResourceStays: false }, tier: Tier.Registration, fold: `enable:${away}` });
    }
  }
  for (const r of input.registrations) {
    const change: Change = { kind: "disable", jid: r.jid, node: r.node };
    out.push({ change, tier: Tier.Disable, fold: JSON.stringify(change) });
  }
  return out;
}

function messageCandidates(input: DecisionInput): Candidate[] {
  const m = input.message;
  const kind = sendKindOf(m);
  const to = m.toResource ?? "bare";
  const targets = ["bare", ...input.sessions.map((s) => s.resource)];
  const out: Candidate[] = [];
  // One change at a time: the kind at the same address, or the address with the same kind.
  for (const send of SEND_KINDS) if (send !== kind) out.push({ change: { kind: "send", to, send }, tier: Tier.Message, fold: `send-kind:${send}` });
  // A message the playground cannot send as is (a call proposal, a delayed one) changes kind first.
  if (kind === null) return out;
  for (const target of targets) {
    if (target !== to) out.push({ change: { kind: "send", to: target, send: kind }, tier: Tier.Message, fold: "send-to" });
  }
  return out;
}

function policyCandidates(current: PolicyName, offered: readonly PolicyName[]): Candidate[] {
  return POLICY_NAMES.filter((p) => p !== current && offered.includes(p)).map((policy) => ({ change: { kind: "policy", policy }, tier: Tier.Policy, fold: `policy:${policy}` }));
}

function outcomeKey(s: DecisionSummary): string {
  return `${s.pushed}|${s.rule}|${s.pushedTo.map(keyId).join(",")}`;
}

function sentenceFor(input: DecisionInput, baselinePushed: boolean, found: { change: Change; outcome: DecisionSummary; equivalents: Change[] }): string {
  const verb = baselinePushed ? "would not have been pushed" : `would have been pushed to ${joinList(found.outcome.pushedTo.map(regLabel))}`;
  const shows = found.equivalents.flatMap((c) => (c.kind === "set-presence" ? [presenceChoiceText(c.show, c.priority)] : []));
  const also = found.change.kind === "set-presence" && shows.length > 0 ? ` (or ${joinList([...new Set(shows)])})` : "";
  return `${verb} ${changeClause(input, found.change)}${also}`;
}

/**
 * The changes that flip `input`'s outcome under `policy`: for a message that was not pushed, those
 * that make it push; for one that was, those that would have suppressed every push. Deterministic,
 * most relevant first, without duplicates.
 */
export function counterfactuals(input: DecisionInput, policy: PolicyName | PushPolicy, options: CounterfactualOptions = {}): Counterfactual[] {
  const name = typeof policy === "string" ? policy : policy.name;
  const baseline = POLICIES[name].decide(input);
  const baselinePushed = baseline.verdicts.some((v) => v.push);
  const decisive = decisiveParts(input, baseline);
  const newResource = freeResourceName(input.sessions, input.registrations.map((r) => r.enabledByResource));

  const candidates = [
    ...registrationCandidates(input, options, newResource, decisive.registrations),
    ...resourceCandidates(input, decisive.resources),
    ...[{ show: "available" as const }, { show: "away" as const }].map(({ show }): Candidate => ({
      change: { kind: "connect-resource", resource: newResource, show, priority: 0 }, tier: Tier.OtherResource, fold: "connect",
    })),
    ...messageCandidates(input),
    ...policyCandidates(name, options.otherPolicies ?? POLICY_NAMES),
  ];
  // Stable sort: generation order breaks ties within a tier.
  const ordered = candidates.map((c, i) => ({ c, i })).sort((a, b) => a.c.tier - b.c.tier || a.i - b.i).map(({ c }) => c);

  const seen = new Set<string>();
  const byFold = new Map<string, { change: Change; outcome: DecisionSummary; equivalents: Change[] }>();
  const found: { change: Change; outcome: DecisionSummary; equivalents: Change[] }[] = [];
  for (const candidate of ordered) {
    const id = JSON.stringify(candidate.change);
    if (seen.has(id)) continue;
    seen.add(id);
    const next = applyChange(input, candidate.change, name);
    const outcome = summarize(POLICIES[next.policy].decide(next.input));
    if (outcome.pushed === baselinePushed) continue;
    const foldId = `${candidate.fold}#${outcomeKey(outcome)}`;
    const folded = byFold.get(foldId);
    if (folded) {
      folded.equivalents.push(candidate.change);
      continue;
    }
    const entry = { change: candidate.change, outcome, equivalents: [] as Change[] };
    byFold.set(foldId, entry);
    found.push(entry);
  }
  return found.map((f) => ({ ...f, sentence: sentenceFor(input, baselinePushed, f) }));
}
