/**
 * What an XmppSession is configured with and what it tells its listeners (session.ts), and the
 * stanza ids the playground generates.
 */
import type { Element } from "@xmpp/xml";
import type { SmSnapshot } from "../../xmpp-client/client";
import type { ConnectionStatus, PlaygroundError } from "../model";

export interface XmppSessionOptions {
  /** Absolute ws:// or wss:// URL (validated by the caller with resolveServiceUrl). */
  service: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
  /** Whole login (socket, stream, SASL, bind); default 15 s. */
  connectTimeoutMs?: number;
  /** Default wait for an iq answer; default 10 s. */
  iqTimeoutMs?: number;
  /** Send PLAIN over ws:// to a non-loopback host. Off by default (xmpp.js refuses too). */
  allowInsecurePlain?: boolean;
  /** Negotiate XEP-0198 when the server offers it (default true, as xmpp.js does). */
  streamManagement?: boolean;
  now?: () => number;
  /** Presence from these addresses is dropped unread (xmpp-client `skipPresenceFrom`): the lanes pass our own sessions. */
  skipPresenceFrom?: (from: string) => boolean;
}

/** Why a status changed, when it was not an ordinary connect/disconnect. */
/** `dropped`: the socket closed under a live stream without a stream error (the server stopped, the network went). */
export type StatusCause = "killed" | "resuming" | "resumed" | "resume-failed" | "dropped";

export type SessionEvent =
  | { type: "status"; at: number; status: ConnectionStatus; xmppStatus: string; jid?: string; error?: PlaygroundError; cause?: StatusCause; sm?: SmSnapshot; resent?: number }
  /** XEP-0198 was enabled on the stream (`<enabled/>`): whether and how long the session can be resumed. */
  | { type: "sm-enabled"; at: number; sm: SmSnapshot }
  | { type: "frame"; at: number; direction: "in" | "out"; text: string }
  | { type: "element"; at: number; direction: "in" | "out"; element: Element }
  /** A problem that does not (by itself) end the session, e.g. an unparsable frame. */
  | { type: "error"; at: number; error: PlaygroundError };

export type SessionListener = (event: SessionEvent) => void;

export type IqResponse =
  | { outcome: "result"; request: Element; reply: Element }
  | { outcome: "error"; request: Element; reply: Element | null; error: PlaygroundError }
  | { outcome: "timeout"; request: Element; error: PlaygroundError };

export type StartResult = { ok: true; jid: string } | { ok: false; error: PlaygroundError };

/** Reply for an incoming iq: an element (result payload or `<error/>`), true (empty result), or a promise. */
export type IqHandlerResult = Element | true | Promise<Element | true>;
export type IqHandler = (stanza: Element, child: Element) => IqHandlerResult;

let idCounter = 0;
/** Unique-enough ids for stanzas: a random run prefix plus a counter. */
export function newStanzaId(prefix: string): string {
  idCounter += 1;
  const random = globalThis.crypto?.randomUUID?.().slice(0, 8) ?? Math.random().toString(36).slice(2, 10);
  return `${prefix}-${random}-${idCounter}`;
}
