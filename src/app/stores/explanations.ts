/**
 * The explanation of the selected sent message (issue 9): its card, the counterfactuals, the
 * Markdown to copy and the lifecycle of its pushes, and the outcome of the last "Try it". Written
 * only by the Playground's explanations service (src/app/playground/explanations.ts); views render it.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { Change, Counterfactual, DecisionSource, ExplanationCard } from "../../protocol/explain";
import type { PolicyName } from "../../protocol/policy/types";
import type { PushLifecycle } from "../playground/push-lifecycle";

export interface MessageExplanation {
  /** The message-sent (or raw-send) timeline event it explains. */
  eventId: string;
  messageId: string;
  /** `ready`: explained; `unavailable`: nothing to explain it from (`why` says why). */
  status: "ready" | "unavailable";
  why?: string;
  source?: DecisionSource;
  policy?: PolicyName;
  card?: ExplanationCard;
  counterfactuals: Counterfactual[];
  /** Whether "Try it" can set the playground up (a live run, not an imported file). */
  canTry: boolean;
  /** "Copy as Markdown" text (untrusted strings escaped). */
  markdown?: string;
  lifecycle?: PushLifecycle;
}

export interface TrialState {
  /** JSON of the change tried (identifies the counterfactual). */
  changeId: string;
  status: "running" | "done" | "failed";
  /** What was done, or the specific error. */
  text: string;
}

export interface ExplanationsState {
  current: MessageExplanation | null;
  trial: TrialState | null;
  /** Explanations service only. */
  setCurrent(current: MessageExplanation | null): void;
  setTrial(trial: TrialState | null): void;
}

export const changeId = (change: Change): string => JSON.stringify(change);

export function createExplanationsStore(): StoreApi<ExplanationsState> {
  return createStore<ExplanationsState>()((set) => ({
    current: null,
    trial: null,
    setCurrent: (current) => set({ current }),
    setTrial: (trial) => set({ trial }),
  }));
}
