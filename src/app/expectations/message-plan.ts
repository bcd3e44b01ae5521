import type { Element } from "@xmpp/xml";
import type { PolicyName, PolicyOptions, SessionSnapshot } from "../../protocol/policy/types";
import { attrOf } from "../../protocol/stanzas/xml-util";
import { SINK_LANE, type LaneId } from "../model";
import type { Stores } from "../stores";
import { selectOutsideSessions } from "../stores/outside";
import { selectResources } from "../stores/sessions";
import type { ConnectionTracker } from "./connection-tracker";
import { outsideEnabler, outsideSessionSnapshots } from "./outside-facts";
import {
  messageSnapshotOf,
  predict,
  registrationFacts,
  sessionSnapshots,
  type ConnectionInfo,
  type Prediction,
  type PredictionCounters,
  type RegistrationFacts,
} from "./predict";
import type { ExpectationRecord } from "./types";

/** A message about to be sent, predicted from what the playground knows at that moment. */
export interface MessagePlan {
  messageId: string;
  lane: LaneId;
  account: string;
  sinkJid: string;
  windowMs: number;
  /** Why the sink cannot observe this message's pushes, or null. */
  unobservable: string | null;
  /** The sink connection the observation relies on (its connectedAt), to notice a reconnect in the window. */
  sinkConnectedAt: number | null;
  prediction: Prediction;
}

/** A message stanza with an id addressed to the account (bare or full JID): its id and the account; else null. */
export function messageToAccount(element: Element, account: () => string): { messageId: string; account: string } | null {
  if (element.name !== "message") return null;
  const messageId = attrOf(element, "id");
  const to = attrOf(element, "to");
  if (!messageId || !to) return null;
  const bare = account();
  const slash = to.indexOf("/");
  return (slash === -1 ? to : to.slice(0, slash)).toLowerCase() === bare ? { messageId, account: bare } : null;
}

/** What a plan is predicted from, besides the message. */
export interface PlanContext {
  stores: Pick<Stores, "sessions" | "registrations"> & Partial<Pick<Stores, "outside">>;
  connections: ConnectionTracker;
  account: string;
  sinkJid: () => string;
  windowMs: () => number;
  policyOptions: PolicyOptions;
  serverPolicy: PolicyName | null;
  counters: PredictionCounters;
  presenceCountOf?: (lane: LaneId) => number;
}

/** The account's sessions and registrations as the playground knows them now: what every prediction decides on. */
export function knownAccountState(context: Pick<PlanContext, "stores" | "connections" | "presenceCountOf">): { sessions: SessionSnapshot[]; registrations: RegistrationFacts[] } {
  const { stores } = context;
  const views = selectResources(stores.sessions.getState());
  const connections = new Map<LaneId, ConnectionInfo>();
  for (const v of views) {
    connections.set(v.id, {
      generation: context.connections.generationOf(v.id) ?? 0,
      presenceCount: context.presenceCountOf?.(v.id) ?? (v.presence ? 1 : 0),
    });
  }
  // Outside sessions (issue 12) are sessions to the server too: an online outside app suppresses the push.
  const outside = stores.outside ? selectOutsideSessions(stores.outside.getState()) : [];
  const own = new Set(views.map((v) => v.resource));
  const sessions = [...sessionSnapshots(views, connections), ...outsideSessionSnapshots(outside, own)];
  const registrations = registrationFacts(stores.registrations.getState().registrations, context.connections.trackingOf, outsideEnabler(outside, own));
  return { sessions, registrations };
}

/** Predicts a message to the account from the sessions, registrations and connections known now. */
export function planMessage(element: Element, messageId: string, lane: LaneId, fromJid: string, context: PlanContext): MessagePlan {
  const { stores, account } = context;
  const { sessions, registrations } = knownAccountState(context);
  const message = messageSnapshotOf(element, { from: fromJid, domain: account.slice(account.indexOf("@") + 1) });
  const prediction = predict({ account, sessions, registrations, message, options: context.policyOptions, serverPolicy: context.serverPolicy, counters: context.counters });
  const sink = stores.sessions.getState().sessions[SINK_LANE];
  const sinkOnline = sink?.status === "online";
  return {
    messageId,
    lane,
    account,
    sinkJid: context.sinkJid(),
    windowMs: context.windowMs(),
    unobservable: sinkOnline ? null : "the App Server sink was not connected when the message was sent",
    sinkConnectedAt: sinkOnline ? (sink.connectedAt ?? null) : null,
    prediction,
  };
}

/** A sent message's record before anything was observed (observation and verdicts still to compute). */
export function sentRecord(plan: MessagePlan, eventId: string, at: number): ExpectationRecord {
  const { prediction } = plan;
  return {
    messageId: plan.messageId,
    eventId,
    lane: plan.lane,
    sentAt: at,
    windowMs: plan.windowMs,
    account: plan.account,
    sinkJid: plan.sinkJid,
    message: prediction.message,
    sessions: prediction.sessions,
    delivery: prediction.delivery,
    predictions: prediction.predictions,
    observation: { closedAt: null, pushes: [], late: [], unobservable: plan.unobservable },
    verdicts: {} as ExpectationRecord["verdicts"],
    server: null,
  };
}
