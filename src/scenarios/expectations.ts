/**
 * The shape of a scenario and of what each policy expects from it. Plain data (apart from
 * `run`), so the UI and the CLI can list, filter and serialise the catalogue.
 */
import type { PolicyName } from "../protocol/policy/types";
import type { PushHarness } from "./harness";
import type { Level, Observation } from "./types";

/** An iq outcome: any result, a result without children, or a stanza error with this condition. */
export type IqExpectation = "result" | "empty-result" | { error: string };

export interface SummaryExpectation {
  /** A number = exactly that; `positive` = an integer >= 1; `absent` = no field. */
  messageCount?: number | "positive" | "absent";
  /** `full`/`bare` = the sender's JID in that form; `absent` = no field. */
  sender?: "full" | "bare" | "absent";
  /** `message` = the body sent; `absent` = no field; `{ placeholder }` = that fixed text. */
  body?: "message" | "absent" | { placeholder: string };
}

/**
 * Checks on every message push of a probe:
 * `from-domain`: the publish comes from the account's domain JID (docs/push-semantics.md A.4, C5);
 * `publish-options-echo`: it echoes the publish-options form given at enable (C6);
 * `summary-form`: if a summary form is present its FORM_TYPE is urn:xmpp:push:summary and it holds
 * only the registered fields (C7; a non-integer message-count already makes the publish unreadable).
 */
export type PublishCheck = "from-domain" | "publish-options-echo" | "summary-form";

export interface ProbeExpectation {
  /** Node labels of the message pushes, as a multiset (order ignored); [] = no push. */
  push?: string[];
  /** Every label at least once and no other label (Tigase may push twice, docs/push-semantics.md B.2 row 8). */
  pushAtLeast?: string[];
  /** Node labels of Tigase "retrieved" pings (message-count 0, no sender, no body). */
  retrieved?: string[];
  /** Account resources that receive the probe's message(s) with a body, as a set. */
  delivered?: string[];
  checks?: PublishCheck[];
  summary?: SummaryExpectation;
}

export interface Expectation {
  /** The scenario does not apply to this policy; the reason. */
  na?: string;
  /** Nothing is asserted: record what happens (the reason says what to look at). */
  record?: string;
  /** Features the account's disco#info must list / must not list. */
  features?: { include?: string[]; exclude?: string[] };
  iqs?: Record<string, IqExpectation>;
  probes?: Record<string, ProbeExpectation>;
  /** Where the expectation comes from (a section and row of docs/push-semantics.md). */
  basis?: string;
}

export interface ScenarioInfo {
  id: string;
  name: string;
  level: Level;
  /** Levels of single probes or iqs where they differ from the scenario's (C15: `one` is INFO). */
  partLevels?: Record<string, Level>;
  /** Features the server must advertise on the account disco (C1) for the scenario to apply. */
  needs?: string[];
  /**
   * The scenario needs XEP-0198 resumption (a dropped session that the server hibernates): n/a
   * when the server does not offer stream management (stream features, not disco).
   */
  needsStreamManagement?: boolean;
  setup: string;
  action: string;
  /** The expected observation (docs/push-semantics.md §C), in words. */
  expectation: string;
  backing: string;
  expected: Record<PolicyName, Expectation>;
}

export interface Scenario extends ScenarioInfo {
  /** Drives the harness and returns what it saw; never throws (a failed step sets `aborted`). */
  run(h: PushHarness): Promise<Observation>;
}
