/** Words, marks and tones the expectation badge, detail table and header summary share. */
import type { PolicyPrediction, VerdictStatus } from "../../expectations/types";
import type { Tone } from "../shared/StatusDot";

export const VERDICT_MARKS: Record<VerdictStatus, string> = { pending: "…", match: "✓", mismatch: "✗", unobservable: "?" };

/** Screen-reader words beside the marks (colour and symbols are never the only carrier). */
export const VERDICT_WORDS: Record<VerdictStatus, string> = {
  pending: "waiting",
  match: "matched",
  mismatch: "mismatch",
  unobservable: "not observable",
};

export const VERDICT_TONES: Record<VerdictStatus, Tone> = { pending: "info", match: "ok", mismatch: "err", unobservable: "warn" };

/** "expect no push", "expect push", "expect 2 pushes". */
export function expectText(prediction: PolicyPrediction): string {
  const n = prediction.expected.length;
  return n === 0 ? "expect no push" : n === 1 ? "expect push" : `expect ${n} pushes`;
}

export function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
