/**
 * Links what the sink and the resources observe to the messages the playground sent: the sent
 * message index (receipts), the heuristic push→message link made at once, and the exact link the
 * reference server's push log gives later (which replaces the heuristic one).
 */
import type { Element } from "@xmpp/xml";
import type { MessageDecisionEntry, PresenceDecisionEntry, SessionStateEntry } from "../../protocol/push-log";
import { attrOf } from "../../protocol/stanzas/xml-util";
import type { ExpectationEngine } from "../expectations/engine";
import type { PredictedCause } from "../expectations/predicted-causes";
import type { LaneId, LinkMethod } from "../model";
import type { ServiceContext } from "./context";

/** Heuristic window: a push links to the latest message to the account within this time. */
export const HEURISTIC_WINDOW_MS = 10_000;
/** Sent messages remembered for linking. */
const SENT_INDEX_CAP = 5_000;
/** A push the log has not explained after this many reads is given up (e.g. another server process). */
const MAX_LOG_ATTEMPTS = 5;

export interface SentRecord {
  messageId: string;
  eventId: string;
  at: number;
  toBare: string;
  body: string | undefined;
}

export interface HeuristicLink {
  record: SentRecord;
  detail: string;
}

interface PushRecord {
  eventId: string;
  iqId: string;
  at: number;
  linkedMessageEventId: string | null;
  linkMethod: LinkMethod | null;
  /** Attempts made to resolve it through the server log. */
  logAttempts: number;
}

export interface Linker {
  rememberSent(element: Element, eventId: string, toBare: string, body: string | undefined, at: number): void;
  sentByMessageId(messageId: string): SentRecord | undefined;
  /** A resource received a sent message: add the lane to its `receivedBy` (once per lane). */
  noteReceived(record: SentRecord, lane: LaneId): void;
  /** The latest message to `account` before `at` whose body matches, else the latest within the window. */
  heuristicLink(account: string, lastBody: string | undefined, at: number): HeuristicLink | null;
  /** A push was recorded (with its heuristic link, if any): remember it until the log explains it. */
  pushRecorded(eventId: string, iqId: string, at: number, link: HeuristicLink | null): void;
  notePublish(iqId: string, causeSeq: number): void;
  /** A `test-push` entry: the publish it causes is the user's test push, not a message's push. */
  noteTestPush(seq: number): void;
  noteDecision(entry: MessageDecisionEntry): void;
  /** A `presence-decision` entry: the publishes it causes are a presence's, said with its rule and reason. */
  notePresenceDecision(entry: PresenceDecisionEntry): void;
  noteSessionEntry(entry: SessionStateEntry, eventId: string): void;
  /**
   * A push recorded before the presence that caused it (ejabberd pushes at once): the policies'
   * prediction for that presence explains it, so it is the presence's, not a message's.
   */
  linkPredicted(pushEventId: string, cause: PredictedCause): void;
  /** Apply what the log says about pending pushes. Returns true while some are still unexplained. */
  resolvePendingLinks(): boolean;
}

export function createLinker(ctx: ServiceContext, expectations: Pick<ExpectationEngine, "pushLinked">): Linker {
  const { recorder } = ctx;
  const sent: SentRecord[] = [];
  const byMessageId = new Map<string, SentRecord>();
  /** Sent messages by recipient and body, oldest first: the body match costs no scan of `sent`. */
  const byBody = new Map<string, SentRecord[]>();
  const bodyKey = (toBare: string, body: string) => `${toBare}\u0000${body}`;
  const receivedBy = new Map<string, Set<LaneId>>(); // message event id → lanes
  const pushes = new Map<string, PushRecord>(); // by iq id
  const publishByIq = new Map<string, { causeSeq: number }>();
  const decisions = new Map<number, MessageDecisionEntry>();
  const testPushes = new Set<number>();
  const presenceDecisions = new Map<number, PresenceDecisionEntry>();
  /** `session-*` entries by seq (publishes caused by a hibernation carry its seq), with their timeline event. */
  const sessionEntries = new Map<number, { entry: SessionStateEntry; eventId: string }>();

  function linkDetail(causeSeq: number, decision: MessageDecisionEntry | undefined): string {
    if (decision) return `${decision.decision.rule}: ${decision.decision.reason}`;
    if (testPushes.has(causeSeq)) return `a test push requested from the playground (server log #${causeSeq}), caused by no message`;
    const presence = presenceDecisions.get(causeSeq);
    if (presence) return `caused by the presence of ${presence.resource} (server log #${causeSeq}): ${presence.decision.rule}: ${presence.decision.reason}`;
    const hibernation = sessionEntries.get(causeSeq);
    if (!hibernation) return `caused by server log entry #${causeSeq} (a presence-triggered notification)`;
    const e = hibernation.entry;
    return `caused by ${e.account}/${e.resource}'s ${e.kind.replace("session-", "")} session (server log #${causeSeq})${e.decision ? `: ${e.decision.rule}: ${e.decision.reason}` : ""}`;
  }

  function resolve(push: PushRecord, causeSeq: number): void {
    const decision = decisions.get(causeSeq);
    const hibernation = decision ? undefined : sessionEntries.get(causeSeq);
    const messageId = decision?.messageId ?? null;
    const target = messageId ? byMessageId.get(messageId) : undefined;
    const detail = linkDetail(causeSeq, decision);
    const previous = push.linkedMessageEventId;
    push.linkMethod = "server log";
    push.linkedMessageEventId = target?.eventId ?? null;
    recorder.patch(push.eventId, "push", (e) => {
      const { causeMessageId: _m, causeEventId: _e, ...rest } = e;
      // A presence push the policies predicted: the log confirms it, and the presence stays its cause.
      const predicted = !target && !hibernation && !messageId && e.linkMethod === "prediction" && e.causeEventId !== undefined ? e.causeEventId : null;
      return {
        ...rest,
        ...(messageId ? { causeMessageId: messageId } : {}),
        ...(target ? { causeEventId: target.eventId } : hibernation ? { causeEventId: hibernation.eventId } : predicted ? { causeEventId: predicted } : {}),
        linkMethod: "server log",
        linkDetail: predicted ? `${detail}, as ${e.linkDetail ?? "predicted"}` : detail,
      };
    });
    if (previous && previous !== target?.eventId) {
      recorder.patch(previous, "message-sent", (e) => ({ ...e, pushEventIds: e.pushEventIds.filter((p) => p !== push.eventId) }));
    }
    if (target && previous !== target.eventId) {
      recorder.patch(target.eventId, "message-sent", (e) => ({ ...e, pushEventIds: [...e.pushEventIds, push.eventId] }));
    }
    expectations.pushLinked(push.eventId, messageId, "server log");
  }

  return {
    rememberSent(element, eventId, toBare, body, at) {
      const messageId = attrOf(element, "id");
      if (!messageId) return;
      const rec: SentRecord = { messageId, eventId, at, toBare, body };
      sent.push(rec);
      byMessageId.set(messageId, rec);
      if (body !== undefined) {
        const same = byBody.get(bodyKey(toBare, body));
        if (same) same.push(rec);
        else byBody.set(bodyKey(toBare, body), [rec]);
      }
      if (sent.length > SENT_INDEX_CAP) {
        for (const gone of sent.splice(0, sent.length - SENT_INDEX_CAP)) {
          byMessageId.delete(gone.messageId);
          receivedBy.delete(gone.eventId);
          if (gone.body === undefined) continue;
          // The oldest with its body is the first of its list.
          const same = byBody.get(bodyKey(gone.toBare, gone.body));
          if (same?.[0] === gone) same.shift();
          if (same?.length === 0) byBody.delete(bodyKey(gone.toBare, gone.body));
        }
      }
    },
    sentByMessageId: (messageId) => byMessageId.get(messageId),
    noteReceived(record, lane) {
      const lanes = receivedBy.get(record.eventId) ?? new Set<LaneId>();
      if (lanes.has(lane)) return;
      lanes.add(lane);
      receivedBy.set(record.eventId, lanes);
      recorder.patch(record.eventId, "message-sent", (e) => ({ ...e, receivedBy: [...e.receivedBy, lane] }));
    },
    heuristicLink(account, lastBody, at) {
      // The newest message with that body sent before the push (newest first: a resend of a body
      // links to the last one), through the body index.
      const same = lastBody === undefined ? undefined : byBody.get(bodyKey(account, lastBody));
      for (let i = (same?.length ?? 0) - 1; i >= 0; i--) {
        const s = same![i]!;
        if (s.at <= at) return { record: s, detail: "latest message sent before the push whose body equals last-message-body" };
      }
      // Else the latest message to the account: a push is usually for one of the last sent.
      let latest: SentRecord | undefined;
      for (let i = sent.length - 1; i >= 0 && !latest; i--) {
        const s = sent[i]!;
        if (s.at <= at && s.toBare === account) latest = s;
      }
      if (latest && at - latest.at <= HEURISTIC_WINDOW_MS) {
        return { record: latest, detail: `latest message sent to ${account} within ${HEURISTIC_WINDOW_MS / 1000} s (no body match)` };
      }
      return null;
    },
    pushRecorded(eventId, iqId, at, link) {
      if (link) recorder.patch(link.record.eventId, "message-sent", (e) => ({ ...e, pushEventIds: [...e.pushEventIds, eventId] }));
      pushes.set(iqId, { eventId, iqId, at, linkedMessageEventId: link?.record.eventId ?? null, linkMethod: link ? "heuristic" : null, logAttempts: 0 });
    },
    notePublish(iqId, causeSeq) {
      publishByIq.set(iqId, { causeSeq });
      // A push already recorded is linked now, entry by entry (the log is read in slices), not
      // all at once after a read of hundreds of entries.
      const push = pushes.get(iqId);
      if (push && push.linkMethod !== "server log") {
        resolve(push, causeSeq);
        pushes.delete(iqId);
      }
    },
    linkPredicted(pushEventId, cause) {
      // Only a push still waiting for the log: one the log explained has left the map.
      const push = [...pushes.values()].find((p) => p.eventId === pushEventId);
      if (!push || push.linkMethod === "server log") return;
      const previous = push.linkedMessageEventId;
      push.linkMethod = "prediction";
      push.linkedMessageEventId = null;
      recorder.patch(pushEventId, "push", (e) => {
        const { causeMessageId: _m, ...rest } = e;
        return { ...rest, causeEventId: cause.eventId, linkMethod: "prediction", linkDetail: cause.detail };
      });
      if (previous) recorder.patch(previous, "message-sent", (e) => ({ ...e, pushEventIds: e.pushEventIds.filter((p) => p !== pushEventId) }));
      expectations.pushLinked(pushEventId, null, "prediction");
    },
    noteTestPush: (seq) => void testPushes.add(seq),
    noteDecision: (entry) => void decisions.set(entry.seq, entry),
    notePresenceDecision: (entry) => void presenceDecisions.set(entry.seq, entry),
    noteSessionEntry: (entry, eventId) => void sessionEntries.set(entry.seq, { entry, eventId }),
    resolvePendingLinks() {
      for (const push of pushes.values()) {
        if (push.linkMethod === "server log") continue;
        const publish = publishByIq.get(push.iqId);
        if (publish) resolve(push, publish.causeSeq);
        else push.logAttempts += 1;
      }
      for (const [iq, push] of pushes) if (push.linkMethod === "server log" || push.logAttempts > MAX_LOG_ATTEMPTS) pushes.delete(iq);
      return [...pushes.values()].some((p) => p.linkMethod !== "server log");
    },
  };
}
