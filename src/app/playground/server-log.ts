/**
 * Reads the reference server's push log (HTTP first, XMPP as fallback) after the actions that make
 * the server decide, and on a slow tick while sessions are online (App Server timeouts and
 * removals come late). Each new entry goes to `onEntry`; after each read the linker resolves what
 * it can. A server without the log is reported once and pushes stay heuristically linked.
 */
import type { PushLogEntry } from "../../protocol/push-log";
import { SERVER_LANE } from "../model";
import { isSandboxService } from "../../sandbox/protocol";
import type { LogFetchResult } from "../xmpp/server-log";
import type { XmppSession } from "../xmpp/session";
import type { ServiceContext } from "./context";
import { forEachInSlices } from "./slices";

// The readers come with the first read (after the first connect), not with the page (issue 14).
// Once loaded they are kept, so a read starts its request in the same tick as before the split.
type Readers = typeof import("../xmpp/server-log");
let loadedReaders: Readers | null = null;
const loadReaders = async (): Promise<Readers> => (loadedReaders ??= await import("../xmpp/server-log"));
/** Fetches the readers' chunk ahead of the first read (main.tsx, once the page is idle). */
export const preloadLogReaders = (): Promise<void> => loadReaders().then(() => undefined);

/** How long after a send the server log is read for the message's decision. */
export const LOG_POLL_DELAY_MS = 120;
/** While sessions are online, the server log is also read on this period. */
const LOG_TICK_MS = 2_000;
/** Re-read period while pushes wait for their explanation. */
const LINK_RETRY_MS = 200;

export interface ServerLogDeps {
  enabled: boolean;
  accountBare: () => string;
  /** A session of the account to ask over XMPP when HTTP is not served. */
  resourceSession: () => XmppSession | null;
  anyOnline: () => boolean;
  onEntry: (entry: PushLogEntry) => void;
  /** After each read: true while pushes still wait for the log. */
  afterRead: () => boolean;
  /**
   * Whether an entry is about something this playground did (e.g. the decision for a message it
   * sent). Priming skips the log's old entries, but the first read can come back after this run's
   * first decisions were logged; those must not be skipped with the old ones.
   */
  isOwnEntry?: (entry: PushLogEntry) => boolean;
  /**
   * The log now comes from another run of the server (its instance id changed): the server
   * restarted and its state is gone. The poller has already started over from the new log's start.
   */
  onServerRestart?: () => void;
  fetch?: typeof fetch;
}

export interface ServerLogPoller {
  /** The service the sessions connect to (a new one starts the log over). */
  useService(service: string): void;
  schedule(delayMs: number): void;
  ensureTicker(): void;
  /** Skip the entries that exist now (an old run is not replayed); once per service. */
  primeIfNew(): void;
  /** Read the log now (after a pending prime). */
  sync(): Promise<void>;
  dispose(): void;
}

export function createServerLogPoller(ctx: ServiceContext, deps: ServerLogDeps): ServerLogPoller {
  let seq = 0;
  /** The server run whose log `seq` counts in (see LogFetchResult). */
  let instance: string | null = null;
  let mode: "unknown" | "http" | "sandbox" | "xmpp" | "unavailable" = "unknown";
  let service: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  let busy: Promise<void> | null = null;
  let primed: Promise<void> | null = null;
  let disposed = false;
  let loadFailed = false;
  const active = () => deps.enabled && !disposed && mode !== "unavailable";

  async function fetchViaXmpp(readers: Readers, after: number): Promise<LogFetchResult> {
    const session = deps.resourceSession();
    if (!session) return { ok: false, error: "no online resource of the account to ask over XMPP" };
    return readers.fetchLogXmpp(session, deps.accountBare(), after);
  }

  async function fetchLog(readers: Readers, after: number): Promise<LogFetchResult> {
    if (!service) return { ok: false, error: "not connected yet" };
    if (isSandboxService(service)) return readers.fetchLogSandbox(deps.accountBare(), after);
    if (mode === "xmpp" || mode === "unavailable") return fetchViaXmpp(readers, after);
    const http = await readers.fetchLogHttp(service, deps.accountBare(), after, deps.fetch);
    if (http.ok || mode === "http") return http;
    const viaXmpp = await fetchViaXmpp(readers, after);
    return viaXmpp.ok ? viaXmpp : { ok: false, error: `${http.error}; ${viaXmpp.error}` };
  }

  /** True when the answer comes from a new run of the server: `seq` then starts over. */
  function restarted(result: LogFetchResult): boolean {
    if (!result.ok || result.instance === undefined) return false;
    const previous = instance;
    instance = result.instance;
    if (previous === null || previous === result.instance) return false;
    seq = 0;
    return true;
  }

  /** The readers, or null when their chunk cannot be fetched: said once, and the next read tries again. */
  async function readers(): Promise<Readers | null> {
    if (loadedReaders) return loadedReaders;
    try {
      const loaded = await loadReaders();
      loadFailed = false;
      return loaded;
    } catch (e) {
      if (!loadFailed && !disposed) {
        ctx.recorder.record({
          kind: "error",
          lane: SERVER_LANE,
          summary: "the push decision log reader could not be loaded: the next read tries again",
          error: { code: "server-log", message: "A part of the page could not be downloaded (offline, or the app was redeployed); reload the page if this persists.", detail: e instanceof Error ? e.message : String(e) },
          operation: "read push log",
        });
      }
      loadFailed = true;
      return null;
    }
  }

  async function read(): Promise<void> {
    const loaded = loadedReaders ?? (await readers());
    if (!loaded || disposed) return;
    let result = await fetchLog(loaded, seq);
    if (disposed) return;
    if (restarted(result)) {
      deps.onServerRestart?.();
      // The answer was filtered by the old run's seq: read the new log from its start.
      result = await fetchLog(loaded, 0);
      if (disposed) return;
    }
    if (!result.ok) {
      if (mode !== "unknown") return;
      mode = "unavailable";
      ctx.recorder.record({
        kind: "error",
        lane: SERVER_LANE,
        summary: "no push decision log on this server: pushes are linked to messages heuristically",
        error: { code: "server-log", message: "The server's push log is not reachable (it is a feature of the reference server); pushes are linked by body and time instead.", detail: result.error },
        operation: "read push log",
      });
      return;
    }
    mode = result.via;
    // A read after a burst brings thousands of entries: handled in slices, no long task.
    await forEachInSlices(result.entries, (entry) => {
      if (disposed) return false;
      if (entry.seq > seq) deps.onEntry(entry);
      seq = Math.max(seq, entry.seq);
    });
    if (!disposed && deps.afterRead()) schedule(LINK_RETRY_MS);
  }

  async function poll(): Promise<void> {
    if (busy) {
      await busy;
      return poll();
    }
    busy = read().finally(() => {
      busy = null;
    });
    return busy;
  }

  function schedule(delayMs: number): void {
    if (!active() || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void poll();
    }, delayMs);
  }

  return {
    useService(next) {
      if (service === next) return;
      service = next;
      mode = "unknown";
      seq = 0;
      instance = null;
    },
    schedule,
    ensureTicker() {
      if (!deps.enabled || disposed || ticker) return;
      ticker = setInterval(() => {
        if (!deps.anyOnline() || mode === "unavailable" || disposed) {
          if (ticker) clearInterval(ticker);
          ticker = null;
          return;
        }
        if (!busy) void poll();
      }, LOG_TICK_MS);
    },
    primeIfNew() {
      if (!deps.enabled || mode !== "unknown" || seq !== 0) return;
      primed ??= (async () => {
        const loaded = loadedReaders ?? (await readers());
        if (!loaded) return;
        const result = await fetchLog(loaded, 0);
        if (!result.ok) return;
        mode = result.via;
        if (result.instance !== undefined) instance = result.instance;
        const firstOwn = deps.isOwnEntry ? result.entries.find((e) => deps.isOwnEntry!(e)) : undefined;
        // Everything from this run's first entry on is read normally by the next poll.
        for (const e of result.entries) if (!firstOwn || e.seq < firstOwn.seq) seq = Math.max(seq, e.seq);
      })().finally(() => {
        primed = null;
      });
    },
    async sync() {
      if (primed) await primed;
      await poll();
    },
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      if (ticker) clearInterval(ticker);
    },
  };
}
