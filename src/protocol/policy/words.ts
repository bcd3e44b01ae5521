/**
 * Sentence pieces that know no policy. Their own module, apart from common.ts and timers.ts, so the
 * page's first screen (the expectation summary, the session log lines) gets them without the
 * policies' shared code (issue 14: a small first load). The policies re-export them.
 */

/** "a", "a and b", "a, b and c". */
export function joinList(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** "72 h", "60 s", "1.5 s". */
export function durationText(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  return `${Math.round(ms / 100) / 10} s`;
}
