/**
 * What a conformance run is pointed at and what it reports, as plain serialisable data: the CLI
 * writes it as JSON and Markdown, the README table is built from it, the UI (later) renders it.
 */
import type { PolicyName } from "../protocol/policy/types";
import type { Credentials, HarnessWaits, Mechanism } from "../scenarios/harness";
import type { Verdict } from "../scenarios/judge";
import type { HarnessEvent, Level, Observation } from "../scenarios/types";
import type { ServerIdentity } from "./server-identity";

/**
 * `shared`: the accounts exist on the server and every scenario uses them (real servers): each
 * scenario gets fresh resources and a fresh sink resource, offline messages are drained before it
 * and its registrations are disabled after it, and scenarios run one at a time.
 * `fresh`: each scenario logs in as new usernames (the given ones plus a random suffix), which a
 * server that registers on first login (the reference server in dev mode) creates; no
 * housekeeping is needed and scenarios may run concurrently.
 */
export type AccountMode = "shared" | "fresh";

/** `auto`: fresh accounts on the reference server (it registers them), shared ones elsewhere. */
export type AccountChoice = AccountMode | "auto";

/**
 * How "no push" is settled. `window`: watch for a fixed time (waits.noPushMs, the quiet window of
 * a probe), as real servers need. `decision-log`: ping round trips and the reference server's
 * decision log (src/scenarios/harness/server-settle.ts); falls back to the window when the log
 * cannot be read. `auto`: decision-log on the reference server, window elsewhere.
 */
export type SettleChoice = "window" | "decision-log" | "auto";

export interface SuiteTarget {
  /** Label in reports and the README table (`reference/spec`, `prosody`, or the service URL). */
  name: string;
  /** Explicit WebSocket URL (RFC 7395). */
  service: string;
  /** The account's domain (and the sender's and sink's unless their credentials say otherwise). */
  domain: string;
  account: Credentials;
  sender: Credentials;
  /** The App Server's account; each scenario binds a fresh resource of it. */
  sink: Credentials;
  mechanism?: Mechanism;
  waits?: Partial<HarnessWaits>;
  /** Default `shared`. */
  accounts?: AccountChoice;
  /** Default `auto`. */
  settle?: SettleChoice;
}

/** Which policy verdicts are judged under, and why. */
export type PolicySource = "option" | "disco" | "default";

export interface PolicyScore {
  matched: number;
  total: number;
}

export interface PolicyIdentification {
  /** The policy the observed behaviour matches best (ties: the first of POLICY_NAMES among them). */
  best: PolicyName;
  /** Every policy with the best score; more than one means the run could not tell them apart. */
  candidates: PolicyName[];
  scores: Record<PolicyName, PolicyScore>;
}

export interface ScenarioReport {
  id: string;
  name: string;
  level: Level;
  needs: string[];
  verdict: Verdict;
  /** true: all expected was observed; false: something differs; null: nothing asserted. */
  matched: boolean | null;
  detail: string;
  mismatches: string[];
  /** What was seen (features, iq outcomes, nodes pushed, summary fields). */
  notes: string[];
  /** Policies whose expectation the observation meets (docs/push-semantics.md §0.4). */
  matches: PolicyName[];
  /** Policies this run gives evidence about: the scenario ran and the policy asserts something. */
  comparable: PolicyName[];
  /** What a failed (or informationally different) result means on this server. */
  hint: string | null;
  durationMs: number;
  /** Offline messages taken off a shared account after the scenario (the ones it left there). */
  drainedMessages: number;
  /** Shared accounts: problems of the cleanup and drain, and runs disturbed by other clients. */
  housekeeping: string[];
  /**
   * With `runUnsupported`: the judgement as if the server advertised every feature the scenario
   * needs (it ran anyway). Evidence of how a server behaves where it would be n/a, e.g. whether
   * the reference server's prosody policy reproduces Prosody in the away scenarios.
   */
  ungated?: UngatedJudgement;
  observation: Observation;
}

export interface UngatedJudgement {
  verdict: Verdict;
  matched: boolean | null;
  detail: string;
  mismatches: string[];
  matches: PolicyName[];
}

export interface SuiteSummary {
  counts: Record<Verdict, number>;
  /** Ids of failed MUST scenarios (a CLI run exits 1 when there is one). */
  failedMust: string[];
  /** Ids of every failed scenario. */
  failed: string[];
}

export interface SuiteReport {
  format: "xmpp-push-conformance/1";
  target: {
    name: string;
    service: string;
    domain: string;
    /** The account's bare JID (fresh mode: the configured one, before the per-scenario suffix). */
    account: string;
    accounts: AccountMode;
    /** How "no push" was settled (absent in reports from before issue 14: window). */
    settle?: "window" | "decision-log";
  };
  /** Who the server says it is (domain disco#info) and what the account disco lists. */
  server: ServerIdentity;
  accountFeatures: string[] | null;
  policy: PolicyName;
  policySource: PolicySource;
  /** Scenarios needing an unadvertised feature ran anyway (still n/a; see ScenarioReport.ungated). */
  runUnsupported: boolean;
  /** Why the policy fell back to the default, when it did. */
  policyNote?: string;
  startedAt: string;
  durationMs: number;
  waits: HarnessWaits;
  scenarios: ScenarioReport[];
  summary: SuiteSummary;
  identification: PolicyIdentification;
  /** The run could not start (no login, no disco answer); `scenarios` is then empty. */
  fatal?: string;
}

export type SuiteProgress =
  | {
      type: "preflight";
      server: ServerIdentity;
      accountFeatures: string[] | null;
      policy: PolicyName;
      policySource: PolicySource;
      /** How the run goes on this server (runner.ts resolveRunMode). */
      mode?: { accounts: AccountMode; settle: "window" | "decision-log"; concurrency: number };
    }
  | { type: "scenario-start"; index: number; total: number; id: string; name: string }
  | { type: "scenario-done"; index: number; total: number; report: ScenarioReport; identification: PolicyIdentification };

export type SuiteHarnessListener = (scenarioId: string, event: HarnessEvent) => void;
