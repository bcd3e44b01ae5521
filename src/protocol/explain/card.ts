/** `explain`: the explanation card of one message's push decision, as plain data (issue 9). */
import { joinList, regLabel } from "../policy/common";
import type { AppServerOutcome, DecisionInput, PushDecision } from "../policy/types";
import { headline } from "./headline";
import { POLICY_LABEL, ruleTitle } from "./rules";
import { decisiveParts, messageState, registrationStates, resourceStates } from "./state";
import type { ExplainFacts, ExplanationCard, RemovedRegistrationFact } from "./types";

function answerWords(cause: AppServerOutcome | null): string {
  if (cause === null) return "";
  if (cause.kind === "error") return ` after the App Server answered ${cause.type}/${cause.condition}`;
  return cause.kind === "timeout" ? " after the App Server did not answer" : "";
}

/** Removals that matter to this message: registrations no longer in force when it was decided. */
function removedBefore(input: DecisionInput, facts: ExplainFacts): RemovedRegistrationFact[] {
  return (facts.removed ?? []).filter((r) => !input.registrations.some((reg) => reg.jid === r.key.jid && reg.node === r.key.node));
}

/** "the server removed n-1 after the App Server answered auth/forbidden (ejabberd removes on the first non-wait error)". */
function removalClause(removed: readonly RemovedRegistrationFact[]): string {
  return joinList(removed.map((r) => `the server removed ${regLabel(r.key)}${answerWords(r.cause)} (${r.rule})`));
}

function notesFor(input: DecisionInput, decision: PushDecision, facts: ExplainFacts): string[] {
  const notes: string[] = [];
  const awayRegs = input.registrations.filter((r) => r.away);
  const server = POLICY_LABEL[decision.policy];
  if (awayRegs.length > 0 && (decision.policy === "prosody" || decision.policy === "ejabberd")) {
    notes.push(`${server} ignores away='true' on ${joinList(awayRegs.map(regLabel))}.`);
  }
  if (facts.awayAdvertised === false && awayRegs.length > 0) {
    notes.push("The server does not advertise tigase:push:away:0, so away='true' may have no effect there.");
  }
  const removed = removedBefore(input, facts);
  if (removed.length > 0 && !decision.rule.endsWith("/no-registrations")) {
    notes.push(`Before this message ${removalClause(removed)}; enable again to have it pushed.`);
  }
  if (facts.source !== "decision-record") {
    notes.push(`A prediction of the ${decision.policy} policy from the state the playground observed, not the server's own record.`);
  }
  return notes;
}

/** A message with no registration in force because the server dropped them says so first. */
function headlineWithRemovals(input: DecisionInput, decision: PushDecision, facts: ExplainFacts): string {
  const removed = removedBefore(input, facts);
  if (removed.length === 0 || !decision.rule.endsWith("/no-registrations")) return headline(input, decision);
  return `Not pushed: no push registration in force: ${removalClause(removed)}. Enable push again to get pushes.`;
}

/**
 * Explains `decision`, which `POLICIES[decision.policy].decide(input)` returned (or which the
 * reference server recorded for `input`).
 */
export function explain(input: DecisionInput, decision: PushDecision, facts: ExplainFacts = {}): ExplanationCard {
  const decisive = decisiveParts(input, decision);
  const pushedTo = decision.verdicts.filter((v) => v.push).map((v) => ({ jid: v.key.jid, node: v.key.node }));
  const card: ExplanationCard = {
    policy: decision.policy,
    source: facts.source ?? "prediction",
    account: input.account,
    pushed: pushedTo.length > 0,
    pushedTo,
    headline: headlineWithRemovals(input, decision, facts),
    rule: { id: decision.rule, title: ruleTitle(decision.rule), reason: decision.reason },
    message: messageState(input, decisive),
    resources: resourceStates(input, decision, decisive),
    registrations: registrationStates(input, decision, decisive, facts.publishes),
    notes: notesFor(input, decision, facts),
  };
  if (facts.messageId !== undefined) card.messageId = facts.messageId;
  return card;
}
