/**
 * Capped append for the timeline and the console: both keep at most `cap` entries and drop the
 * oldest. Appends happen in place (O(batch), no copy of the entries already there); readers follow
 * a sequence number the store bumps per change (`liveSeq`, `frameSeq`), not the array's identity.
 */
export const DEFAULT_CAP = 200_000;

/** Append `added` to `list` in place and drop the oldest beyond `cap`; returns how many were dropped. */
export function appendInPlace<T>(list: T[], added: readonly T[], cap: number): number {
  // One push per item: push(...added) would overflow the stack for very large batches.
  for (let i = 0; i < added.length; i++) list.push(added[i]!);
  const excess = list.length - cap;
  if (excess <= 0) return 0;
  list.splice(0, excess);
  return excess;
}
