/** The conformance runner and its reports, for the CLI, the README table script, the tests and the UI. */
export { runSuite, selectScenarios, harnessOptions, UnknownScenarioError } from "./runner";
export type { RunSuiteOptions } from "./runner";
export { identifyPolicy, describeIdentification, formatScore, summarize } from "./identify";
export { toJson, toMarkdown, progressLine, describeCounts, escapeMarkdown, formatDuration, verdictCell } from "./format";
export type { JsonOptions } from "./format";
export { HINTS, hintFor, wantsHint } from "./hints";
export type { HintTexts } from "./hints";
export { identifyServer, serverLabel } from "./server-identity";
export type { ServerIdentity, ServerKind } from "./server-identity";
export { CLI_WAITS, USAGE, parseCliArgs, scaleWaits } from "./cli-args";
export type { CliOptions, CliParse } from "./cli-args";
export type * from "./types";
