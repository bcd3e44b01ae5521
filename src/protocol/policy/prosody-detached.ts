/**
 * Prosody's pushes for registrations gone from the store that a session still holds (issue 13,
 * `DetachedHold`, PushPolicy.removalKeepsOtherHolders; seen on Prosody 0.12: `A1 enable N1; A2
 * disable N1; A1 drop; B → A1: chat` pushes N1). Only the smacks queue paths push them:
 * `process_smacks_stanza` / `process_stanza_queue` build `{[session.push_identifier] =
 * session.push_settings}` without reading the store, while the offline, bare-groupchat and MAM hooks
 * read the store (`push_store:get`) and never see them.
 */
import { joinList, regsPhrase, sessionById, verdict } from "./common";
import type { DecisionInput, DetachedHold, HibernationInput, PushDecision, RegistrationSnapshot, SessionSnapshot, SummaryFields } from "./types";

function holderSessions(hold: DetachedHold, sessions: readonly SessionSnapshot[]): SessionSnapshot[] {
  return hold.holders.flatMap((id) => sessionById(sessions, id) ?? []);
}

/** The detached holds a message queued to one of their hibernated holders pushes. */
export function queuedDetached(input: DecisionInput): { hold: DetachedHold; via: SessionSnapshot[] }[] {
  return (input.detached ?? []).flatMap((hold) => {
    const via = holderSessions(hold, input.sessions).filter((s) => s.state === "hibernated" && input.delivery.deliveredTo.includes(s.resource));
    return via.length > 0 ? [{ hold, via }] : [];
  });
}

function resourcesOf(sessions: readonly SessionSnapshot[]): string {
  return joinList([...new Set(sessions.map((s) => s.resource))]);
}

/**
 * `decision` (for the store's registrations) with the pushes of the detached holds the message is
 * queued for, after the same 1 s batch timer. `summary`: what the queue path publishes for it.
 */
export function withDetachedPushes(decision: PushDecision, input: DecisionInput, summary: SummaryFields, batchMs: number): PushDecision {
  const queued = queuedDetached(input);
  if (queued.length === 0) return decision;
  const verdicts = queued.map(({ hold, via }) =>
    verdict(
      hold.registration,
      true,
      `pushed after 1 s: the registration is no longer stored, but ${resourcesOf(via)}, hibernated, still holds its push identifier (Prosody's push_disable clears it only on the session that sent the disable, the LRU eviction on none), so its smacks queue pushes it with that session's push_settings`,
      batchMs,
    ),
  );
  const clause = `${regsPhrase(queued.map((q) => q.hold.registration))} ${queued.length === 1 ? "is" : "are"} no longer stored but still held by hibernated ${resourcesOf(queued.flatMap((q) => q.via))}, so the smacks queue pushes ${queued.length === 1 ? "it" : "them"} after Prosody's 1 s batch timer`;
  const storePushes = decision.verdicts.some((v) => v.push);
  // With no registration stored, the store's reason ("no push registration in force") would contradict the push.
  const reason = decision.verdicts.length === 0 ? clause : storePushes ? `${decision.reason}; ${clause}` : `${clause}; ${decision.reason}`;
  return {
    ...decision,
    rule: storePushes ? decision.rule : "prosody/hibernated",
    reason,
    pushable: true,
    verdicts: [...decision.verdicts, ...verdicts],
    summary: storePushes ? decision.summary : summary,
    delayMs: storePushes ? decision.delayMs : batchMs,
  };
}

/** What the session's push identifier is: a stored registration it holds, or a detached one. */
export function heldBySession(input: HibernationInput, storeHeld: readonly RegistrationSnapshot[]): RegistrationSnapshot[] {
  const detached = (input.detached ?? []).filter((d) => d.holders.includes(input.sessionId)).map((d) => d.registration);
  return [...storeHeld, ...detached];
}

/** "… holds N1, which is no longer stored" for a reason sentence, or "" when it holds only stored ones. */
export function detachedNote(input: HibernationInput): string {
  const held = (input.detached ?? []).filter((d) => d.holders.includes(input.sessionId));
  if (held.length === 0) return "";
  return ` (${regsPhrase(held.map((d) => d.registration))}: no longer stored, but this session still holds its push identifier)`;
}
