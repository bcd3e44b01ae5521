/**
 * Outside sessions (issue 12): the account's sessions the playground did not open (a real app, a
 * second browser, a Node client), as read-only lanes. On the reference server its log tells every
 * bind, presence, end, enable and disable, and which resources each message was delivered to; on
 * other servers the playground only sees them through the presence its own resources receive.
 * Either way, their events are recorded on their own lane, so the timeline and the Sequence view
 * show them beside the simulated ones.
 */
import type { Element } from "@xmpp/xml";
import type { Change, Counterfactual, ExplanationCard } from "../../protocol/explain";
import { NS } from "../../protocol/ns";
import type { PresenceState } from "../../protocol/policy/types";
import type { MessageDecisionEntry, PushLogEntry, RegistrationEntry, SessionLifecycleEntry, SessionStateEntry } from "../../protocol/push-log";
import { parsePresence } from "../../protocol/stanzas/presence";
import { attrOf, findChild } from "../../protocol/stanzas/xml-util";
import type { PlaygroundError, PresenceChoice } from "../model";
import type { Stores } from "../stores";
import { outsideLaneId, selectOutsideSessions, type OutsideSessionView } from "../stores/outside";
import { selectResources } from "../stores/sessions";
import type { ServiceContext } from "./context";
import { presenceWords, quoteBody } from "./format";
import type { Linker } from "./linker";
import type { Recorder } from "./recorder";

import { OUTSIDE_LABEL } from "./outside-label";

export { OUTSIDE_LABEL };

export interface OutsideSessionsDeps {
  accountBare: () => string;
  /** Resources of the playground's own lanes: never outside, whatever the server says. */
  ownResources: () => ReadonlySet<string>;
  linker: Pick<Linker, "sentByMessageId">;
}

export interface OutsideSessions {
  /** An entry of the reference server's log (any kind; the ones about outside sessions are used). */
  logEntry(entry: PushLogEntry, at: number): void;
  /** A presence a playground resource received (other servers: the only way to see outside sessions). */
  presenceReceived(element: Element, at: number): void;
  /** The server restarted: its sessions are gone. */
  serverRestarted(at: number): void;
}

type LaneChange = Partial<Omit<OutsideSessionView, "id" | "resource" | "jid" | "label">>;

export function createOutsideSessions(ctx: ServiceContext, deps: OutsideSessionsDeps): OutsideSessions {
  const { stores, recorder } = ctx;
  const store = () => stores.outside.getState();

  /** The resource when `entry` is about an outside session of the account under test. */
  function outsideResource(account: string, resource: string | null | undefined): string | null {
    if (typeof resource !== "string" || resource === "" || account.toLowerCase() !== deps.accountBare()) return null;
    return deps.ownResources().has(resource) ? null : resource;
  }

  function view(resource: string): OutsideSessionView | undefined {
    return store().sessions[outsideLaneId(resource)];
  }

  /** Patch the lane of `resource`; `fresh`: a new session bound, so nothing of the previous one carries over. */
  function update(resource: string, at: number, change: LaneChange, fresh = false): OutsideSessionView {
    const id = outsideLaneId(resource);
    const previous = fresh ? undefined : store().sessions[id];
    const next: OutsideSessionView = {
      ...(previous ?? {
        id,
        resource,
        jid: `${deps.accountBare()}/${resource}`,
        label: `${deps.accountBare().split("@")[0] ?? ""}/${resource} (outside)`,
        status: "online",
        sessionId: null,
        presence: null,
        capsNode: null,
        seenThrough: "server log",
        since: at,
      }),
      ...change,
    };
    store().upsert(next);
    return next;
  }

  function onLifecycle(entry: SessionLifecycleEntry, resource: string, at: number): void {
    const known = view(resource);
    switch (entry.kind) {
      case "session-bound": {
        const v = update(resource, at, { sessionId: entry.sessionId }, true);
        recorder.record({ kind: "connection", lane: v.id, at, status: "online", jid: v.jid, summary: `${v.jid} bound a session (${OUTSIDE_LABEL})` });
        return;
      }
      case "session-presence": {
        const presence = entry.presence ?? null;
        const v = update(resource, at, {
          presence,
          seenThrough: "server log",
          ...(entry.capsNode ? { capsNode: entry.capsNode } : {}),
          ...(known ? {} : { sessionId: entry.sessionId }),
        });
        if (!known || !samePresence(known.presence, presence)) recordPresence(recorder, v, at, presence, "server log");
        return;
      }
      case "session-ended": {
        // A replaced session ends after its successor bound: that successor's lane stays online.
        if (known?.sessionId && known.sessionId !== entry.sessionId) return;
        const v = update(resource, at, { status: "ended", presence: null, seenThrough: "server log", since: at, note: entry.why });
        recorder.record({ kind: "connection", lane: v.id, at, status: "offline", jid: v.jid, summary: `${v.jid}: ${entry.why}` });
        return;
      }
    }
  }

  /** The message reached outside resources: record it on their lanes, tied to the message the playground sent. */
  function onDelivery(entry: MessageDecisionEntry, at: number): void {
    const delivered = Array.isArray(entry.delivery?.deliveredTo) ? entry.delivery.deliveredTo : [];
    for (const to of delivered) {
      const resource = outsideResource(entry.account, to);
      if (!resource) continue;
      const v = update(resource, at, {});
      const sent = entry.messageId ? deps.linker.sentByMessageId(entry.messageId) : undefined;
      const body = entry.message?.body;
      recorder.record({
        kind: "message-received",
        lane: v.id,
        at,
        messageId: entry.messageId,
        from: entry.from,
        to: entry.to,
        messageType: entry.message?.type ?? "chat",
        ...(body !== undefined ? { body } : {}),
        delayed: false,
        ...(sent ? { causeEventId: sent.eventId } : {}),
        summary: `the server delivered ${entry.message?.type ?? "a message"} from ${entry.from} to ${v.label}${body !== undefined ? `: ${quoteBody(body)}` : ""} (server log)`,
      });
    }
  }

  function onSmState(entry: SessionStateEntry, resource: string, at: number): void {
    if (!view(resource)) return;
    const status = entry.kind === "session-hibernated" ? "hibernated" : entry.kind === "session-resumed" ? "online" : "ended";
    update(resource, at, { status, since: at, note: entry.why, ...(status === "ended" ? { presence: null } : {}) });
  }

  return {
    logEntry(entry, at) {
      switch (entry.kind) {
        case "session-bound":
        case "session-presence":
        case "session-ended": {
          const resource = outsideResource(entry.account, entry.resource);
          if (resource && typeof entry.sessionId === "string") onLifecycle(entry, resource, at);
          return;
        }
        case "enable":
        case "disable": {
          const resource = outsideResource(entry.account, entry.resource);
          if (resource) recordRegistration(ctx, update(resource, at, { seenThrough: "server log" }), entry, at);
          return;
        }
        case "message-decision":
          onDelivery(entry, at);
          return;
        case "session-hibernated":
        case "session-resumed":
        case "session-expired":
        case "session-closed": {
          const resource = outsideResource(entry.account, entry.resource);
          if (resource) onSmState(entry, resource, at);
        }
      }
    },
    presenceReceived(element, at) {
      const from = attrOf(element, "from") ?? "";
      const slash = from.indexOf("/");
      if (slash < 0 || from.slice(0, slash).toLowerCase() !== deps.accountBare()) return;
      const resource = outsideResource(deps.accountBare(), from.slice(slash + 1));
      if (!resource) return;
      const known = view(resource);
      // The server's log is the better witness: it also tells sessions without presence.
      if (known?.seenThrough === "server log" && known.status !== "ended") return;
      const parsed = parsePresence(element);
      if ("error" in parsed || (parsed.kind !== "available" && parsed.kind !== "unavailable")) return;
      const presence: PresenceState | null =
        parsed.kind === "available" ? { show: parsed.show, priority: parsed.priority, ...(parsed.status !== undefined ? { status: parsed.status } : {}) } : null;
      // Every receiving resource of ours gets the same broadcast: record a change once.
      if (known?.seenThrough === "presence" && samePresence(known.presence, presence) && (presence !== null) === (known.status !== "ended")) return;
      if (!known && presence === null) return;
      const caps = findChild(element, "c", NS.caps);
      const capsNode = caps ? attrOf(caps, "node") : undefined;
      const v = update(resource, at, {
        presence,
        seenThrough: "presence",
        status: presence ? "online" : "ended",
        ...(capsNode ? { capsNode } : {}),
        ...(known?.status === "ended" && presence ? { since: at, sessionId: null } : {}),
        ...(presence ? {} : { since: at, note: "it sent unavailable presence (seen through presence: the session may still be bound)" }),
      });
      recordPresence(recorder, v, at, presence, "seen through presence");
    },
    serverRestarted(at) {
      for (const v of Object.values(store().sessions)) {
        if (v.status !== "ended") update(v.resource, at, { status: "ended", presence: null, since: at, note: "the server restarted: its sessions are gone" });
      }
    },
  };
}

/** An enable or disable an outside session sent, on its lane; an accepted enable joins the registrations. */
function recordRegistration(ctx: ServiceContext, v: OutsideSessionView, entry: RegistrationEntry, at: number): void {
  const { stores, recorder } = ctx;
  const outcome = entry.error ? "error" : "result";
  const error: PlaygroundError | undefined = entry.error
    ? { code: "stanza-error", message: `the server refused it: ${entry.error.type}/${entry.error.condition}${entry.error.text ? ` (${entry.error.text})` : ""}`, condition: entry.error.condition }
    : undefined;
  if (entry.kind === "enable") {
    const reg = entry.registration;
    recorder.record({
      kind: "enable",
      lane: v.id,
      at,
      jid: entry.key?.jid ?? "",
      node: entry.key?.node ?? "",
      away: reg?.away ?? false,
      publishOptions: reg?.publishOptions ?? null,
      outcome,
      ...(error ? { error } : {}),
      summary: `${v.label} enabled push to ${entry.key ? `${entry.key.jid} / ${entry.key.node || "(no node)"}` : "?"}: ${entry.why}`,
    });
    if (reg && !entry.error) {
      stores.registrations.getState().upsert({
        jid: reg.jid,
        node: reg.node,
        away: reg.away,
        publishOptions: reg.publishOptions,
        enabledBySessionId: reg.enabledBySessionId,
        enabledByResource: reg.enabledByResource,
        enabledAt: at,
        state: "active",
        pushCount: 0,
        note: `enabled by ${v.label}: ${OUTSIDE_LABEL}`,
      });
    }
    return;
  }
  if (entry.kind !== "disable") return;
  recorder.record({
    kind: "disable",
    lane: v.id,
    at,
    jid: entry.key?.jid ?? "",
    node: entry.key?.node || null,
    outcome,
    ...(error ? { error } : {}),
    summary: `${v.label} disabled push: ${entry.why}`,
  });
  if (entry.key && !entry.error && entry.registration) stores.registrations.getState().setState(entry.key.jid, entry.key.node, "disabled", `disabled by ${v.label}`);
}

function recordPresence(recorder: Recorder, v: OutsideSessionView, at: number, presence: PresenceState | null, how: string): void {
  const choice: PresenceChoice = presence ? (presence.show ?? "available") : "unavailable";
  recorder.record({
    kind: "presence",
    lane: v.id,
    at,
    direction: "out",
    from: v.jid,
    available: presence !== null,
    show: presence?.show ?? null,
    priority: presence?.priority ?? 0,
    ...(presence?.status !== undefined ? { status: presence.status } : {}),
    summary: `${v.label} sent presence (${how}): ${presenceWords(choice, presence?.priority ?? 0, presence?.status)}`,
  });
}

function samePresence(a: PresenceState | null, b: PresenceState | null): boolean {
  if (a === null || b === null) return a === b;
  return a.show === b.show && a.priority === b.priority && (a.status ?? "") === (b.status ?? "");
}

// ---- outside sessions in the explanations (issue 12) ---------------------------------------------

/** Resources of the outside sessions known now, less any the playground runs itself. */
export function outsideResources(stores: Pick<Stores, "outside" | "sessions">): Set<string> {
  const own = new Set(selectResources(stores.sessions.getState()).map((v) => v.resource));
  return new Set(selectOutsideSessions(stores.outside.getState()).flatMap((v) => (own.has(v.resource) ? [] : [v.resource])));
}

/** The account resource a counterfactual acts on (as the resource, or as the one that enables), if any. */
export function changedResource(change: Change): string | null {
  switch (change.kind) {
    case "set-presence":
    case "disconnect":
    case "kill-app":
    case "resume":
    case "connect-resource":
      return change.resource;
    case "enable":
    case "re-enable":
      return change.byResource;
    default:
      return null;
  }
}

/**
 * Why "Try it" cannot make `change`: it acts on an outside session, which only its own client
 * controls (a playground lane of that name would even replace the user's app). Null otherwise.
 */
export function outsideChangeRefusal(change: Change, outside: ReadonlySet<string>): string | null {
  const resource = changedResource(change);
  if (resource === null || !outside.has(resource)) return null;
  return `${resource} is an outside session (${OUTSIDE_LABEL}): make this change in its own client, then send again`;
}

/**
 * The card and counterfactuals with the outside sessions they count said so: a note naming them,
 * and each change on one marked as its own client's to make.
 */
export function withOutsideSessions(
  card: ExplanationCard,
  whatIf: readonly Counterfactual[],
  outside: ReadonlySet<string>,
): { card: ExplanationCard; counterfactuals: Counterfactual[] } {
  const named = [...new Set([...card.resources.map((r) => r.resource), ...card.registrations.map((r) => r.enabledByResource)])].filter((r) => outside.has(r));
  if (named.length === 0) return { card, counterfactuals: [...whatIf] };
  const list = named.join(", ");
  const note = `${list} ${named.length === 1 ? "is an outside session" : "are outside sessions"} (${OUTSIDE_LABEL}): counted as the server counts ${named.length === 1 ? "it" : "them"}, with the registrations ${named.length === 1 ? "it" : "they"} enabled; only ${named.length === 1 ? "its" : "their"} own client can change ${named.length === 1 ? "it" : "them"}.`;
  const counterfactuals = whatIf.map((c) => {
    const resource = changedResource(c.change);
    return resource !== null && outside.has(resource) ? { ...c, sentence: `${c.sentence} (${resource} is an outside session: its own client would have to do it)` } : c;
  });
  return { card: { ...card, notes: [...card.notes, note] }, counterfactuals };
}
