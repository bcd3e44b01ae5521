/**
 * An action's error as a panel shows it. A session's connection failure already shows on its card
 * or tab (`lastError`, cleared when the session comes online), so a view shows an action's error
 * only when it says something else, and only until the session reconnects: an error whose cause
 * was fixed elsewhere (e.g. "Connect all" after correcting a password) must not linger.
 */
import { useState } from "react";
import type { PlaygroundError } from "../../model";
import type { SessionView } from "../../stores/sessions";
import { describeError } from "./format";

export interface ActionError {
  text: string;
  /** The session's `connectedAt` when the action ran: a later connection makes the error stale. */
  connectedAt: number | null;
}

/** Whether a view should still show `error` next to this session's own state. */
export function showsActionError(error: ActionError | null, session: Pick<SessionView, "connectedAt" | "lastError"> | undefined): error is ActionError {
  if (!error) return false;
  if (error.connectedAt !== (session?.connectedAt ?? null)) return false;
  const own = session?.lastError;
  return !own || (error.text !== own.message && error.text !== describeError(own));
}

/**
 * `[shown, set]`: `set(error)` after an action fails (or `set(null)` when it starts); `shown` is
 * the text to show, or null.
 */
export function useActionError(session: Pick<SessionView, "connectedAt" | "lastError"> | undefined): [string | null, (error: PlaygroundError | string | null) => void] {
  const [error, setError] = useState<ActionError | null>(null);
  const connectedAt = session?.connectedAt ?? null;
  const set = (e: PlaygroundError | string | null) => setError(e === null ? null : { text: typeof e === "string" ? e : describeError(e), connectedAt });
  return [showsActionError(error, session) ? error.text : null, set];
}
