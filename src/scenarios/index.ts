/** The scenario harness, the §C catalogue and the judge, for the UI, the CLI and the tests. */
export { PushHarness, DEFAULT_WAITS, HarnessStepError, describeIq, describePublishes, describeSinkMode } from "./harness";
export type {
  Credentials,
  DisableStepOptions,
  EnableStepOptions,
  ExpectNoPushOptions,
  ExpectPushOptions,
  HarnessWaits,
  Mechanism,
  PresenceOptions,
  PushHarnessOptions,
  SendOptions,
  SinkAnswer,
  SinkCredentials,
} from "./harness";
export { SCENARIOS, describeScenarios, scenarioById } from "./catalogue";
export type { Expectation, IqExpectation, ProbeExpectation, PublishCheck, Scenario, ScenarioInfo, SummaryExpectation } from "./expectations";
export { judge, matchingPolicies, missingFeatures, describeObservation } from "./judge";
export type { JudgeOptions, Judgement, Verdict } from "./judge";
export { runAndJudge, runScenario } from "./run";
export type { RunScenarioOptions, ScenarioResult } from "./run";
export type * from "./types";
