/** `explain`: the explanation card of one message's push decision, as plain data (issue 9). */
import { joinList, regLabel } from "../policy/common";
import type { DecisionInput, PushDecision } from "../policy/types";
import { headline } from "./headline";
import { POLICY_LABEL, ruleTitle } from "./rules";
import { decisiveParts, messageState, registrationStates, resourceStates } from "./state";
import type { ExplainFacts, ExplanationCard } from "./types";

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
  if (facts.source !== "decision-record") {
    notes.push(`A prediction of the ${decision.policy} policy from the state the playground observed, not the server's own record.`);
  }
  return notes;
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
    headline: headline(input, decision),
    rule: { id: decision.rule, title: ruleTitle(decision.rule), reason: decision.reason },
    message: messageState(input, decisive),
    resources: resourceStates(input, decision, decisive),
    registrations: registrationStates(input, decision, decisive, facts.publishes),
    notes: notesFor(input, decision, facts),
  };
  if (facts.messageId !== undefined) card.messageId = facts.messageId;
  return card;
}
