/**
 * Live state of every session the playground owns: the account's simulated resources, the sender
 * and the App Server sink. Written only by the Playground service.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { ConnectionStatus, LaneId, LaneInfo, PlaygroundError, PresenceChoice, PresenceState, SessionRole } from "../model";
import { FIXED_LANES } from "../model";
import { PLAYGROUND_COLOUR, SERVER_COLOUR } from "./palette";

export interface SessionView {
  /** Also the session's timeline/console lane. */
  id: LaneId;
  role: SessionRole;
  /** Short label for lanes: `alice/r1`, `bob`, `pushsvc/sink`. */
  label: string;
  /** Bare JID of the account the session logs into. */
  account: string;
  resource: string;
  colour: string;
  status: ConnectionStatus;
  /** Full JID once bound. */
  jid: string | null;
  lastError: PlaygroundError | null;
  /** The last presence the session sent, as chosen in the UI; null = none sent yet. */
  presenceChoice: PresenceChoice | null;
  /** Last available presence sent (null: none yet, or unavailable): what routing looks at. */
  presence: PresenceState | null;
  /** Resources only: presence sent right after connecting (null = none; the session then is not receiving). */
  presenceOnConnect: PresenceChoice | null;
  /** Form values for the next presence. */
  priority: number;
  statusText: string;
  /** §0.1, from src/protocol/routing.ts: receives bare-JID messages (available, priority >= 0). */
  receiving: boolean;
  /** §0.1: receiving and its show is not in the away set. */
  online: boolean;
  /** §0.1: receiving and its show is in the away set. */
  away: boolean;
  /** Messages this session has received since it connected. */
  received: number;
  connectedAt: number | null;
  /** XEP-0198 state (absent until the session first connected). */
  sm?: SmView;
}

/**
 * Stream management as the card shows it. `state`: `active` (enabled on the live stream),
 * `hibernated` (the app was killed and the server keeps the session for resumption), `resumed`,
 * `expired` (the server dropped the hibernated session: its log said so or resumption answered
 * item-not-found), `resume-failed` (any other refusal), `ended` (killed without resumption: the
 * session simply ended), `off` (the server did not enable XEP-0198).
 */
export interface SmView {
  state: "off" | "active" | "hibernated" | "resumed" | "expired" | "resume-failed" | "ended";
  /** `<enabled/>` arrived on the last stream. */
  enabled: boolean;
  /** The server granted resumption (`resume='true'`). */
  resumable: boolean;
  /** The server's session id for resumption (`previd`). */
  id: string;
  /** Resumption window in seconds, when the server said. */
  max: number | null;
  /** When `state` last changed. */
  since: number;
  /** resumed: stanzas the server re-sent (counted from delayed arrivals, or its log). */
  redelivered?: number;
  /** One sentence on the state, e.g. why resumption failed. */
  note?: string;
}

export interface SessionsState {
  sessions: Record<LaneId, SessionView>;
  /** Display order: resources in creation order, then sender, then sink. */
  order: LaneId[];
  /** Sessions removed during this run: their timeline lanes keep a label and colour. */
  retired: Record<LaneId, LaneInfo>;
  upsert(view: SessionView): void;
  /** Many sessions in one state update (adding 100 resources re-renders once). */
  upsertMany(views: readonly SessionView[]): void;
  patch(id: LaneId, patch: Partial<Omit<SessionView, "id" | "role">>): void;
  remove(id: LaneId): void;
  /**
   * While on (Connect all, Disconnect all), subscribers hear of changes once per animation frame
   * instead of once per write: 100 logins write ~300 cards, each of which would be a React
   * render and commit of its own. Reads (`getState`) always see every write at once. Nested calls
   * count; the last `false` notifies what is pending.
   */
  coalesce(on: boolean): void;
}

const ROLE_RANK: Record<string, number> = { resource: 0, sender: 1, sink: 2 };

function ordered(sessions: Record<LaneId, SessionView>, previous: LaneId[]): LaneId[] {
  const ids = previous.filter((id) => id in sessions);
  const known = new Set(ids);
  for (const id of Object.keys(sessions)) if (!known.has(id)) ids.push(id);
  // Stable sort keeps creation order within a role.
  return ids.sort((a, b) => (ROLE_RANK[sessions[a]!.role] ?? 9) - (ROLE_RANK[sessions[b]!.role] ?? 9));
}

/** Next animation frame, or a short timer where there is none (Node, tests). */
function onNextFrame(fn: () => void): void {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(fn);
  else setTimeout(fn, 16);
}

type Listener = (state: SessionsState, previous: SessionsState) => void;

/**
 * The store's `subscribe` behind a switch: listeners are called at once (the default) or, while
 * coalescing, once per frame with the latest state and the state before the first pending write.
 */
function coalescingSubscribers(api: StoreApi<SessionsState>): { coalesce(on: boolean): void } {
  const listeners = new Set<Listener>();
  let depth = 0;
  let pendingSince: SessionsState | null = null;
  let frameRequested = false;
  const notify = (state: SessionsState, previous: SessionsState) => {
    for (const listener of [...listeners]) listener(state, previous);
  };
  const flush = () => {
    frameRequested = false;
    if (pendingSince === null) return;
    const previous = pendingSince;
    pendingSince = null;
    notify(api.getState(), previous);
  };
  api.subscribe((state, previous) => {
    if (depth === 0) return notify(state, previous);
    pendingSince ??= previous;
    if (!frameRequested) {
      frameRequested = true;
      onNextFrame(flush);
    }
  });
  api.subscribe = (listener) => {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  };
  return {
    coalesce(on) {
      depth = Math.max(0, depth + (on ? 1 : -1));
      if (depth === 0) flush();
    },
  };
}

export function createSessionsStore(): StoreApi<SessionsState> {
  let control: { coalesce(on: boolean): void } | null = null;
  const api = createStore<SessionsState>()((set, get) => ({
    coalesce: (on) => control?.coalesce(on),
    sessions: {},
    order: [],
    retired: {},
    upsert: (view) => {
      const sessions = { ...get().sessions, [view.id]: view };
      set({ sessions, order: ordered(sessions, get().order) });
    },
    upsertMany: (views) => {
      if (views.length === 0) return;
      const sessions = { ...get().sessions };
      for (const v of views) sessions[v.id] = v;
      set({ sessions, order: ordered(sessions, get().order) });
    },
    patch: (id, patch) => {
      const current = get().sessions[id];
      if (!current) return;
      set({ sessions: { ...get().sessions, [id]: { ...current, ...patch } } });
    },
    remove: (id) => {
      if (!(id in get().sessions)) return;
      const { [id]: gone, ...sessions } = get().sessions;
      const retired = gone ? { ...get().retired, [id]: { label: `${gone.label} (removed)`, colour: gone.colour, role: gone.role } } : get().retired;
      set({ sessions, order: get().order.filter((x) => x !== id), retired });
    },
  }));
  control = coalescingSubscribers(api);
  return api;
}

/** Resource sessions in display order. */
export function selectResources(s: Pick<SessionsState, "sessions" | "order">): SessionView[] {
  return s.order.map((id) => s.sessions[id]).filter((v): v is SessionView => v?.role === "resource");
}

/** Label, colour and role of every lane known in this run: sessions, removed sessions, server log. */
export function selectLaneInfo(s: Pick<SessionsState, "sessions" | "retired">): Record<LaneId, LaneInfo> {
  const lanes: Record<LaneId, LaneInfo> = { ...s.retired };
  for (const [id, label] of Object.entries(FIXED_LANES)) {
    lanes[id] = { label, colour: id === "server" ? SERVER_COLOUR : PLAYGROUND_COLOUR, role: id === "server" ? "server" : "playground" };
  }
  for (const v of Object.values(s.sessions)) lanes[v.id] = { label: v.label, colour: v.colour, role: v.role };
  return lanes;
}
