/**
 * "No push" settled from the reference server's decision log instead of a fixed window. The
 * server decides a push when it processes the stanza that causes it, and publishes at once,
 * except for the pushes a policy delays (Prosody's 1 s batch of hibernation pushes), which the
 * log records as a decision whose publish is still to come. So once ping round trips show the
 * server has processed what the scenario did, and the log shows no delayed publish still waiting,
 * nothing more is coming: a second round of pings brings in what was published meanwhile.
 *
 * Only the reference server has the log (`GET /xmpp-push/log` on the WebSocket's origin); real
 * servers keep the fixed windows (docs/push-semantics.md §C). Isomorphic: fetch and timers only.
 */
import type { MessageDecisionEntry, PushLogEntry } from "../../protocol/push-log";
import type { RegistrationKey } from "../../protocol/policy/types";
import { sleep } from "../wait";

/** A publish the server decided and has not sent yet (a delayed verdict). */
export interface PendingPublish {
  seq: number;
  key: RegistrationKey;
  /** When the server will send it (its decision time plus the delay), epoch ms. */
  dueAt: number;
}

const sameKey = (a: RegistrationKey, b: RegistrationKey): boolean => a.jid === b.jid && a.node === b.node;

function delayedVerdicts(entry: MessageDecisionEntry): { key: RegistrationKey; delayMs: number }[] {
  const decision = entry.decision;
  if (!decision || !Array.isArray(decision.verdicts)) return [];
  return decision.verdicts
    .filter((v) => v.push)
    .map((v) => ({ key: v.key, delayMs: v.delayMs ?? decision.delayMs ?? 0 }))
    .filter((v) => v.delayMs > 0);
}

/**
 * Delayed publishes in these entries (oldest first, one account) that no later entry accounts
 * for: a `publish` caused by the decision or folding it into its batch (`batchedSeqs`), or a
 * resumption that dropped the batch (`cancelledPushes`).
 */
export function pendingDelayedPublishes(entries: readonly PushLogEntry[]): PendingPublish[] {
  let pending: PendingPublish[] = [];
  for (const entry of entries) {
    if (entry.kind === "message-decision") {
      const at = Date.parse(entry.at);
      for (const v of delayedVerdicts(entry)) pending.push({ seq: entry.seq, key: v.key, dueAt: (Number.isFinite(at) ? at : Date.now()) + v.delayMs });
    } else if (entry.kind === "publish") {
      const covered = new Set([entry.causeSeq, ...(entry.batchedSeqs ?? [])]);
      pending = pending.filter((p) => !(covered.has(p.seq) && sameKey(p.key, entry.key)));
    } else if (entry.kind === "session-resumed" && entry.cancelledPushes?.length) {
      const cancelled = entry.cancelledPushes;
      pending = pending.filter((p) => p.seq > entry.seq || !cancelled.some((k) => sameKey(k, p.key)));
    }
  }
  return pending;
}

/** `ws://host:port/path` → `http://host:port/xmpp-push/log?account=…&after=…`. */
export function decisionLogUrl(service: string, account: string, after: number): string {
  const url = new URL(service);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = "/xmpp-push/log";
  url.search = "";
  url.searchParams.set("account", account);
  url.searchParams.set("after", String(after));
  return url.toString();
}

type Fetch = (url: string) => Promise<{ ok: boolean; json(): Promise<unknown> }>;

/**
 * A decision log reachable other than over HTTP, by the service URL's scheme: the in-page sandbox
 * server (src/sandbox) answers the same query over its Worker port. `search` is the HTTP query.
 */
export type DecisionLogSource = (search: string) => Promise<{ ok: boolean; body: unknown }>;
const logSources = new Map<string, DecisionLogSource>();

export function registerDecisionLogSource(protocol: string, source: DecisionLogSource): void {
  logSources.set(protocol, source);
}

/** HTTP fetch, or the source registered for the service's scheme. */
function defaultFetch(service: string): Fetch {
  let source: DecisionLogSource | undefined;
  try {
    source = logSources.get(new URL(service).protocol);
  } catch {
    source = undefined;
  }
  if (!source) return (url) => globalThis.fetch(url, { cache: "no-store" });
  const read = source;
  return async (url) => {
    const { ok, body } = await read(new URL(url).search.slice(1));
    return { ok, json: async () => body };
  };
}

function entriesOf(body: unknown): { entries: PushLogEntry[]; instance: string | undefined } | null {
  if (typeof body !== "object" || body === null) return null;
  const { entries, instance } = body as { entries?: unknown; instance?: unknown };
  if (!Array.isArray(entries)) return null;
  const valid = entries.every((e) => typeof e === "object" && e !== null && typeof (e as { seq?: unknown }).seq === "number" && typeof (e as { kind?: unknown }).kind === "string");
  return valid ? { entries: entries as PushLogEntry[], instance: typeof instance === "string" ? instance : undefined } : null;
}

/** Reads one account's decision log incrementally and waits out the publishes it still owes. */
export class DecisionLogSettler {
  private entries: PushLogEntry[] = [];
  private after = 0;
  private instance: string | undefined;

  constructor(
    private readonly service: string,
    private readonly fetchImpl: Fetch = defaultFetch(service),
    private readonly pollMs = 50,
  ) {}

  /** The log's new entries for `account`, or null when it cannot be read (not the reference server, or not reachable). */
  private async read(account: string): Promise<boolean> {
    let body: unknown;
    try {
      const res = await this.fetchImpl(decisionLogUrl(this.service, account, this.after));
      if (!res.ok) return false;
      body = await res.json();
    } catch {
      return false;
    }
    const page = entriesOf(body);
    if (!page) return false;
    if (page.instance !== this.instance) {
      // A restarted server numbers its log from 1 again: read it whole.
      const restarted = this.instance !== undefined;
      this.instance = page.instance;
      if (restarted) {
        this.entries = [];
        this.after = 0;
        return this.read(account);
      }
    }
    this.entries.push(...page.entries);
    this.after = this.entries.at(-1)?.seq ?? this.after;
    return true;
  }

  /**
   * Resolves true once the log owes no delayed publish for `account` (waiting for the due ones,
   * at most `maxMs`), false when the log cannot be read or is still owing after `maxMs`: the
   * caller then falls back to its fixed window.
   */
  async settle(account: string, maxMs: number): Promise<boolean> {
    const deadline = Date.now() + maxMs;
    for (;;) {
      if (!(await this.read(account))) return false;
      const pending = pendingDelayedPublishes(this.entries);
      if (pending.length === 0) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      const due = Math.min(...pending.map((p) => p.dueAt)) - Date.now();
      await sleep(Math.min(left, Math.max(this.pollMs, due)));
    }
  }
}
