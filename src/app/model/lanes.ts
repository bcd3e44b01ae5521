/** Lanes (one per session, plus fixed ones) and the states a session card shows. */
import type { Show } from "../../protocol/policy/types";

/**
 * A lane is one session's row on the timeline. Resource sessions get generated ids (`res-1`,
 * `res-2`, …); the sender and the sink have fixed ids; `server` holds the reference server's
 * logged decisions; `playground` holds events that belong to no session (e.g. a server-log fetch
 * problem).
 */
export type LaneId = string;
export const SENDER_LANE: LaneId = "sender";
export const SINK_LANE: LaneId = "sink";
/** Decisions read from the reference server's push log (why a push was or was not sent). */
export const SERVER_LANE: LaneId = "server";
export const PLAYGROUND_LANE: LaneId = "playground";
/** What the Scenarios panel's harness clients did (they are not playground sessions). */
export const SCENARIO_LANE: LaneId = "scenarios";
/** Lanes that are not sessions (so not in the sessions store), with their display labels. */
export const FIXED_LANES: Readonly<Record<string, string>> = { [SERVER_LANE]: "server log", [PLAYGROUND_LANE]: "playground", [SCENARIO_LANE]: "scenarios" };

export type SessionRole = "resource" | "sender" | "sink";

/** How a lane is labelled and coloured (kept for removed sessions and carried in exports). */
export interface LaneInfo {
  label: string;
  colour: string;
  role: SessionRole | "server" | "playground";
}

/**
 * Connection lifecycle as the UI shows it.
 * - `offline`: never connected, or closed.
 * - `connecting`: socket opening, stream negotiation, SASL, bind.
 * - `online`: authenticated and bound (xmpp.js `online`).
 * - `disconnecting`: closing the stream.
 * - `failed`: the last attempt or the live stream ended with an error (see `lastError`).
 */
export type ConnectionStatus = "offline" | "connecting" | "online" | "disconnecting" | "failed";

/** `available` = presence without `<show>`; `unavailable` = presence type='unavailable'. */
export type PresenceChoice = "available" | Show | "unavailable";
export const PRESENCE_CHOICES: readonly PresenceChoice[] = ["available", "chat", "away", "xa", "dnd", "unavailable"];
