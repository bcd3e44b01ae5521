/**
 * The explanations service (issue 9): for the selected sent message it writes the explanation card,
 * the counterfactuals, the Markdown to copy and the lifecycle of its pushes into the explanations
 * store. On the reference server it explains from the server's own decision record (which carries
 * the DecisionInput, src/protocol/push-log.ts); elsewhere from the expectation engine's prediction
 * for the chosen policy, marked as a prediction. Only the selected message is explained, so a long
 * session costs nothing until the user asks.
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
} from "../../protocol/explain";
import { POLICY_NAMES, type DecisionInput, type PolicyName, type PushDecision } from "../../protocol/policy/types";
import { decisionInputOf, type MessageDecisionEntry, type PublishOutcomeEntry, type PushLogEntry } from "../../protocol/push-log";
import type { ExpectationRecord } from "../expectations/types";
import type { PushEvent, TimelineEvent } from "../model";
import type { Stores } from "../stores";
import { awaySupport } from "../stores/disco";
import { selectExpectationPolicy, selectRecordForEvent } from "../stores/expectations";
import type { MessageExplanation } from "../stores/explanations";
import { findEvent, selectSelectedEvent } from "../stores/timeline";
import { randomNode } from "./format";
import { lifecycleText, pushLifecycle, type AnswerFact, type PublishFact, type PushLifecycle } from "./push-lifecycle";

export interface ExplanationsDeps {
  stores: Stores;
  accountBare: () => string;
  sinkJid: () => string;
  /** The options the predictions decide with (the expectation engine's). */
  policyOptions: DecisionInput["options"];
}

export interface ExplanationService {
  /** An entry of the reference server's push log. */
  logEntry(entry: PushLogEntry): void;
  /** Explain the selection again now (the stores' subscriptions do it on every change). */
  refresh(): void;
  dispose(): void;
}

/** Decision records and publish facts remembered for explaining (oldest forgotten first). */
const MEMORY = 5_000;

interface Basis {
  key: string;
  source: DecisionSource;
  policy: PolicyName;
  input: DecisionInput;
  decision: PushDecision;
  decisionSeq: number | null;
}

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MEMORY) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/** What the playground predicted for `policy`, as the DecisionInput the policy decided on. */
export function predictionInput(record: ExpectationRecord, policy: PolicyName, options: DecisionInput["options"]): DecisionInput {
  return {
    account: record.account,
    sessions: record.sessions,
    registrations: record.predictions[policy].registrations,
    message: record.message,
    delivery: record.delivery,
    options,
    // The counters only shape the summary form, which the card does not explain.
    pushedSinceOnline: 0,
    offlineCount: record.delivery.storedOffline ? 1 : 0,
  };
}

function isExplainable(e: TimelineEvent): boolean {
  return e.kind === "message-sent" || (e.kind === "raw-send" && e.element === "message");
}

export function createExplanationService(deps: ExplanationsDeps): ExplanationService {
  const { stores } = deps;
  const decisions = new Map<string, MessageDecisionEntry>();
  const publishesBySeq = new Map<number, PublishFact[]>();
  const outcomes = new Map<string, PublishOutcomeEntry>();
  // Counterfactuals re-run the policies some dozens of times: computed once per decision basis.
  let cached: { key: string; counterfactuals: Counterfactual[] } | null = null;
  let disposed = false;

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

  function explained(basis: Basis, publishFacts: CardPublishFact[]): { card: ExplanationCard; counterfactuals: Counterfactual[] } {
    const support = awaySupport(stores.disco.getState());
    const card = explain(basis.input, basis.decision, {
      source: basis.source,
      ...(support !== "unknown" ? { awayAdvertised: support === "advertised" } : {}),
      ...(publishFacts.length ? { publishes: publishFacts } : {}),
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
    const { card, counterfactuals: whatIf } = explained(basis, answered);
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

  let lastSignature = "";
  function refresh(): void {
    if (disposed) return;
    const timeline = stores.timeline.getState();
    const event = selectSelectedEvent(timeline);
    const store = stores.explanations.getState();
    if (!event || !isExplainable(event)) {
      lastSignature = "";
      if (store.current !== null) store.setCurrent(null);
      return;
    }
    let next: MessageExplanation;
    try {
      next = build(event);
    } catch (e) {
      // The decision record comes from the server: a malformed one must not break the stores' updates.
      const messageId = event.kind === "message-sent" ? event.messageId : "";
      next = { eventId: event.id, messageId, status: "unavailable", why: `This message cannot be explained: ${e instanceof Error ? e.message : String(e)}`, counterfactuals: [], canTry: false };
    }
    // Skip a store write when nothing the views show changed (refresh runs on every store change).
    const signature = JSON.stringify(next);
    if (signature === lastSignature) return;
    lastSignature = signature;
    // A "Try it" outcome belongs to the card it was pressed on.
    if (store.current?.eventId !== next.eventId && store.trial?.status !== "running") store.setTrial(null);
    store.setCurrent(next);
  }

  const unsubscribe = [
    stores.timeline.subscribe((s, p) => {
      if (s.selectedId !== p.selectedId || s.view !== p.view || s.imported !== p.imported) refresh();
      // New events matter only while a message is explained (its pushes and answers arrive as events).
      else if (s.events !== p.events && stores.explanations.getState().current !== null) refresh();
    }),
    stores.expectations.subscribe((s, p) => {
      const changed = s.records !== p.records || s.pinned !== p.pinned || s.server !== p.server || s.scores !== p.scores;
      // Nothing is explained when the selection is not a sent message: no need to look for it again.
      if (changed && stores.explanations.getState().current !== null) refresh();
    }),
  ];

  return {
    logEntry(entry) {
      if (entry.account.toLowerCase() !== deps.accountBare()) return;
      switch (entry.kind) {
        case "message-decision":
          if (entry.messageId) remember(decisions, entry.messageId, entry);
          break;
        case "publish": {
          const list = publishesBySeq.get(entry.causeSeq) ?? [];
          remember(publishesBySeq, entry.causeSeq, [...list, { key: entry.key, iqId: entry.iqId, ...(entry.delayedMs !== undefined ? { delayedMs: entry.delayedMs } : {}) }]);
          break;
        }
        case "publish-outcome":
          remember(outcomes, entry.iqId, entry);
          break;
        default:
          return;
      }
      if (stores.explanations.getState().current !== null) refresh();
    },
    refresh,
    dispose() {
      disposed = true;
      for (const u of unsubscribe) u();
    },
  };
}
