/**
 * The App Server the sink plays: a profile (how one real App Server answers a publish) plus faults
 * injected on top. Everything here is data and pure functions; the sink service keeps the state
 * between publishes and turns a decision into a reply (`../playground/sink.ts`).
 */
import type { AppServerOutcome, StanzaErrorSpec } from "../../protocol/policy/types";
import type { ParsedSummary } from "../../protocol/stanzas/push";

export type ProfileId = "generic" | "p2" | "fpush" | "mod_push_appserver" | "tigase";

/** What the push provider (FCM, APNs) did after the App Server accepted the publish. */
export type ProviderOutcome = "delivered" | "token-expired" | "dropped";

export interface ErrorAnswer {
  type: StanzaErrorSpec["type"];
  condition: string;
}

/** A publish as an App Server sees it. */
export interface PublishInput {
  node: string;
  /** Publish-options fields other than FORM_TYPE, first value each. */
  options: Readonly<Record<string, string>>;
  summary: ParsedSummary | null;
  from: string;
  /** Other `<notification>` children in Clark notation (`{ns}name`). */
  extraChildren: readonly string[];
  /** Set when the publish could not be read as XEP-0357 §8. */
  parseError?: string;
}

/** What a profile answers; `timeout` means no reply at all. */
export interface ProfileAnswer {
  outcome: AppServerOutcome;
  /** Why, in the App Server's own terms (shown in the sink's record). */
  note: string;
  /** Extra facts the App Server derived (e.g. mod_push_appserver's priority). */
  details?: string[];
}

export interface ProfileSettings {
  p2: {
    /** The secret p2 handed out at registration; publishes must carry it. */
    secret: string;
    /** Nodes p2 knows; empty: any node is known. */
    knownNodes: string[];
    /** FCM refuses the push. */
    providerFailure: boolean;
  };
  fpush: {
    /** Configured push modules (apps); the first is the default. */
    modules: string[];
    /** Tokens APNs answered 410 for. */
    blockedTokens: string[];
  };
  modPushAppserver: {
    priority: "auto" | "high" | "silent";
  };
}

export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = {
  p2: { secret: "playground-secret", knownNodes: [], providerFailure: false },
  fpush: { modules: ["eu.monal.app"], blockedTokens: [] },
  modPushAppserver: { priority: "auto" },
};

/** What the App Server remembers between publishes. */
export interface AppServerState {
  /** Accepted publish times per rate-limit key (node), newest last, within the last second. */
  recent: Readonly<Record<string, readonly number[]>>;
  /** The seeded RNG's state (mulberry32). */
  rng: number;
  /** Tokens the App Server blocked after the provider said they expired (fpush). */
  blockedTokens: readonly string[];
}

export function initialAppServerState(seed = 1): AppServerState {
  return { recent: {}, rng: seed >>> 0, blockedTokens: [] };
}

/** The sink's full answer to one publish. */
export interface AppServerDecision {
  outcome: AppServerOutcome;
  /** How long to wait before replying (ms). */
  delayMs: number;
  note: string;
  details: string[];
  /** What decided the answer. */
  by: "profile" | "fault" | "rate-limit";
  /** Set when the App Server accepted the publish and a provider outcome is simulated. */
  provider: ProviderOutcome | null;
}

/** What the App Server did with one publish, as recorded with the push in the timeline. */
export interface AppServerFacts {
  profile: ProfileId;
  note: string;
  details: string[];
  delayMs: number;
  provider: ProviderOutcome | null;
}
