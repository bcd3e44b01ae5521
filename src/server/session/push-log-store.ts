/**
 * In-memory ring buffer of the server's push decision record (src/protocol/push-log.ts).
 * The HTTP endpoint, the XMPP log iq and the tests all read it through `list`; live views
 * subscribe.
 */
import { randomUUID } from "../stream/bytes";
import { isSessionLifecycle, type PushLogEntry } from "../../protocol/push-log";

/** An entry before the log stamps it: `seq` and `at` are the log's to assign. */
export type NewPushLogEntry = PushLogEntry extends infer E
  ? E extends PushLogEntry
    ? Omit<E, "seq" | "at">
    : never
  : never;

export interface PushLogQuery {
  /** Only entries about this bare JID. */
  account?: string;
  /** Only entries with `seq > after`. */
  after?: number;
  /**
   * At most this many entries. With `after`, the OLDEST matching entries are returned (so a
   * poller that continues from the last seq it saw never skips any); without `after`, the NEWEST.
   */
  limit?: number;
  /**
   * Include every session's bind, end and presence (`session-bound`, `-ended`, `-presence`; issue
   * 12). Off by default: they are for the playground's outside lanes, and a reader of push
   * decisions would otherwise page through every presence change.
   */
  sessions?: boolean;
}

export type PushLogListener = (entry: PushLogEntry) => void;

export class PushLog {
  private readonly buffer: (PushLogEntry | undefined)[];
  /** Index in `buffer` of the oldest retained entry. */
  private start = 0;
  private size = 0;
  private nextSeq = 1;
  private readonly listeners = new Set<PushLogListener>();
  /** This run of the server: a reader whose `after` came from another run (a restart) must start over. */
  readonly instance: string = randomUUID();

  constructor(
    readonly capacity = 10_000,
    /** Where a throwing subscriber's error goes; the append itself always succeeds. */
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`PushLog capacity must be a positive integer, got ${capacity}`);
    }
    this.buffer = new Array<PushLogEntry | undefined>(capacity);
  }

  /** Stamps `seq` (monotonic, from 1) and `at`, stores the entry (dropping the oldest when full) and notifies subscribers. */
  append(entry: NewPushLogEntry): PushLogEntry {
    const full = { ...entry, seq: this.nextSeq++, at: new Date().toISOString() } as PushLogEntry;
    if (this.size < this.capacity) {
      this.buffer[(this.start + this.size) % this.capacity] = full;
      this.size++;
    } else {
      this.buffer[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(full);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return full;
  }

  /** Entries in ascending `seq` order (see PushLogQuery for how `limit` combines with `after`). */
  list(query: PushLogQuery = {}): PushLogEntry[] {
    const { account, after, limit, sessions = false } = query;
    if (limit !== undefined && limit <= 0) return [];
    // Retained seqs are contiguous, so `after` maps straight to a buffer offset.
    const firstSeq = this.nextSeq - this.size;
    const from = after === undefined ? 0 : Math.max(0, Math.min(this.size, Math.floor(after) - firstSeq + 1));
    const matches: PushLogEntry[] = [];
    for (let i = from; i < this.size; i++) {
      const entry = this.buffer[(this.start + i) % this.capacity];
      if (!entry || (account !== undefined && entry.account !== account) || (!sessions && isSessionLifecycle(entry))) continue;
      matches.push(entry);
      if (after !== undefined && limit !== undefined && matches.length >= limit) break;
    }
    if (after === undefined && limit !== undefined && matches.length > limit) {
      return matches.slice(matches.length - limit);
    }
    return matches;
  }

  /** Highest seq assigned so far (0 before the first append). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get length(): number {
    return this.size;
  }

  subscribe(fn: PushLogListener): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }
}
