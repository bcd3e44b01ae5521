/**
 * Sessions of the account under test that the playground did not open (issue 12): a real app, a
 * second browser, a Node client. Read-only lanes, written only by the outside-sessions service
 * (src/app/playground/outside-sessions.ts) from the reference server's log or, on other servers,
 * from the presence the playground's own resources receive.
 */
import { createStore, type StoreApi } from "zustand/vanilla";
import type { LaneId, LaneInfo } from "../model";
import type { PresenceState } from "../../protocol/policy/types";

/** Outside lanes share one colour, so they read as "not ours" at a glance (paired with the label). */
export const OUTSIDE_COLOUR = "#5B6472";

export interface OutsideSessionView {
  /** Also the timeline lane: `outside-<resource>`. */
  id: LaneId;
  resource: string;
  /** Full JID. */
  jid: string;
  /** `alice/phone (outside)`. */
  label: string;
  /** `online`: bound; `hibernated`: XEP-0198 keeps it; `ended`: gone (kept so its lane stays readable). */
  status: "online" | "hibernated" | "ended";
  /** The server's session id, when its log said (never over presence). */
  sessionId: string | null;
  /** Its last available presence; null: none yet, or unavailable. */
  presence: PresenceState | null;
  /** XEP-0115 caps node of its presence (names the client, e.g. https://conversations.im), when sent. */
  capsNode: string | null;
  /** `server log`: the reference server told; `presence`: only what the playground's resources received. */
  seenThrough: "server log" | "presence";
  since: number;
  /** One sentence on the last change (why it ended, …). */
  note?: string;
}

export interface OutsideState {
  sessions: Record<LaneId, OutsideSessionView>;
  /** First seen first. */
  order: LaneId[];
  upsert(view: OutsideSessionView): void;
  clear(): void;
}

export function outsideLaneId(resource: string): LaneId {
  return `outside-${resource}`;
}

export function createOutsideStore(): StoreApi<OutsideState> {
  return createStore<OutsideState>()((set, get) => ({
    sessions: {},
    order: [],
    upsert: (view) => {
      const { sessions, order } = get();
      set({ sessions: { ...sessions, [view.id]: view }, order: order.includes(view.id) ? order : [...order, view.id] });
    },
    clear: () => set({ sessions: {}, order: [] }),
  }));
}

export function selectOutsideSessions(s: Pick<OutsideState, "sessions" | "order">): OutsideSessionView[] {
  return s.order.map((id) => s.sessions[id]).filter((v): v is OutsideSessionView => v !== undefined);
}

/** Outside lanes as timeline and Sequence lanes: account resources, labelled as outside. */
export function selectOutsideLaneInfo(s: Pick<OutsideState, "sessions">): Record<LaneId, LaneInfo> {
  const lanes: Record<LaneId, LaneInfo> = {};
  for (const v of Object.values(s.sessions)) lanes[v.id] = { label: v.label, colour: OUTSIDE_COLOUR, role: "resource" };
  return lanes;
}
