/**
 * What one stream's phase handlers (negotiation, stream management, the stanza gate) share with the
 * StreamConnection that owns the socket: its options, its mutable fields and its output primitives.
 */
import type { Element } from "@xmpp/xml";
import type { AccountStore } from "../accounts";
import type { Logger, StanzaSink } from "../types";
import type { BoundSession, SessionTransport } from "./bound-session";
import type { StanzaErrorType } from "./errors";
import type { FrameLimits } from "./frame-parser";
import type { ResumableSessions } from "./resumption";
import type { SaslMechanismName } from "./sasl";
import type { StreamConnection } from "./stream-connection";
import type { StreamManagementState } from "./stream-management";

export interface StreamConnectionOptions {
  /** Virtual hosts, lowercase; the first is the default `from` when a client names none. */
  hosts: readonly string[];
  accounts: AccountStore;
  sink: StanzaSink;
  logger: Logger;
  saslMechanisms: readonly SaslMechanismName[];
  limits: FrameLimits;
  /** Time allowed from connect until a resource is bound. */
  handshakeTimeoutMs: number;
  /** Failed SASL attempts allowed before the stream is closed with `policy-violation`. */
  maxAuthFailures: number;
  /** Frames queued but not yet handled before the stream is closed with `policy-violation`. */
  maxQueuedFrames: number;
  /** Log every frame in and out at debug level (SASL payloads masked). */
  logFrames: boolean;
  /** How long to wait for the WebSocket closing handshake before dropping the TCP connection. */
  closeGraceMs: number;
  /** Offer XEP-0198 after the SASL restart. */
  streamManagement: boolean;
  /** Longest hibernation we grant (our `max`); a client's smaller `max` is honoured. */
  resumptionTimeoutMs: number;
  /** Shared by every stream of the endpoint; required for `resume` (null: enable without ids). */
  resumption: ResumableSessions | null;
  /**
   * `required-starttls` (plain TCP): offer `<starttls><required/></starttls>` alone and refuse SASL
   * until TLS is up; `none` (default: WebSocket, direct TLS): SASL straight away.
   */
  tls?: "required-starttls" | "none";
  /** Upgrades the transport in place after `<proceed/>` (with `tls: 'required-starttls'`). */
  startTls?: () => Promise<void>;
  remoteAddress?: string;
  onClosed?: (conn: StreamConnection) => void;
}

export type StreamPhase = "awaiting-open" | "sasl" | "awaiting-restart" | "bind" | "bound" | "closing" | "closed";

/** The stream's mutable fields, one object shared by the connection and its phase handlers. */
export interface StreamFields {
  phase: StreamPhase;
  /** The virtual host this stream addresses (fixed by the first `<open/>`). */
  domain: string;
  lang: string;
  /** Set by SASL success. */
  username: string | null;
  /** Set by bind or by a successful `<resume/>`. */
  session: BoundSession | null;
  /** Whether the session's end (or hibernation) was already reported to the session manager. */
  sessionReported: boolean;
}

export interface StreamContext {
  readonly opts: StreamConnectionOptions;
  readonly log: Logger;
  readonly fields: StreamFields;
  /** The connection itself, as the transport a bound session is attached to. */
  readonly transport: SessionTransport;
  /** Writes an element; stanzas are counted for stream management when it is on. */
  sendElement(el: Element): void;
  /** Writes a frame as is (no stream management counting). */
  write(frame: string): void;
  /** Our `<open/>` (stream header). */
  sendOpen(): void;
  closeWithStreamError(condition: string, text?: string): void;
  /** A stanza error back to this client for `el`. */
  replyError(el: Element, errorType: StanzaErrorType, condition: string, text?: string, from?: string): void;
  clearHandshakeTimer(): void;
  /** Issue 13: end the socket without `<close/>`, as a dead connection would (ejabberd's ack_timeout): a resumable session hibernates. */
  dropSocket(): void;
  /** The XEP-0198 state of the session this stream carries right now, if SM is enabled. */
  carriedSm(): StreamManagementState | null;
}
