/**
 * Builds the explanation of one sent message (card, counterfactuals, Markdown, lifecycle) from the
 * decision records and publish facts the explanations service remembers (explanations.ts).
 */
import {
  counterfactuals,
  escapeMarkdown,
  explain,
  explanationMarkdown,
  type Counterfactual,
  type DecisionSource,
  type ExplanationCard,
  type PublishFact as CardPublishFact,
  type RemovedRegistrationFact,
} from "../../protocol/explain";
import { POLICIES } from "../../protocol/policy";
import { POLICY_NAMES, type DecisionInput, type PolicyName, type PushDecision } from "../../protocol/policy/types";
import { decisionInputOf, type MessageDecisionEntry, type PublishOutcomeEntry } from "../../protocol/push-log";
import type { ExpectationRecord } from "../expectations/types";
import type { PushEvent, TimelineEvent } from "../model";
import { awaySupport } from "../stores/disco";
import { selectExpectationPolicy, selectRecordForEvent } from "../stores/expectations";
import type { MessageExplanation } from "../stores/explanations";
import { registrationKeyId } from "../stores/registrations";
import { findEvent } from "../stores/timeline";
import type { ExplanationsDeps } from "./explanations";
import { randomNode } from "./format";
import { lifecycleText, pushLifecycle, type AnswerFact, type PublishFact, type PushLifecycle } from "./push-lifecycle";
import { removalRule } from "./registration-health";

/** What the explanations service remembers of the reference server's log. */
export interface ExplanationMemory {
  decisions: ReadonlyMap<string, MessageDecisionEntry>;
  publishesBySeq: ReadonlyMap<number, PublishFact[]>;
  outcomes: ReadonlyMap<string, PublishOutcomeEntry>;
}

interface Basis {
  key: string;
  source: DecisionSource;
  policy: PolicyName;
  input: DecisionInput;
  decision: PushDecision;
  decisionSeq: number | null;
}

/** What the playground predicted for `policy`, as the DecisionInput the policy decided on. */
function predictionInput(record: ExpectationRecord, policy: PolicyName, options: DecisionInput["options"]): DecisionInput {
  return {
    account: record.account,
    sessions: record.sessions,
    registrations: record.predictions[policy].registrations,
    message: record.message,
    delivery: record.predictions[policy].delivery,
    options,
    // The counters only shape the summary form, which the card does not explain.
    pushedSinceOnline: 0,
    offlineCount: record.predictions[policy].delivery.storedOffline ? 1 : 0,
  };
}

export function createExplanationBuilder(deps: ExplanationsDeps, memory: ExplanationMemory): (event: TimelineEvent) => MessageExplanation {
  const { stores } = deps;
  const { decisions, publishesBySeq, outcomes } = memory;
  // Counterfactuals re-run the policies some dozens of times: computed once per decision basis.
  let cached: { key: string; counterfactuals: Counterfactual[] } | null = null;

  function basisFor(event: TimelineEvent, record: ExpectationRecord | undefined): Basis | { why: string } {
    const messageId = event.kind === "message-sent" ? event.messageId : record?.messageId;
    const entry = messageId !== undefined ? decisions.get(messageId) : undefined;
    const recorded = entry ? decisionInputOf(entry) : null;
    if (entry && recorded && (POLICY_NAMES as readonly string[]).includes(entry.policy)) {
      return { key: `record#${entry.seq}`, source: "decision-record", policy: entry.policy, input: recorded, decision: entry.decision, decisionSeq: entry.seq };
    }
    if (!record) {
      return { why: "The playground explains the messages it sends to the account during this run: this one has no prediction (an imported event, or a message without an id to the account)." };
    }
    const policy = selectExpectationPolicy(stores.expectations.getState());
    const prediction = record.predictions[policy];
    const input = predictionInput(record, policy, deps.policyOptions);
    return { key: `prediction#${record.messageId}#${policy}#${record.sentAt}`, source: "prediction", policy, input, decision: prediction.decision, decisionSeq: null };
  }

  /** The push provider's outcome the sink simulated for a publish (issue 10), if any. */
  function providerOf(iqId: string) {
    const events = stores.timeline.getState().events;
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i]!;
      if (e.kind === "push" && e.iqId === iqId) return e.appServer?.provider ?? null;
    }
    return null;
  }

  /** The lifecycle, and what the App Server answered each publish (for the card's registrations). */
  function lifecycleFor(basis: Basis, event: TimelineEvent, record: ExpectationRecord | undefined): { lifecycle: PushLifecycle; answered: CardPublishFact[] } {
    let publishes: PublishFact[] = [];
    let answers: AnswerFact[] = [];
    if (basis.decisionSeq !== null) {
      publishes = publishesBySeq.get(basis.decisionSeq) ?? [];
      answers = publishes.flatMap((p) => {
        const o = outcomes.get(p.iqId);
        return o ? [{ iqId: o.iqId, outcome: o.outcome, reaction: o.reaction, provider: providerOf(p.iqId) }] : [];
      });
    } else if (event.kind === "message-sent") {
      const timeline = stores.timeline.getState();
      const sinkJid = record?.sinkJid ?? deps.sinkJid();
      const pushes = (event.pushEventIds ?? []).map((id) => findEvent(timeline, id)).filter((e): e is PushEvent => e?.kind === "push");
      publishes = pushes.map((p) => ({ key: { jid: sinkJid, node: p.node ?? "" }, iqId: p.iqId }));
      answers = pushes.flatMap((p) => (p.answer ? [{ iqId: p.iqId, outcome: p.answer, provider: p.appServer?.provider ?? null }] : []));
    }
    const settled = record ? record.observation.closedAt !== null || record.observation.unobservable !== null : true;
    const answered = publishes.flatMap((p): CardPublishFact[] => {
      const a = answers.find((x) => x.iqId === p.iqId);
      return a ? [{ key: p.key, outcome: a.outcome, ...(a.reaction ? { reaction: a.reaction } : {}) }] : [];
    });
    const lifecycle = pushLifecycle({
      source: basis.source,
      policy: basis.policy,
      delivery: basis.input.delivery,
      verdicts: basis.decision.verdicts,
      registrations: basis.input.registrations,
      publishes,
      answers,
      settled,
    });
    return { lifecycle, answered };
  }

  /** Registrations the server's log says it removed before `at` (the card says why nothing is pushed to them). */
  function removedBefore(at: number, policy: PolicyName): RemovedRegistrationFact[] {
    const { registrations, removals } = stores.registrations.getState();
    return registrations.flatMap((reg) => {
      const removal = removals[registrationKeyId(reg.jid, reg.node)];
      if (!removal || removal.at > at) return [];
      return [{ key: { jid: reg.jid, node: reg.node }, cause: removal.cause ?? null, rule: removal.cause ? removalRule(POLICIES[policy]) : removal.why }];
    });
  }

  function explained(basis: Basis, publishFacts: CardPublishFact[], at: number): { card: ExplanationCard; counterfactuals: Counterfactual[] } {
    const support = awaySupport(stores.disco.getState());
    const removed = removedBefore(at, basis.policy);
    const card = explain(basis.input, basis.decision, {
      source: basis.source,
      ...(support !== "unknown" ? { awayAdvertised: support === "advertised" } : {}),
      ...(publishFacts.length ? { publishes: publishFacts } : {}),
      ...(removed.length ? { removed } : {}),
    });
    if (cached?.key !== basis.key) {
      cached = {
        key: basis.key,
        counterfactuals: counterfactuals(basis.input, basis.policy, {
          sinkJid: deps.sinkJid(),
          newNode: randomNode(),
          // A real server's policy is not the user's to switch; the reference server runs every one.
          otherPolicies: basis.source === "decision-record" ? POLICY_NAMES : [],
        }),
      };
    }
    return { card, counterfactuals: cached.counterfactuals };
  }

  function markdownOf(card: ExplanationCard, whatIf: readonly Counterfactual[], lifecycle: PushLifecycle): string {
    const lines = lifecycle.registrations.map((line) => `- ${escapeMarkdown(line.label)}: ${escapeMarkdown(lifecycleText(line, lifecycle.routed))}`);
    const md = explanationMarkdown(card, whatIf);
    return lines.length ? `${md}\n**Lifecycle**\n\n${lines.join("\n")}\n` : md;
  }

  function build(event: TimelineEvent): MessageExplanation {
    const expectations = stores.expectations.getState();
    const record = selectRecordForEvent(expectations, event.id);
    const messageId = event.kind === "message-sent" ? event.messageId : (record?.messageId ?? "");
    const canTry = stores.timeline.getState().view === "live";
    const basis = basisFor(event, record);
    if ("why" in basis) return { eventId: event.id, messageId, status: "unavailable", why: basis.why, counterfactuals: [], canTry };
    const { lifecycle, answered } = lifecycleFor(basis, event, record);
    const { card, counterfactuals: whatIf } = explained(basis, answered, event.at);
    const withId: ExplanationCard = messageId ? { ...card, messageId } : card;
    return {
      eventId: event.id,
      messageId,
      status: "ready",
      source: basis.source,
      policy: basis.policy,
      card: withId,
      counterfactuals: whatIf,
      canTry,
      markdown: markdownOf(withId, whatIf, lifecycle),
      lifecycle,
    };
  }

  return build;
}
