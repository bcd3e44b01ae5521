/** What a harness is configured with, and the options of its steps. */
import type { DataForm, MessageType, StanzaErrorSpec } from "../../protocol/policy/types";
import type { ChatState } from "../../protocol/stanzas/message";
import type { HarnessEvent, PublishKind, SinkMode } from "../types";

export interface Credentials {
  username: string;
  password: string;
  /** Defaults to the harness `domain`. The account, sender and sink may sit on different local hosts. */
  domain?: string;
}

export interface SinkCredentials extends Credentials {
  resource: string;
}

export interface HarnessWaits {
  /** Longest wait for an expected push (or delivery). */
  pushMs: number;
  /** How long "no push" is watched, and the quiet period that ends a `collect`. */
  noPushMs: number;
  /** Timeout of every iq the harness sends. */
  iqMs: number;
  /**
   * Pause after a close so the server has dropped the session before the next stanza (the
   * reference server does so before answering `</close>`; a dropped socket or a real server may lag).
   */
  settleMs: number;
}

/** Against the in-process reference server. Real servers over a network want longer windows (docs/push-semantics.md C: ≤10 s / 5 s). */
export const DEFAULT_WAITS: HarnessWaits = { pushMs: 3000, noPushMs: 500, iqMs: 5000, settleMs: 30 };

export type Mechanism = "PLAIN" | "SCRAM-SHA-1";

export interface PushHarnessOptions {
  /** Explicit WebSocket URL (`ws://127.0.0.1:port/xmpp-websocket`) or `xmpp://host:port` (Node); never a bare domain. */
  service: string;
  /** `xmpp://` only: `tls.connect` options for STARTTLS, e.g. `{ ca }` for a self-signed certificate. */
  tlsOptions?: Record<string, unknown>;
  domain: string;
  account: Credentials;
  sender: Credentials & { resource?: string };
  sink: SinkCredentials;
  /** Force one SASL mechanism (PLAIN keeps Node tests fast); default: xmpp.js's own choice. */
  mechanism?: Mechanism;
  waits?: Partial<HarnessWaits>;
  /** Live events (the UI feeds its store from here). */
  onEvent?: (event: HarnessEvent) => void;
  /**
   * Appended to every account resource when it binds (`A1` binds as `A1<suffix>`; records keep
   * the label). Real servers share one account between runs, so each scenario needs resources
   * nobody else holds. Default: none.
   */
  resourceSuffix?: string;
  /**
   * Negotiate XEP-0198 when the server offers it (default false; `connect(res, { streamManagement })`
   * overrides it per session). Our client (src/xmpp-client) counts acks correctly, but the
   * catalogue's "gone" means a plain clean close, and a session without SM cannot hibernate, so
   * only the scenarios about hibernation ("app killed", docs/push-semantics.md B.2 rows 11-12) turn it on.
   */
  streamManagement?: boolean;
  /**
   * Settle "no push" (expectNoPush, collect) from the reference server's decision log and ping
   * round trips instead of the fixed `noPushMs` / quiet windows (server-settle.ts). Only for the
   * reference server; when its log cannot be read the windows apply. Default false.
   */
  settleFromDecisionLog?: boolean;
}

export interface ConnectOptions {
  /** Negotiate XEP-0198 on this session (default: the harness option). Needed for a resumable `drop`. */
  streamManagement?: boolean;
}

export interface EnableStepOptions {
  /** Node label: each label maps to a fresh random node. Default `N`; null leaves the attribute out. */
  node?: string | null;
  /** A literal node, used as is (overrides `node`). */
  rawNode?: string;
  /** true → `away='true'`; a string is sent verbatim (`'1'`, `'false'`); false/absent → no attribute. */
  away?: boolean | string;
  /** Publish-options form (a record becomes a submit form with the pubsub#publish-options FORM_TYPE). */
  publishOptions?: Record<string, string> | DataForm;
  /** Push service JID; default the sink's full JID; null leaves the attribute out. */
  jid?: string | null;
  /** `set` per XEP-0357; `get` probes servers that do not check the type (C25). */
  iqType?: "set" | "get";
  /** Name of the outcome in `iqs` (default `enable`, then `enable#2`, …). */
  label?: string;
}

export interface DisableStepOptions {
  /** Node label; default `N`; null leaves the attribute out (disables every node of the service). */
  node?: string | null;
  rawNode?: string;
  jid?: string | null;
  iqType?: "set" | "get";
  label?: string;
}

export interface SendOptions {
  /** `bare` (default) or a resource of the account. */
  to?: string;
  type?: MessageType;
  /** Default: a fresh unique text; null sends no body (chat states only). */
  body?: string | null;
  chatState?: ChatState;
  id?: string;
}

export interface PresenceOptions {
  priority?: number;
  status?: string;
}

export interface ExpectPushOptions {
  /** Node label; default any node. */
  node?: string;
  /** Exactly this many matching publishes (default 1). */
  count?: number;
  within?: number;
  /** Default `message`: Tigase's "retrieved" pings do not count as pushes for a message. */
  kind?: PublishKind | "any";
}

export interface ExpectNoPushOptions {
  for?: number;
  node?: string;
  kind?: PublishKind | "any";
}

export interface ExpectDeliveryOptions {
  within?: number;
  /** Default: the body of the last message B sent. */
  body?: string;
}

export interface CollectOptions {
  /** Quiet period that ends the window (default `noPushMs`). */
  quietMs?: number;
  /** Longest window (default max(pushMs, quietMs)). */
  maxMs?: number;
}

export type SinkAnswer = "result" | "silent" | StanzaErrorSpec | SinkMode;
