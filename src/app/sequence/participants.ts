/**
 * The diagram's participants, from the timeline's lanes: the sender, the server (which draws the
 * reference server's logged decisions), one lane per resource of the account, and the App Server
 * sink, left to right in that order. Lanes that are no session of this walk-through (the
 * playground's own, the Scenarios harness) have no participant: their events are not drawn.
 */
import { PLAYGROUND_LANE, SCENARIO_LANE, SENDER_LANE, SERVER_LANE, SINK_LANE, type LaneId, type TimelineEvent } from "../model";
import { domainOf, resourceOf } from "./text";
import type { Participant, SequenceOptions } from "./types";

export const SENDER_ID = "sender";
export const SERVER_ID = "server";
export const APP_SERVER_ID = "app-server";

export interface Participants {
  list: Participant[];
  /** Participant id of a lane, or null when the lane is not drawn. */
  ofLane(lane: LaneId): string | null;
}

function isHiddenLane(lane: LaneId, options: SequenceOptions): boolean {
  if (lane === PLAYGROUND_LANE || lane === SCENARIO_LANE) return true;
  return options.lanes?.[lane]?.role === "playground";
}

function fixedId(lane: LaneId, options: SequenceOptions): string | null {
  const role = options.lanes?.[lane]?.role;
  if (lane === SENDER_LANE || role === "sender") return SENDER_ID;
  if (lane === SINK_LANE || role === "sink") return APP_SERVER_ID;
  if (lane === SERVER_LANE || role === "server") return SERVER_ID;
  return null;
}

/**
 * What the events tell about the participants, in timeline order: each lane's own JID (a full one
 * preferred), the server's domain, the sender's JID, and the lanes in order of first appearance.
 * Kept as a value that grows event by event, so a builder can resume it from a checkpoint.
 */
export interface LaneNames {
  readonly laneJid: ReadonlyMap<LaneId, string>;
  readonly domain: string;
  readonly senderJid: string;
  readonly lanes: readonly LaneId[];
}

export const NO_NAMES: LaneNames = { laneJid: new Map(), domain: "", senderJid: "", lanes: [] };

/** `names` with `events[from..to)` read too (a new value; `names` is not changed). */
export function readNames(names: LaneNames, events: readonly TimelineEvent[], from = 0, to = events.length): LaneNames {
  let laneJid: Map<LaneId, string> | null = null;
  let lanes: LaneId[] | null = null;
  let { domain, senderJid } = names;
  const seen = new Set(names.lanes);
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    if (!seen.has(e.lane)) {
      seen.add(e.lane);
      (lanes ??= [...names.lanes]).push(e.lane);
    }
    let own: string | undefined;
    if (e.kind === "connection") own = e.jid;
    else if (e.kind === "message-received" && e.lane !== SENDER_LANE) own = e.to;
    else if (e.kind === "message-sent") {
      own = e.from;
      if (!domain) domain = domainOf(e.to);
      if (!senderJid) senderJid = e.from.split("/")[0] ?? "";
    }
    if (!own) continue;
    // A full JID names the resource; a bare one (a message to the bare JID) only until a full one shows up.
    const known = (laneJid ?? names.laneJid).get(e.lane);
    if (!known || (!known.includes("/") && own.includes("/"))) (laneJid ??= new Map(names.laneJid)).set(e.lane, own);
    if (!domain) domain = domainOf(own);
  }
  return { laneJid: laneJid ?? names.laneJid, domain, senderJid, lanes: lanes ?? names.lanes };
}

export function collectParticipants(events: readonly TimelineEvent[], options: SequenceOptions): Participants {
  return participantsOf(readNames(NO_NAMES, events), options);
}

export function participantsOf(names: LaneNames, options: SequenceOptions): Participants {
  const lanes = options.lanes ?? {};
  const resourceLanes: LaneId[] = [];
  const seen = new Set<LaneId>();
  const addResource = (lane: LaneId) => {
    if (seen.has(lane) || isHiddenLane(lane, options) || fixedId(lane, options)) return;
    seen.add(lane);
    resourceLanes.push(lane);
  };
  // Known resources first, in the sessions store's order, so the lanes keep their places as events arrive.
  for (const [lane, info] of Object.entries(lanes)) if (info.role === "resource") addResource(lane);
  for (const lane of names.lanes) addResource(lane);

  const senderLabel = lanes[SENDER_LANE]?.label || names.senderJid || "sender";
  const sinkJid = names.laneJid.get(SINK_LANE);
  const sinkLabel = lanes[SINK_LANE]?.label || (sinkJid ? sinkJid : "App Server");
  const list: Participant[] = [
    { id: SENDER_ID, role: "sender", label: senderLabel, lane: SENDER_LANE },
    { id: SERVER_ID, role: "server", label: options.serverLabel || names.domain || "server", lane: SERVER_LANE },
    ...resourceLanes.map((lane): Participant => {
      const jid = names.laneJid.get(lane);
      return { id: lane, role: "resource", label: lanes[lane]?.label || (jid ? resourceOf(jid) : lane), lane };
    }),
    { id: APP_SERVER_ID, role: "app-server", label: sinkLabel, lane: SINK_LANE },
  ];
  const resourceSet = new Set(resourceLanes);
  return {
    list,
    ofLane(lane) {
      if (isHiddenLane(lane, options)) return null;
      return fixedId(lane, options) ?? (resourceSet.has(lane) ? lane : null);
    },
  };
}

/** The words under a participant's name: what it is in the push flow. */
export function roleCaption(role: Participant["role"]): string {
  switch (role) {
    case "sender":
      return "sender";
    case "server":
      return "XMPP server";
    case "resource":
      return "account resource";
    case "app-server":
      return "App Server";
  }
}
