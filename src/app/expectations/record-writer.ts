import type { Stores } from "../stores";
import type { ServerPolicyInfo } from "../stores/expectations";
import type { ExpectationRecord } from "./types";

export interface RecordWriterOptions {
  stores: Pick<Stores, "expectations">;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
  /** Store writes are batched on this period. */
  flushIntervalMs: number;
  /**
   * Instead of the timer: hand the flush to this scheduler (the recorder's `defer`), so records
   * reach their store in the same update as the timeline events they belong to (one render).
   */
  defer?: (flush: () => void) => void;
  /** Called first in each flush: the engine brings the records it marked stale up to date. */
  beforeFlush?: () => void;
}

/**
 * The engine's batched writes to the expectations store: records and the server's policy wait in
 * memory for at most one flush period, so a burst of pushes costs one store update. Reads see the
 * pending writes first.
 */
export interface RecordWriter {
  /** A record as it will be after the next flush. */
  current(messageId: string): ExpectationRecord | undefined;
  put(record: ExpectationRecord): void;
  /** The server's policy as it will be after the next flush. */
  server(): ServerPolicyInfo | null;
  setServer(server: ServerPolicyInfo): void;
  flush(): void;
  /** Schedule a flush without a write yet (`beforeFlush` will make it). */
  touch(): void;
  /** Flushes; later writes wait for an explicit flush. */
  dispose(): void;
}

export function createRecordWriter({ stores, setTimer, clearTimer, flushIntervalMs, defer, beforeFlush }: RecordWriterOptions): RecordWriter {
  const dirty = new Map<string, ExpectationRecord>();
  let pendingServer: ServerPolicyInfo | undefined;
  let flushTimer: unknown = null;
  let deferred = false;
  let disposed = false;
  let flushing = false;
  const store = () => stores.expectations.getState();

  function scheduleFlush(): void {
    if (flushTimer !== null || deferred || disposed || flushing) return;
    if (defer) {
      deferred = true;
      defer(() => {
        deferred = false;
        flush();
      });
      return;
    }
    flushTimer = setTimer(() => {
      flushTimer = null;
      flush();
    }, flushIntervalMs);
  }

  function flush(): void {
    if (flushTimer !== null) {
      clearTimer(flushTimer);
      flushTimer = null;
    }
    flushing = true;
    try {
      beforeFlush?.();
    } finally {
      flushing = false;
    }
    if (dirty.size === 0 && pendingServer === undefined) return;
    const upsert = [...dirty.values()];
    dirty.clear();
    const server = pendingServer;
    pendingServer = undefined;
    store().applyBatch({ upsert, ...(server !== undefined ? { server } : {}) });
  }

  return {
    current: (messageId) => dirty.get(messageId) ?? store().records[messageId],
    put(record) {
      dirty.set(record.messageId, record);
      scheduleFlush();
    },
    server: () => (pendingServer !== undefined ? pendingServer : store().server),
    setServer(server) {
      pendingServer = server;
      scheduleFlush();
    },
    flush,
    touch: scheduleFlush,
    dispose() {
      flush();
      disposed = true;
    },
  };
}
