/**
 * What the scenario harness observes, as plain serialisable data: the UI's results table, the CLI
 * and the tests all read these records, never the xmpp.js objects behind them.
 */
import type { DataForm, StanzaErrorSpec } from "../protocol/policy/types";
import type { ParsedSummary } from "../protocol/stanzas/push";

export type Level = "MUST" | "SHOULD" | "COMPAT" | "INFO";

/** Who a harness session plays (docs/push-semantics.md C "Harness"): the account's resources, the sender B, the App Server sink S. */
export type Role = "account" | "sender" | "sink";

/** How the sink answers a publish: `result`, a stanza error, or nothing at all (forces the server's timeout). */
export type SinkMode = { kind: "result" } | { kind: "error"; error: StanzaErrorSpec } | { kind: "silent" };

/**
 * `message`: a notification about a message. `retrieved`: Tigase's "messages retrieved" ping
 * (message-count 0, no sender, no body; docs/push-semantics.md A.4, B.3) which clients read as "dismiss".
 * `malformed`: the sink could not read it as a XEP-0357 publish.
 */
export type PublishKind = "message" | "retrieved" | "malformed";

export interface ObservedPublish {
  /** Order of arrival at the sink, from 1. */
  seq: number;
  /** Epoch ms when the sink received it. */
  at: number;
  iqId: string;
  from: string;
  to: string;
  /** The node as sent; "" when absent or unreadable. */
  node: string;
  /** The harness label of that node (`N`, `N1`…), null for a node the harness never handed out. */
  nodeLabel: string | null;
  kind: PublishKind;
  summary: ParsedSummary | null;
  publishOptions: DataForm | null;
  /** Other `<notification>` children in Clark notation. */
  extraChildren: string[];
  warnings: string[];
  /** Why the publish could not be read (kind `malformed`). */
  parseError?: string;
  /** What the sink answered. */
  answer: SinkMode;
  /** The publish iq as XML text, for display (never rendered as HTML). */
  xml: string;
}

export interface ObservedDelivery {
  seq: number;
  at: number;
  role: Role;
  /** Resource of the harness session that received it. */
  resource: string;
  from: string;
  to: string;
  type: string;
  id?: string;
  body?: string;
  chatState?: string;
  /** XEP-0203 delay: the message was stored and delivered later. */
  delay?: { from?: string; stamp?: string };
  /** Condition of a `type='error'` message (e.g. the sender's bounce). */
  error?: StanzaErrorSpec;
}

export interface ObservedPresence {
  at: number;
  /** Resource of the harness session that received it. */
  resource: string;
  from: string;
  type?: string;
  show?: string;
  priority?: number;
}

export type IqRequestKind = "enable" | "disable" | "disco";

/** The outcome of one iq the harness sent, labelled so expectations can name it. */
export interface IqOutcome {
  label: string;
  kind: IqRequestKind;
  resource: string;
  at: number;
  /** What was sent (attributes as sent; null = attribute left out). */
  request: {
    iqType: "get" | "set";
    to?: string;
    jid?: string | null;
    node?: string | null;
    nodeLabel?: string | null;
    away?: string | null;
    publishOptions?: DataForm | null;
  };
  outcome: "result" | "error" | "timeout";
  error?: StanzaErrorSpec;
  /** Number of child elements of a `result` (an enable/disable result should be empty). */
  resultChildren?: number;
  /** disco#info features of a result. */
  features?: string[];
  /** disco#info identities of a result (a server's name tells Prosody from ejabberd). */
  identities?: { category: string; type: string; name?: string }[];
}

/** A message the sender B sent. */
export interface SentMessage {
  seq: number;
  at: number;
  from: string;
  to: string;
  type: string;
  id: string;
  body?: string;
  chatState?: string;
}

/** Everything observed between two probe marks: what one action (usually one message) caused. */
export interface ProbeRecord {
  label: string;
  startedAt: number;
  endedAt: number;
  publishes: ObservedPublish[];
  deliveries: ObservedDelivery[];
  /** Messages B sent since the previous probe (the ones this probe is about). */
  sent: SentMessage[];
}

export type StepStatus = "pending" | "ok" | "failed" | "skipped";

export interface StepRecord {
  index: number;
  kind: string;
  /** One human line, e.g. `A1 presence away (priority 0)`. */
  summary: string;
  status: StepStatus;
  startedAt?: number;
  endedAt?: number;
  /** What the step saw (e.g. `result`, `error cancel/item-not-found`, `2 publishes`). */
  detail?: string;
  error?: string;
}

export interface PartyInfo {
  role: Role;
  resource: string;
  /** The bound full JID (null until online). */
  jid: string | null;
  state: "connecting" | "online" | "closed" | "failed";
}

export interface Observation {
  scenarioId?: string;
  startedAt: number;
  endedAt: number;
  account: string;
  domain: string;
  sender: string | null;
  sink: string | null;
  /** Features of the account's bare-JID disco#info (latest), null when never asked or failed. */
  features: string[] | null;
  /**
   * Whether the server offered XEP-0198 (stream management) to an account session that asked for
   * it; absent when none asked. Scenarios that need it are n/a when it is false.
   */
  streamManagement?: boolean;
  /** Node labels → the actual random nodes used. */
  nodes: Record<string, string>;
  iqs: IqOutcome[];
  probes: ProbeRecord[];
  publishes: ObservedPublish[];
  deliveries: ObservedDelivery[];
  sent: SentMessage[];
  steps: StepRecord[];
  /** Client errors (`error` events, failed steps). */
  errors: string[];
  /** Set when the run stopped early: the first failing step's error. */
  aborted?: string;
  /** Set when the run was skipped (e.g. a needed feature is not advertised). */
  skipped?: string;
}

/** Harness events for live views (the UI subscribes; tests read the arrays). */
export type HarnessEvent =
  | { type: "step"; step: StepRecord }
  | { type: "publish"; publish: ObservedPublish }
  | { type: "delivery"; delivery: ObservedDelivery }
  | { type: "iq"; iq: IqOutcome }
  | { type: "probe"; probe: ProbeRecord }
  | { type: "party"; party: PartyInfo }
  | { type: "error"; message: string };
