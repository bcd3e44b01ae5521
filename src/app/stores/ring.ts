/**
 * Capped append for the timeline and the console: both keep at most `cap` entries and drop the
 * oldest (a ring buffer over immutable arrays, so React sees a new array per flush).
 */
export const DEFAULT_CAP = 200_000;

export interface CappedAppend<T> {
  items: T[];
  /** How many old entries were dropped by this append. */
  dropped: number;
}

export function appendCapped<T>(current: readonly T[], added: readonly T[], cap: number): CappedAppend<T> {
  if (added.length === 0) return { items: current as T[], dropped: 0 };
  const total = current.length + added.length;
  if (total <= cap) return { items: current.concat(added), dropped: 0 };
  const excess = total - cap;
  if (excess >= current.length) {
    // The batch alone fills the buffer: keep its newest `cap` entries.
    return { items: added.slice(added.length - cap), dropped: excess };
  }
  return { items: current.slice(excess).concat(added), dropped: excess };
}
