/**
 * The explanations service (issue 9): for the selected sent message it writes the explanation card,
 * the counterfactuals, the Markdown to copy and the lifecycle of its pushes into the explanations
 * store. On the reference server it explains from the server's own decision record (which carries
 * the DecisionInput, src/protocol/push-log.ts); elsewhere from the expectation engine's prediction
 * for the chosen policy, marked as a prediction. Only the selected message is explained, so a long
 * session costs nothing until the user asks. The builder (the policies' counterfactuals, the card's
 * text) is its own chunk, fetched the first time a message is explained (or by preloadExplanations).
 */
import type { DecisionInput } from "../../protocol/policy/types";
import type { MessageDecisionEntry, PublishOutcomeEntry, PushLogEntry } from "../../protocol/push-log";
import type { TimelineEvent } from "../model";
import type { Stores } from "../stores";
import type { MessageExplanation } from "../stores/explanations";
import { selectSelectedEvent } from "../stores/timeline";
import type { createExplanationBuilder } from "./explanation-build";
import type { PublishFact } from "./push-lifecycle";

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

function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MEMORY) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

type BuilderFactory = typeof createExplanationBuilder;
let builderFactory: BuilderFactory | null = null;
let loadingBuilder: Promise<BuilderFactory> | null = null;

/** Fetches the explanation builder's chunk; resolves once explanations can be built synchronously. */
export function preloadExplanations(): Promise<void> {
  loadingBuilder ??= import("./explanation-build").then(
    (m) => (builderFactory = m.createExplanationBuilder),
    (error: unknown) => {
      loadingBuilder = null;
      throw error;
    },
  );
  return loadingBuilder.then(() => undefined);
}

function isExplainable(e: TimelineEvent): boolean {
  return e.kind === "message-sent" || (e.kind === "raw-send" && e.element === "message");
}

export function createExplanationService(deps: ExplanationsDeps): ExplanationService {
  const { stores } = deps;
  const decisions = new Map<string, MessageDecisionEntry>();
  const publishesBySeq = new Map<number, PublishFact[]>();
  const outcomes = new Map<string, PublishOutcomeEntry>();
  let disposed = false;

  let build: ReturnType<BuilderFactory> | null = null;
  const builder = (): ReturnType<BuilderFactory> | null => {
    if (!build && builderFactory) build = builderFactory(deps, { decisions, publishesBySeq, outcomes });
    return build;
  };

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
    const explainer = builder();
    if (!explainer) {
      // First explanation of the page: explain once the builder's chunk is here.
      preloadExplanations().then(refresh, (e: unknown) => {
        const messageId = event.kind === "message-sent" ? event.messageId : "";
        store.setCurrent({ eventId: event.id, messageId, status: "unavailable", why: `The explanation could not be loaded: ${e instanceof Error ? e.message : String(e)}. Select the message again to retry.`, counterfactuals: [], canTry: false });
      });
      return;
    }
    let next: MessageExplanation;
    try {
      next = explainer(event);
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
      else if (s.liveSeq !== p.liveSeq && stores.explanations.getState().current !== null) refresh();
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
