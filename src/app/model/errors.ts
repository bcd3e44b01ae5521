/** Errors as the playground reports them: a code to branch on, a message to show. */
import type { StanzaErrorSpec } from "../../protocol/policy/types";

export type PlaygroundErrorCode =
  /** The WebSocket URL does not parse or is not ws:/wss: with a host. */
  | "bad-url"
  /** The domain is not a valid JID domainpart. */
  | "bad-domain"
  /** A JID (account, sink, enable jid, message target) is malformed. */
  | "bad-jid"
  /** The WebSocket could not be opened (refused, DNS, TLS) or closed before the stream opened. */
  | "socket-refused"
  /** The socket closed while the stream was up, without a stream error. */
  | "socket-closed"
  /** The server closed the stream (`<close/>`) without a stream error. */
  | "stream-closed"
  /** SASL not-authorized. */
  | "bad-credentials"
  /** Any other SASL failure (mechanism missing, aborted, …). */
  | "sasl-failure"
  /** The server sent `<stream:error>`. */
  | "stream-error"
  /** An iq got no answer in time, or connecting took too long. */
  | "timeout"
  /** An iq was answered with `type='error'`. */
  | "stanza-error"
  /** The action needs an online session that is not. */
  | "not-connected"
  /** Raw XML in the send box does not parse as exactly one element. */
  | "bad-xml"
  /** A form value is invalid (e.g. burst count). */
  | "bad-input"
  /** Importing a timeline file failed validation. */
  | "import"
  /** The server's push log could not be fetched. */
  | "server-log"
  /** Anything else (a bug, or an unexpected library error). */
  | "internal";

export interface PlaygroundError {
  code: PlaygroundErrorCode;
  /** One user-facing sentence, specific: "bad credentials for alice@localhost". */
  message: string;
  /** Stream error or stanza error condition, SASL failure condition. */
  condition?: string;
  /** `<text/>` of the error, as sent by the server. */
  text?: string;
  /** Stanza error type. */
  type?: StanzaErrorSpec["type"];
  /** Underlying technical detail (e.g. WebSocket close code 1006). */
  detail?: string;
}
