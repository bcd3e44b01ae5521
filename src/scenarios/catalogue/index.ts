/**
 * The conformance scenarios of docs/push-semantics.md §C (C1-C25, C26-C27 for the "app killed"
 * rows 11-12 of table B.2, C28-C30 for the App Server error thresholds of table B.4) as data plus
 * steps, with what each policy of §0.2 expects (tigase, prosody and ejabberd per tables B.2 and
 * B.4), in catalogue order.
 */
import type { Scenario, ScenarioInfo } from "../expectations";
import { AWAY_SCENARIOS } from "./away";
import { BASIC_SCENARIOS } from "./basics";
import { HIBERNATION_SCENARIOS } from "./hibernation";
import { REGISTRATION_SCENARIOS } from "./registrations";
import { THRESHOLD_SCENARIOS } from "./thresholds";

export const SCENARIOS: readonly Scenario[] = [...BASIC_SCENARIOS, ...AWAY_SCENARIOS, ...REGISTRATION_SCENARIOS, ...HIBERNATION_SCENARIOS, ...THRESHOLD_SCENARIOS];

export function scenarioById(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}

/** The catalogue without its step functions (for JSON export, the UI's list, the CLI's --list). */
export function describeScenarios(): ScenarioInfo[] {
  return SCENARIOS.map(({ run: _run, ...info }) => info);
}
