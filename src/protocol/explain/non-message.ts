/**
 * Why a push that no message caused was sent, in one clause for the push's detail: a presence of
 * one resource queued to another, hibernated (XEP-0198 detached) one. On a real server the
 * playground predicts these pushes from the policies' `onStanzaQueued` (app/expectations/
 * presence-pushes.ts); the clause says what the policy says, in the words a user reads.
 */
import type { PolicyName } from "../policy/types";

/** A presence of `from` that went into the queue of the hibernated session `to`. */
export interface QueuedPresenceCause {
  kind: "presence-queued";
  /** The sending resource (or its label). */
  from: string;
  /** The hibernated resource whose queue got it. */
  to: string;
  /** An unavailable presence (else available, any show). */
  unavailable: boolean;
  /** Relayed although `from` never sent presence (Prosody's handle_normal_presence). */
  relayed: boolean;
}

export type NonMessagePushCause = QueuedPresenceCause;

/** How each server pushes a stanza queued to a hibernated session (docs/push-semantics.md, issue 13). */
const QUEUED_WORDS: Partial<Record<PolicyName, string>> = {
  prosody: "Prosody pushes a queued presence after ~1 s",
  ejabberd: "ejabberd pushes a presence sent to a pending session at once",
};

/** The server's habit behind the push, or a generic clause for a policy without one. */
export function queuedPresenceWords(policy: PolicyName): string {
  return QUEUED_WORDS[policy] ?? `${policy} pushes a presence queued to a hibernated session`;
}

/**
 * "pushed because the presence of laptop was queued to hibernated phone (Prosody pushes a queued
 * presence after ~1 s)". Plain text, never HTML: resource names are the user's.
 */
export function nonMessagePushSentence(policy: PolicyName, cause: NonMessagePushCause): string {
  const words = queuedPresenceWords(policy);
  if (cause.relayed) {
    return `pushed because the unavailable presence of ${cause.from}, which had sent no presence, was still relayed to hibernated ${cause.to} (Prosody broadcasts any presence to the resources that sent one; ${words})`;
  }
  return `pushed because the ${cause.unavailable ? "unavailable " : ""}presence of ${cause.from} was queued to hibernated ${cause.to} (${words})`;
}
