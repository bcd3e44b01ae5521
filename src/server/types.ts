/**
 * The seam between the stream layer (WebSocket framing, SASL, bind: src/server/stream/*) and the
 * session manager (presence, routing, offline storage, disco, push: src/server/session/*).
 */
import type { Element } from "@xmpp/xml";
import type { PolicyName, PolicyOptions, StreamTimers } from "../protocol/policy/types";

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export interface VirtualHostConfig {
  domain: string;
  policy: PolicyName;
  options?: Partial<PolicyOptions>;
}

/** An authenticated, bound stream, as the session manager sees it. */
export interface ClientSession {
  /** Unique for the life of this stream. */
  readonly id: string;
  /** Full JID `local@domain/resource`. */
  readonly jid: string;
  /** Bare JID `local@domain`. */
  readonly account: string;
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
  /** Write a stanza to the client (the stream layer sets xmlns='jabber:client' when missing). */
  send(stanza: Element): void;
  /** Send a stream error with this RFC 6120 §4.9.3 condition and close the stream and socket. */
  closeWithStreamError(condition: string, text?: string): void;
}

/**
 * Why a session ended. `expired` was added with XEP-0198 (issue 5): a hibernated session whose
 * resumption timeout ran out.
 */
export type SessionCloseReason = "closed" | "dropped" | "error" | "replaced" | "expired";

/**
 * A stanza the server sent (or queued) to a session with XEP-0198 on, which the client never
 * acknowledged. Added with issue 5 so the session manager can re-route them when the session ends.
 */
export interface UnackedStanza {
  stanza: Element;
  /** When the server first sent or queued it (the XEP-0203 stamp if it goes to offline storage). */
  at: Date;
}

/**
 * Added with issue 13: how the session manager moves a hibernated session's end (the push
 * hibernation of Prosody's mod_cloud_notify and ejabberd's mod_push_keepalive, and its end).
 */
export interface HibernationWindowControl {
  /** The session expires `timeoutMs` from now unless resumed (no effect once it was resumed or ended). */
  restart(timeoutMs: number): void;
  /** Stanzas queued for it that its client has not acknowledged (for the decision log). */
  unacked(): number;
}

/** Implemented by the session manager; called by the stream layer. */
export interface StanzaSink {
  /** After resource binding. May close an older session of the same full JID with `conflict`. */
  sessionBound(session: ClientSession): void;
  /**
   * A stanza (message, presence or iq) from a bound session. The stream layer has already checked
   * size and well-formedness and stamped `from` with the session's full JID.
   */
  stanza(session: ClientSession, stanza: Element): void;
  /**
   * The stream ended (clean close, socket drop, stream error, replaced by a conflict) or, with
   * XEP-0198, a hibernated session expired. `unacked` (added with issue 5; empty or absent without
   * stream management): what the client never acknowledged, oldest first, for the session manager
   * to re-route (RFC 6121 / XEP-0198 §4: messages to offline storage, iq requests answered with an
   * error). The session is gone for good when this is called: `send` on it does nothing.
   */
  sessionClosed(session: ClientSession, reason: SessionCloseReason, unacked?: readonly UnackedStanza[]): void;
  /**
   * XEP-0198 (added with issue 5; optional so test sinks need not implement it): the socket of a
   * session with resumption enabled dropped, or closed without `<close/>`. The session stays bound
   * with its presence; whatever `send` gets is queued (unacknowledged) until the client resumes it
   * on a new stream (`sessionResumed`) or the resumption timeout passes
   * (`sessionClosed(…, "expired", unacked)`). `unacked`: what the client had not acknowledged when
   * the socket went away, oldest first (still queued: it is re-sent on resumption).
   */
  sessionHibernated?(session: ClientSession, info: { unacked: readonly UnackedStanza[]; resumptionTimeoutMs: number; window?: HibernationWindowControl }): void;
  /**
   * XEP-0198 resumption (added with issue 5, optional): the same session object (same `id`, JID and
   * registrations) continues on a new stream; the `redelivered` unacknowledged stanzas were re-sent.
   */
  sessionResumed?(session: ClientSession, info: { redelivered: number; hibernatedMs: number }): void;
  /**
   * Issue 13, optional: the XEP-0198 timers of a virtual host (when to send `<r/>`, what an
   * unanswered one does). Absent: the reference server's own (REFERENCE_STREAM_TIMERS).
   */
  streamTimers?(domain: string): StreamTimers;
  /**
   * Issue 13, optional: an `<r/>` to a connected session went unanswered for its host's
   * `ackOverdueMs` (Prosody's smacks-ack-delayed). `unacked`: its queue, oldest first.
   */
  sessionAckOverdue?(session: ClientSession, info: { unacked: readonly UnackedStanza[]; waitedMs: number }): void;
}
