/**
 * `GET /xmpp-push/log?account=&after=&limit=&sessions=`: the push decision log as JSON, for the playground
 * (which runs on another origin when the server is standalone) and for curl.
 *
 * Response body: `PushLogResponse` (src/protocol/push-log.ts): `{ "entries": PushLogEntry[], "instance": "…" }`,
 * oldest first. Poll with `after=<seq of the last entry you have>`. `sessions=1` adds every session's
 * bind, end and presence (issue 12's outside lanes); they are left out by default.
 *
 * CORS is granted only to pages served from http(s)://localhost, 127.0.0.1 or [::1] (any port):
 * the log names accounts and message bodies, so other sites must not read it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PushLogEntry, PushLogResponse } from "../protocol/push-log";

export const PUSH_LOG_PATH = "/xmpp-push/log";
export const MAX_LOG_LIMIT = 10_000;

/** The part of the session manager's PushLog this endpoint reads. */
export interface PushLogReader {
  list(query: { account?: string; after?: number; limit?: number; sessions?: boolean }): PushLogEntry[];
  /** This run of the server (see PushLogResponse). */
  readonly instance?: string;
}

const LOCAL_ORIGIN = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export function isLocalOrigin(origin: string | undefined): origin is string {
  return typeof origin === "string" && LOCAL_ORIGIN.test(origin);
}

type Query = { account?: string; after?: number; limit?: number; sessions?: boolean };

/** Validates the query string; returns an error message for a 400. */
export function parseLogQuery(search: URLSearchParams): Query | { error: string } {
  const query: Query = {};
  const account = search.get("account");
  if (account !== null && account !== "") {
    if (account.length > 3071 || /[\s/]/.test(account)) return { error: "account must be a bare JID" };
    query.account = account.toLowerCase();
  }
  const after = search.get("after");
  if (after !== null && after !== "") {
    if (!/^\d{1,15}$/.test(after)) return { error: "after must be a non-negative integer (a seq)" };
    query.after = Number(after);
  }
  const limit = search.get("limit");
  if (limit !== null && limit !== "") {
    if (!/^\d{1,6}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_LOG_LIMIT) {
      return { error: `limit must be an integer from 1 to ${MAX_LOG_LIMIT}` };
    }
    query.limit = Number(limit);
  }
  const sessions = search.get("sessions");
  if (sessions !== null && sessions !== "") {
    if (sessions !== "1" && sessions !== "true" && sessions !== "0" && sessions !== "false") return { error: "sessions must be 1, true, 0 or false" };
    query.sessions = sessions === "1" || sessions === "true";
  }
  return query;
}

function send(res: ServerResponse, status: number, body: unknown, origin: string | undefined): void {
  const headers: Record<string, string> = {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    vary: "Origin",
  };
  if (isLocalOrigin(origin)) headers["access-control-allow-origin"] = origin;
  res.writeHead(status, headers);
  res.end(JSON.stringify(body));
}

/**
 * Handles the request when its path is PUSH_LOG_PATH and returns true; otherwise returns false
 * and leaves the response alone (so it works as Connect middleware and in a plain http server).
 */
export function handlePushLogRequest(log: PushLogReader, req: IncomingMessage, res: ServerResponse): boolean {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname !== PUSH_LOG_PATH) return false;
  const origin = req.headers.origin;

  if (req.method === "OPTIONS") {
    const headers: Record<string, string> = { vary: "Origin", "access-control-max-age": "600" };
    if (isLocalOrigin(origin)) {
      headers["access-control-allow-origin"] = origin;
      headers["access-control-allow-methods"] = "GET, OPTIONS";
      headers["access-control-allow-headers"] = "content-type";
    }
    res.writeHead(204, headers);
    res.end();
    return true;
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD, OPTIONS");
    send(res, 405, { error: "method not allowed" }, origin);
    return true;
  }
  const query = parseLogQuery(url.searchParams);
  if ("error" in query) {
    send(res, 400, { error: query.error }, origin);
    return true;
  }
  const body: PushLogResponse = { entries: log.list(query), ...(log.instance ? { instance: log.instance } : {}) };
  send(res, 200, body, origin);
  return true;
}

/** Connect-style middleware for Vite's dev and preview servers. */
export function pushLogMiddleware(getLog: () => PushLogReader) {
  return (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void => {
    try {
      if (!handlePushLogRequest(getLog(), req, res)) next();
    } catch (err) {
      next(err);
    }
  };
}
