/**
 * Running catalogue scenarios: one fresh harness per scenario, the disco#info prelude that gates
 * scenarios needing a feature (docs/push-semantics.md C1: "if away is missing, mark the remaining away tests N/A"),
 * and the judgement under a policy. Isomorphic: the UI and the CLI use it as the tests do.
 */
import type { PolicyName } from "../protocol/policy/types";
import type { Scenario } from "./expectations";
import { PushHarness } from "./harness";
import type { PushHarnessOptions } from "./harness";
import { judge, matchingPolicies, missingFeatures } from "./judge";
import type { Judgement } from "./judge";
import type { Observation } from "./types";

export interface RunScenarioOptions {
  /** Run the steps even when the server lacks a feature the scenario needs (default false: skipped, judged n/a). */
  runUnsupported?: boolean;
}

/**
 * Runs one scenario on a harness that has not been used yet, then closes the harness. For a
 * scenario with `needs`, a throw-away resource first asks the account's disco#info (and, with
 * `needsStreamManagement`, asks for XEP-0198 when it logs in).
 */
export async function runScenario(scenario: Scenario, h: PushHarness, options: RunScenarioOptions = {}): Promise<Observation> {
  try {
    const needsDisco = scenario.needs !== undefined && scenario.needs.length > 0;
    if (needsDisco || scenario.needsStreamManagement) {
      try {
        // A prelude session with stream management learns whether the server offers it.
        h.connect("disco", { streamManagement: scenario.needsStreamManagement ?? false });
        if (needsDisco) h.disco("disco", undefined, "prelude-disco");
        await h.disconnect("disco");
      } catch {
        // Recorded in the step log; the scenario itself will report the aborted run.
        return h.observation(scenario.id);
      }
      const probe = h.observation(scenario.id);
      const missing = missingFeatures(scenario, probe);
      if (missing && !options.runUnsupported) return { ...probe, skipped: missing };
    }
    return await scenario.run(h);
  } finally {
    await h.close();
  }
}

export interface ScenarioResult {
  scenarioId: string;
  policy: PolicyName;
  judgement: Judgement;
  /** Policies the observed behaviour matches (docs/push-semantics.md §0.4). */
  matches: PolicyName[];
  observation: Observation;
}

/** Runs a scenario with a harness built from `harnessOptions` and judges it under `policy`. */
export async function runAndJudge(
  scenario: Scenario,
  policy: PolicyName,
  harnessOptions: PushHarnessOptions,
  options: RunScenarioOptions & { ignoreNeeds?: boolean } = {},
): Promise<ScenarioResult> {
  const observation = await runScenario(scenario, new PushHarness(harnessOptions), options);
  return {
    scenarioId: scenario.id,
    policy,
    judgement: judge(scenario, policy, observation, { ignoreNeeds: options.ignoreNeeds ?? false }),
    matches: matchingPolicies(scenario, observation),
    observation,
  };
}
