import { useState } from "react";
import type { PlaygroundError } from "../../model";
import type { SessionView } from "../../stores/sessions";
import { useActionError } from "../shared/action-error";

/** What a card action returns: a result that may carry the reason it was refused, or nothing. */
export type ResourceActionResult = { ok: boolean; error?: PlaygroundError } | void;

export interface ResourceAction {
  /** An action of this card is under way: its buttons wait. */
  busy: boolean;
  /** What the last action refused, when it says more than the session's own lastError. */
  error: string | null;
  setError(error: PlaygroundError | string | null): void;
  /** Runs one action: busy while it runs, its refusal shown as `error`. */
  run(action: () => Promise<ResourceActionResult>): Promise<void>;
}

/** The busy flag and action error one resource card shares between its controls. */
export function useResourceAction(session: SessionView): ResourceAction {
  const [busy, setBusy] = useState(false);
  // Connection failures show in the lastError callout; this is for what else an action refused.
  const [error, setError] = useActionError(session);
  const run = async (action: () => Promise<ResourceActionResult>) => {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (result && !result.ok && result.error) setError(result.error);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
