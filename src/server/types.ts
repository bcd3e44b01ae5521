/**
 * The seam between the stream layer (WebSocket framing, SASL, bind: src/server/stream/*) and the
 * session manager (presence, routing, offline storage, disco, push: src/server/sm/*).
 */
import type { Element } from "@xmpp/xml";
import type { PolicyName, PolicyOptions } from "../protocol/policy/types";

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

/** Implemented by the session manager; called by the stream layer. */
export interface StanzaSink {
  /** After resource binding. May close an older session of the same full JID with `conflict`. */
  sessionBound(session: ClientSession): void;
  /**
   * A stanza (message, presence or iq) from a bound session. The stream layer has already checked
   * size and well-formedness and stamped `from` with the session's full JID.
   */
  stanza(session: ClientSession, stanza: Element): void;
  /** The stream ended (clean close, socket drop, stream error, replaced by a conflict). */
  sessionClosed(session: ClientSession, reason: "closed" | "dropped" | "error" | "replaced"): void;
}
