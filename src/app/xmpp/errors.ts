/**
 * Turns what xmpp.js and the WebSocket throw into specific, user-facing PlaygroundErrors.
 * xmpp.js errors carry `name` (SASLError, StreamError, TimeoutError, StanzaError), `condition`
 * and `text`; WebSocket failures carry the DOM/ws event.
 */
import type { PlaygroundError } from "../model";

interface XmppLikeError {
  name?: unknown;
  message?: unknown;
  condition?: unknown;
  text?: unknown;
  code?: unknown;
  errno?: unknown;
  event?: unknown;
}

function asRecord(err: unknown): XmppLikeError {
  return typeof err === "object" && err !== null ? (err as XmppLikeError) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** What the session was doing when it failed: makes "timeout" and "socket" messages specific. */
export interface FailureContext {
  /** `alice@localhost` (bare JID being logged in). */
  account: string;
  /** ws(s) URL. */
  service: string;
  /** xmpp.js status reached before failing (connecting, connect, opening, open…). */
  lastStatus: string;
  /** The WebSocket opened at some point during this attempt. */
  socketOpened: boolean;
}

/** A WebSocket close code and reason, when the socket reported one. */
export interface CloseInfo {
  code?: number;
  reason?: string;
}

const CLOSE_CODE_MEANING: Record<number, string> = {
  1000: "normal closure",
  1001: "server going away",
  1002: "protocol error (often: the server did not accept the 'xmpp' subprotocol)",
  1003: "unsupported data",
  1006: "abnormal closure: no close frame (refused, unreachable, or dropped)",
  1007: "invalid frame payload",
  1008: "policy violation",
  1009: "message too big",
  1011: "server error",
  1015: "TLS handshake failure",
};

export function describeClose(close: CloseInfo | undefined): string | undefined {
  if (!close || close.code === undefined) return undefined;
  const meaning = CLOSE_CODE_MEANING[close.code];
  const reason = close.reason ? `, reason ${JSON.stringify(close.reason)}` : "";
  return `WebSocket close code ${close.code}${meaning ? ` (${meaning})` : ""}${reason}`;
}

function socketDetail(err: XmppLikeError, close: CloseInfo | undefined): string | undefined {
  const parts: string[] = [];
  const message = str(err.message);
  // xmpp.js's browser fallback message says nothing the URL does not; ws in Node says ECONNREFUSED etc.
  if (message && !/^WebSocket ECONNERROR/.test(message)) parts.push(message);
  const closeText = describeClose(close);
  if (closeText) parts.push(closeText);
  return parts.length ? parts.join("; ") : undefined;
}

/** Map an error from `start()` (or emitted while starting) to a PlaygroundError. */
export function mapStartError(err: unknown, ctx: FailureContext, close?: CloseInfo): PlaygroundError {
  const e = asRecord(err);
  const name = str(e.name);
  const condition = str(e.condition);
  const text = str(e.text);

  if (name === "SASLError") {
    if (condition === "not-authorized") {
      return withOptional({ code: "bad-credentials", message: `bad credentials for ${ctx.account}`, condition }, text);
    }
    if (condition === "account-disabled" || condition === "credentials-expired") {
      return withOptional({ code: "bad-credentials", message: `${ctx.account} cannot log in: ${condition}`, condition }, text);
    }
    return withOptional(
      { code: "sasl-failure", message: `authentication of ${ctx.account} failed: ${condition ?? str(e.message) ?? "unknown SASL error"}`, ...(condition ? { condition } : {}) },
      text,
    );
  }
  const message = str(e.message) ?? "";
  if (/^SASL: /.test(message)) {
    return { code: "sasl-failure", message: `authentication of ${ctx.account} failed: ${message.replace(/^SASL: /, "")}` };
  }
  if (name === "StreamError") return mapStreamError(condition, text, ctx);
  if (name === "TimeoutError") {
    return { code: "timeout", message: `no answer from ${ctx.service} in time while ${stepName(ctx.lastStatus)}` };
  }
  if (e.code === "ECONNERROR" || e.errno === "ECONNERROR" || e.event !== undefined || isNodeSocketError(message)) {
    return socketFailure(ctx, e, close);
  }
  if (message === "Connection is closing" || message === "socket closed") return socketFailure(ctx, e, close);
  return { code: "internal", message: `unexpected error while ${stepName(ctx.lastStatus)}: ${message || String(err)}` };
}

function isNodeSocketError(message: string): boolean {
  return /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|ETIMEDOUT|EAI_AGAIN|Unexpected server response|socket hang up|Invalid URL/i.test(message);
}

export function socketFailure(ctx: FailureContext, e: XmppLikeError = {}, close?: CloseInfo): PlaygroundError {
  const detail = socketDetail(e, close);
  if (!ctx.socketOpened) {
    return withDetail(
      { code: "socket-refused", message: `could not open the WebSocket ${ctx.service}: connection refused or host unreachable (is the server running, and is the path right?)` },
      detail,
    );
  }
  return withDetail({ code: "socket-closed", message: `the WebSocket to ${ctx.service} closed while ${stepName(ctx.lastStatus)}` }, detail);
}

/** The socket went away under a live stream: said in words a user acts on, not in client states. */
export function droppedError(close: CloseInfo | undefined): PlaygroundError {
  const code = close?.code !== undefined ? ` (code ${close.code})` : "";
  return withDetail({ code: "socket-closed", message: `the server closed the connection${code} — it may have stopped` }, describeClose(close));
}

export function mapStreamError(condition: string | undefined, text: string | undefined, ctx: Pick<FailureContext, "account">): PlaygroundError {
  const cond = condition ?? "undefined-condition";
  const hint =
    cond === "host-unknown"
      ? " (the server does not serve this domain: check the domain field)"
      : cond === "conflict"
        ? " (another session took over this resource)"
        : cond === "policy-violation"
          ? " (the server refused something this client sent)"
          : "";
  return withOptional(
    { code: "stream-error", message: `the server ended ${ctx.account}'s stream with <${cond}/>${text ? `: ${text}` : ""}${hint}`, condition: cond },
    text,
  );
}

function withOptional(error: PlaygroundError, text: string | undefined): PlaygroundError {
  return text ? { ...error, text } : error;
}

function withDetail(error: PlaygroundError, detail: string | undefined): PlaygroundError {
  return detail ? { ...error, detail } : error;
}

function stepName(status: string): string {
  switch (status) {
    case "connecting":
      return "opening the WebSocket";
    case "connect":
    case "opening":
      return "opening the XMPP stream";
    case "open":
      return "negotiating the stream (SASL, resource binding)";
    case "online":
      return "online";
    case "closing":
    case "disconnecting":
      return "closing";
    default:
      return `in state ${status}`;
  }
}

// Kept apart so the session lanes can name the field without loading this module with the first screen.
export { CREDENTIAL_FIELD, nameCredentialField, type CredentialField } from "./credential-field";
