/**
 * The `awayShows` policy option (PolicyOptions) as an operator writes it: `--away-shows away,xa,dnd`
 * on the reference server, the same set in the Connection tab for the predictions on other servers.
 * Some deployments and clients treat `dnd` as away (Converse's API sets `dnd` for "away"); the
 * policies read the set through routing.ts's isAway, so this is the only place it is parsed.
 */
import { DEFAULT_POLICY_OPTIONS, SHOW_VALUES, type Show } from "./types";

export const DEFAULT_AWAY_SHOWS: readonly Show[] = DEFAULT_POLICY_OPTIONS.awayShows;

export function isShow(value: string): value is Show {
  return (SHOW_VALUES as readonly string[]).includes(value);
}

/** `away,xa,dnd` → the shows in SHOW_VALUES order, or a specific message for the first bad value. */
export function parseAwayShows(text: string): { ok: true; shows: Show[] } | { ok: false; error: string } {
  const items = text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (items.length === 0) return { ok: false, error: `give at least one <show> value (${SHOW_VALUES.join(", ")})` };
  const bad = items.find((s) => !isShow(s));
  if (bad !== undefined) return { ok: false, error: `${JSON.stringify(bad)} is not a <show> value (choose from ${SHOW_VALUES.join(", ")})` };
  return { ok: true, shows: SHOW_VALUES.filter((s) => items.includes(s)) };
}

/** Whatever storage or an import held, as a set of shows; null when it is not one. */
export function coerceAwayShows(value: unknown): Show[] | null {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && isShow(v))) return null;
  return SHOW_VALUES.filter((s) => (value as string[]).includes(s));
}
