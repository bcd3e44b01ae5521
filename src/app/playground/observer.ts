/**
 * What the account's resources and the sender receive: messages (receipts of what the playground
 * sent, bounces, the server's redelivery after a resume) and presence from others. Counts the
 * redelivered messages of a resumed session.
 */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { parseStanzaError } from "../../protocol/stanzas/errors";
import { chatStateOf } from "../../protocol/stanzas/message";
import { parsePresence } from "../../protocol/stanzas/presence";
import { attrOf, childElements, findClientChild, localName, textOf } from "../../protocol/stanzas/xml-util";
import type { LaneId } from "../model";
import type { ServiceContext } from "./context";
import { presenceWords, quoteBody, resumedSummary } from "./format";
import type { LaneRegistry } from "./lane-registry";
import type { Linker } from "./linker";

/** Delayed messages arriving this long after `<resumed/>` count as the server's redelivery. */
export const REDELIVERY_WINDOW_MS = 2_000;

export interface RedeliveryTracker {
  /** `<resume/>` went out: count delayed messages from now on. */
  resuming(lane: LaneId): void;
  /** `<resumed/>` came back: the count so far; later ones patch `eventId` until the window closes. */
  resumed(lane: LaneId, eventId: string, at: number): void;
  counted(lane: LaneId): number;
  stop(lane: LaneId): void;
}

export interface Observer {
  receive(lane: LaneId, element: Element, at: number): void;
  readonly redelivery: RedeliveryTracker;
}

export interface ObserverDeps {
  registry: LaneRegistry;
  linker: Pick<Linker, "sentByMessageId" | "noteReceived">;
  /** A presence from a session the playground did not open (issue 12's outside lanes). */
  othersPresence?: (element: Element, at: number) => void;
}

export function createObserver(ctx: ServiceContext, deps: ObserverDeps): Observer {
  const { stores, recorder } = ctx;
  const { registry, linker } = deps;
  const windows = new Map<LaneId, { eventId: string | null; count: number; until: number }>();

  /** A delayed message during or right after a resumption is the server's redelivery: count it. */
  function countRedelivered(lane: LaneId, at: number): boolean {
    const r = windows.get(lane);
    if (!r) return false;
    if (at > r.until) {
      windows.delete(lane);
      return false;
    }
    r.count += 1;
    const count = r.count;
    const v = registry.view(lane);
    if (v?.sm?.state === "resumed") stores.sessions.getState().patch(lane, { sm: { ...v.sm, redelivered: count } });
    if (r.eventId) {
      const who = v?.jid ?? v?.label ?? lane;
      recorder.patch(r.eventId, "connection", (e) => ({ ...e, redelivered: count, summary: resumedSummary(who, count, e.resent ?? 0) }));
    }
    return true;
  }

  function onMessage(lane: LaneId, element: Element, at: number): void {
    const id = attrOf(element, "id") ?? null;
    const from = attrOf(element, "from") ?? "";
    const type = attrOf(element, "type") ?? "normal";
    const bodyEl = findClientChild(element, "body");
    const body = bodyEl ? textOf(bodyEl) : undefined;
    const delayed = childElements(element).some((c) => localName(c) === "delay" && c.getNS() === NS.delay);
    const sent = id ? linker.sentByMessageId(id) : undefined;
    const v = registry.view(lane);
    const who = v?.label ?? lane;
    const redelivered = delayed && type !== "error" && countRedelivered(lane, at);
    let summary: string;
    if (type === "error") {
      const spec = parseStanzaError(element);
      summary = `${who} got an error back from ${from || "the server"}: ${spec ? `${spec.type}/${spec.condition}${spec.text ? ` (${spec.text})` : ""}` : "no condition"}`;
    } else {
      const state = chatStateOf(element);
      const what = body !== undefined ? quoteBody(body) : state ? `chat state <${state}/>` : "no body";
      const late = redelivered ? " (redelivered on resume: it was unacknowledged when the app was killed)" : delayed ? " (delayed, offline delivery)" : "";
      summary = `${who} received ${type} from ${from || "?"}: ${what}${late}`;
    }
    recorder.record({
      kind: "message-received",
      lane,
      at,
      summary,
      xml: element.toString(),
      messageId: id,
      from,
      to: attrOf(element, "to") ?? "",
      messageType: type,
      ...(body !== undefined ? { body } : {}),
      delayed,
      ...(sent ? { causeEventId: sent.eventId } : {}),
    });
    if (type === "error") return;
    if (sent) linker.noteReceived(sent, lane);
    if (v) countReceived(lane);
  }

  /** Received counts go to the card with the recorder's next flush, one update for a burst. */
  const receivedSinceFlush = new Map<LaneId, number>();
  function countReceived(lane: LaneId): void {
    if (receivedSinceFlush.size === 0) {
      recorder.defer(() => {
        for (const [id, n] of receivedSinceFlush) {
          const card = registry.view(id);
          if (card) stores.sessions.getState().patch(id, { received: card.received + n });
        }
        receivedSinceFlush.clear();
      });
    }
    receivedSinceFlush.set(lane, (receivedSinceFlush.get(lane) ?? 0) + 1);
  }

  function onPresence(lane: LaneId, element: Element, at: number): void {
    const from = attrOf(element, "from") ?? "";
    // Presence of our own sessions is logged once, when sent; the server's broadcasts of it to
    // sibling resources would only repeat it N times.
    if (registry.ownJids().has(from)) return;
    deps.othersPresence?.(element, at);
    const parsed = parsePresence(element);
    const who = registry.view(lane)?.label ?? lane;
    if ("error" in parsed) {
      recorder.record({ kind: "presence", lane, at, direction: "in", from, available: false, show: null, priority: 0, summary: `${who} received a malformed presence from ${from}: ${parsed.error}`, xml: element.toString() });
      return;
    }
    const spec = parsed.kind === "error" ? parseStanzaError(element) : null;
    const summary =
      parsed.kind === "error"
        ? `${who} received a presence error from ${from || "the server"}: ${spec ? `${spec.type}/${spec.condition}` : "no condition"}`
        : `${who} received presence from ${from || "?"}: ${parsed.kind === "available" ? presenceWords(parsed.show ?? "available", parsed.priority, parsed.status) : (parsed.subscriptionType ?? parsed.kind)}`;
    const to = attrOf(element, "to");
    recorder.record({
      kind: "presence",
      lane,
      at,
      direction: "in",
      from,
      ...(to ? { to } : {}),
      available: parsed.kind === "available",
      show: parsed.show,
      priority: parsed.priority,
      ...(parsed.status !== undefined ? { status: parsed.status } : {}),
      summary,
      xml: element.toString(),
    });
  }

  return {
    receive(lane, element, at) {
      if (element.name === "message") onMessage(lane, element, at);
      else if (element.name === "presence") onPresence(lane, element, at);
    },
    redelivery: {
      resuming: (lane) => void windows.set(lane, { eventId: null, count: 0, until: Number.POSITIVE_INFINITY }),
      resumed: (lane, eventId, at) => void windows.set(lane, { eventId, count: windows.get(lane)?.count ?? 0, until: at + REDELIVERY_WINDOW_MS }),
      counted: (lane) => windows.get(lane)?.count ?? 0,
      stop: (lane) => void windows.delete(lane),
    },
  };
}
