/**
 * Which policy a server's observed behaviour matches (docs/push-semantics.md §0.4: report the match rather than
 * fail a Prosody-like server), and the verdict counts. Pure: works on partial reports too, so a
 * live view can say "behaves like prosody: 7/7" while the suite is still running.
 */
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";
import type { Verdict } from "../scenarios/judge";
import type { PolicyIdentification, PolicyScore, ScenarioReport, SuiteSummary } from "./types";

type Evidence = Pick<ScenarioReport, "matches" | "comparable">;

/**
 * Scores every policy by the scenarios that give evidence about it (ran, and the policy asserts
 * something): matched = those whose expectation the observation met. Best = highest share, then
 * most matches, then the order of POLICY_NAMES.
 */
export function identifyPolicy(report: { scenarios: readonly Evidence[] }): PolicyIdentification {
  const scores = Object.fromEntries(POLICY_NAMES.map((p) => [p, { matched: 0, total: 0 }])) as Record<PolicyName, PolicyScore>;
  for (const scenario of report.scenarios) {
    for (const policy of scenario.comparable) {
      scores[policy].total += 1;
      if (scenario.matches.includes(policy)) scores[policy].matched += 1;
    }
  }
  const ranked = [...POLICY_NAMES].sort((a, b) => compareScores(scores[b], scores[a]) || POLICY_NAMES.indexOf(a) - POLICY_NAMES.indexOf(b));
  const best = ranked[0] ?? "spec";
  const candidates = ranked.filter((p) => compareScores(scores[p], scores[best]) === 0);
  return { best, candidates, scores };
}

/** Positive when `a` is the better score. */
function compareScores(a: PolicyScore, b: PolicyScore): number {
  return share(a) - share(b) || a.matched - b.matched;
}

function share(score: PolicyScore): number {
  return score.total === 0 ? 0 : score.matched / score.total;
}

/** `prosody: 12/12` */
function formatScore(policy: PolicyName, score: PolicyScore): string {
  return `${policy}: ${score.matched}/${score.total}`;
}

/** `behaves like prosody: 12/12 (ejabberd 9/12, spec 6/12, tigase 5/12)`, or why it cannot tell. */
export function describeIdentification(identification: PolicyIdentification): string {
  const { best, candidates, scores } = identification;
  if (scores[best].total === 0) return "behaves like: not enough evidence yet";
  const others = POLICY_NAMES.filter((p) => p !== best)
    .sort((a, b) => compareScores(scores[b], scores[a]) || POLICY_NAMES.indexOf(a) - POLICY_NAMES.indexOf(b))
    .map((p) => `${p} ${scores[p].matched}/${scores[p].total}`);
  const head =
    candidates.length > 1
      ? `behaves like ${candidates.join(" or ")} (cannot tell apart): ${scores[best].matched}/${scores[best].total}`
      : `behaves like ${formatScore(best, scores[best])}`;
  return `${head} (${others.join(", ")})`;
}

export function summarize(scenarios: readonly Pick<ScenarioReport, "id" | "level" | "verdict">[]): SuiteSummary {
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, info: 0, "n/a": 0 };
  for (const s of scenarios) counts[s.verdict] += 1;
  const failed = scenarios.filter((s) => s.verdict === "fail");
  return { counts, failed: failed.map((s) => s.id), failedMust: failed.filter((s) => s.level === "MUST").map((s) => s.id) };
}
