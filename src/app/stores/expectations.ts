/**
 * Push expectations per sent message (src/app/expectations): predictions under every policy, what
 * the sink observed, verdicts, the server's decision beside them, and the running score. Written
 * by the Playground service's expectation engine in batches; the UI reads it and sets the wait
 * window and the pinned policy.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { PolicyName } from "../../protocol/policy/types";
import { chooseExpectationPolicy, EMPTY_SCORES, rescore, type ExpectationChoice, type Scores } from "../expectations/policy-match";
import { DEFAULT_WINDOW_MS, MAX_WINDOW_MS, MIN_WINDOW_MS, type ExpectationRecord } from "../expectations/types";

/** Records kept (oldest forgotten first); the score keeps counting what was forgotten. */
const DEFAULT_EXPECTATION_CAP = 20_000;

export interface ServerPolicyInfo {
  policy: PolicyName;
  host: string;
}

export interface ExpectationBatch {
  /** New or revised records (by messageId). */
  upsert: ExpectationRecord[];
  /** The policy and host the server's decision log names, when it changed. */
  server?: ServerPolicyInfo | null;
}

export interface ExpectationsState {
  /** By message id. */
  records: Record<string, ExpectationRecord>;
  /** Message ids, oldest first. */
  order: string[];
  /** Timeline event id (message-sent or raw-send) → message id. */
  byEventId: Record<string, string>;
  scores: Scores;
  /** How long after a send pushes still count as its outcome (applies to messages sent from then on). */
  windowMs: number;
  /** The policy the user pinned as "the" expectation; null = automatic. */
  pinned: PolicyName | null;
  server: ServerPolicyInfo | null;
  cap: number;
  /** Records forgotten because of the cap. */
  dropped: number;

  /** Set the wait window in ms (rounded, clamped to MIN_WINDOW_MS…MAX_WINDOW_MS); returns what was set, or null for a non-number. */
  setWindowMs(ms: number): number | null;
  pin(policy: PolicyName | null): void;
  /** Forget every record and the score (the window, the pin and the server policy stay). */
  reset(): void;
  /** Expectation engine only. */
  applyBatch(batch: ExpectationBatch): void;
}

export function createExpectationsStore(options: { cap?: number; windowMs?: number } = {}): StoreApi<ExpectationsState> {
  const cap = options.cap ?? DEFAULT_EXPECTATION_CAP;
  return createStore<ExpectationsState>()((set, get) => ({
    records: {},
    order: [],
    byEventId: {},
    scores: EMPTY_SCORES,
    windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
    pinned: null,
    server: null,
    cap,
    dropped: 0,

    setWindowMs: (ms) => {
      if (!Number.isFinite(ms)) return null;
      const windowMs = Math.min(MAX_WINDOW_MS, Math.max(MIN_WINDOW_MS, Math.round(ms)));
      set({ windowMs });
      return windowMs;
    },
    pin: (pinned) => set({ pinned }),
    reset: () => set({ records: {}, order: [], byEventId: {}, scores: EMPTY_SCORES, dropped: 0 }),

    applyBatch: ({ upsert, server }) => {
      const s = get();
      if (upsert.length === 0) {
        if (server !== undefined && server !== s.server) set({ server });
        return;
      }
      const records = { ...s.records };
      let byEventId = s.byEventId;
      let order = s.order;
      let scores = s.scores;
      let appended: string[] | null = null;
      for (const record of upsert) {
        const previous = records[record.messageId];
        if (!previous) (appended ??= []).push(record.messageId);
        if (byEventId[record.eventId] !== record.messageId) {
          if (byEventId === s.byEventId) byEventId = { ...byEventId };
          byEventId[record.eventId] = record.messageId;
        }
        scores = rescore(scores, previous, record);
        records[record.messageId] = record;
      }
      let dropped = s.dropped;
      if (appended) {
        order = order.concat(appended);
        const excess = order.length - cap;
        if (excess > 0) {
          if (byEventId === s.byEventId) byEventId = { ...byEventId };
          for (const id of order.slice(0, excess)) {
            const gone = records[id];
            if (gone && byEventId[gone.eventId] === id) delete byEventId[gone.eventId];
            delete records[id];
          }
          order = order.slice(excess);
          dropped += excess;
        }
      }
      set({ records, order, byEventId, scores, dropped, ...(server !== undefined ? { server } : {}) });
    },
  }));
}

/** The expectation record of a timeline event (a message-sent or raw-send row), if any. */
export function selectRecordForEvent(s: Pick<ExpectationsState, "records" | "byEventId">, eventId: string): ExpectationRecord | undefined {
  const messageId = s.byEventId[eventId];
  return messageId === undefined ? undefined : s.records[messageId];
}

/** The policy verdict badges use, and why (see chooseExpectationPolicy). */
export function selectExpectationChoice(s: Pick<ExpectationsState, "pinned" | "server" | "scores">): ExpectationChoice {
  return chooseExpectationPolicy({ pinned: s.pinned, serverPolicy: s.server?.policy ?? null, scores: s.scores });
}

/** Just the chosen policy name (a string: safe as a zustand selector without useShallow). */
export function selectExpectationPolicy(s: Pick<ExpectationsState, "pinned" | "server" | "scores">): PolicyName {
  return selectExpectationChoice(s).policy;
}
