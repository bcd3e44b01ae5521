/**
 * Reads the reference server's push decision log (src/protocol/push-log.ts): over HTTP
 * (`GET /xmpp-push/log` on the WebSocket's origin) or, when that is not reachable (another
 * origin without CORS, a proxy that only forwards the WebSocket), with the XMPP iq in
 * NS.decisions to the account's own bare JID. Other servers have neither: callers then fall back
 * to heuristics. The answer is untrusted input and is checked before use.
 */
import { NS } from "../../protocol/ns";
import type { PushLogEntry } from "../../protocol/push-log";
import { buildIq } from "../../protocol/stanzas/iq";
import { el, findChild, textOf } from "../../protocol/stanzas/xml-util";
import type { LogReply } from "../../sandbox/protocol";
import type { XmppSession } from "./session";

const PUSH_LOG_HTTP_PATH = "/xmpp-push/log";

export type LogFetchResult =
  /** `instance`: the server run that answered (a new one after a restart), when it says. */
  | { ok: true; entries: PushLogEntry[]; via: "http" | "sandbox" | "xmpp"; instance?: string }
  | { ok: false; error: string };

/** `ws://host:port/xmpp-websocket` → `http://host:port/xmpp-push/log`. */
function pushLogHttpUrl(wsUrl: string, account: string, after: number): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = PUSH_LOG_HTTP_PATH;
  url.search = "";
  url.searchParams.set("account", account);
  url.searchParams.set("after", String(after));
  // Every session's bind, presence and end too: the Resources column shows the ones we did not open.
  url.searchParams.set("sessions", "1");
  return url.toString();
}

/** Every kind the server logs: a Record so that a new kind in push-log.ts does not compile until listed here. */
const KIND_LIST: Record<PushLogEntry["kind"], true> = {
  "message-decision": true,
  "presence-decision": true,
  publish: true,
  "publish-outcome": true,
  enable: true,
  disable: true,
  "registration-removed": true,
  // XEP-0198 (issue 5): hibernation, resumption and expiry, as the push policies see them.
  "session-hibernated": true,
  "session-resumed": true,
  "session-expired": true,
  "session-closed": true,
  // Issue 13: server timers that push (or move a hibernation's end) with no message routed.
  "session-ack-overdue": true,
  "session-wake-up": true,
  "session-window-restored": true,
  // Issue 10: a publish the user asked for with Test push.
  "test-push": true,
  // Issue 12: every session's bind, end and presence, for the lanes of sessions the playground did not open.
  "session-bound": true,
  "session-ended": true,
  "session-presence": true,
};
const KINDS: ReadonlySet<string> = new Set(Object.keys(KIND_LIST));

/** Keep entries that have the fields we read; drop the rest (and say how many). */
function sanitizeEntries(raw: unknown): { entries: PushLogEntry[]; rejected: number } | null {
  if (!Array.isArray(raw)) return null;
  const entries: PushLogEntry[] = [];
  let rejected = 0;
  for (const e of raw) {
    if (
      typeof e === "object" && e !== null &&
      typeof (e as { seq?: unknown }).seq === "number" &&
      typeof (e as { kind?: unknown }).kind === "string" &&
      KINDS.has((e as { kind: string }).kind) &&
      typeof (e as { account?: unknown }).account === "string"
    ) {
      entries.push(e as PushLogEntry);
    } else {
      rejected += 1;
    }
  }
  return { entries, rejected };
}

export async function fetchLogHttp(
  wsUrl: string,
  account: string,
  after: number,
  fetchImpl: typeof fetch | undefined = globalThis.fetch,
  timeoutMs = 3000,
): Promise<LogFetchResult> {
  if (!fetchImpl) return { ok: false, error: "fetch is not available" };
  let url: string;
  try {
    url = pushLogHttpUrl(wsUrl, account, after);
  } catch {
    return { ok: false, error: `cannot derive the log URL from ${wsUrl}` };
  }
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  const timer = setTimeout(() => controller?.abort(), timeoutMs);
  try {
    const res = await fetchImpl(url, { headers: { accept: "application/json" }, ...(controller ? { signal: controller.signal } : {}) });
    if (!res.ok) return { ok: false, error: `GET ${url} answered HTTP ${res.status}` };
    const body: unknown = await res.json();
    const entries = sanitizeEntries((body as { entries?: unknown } | null)?.entries);
    if (!entries) return { ok: false, error: `GET ${url} did not return { entries: [...] }` };
    const instance = (body as { instance?: unknown }).instance;
    return { ok: true, entries: entries.entries, via: "http", ...(typeof instance === "string" && instance !== "" ? { instance } : {}) };
  } catch (err) {
    return { ok: false, error: `GET ${url} failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    clearTimeout(timer);
  }
}

/** The sandbox server's log, asked over its Worker port (the request `GET /xmpp-push/log` is in Node). */
export async function fetchLogSandbox(account: string, after: number, queryLog = queryPageSandboxLog): Promise<LogFetchResult> {
  const search = new URLSearchParams({ account, after: String(after) }).toString();
  try {
    const reply = await queryLog(search);
    if (reply.status !== 200) return { ok: false, error: `sandbox log: ${reply.body.error}` };
    const entries = sanitizeEntries(reply.body.entries);
    if (!entries) return { ok: false, error: "sandbox log: the answer carries no entries" };
    return { ok: true, entries: entries.entries, via: "sandbox", instance: reply.body.instance };
  } catch (err) {
    return { ok: false, error: `sandbox log: ${err instanceof Error ? err.message : String(err)}` };
  }
}

// The sandbox's client is fetched with the first log read of a sandbox session, not with the page.
async function queryPageSandboxLog(search: string): Promise<LogReply> {
  return (await import("../../sandbox/sandbox-client")).pageSandbox().queryLog(search);
}

export async function fetchLogXmpp(session: XmppSession, account: string, after: number): Promise<LogFetchResult> {
  const iq = buildIq({ type: "get", to: account }, el("log", { xmlns: NS.decisions, after, sessions: "true" }));
  const res = await session.request(iq, 3000);
  if (res.outcome !== "result") return { ok: false, error: `log iq: ${res.error.message}` };
  const log = findChild(res.reply, "log", NS.decisions);
  if (!log) return { ok: false, error: "log iq: the result carries no <log/>" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf(log));
  } catch {
    return { ok: false, error: "log iq: the <log/> text is not JSON" };
  }
  const entries = sanitizeEntries(parsed);
  if (!entries) return { ok: false, error: "log iq: the <log/> text is not a JSON array" };
  const instance = log.attrs.instance;
  return { ok: true, entries: entries.entries, via: "xmpp", ...(typeof instance === "string" && instance !== "" ? { instance } : {}) };
}
