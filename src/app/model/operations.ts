/** Disco results, push registrations, the sink's answers, and the requests the panels make. */
import type { AppServerOutcome, DataForm } from "../../protocol/policy/types";
import type { PlaygroundError } from "./errors";
import type { PresenceChoice } from "./lanes";
import type { DiscoIdentity, IqOutcome, SendKind } from "./timeline-events";

export type DiscoTarget = "account" | "domain";

/** Why a feature is highlighted in the disco panel. */
export type FeatureHighlight = "push" | "push-away" | "tigase-push" | null;

export interface DiscoResult {
  target: DiscoTarget;
  jid: string;
  at: number;
  fromSessionId: string;
  outcome: IqOutcome;
  identities: DiscoIdentity[];
  features: { var: string; highlight: FeatureHighlight }[];
  /** `urn:xmpp:push:0` listed. */
  supportsPush: boolean;
  /** `tigase:push:away:0` listed. */
  supportsAway: boolean;
  error?: PlaygroundError;
}

/** A registration as the playground knows it (from its own enable/disable and the sink's view). */
export interface KnownRegistration {
  jid: string;
  node: string;
  away: boolean;
  publishOptions: DataForm | null;
  enabledBySessionId: string;
  enabledByResource: string;
  enabledAt: number;
  /**
   * `active`: last enable succeeded. `disabled`: removed by a disable. `remote-disabled`: the sink
   * sent the §9 message (the server may or may not honour it). `removed-by-server`: the server's
   * log says it removed it (App Server error, LRU).
   */
  state: "active" | "disabled" | "remote-disabled" | "removed-by-server";
  pushCount: number;
  lastPushAt?: number;
  /** Note on the last state change (server log reason, error). */
  note?: string;
}

export interface OperationResult {
  operation: "enable" | "disable";
  at: number;
  outcome: IqOutcome;
  summary: string;
  error?: PlaygroundError;
}

/** How the sink answers the next publishes. */
export type SinkMode = AppServerOutcome;

export interface SinkCounters {
  received: number;
  answeredResult: number;
  answeredError: number;
  /** Left unanswered on purpose (timeout mode). */
  unanswered: number;
  malformed: number;
}

/** Options for `Playground.send`. */
export interface SendRequest {
  /** `bare` = alice's bare JID, otherwise a resource name of the account. */
  to: "bare" | string;
  kind: SendKind;
  /** Ignored for chat-state. */
  body?: string;
  /** Burst size, 1 when absent; at most MAX_BURST. */
  count?: number;
}
export const MAX_BURST = 1000;

export interface PresenceRequest {
  show: PresenceChoice;
  priority?: number;
  status?: string;
}

export interface EnableRequestForm {
  fromResourceId: string;
  /** Default: the sink's full JID. */
  jid?: string;
  /** Default: a fresh random node. */
  node?: string;
  away: boolean;
  /** Publish-options fields (FORM_TYPE added automatically); null/empty = no form. */
  publishOptions?: { var: string; value: string }[] | null;
}

export interface DisableRequestForm {
  fromResourceId: string;
  jid: string;
  /** Absent = every node of `jid`. */
  node?: string;
}
