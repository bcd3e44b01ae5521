/**
 * The running score: for how many judged messages each policy's prediction matched what the sink
 * observed, which policy the connected server behaves like so far, and which policy is "the"
 * expectation the timeline's verdict badges use.
 */
import { joinList } from "../../protocol/policy/words";
import { POLICY_NAMES, type PolicyName } from "../../protocol/policy/types";
import type { ExpectationRecord, PolicyVerdict } from "./types";

export interface PolicyScore {
  /** Judged messages whose observation matched this policy's prediction. */
  matched: number;
  /** Messages judged (window closed, sink able to observe). */
  judged: number;
}

export type Scores = Record<PolicyName, PolicyScore>;

export const EMPTY_SCORES: Scores = {
  spec: { matched: 0, judged: 0 },
  tigase: { matched: 0, judged: 0 },
  prosody: { matched: 0, judged: 0 },
  ejabberd: { matched: 0, judged: 0 },
};

function counted(verdict: PolicyVerdict | undefined): PolicyScore {
  if (!verdict || (verdict.status !== "match" && verdict.status !== "mismatch")) return { matched: 0, judged: 0 };
  return { matched: verdict.status === "match" ? 1 : 0, judged: 1 };
}

/**
 * The scores after a record changed from `previous` (undefined: new) to `next`: a verdict can be
 * revised (a push linked late through the server log), so the old contribution is taken back.
 */
export function rescore(scores: Scores, previous: Pick<ExpectationRecord, "verdicts"> | undefined, next: Pick<ExpectationRecord, "verdicts">): Scores {
  let changed = false;
  const out = { ...scores };
  for (const name of POLICY_NAMES) {
    const before = counted(previous?.verdicts[name]);
    const after = counted(next.verdicts[name]);
    if (before.matched === after.matched && before.judged === after.judged) continue;
    changed = true;
    out[name] = {
      matched: out[name].matched - before.matched + after.matched,
      judged: out[name].judged - before.judged + after.judged,
    };
  }
  return changed ? out : scores;
}

export interface MatchSummary {
  /** Best-scoring policies (more than one on a tie), in POLICY_NAMES order; empty before any verdict. */
  best: PolicyName[];
  matched: number;
  judged: number;
  /** "behaves like prosody: 7/7 messages", "closest to spec and tigase: 4/5 messages", "no verdicts yet". */
  text: string;
  /** One line per policy, for the tooltip. */
  lines: string[];
}

function messages(n: number): string {
  return n === 1 ? "message" : "messages";
}

function rate(s: PolicyScore): number {
  return s.judged === 0 ? 0 : s.matched / s.judged;
}

export function summarizeScores(scores: Scores): MatchSummary {
  const lines = POLICY_NAMES.map((name) => {
    const s = scores[name];
    return `${name}: ${s.matched}/${s.judged} ${messages(s.judged)} matched`;
  });
  const judgedAny = POLICY_NAMES.some((name) => scores[name].judged > 0);
  if (!judgedAny) return { best: [], matched: 0, judged: 0, text: "no verdicts yet", lines };
  const top = Math.max(...POLICY_NAMES.map((name) => rate(scores[name])));
  const best = POLICY_NAMES.filter((name) => rate(scores[name]) === top);
  const first = scores[best[0]!];
  const verb = first.matched === first.judged ? "behaves like" : "closest to";
  return {
    best,
    matched: first.matched,
    judged: first.judged,
    text: `${verb} ${joinList(best)}: ${first.matched}/${first.judged} ${messages(first.judged)}`,
    lines,
  };
}

export type ExpectationSource = "pinned" | "server log" | "best match" | "default";

export interface ExpectationChoice {
  policy: PolicyName;
  source: ExpectationSource;
  /** Why this policy: shown beside the picker. */
  why: string;
}

/**
 * The policy verdict badges use: the one the user pinned; else the one the reference server's log
 * names; else the best match so far (the first on a tie); else spec, the project's default.
 */
export function chooseExpectationPolicy(state: { pinned: PolicyName | null; serverPolicy: PolicyName | null; scores: Scores }): ExpectationChoice {
  if (state.pinned) return { policy: state.pinned, source: "pinned", why: `pinned to ${state.pinned}` };
  if (state.serverPolicy) return { policy: state.serverPolicy, source: "server log", why: `the server's decision log names ${state.serverPolicy}` };
  const summary = summarizeScores(state.scores);
  const [best] = summary.best;
  if (best) return { policy: best, source: "best match", why: `best match so far (${summary.matched}/${summary.judged} ${messages(summary.judged)})` };
  return { policy: "spec", source: "default", why: "spec, the default, until verdicts come in" };
}
