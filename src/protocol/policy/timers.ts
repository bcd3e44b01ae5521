/**
 * Issue 13: the XEP-0198 timers of a host (when it asks for acks, what an unanswered `<r/>` does,
 * how long a hibernated session that enabled push is kept) and the hibernation window they give a
 * session. Pure: the reference server runs the timers, this decides their lengths and says why.
 *
 * Confirmed on Prosody 0.12 and ejabberd 23.01 (scripts/probe-timer-pushes.ts): both send `<r/>`
 * right after each stanza; a push-enabled session dropped with an empty queue can still be resumed
 * 75 s later, a session without push, or one that got a chat message with a body 3 s after the
 * drop, cannot (both are configured with a 60 s resumption).
 */
import { holdsPushIdentifier, pushIdentifierHolders } from "./common";
import type { HibernationInput, PolicyOptions, PushPolicy, StreamTimers } from "./types";
import { durationText } from "./words";

export { durationText };

/** The reference server's own choice for the spec and Tigase hosts: `<r/>` after 5 stanzas or 1 s. */
export const REFERENCE_STREAM_TIMERS: StreamTimers = {
  ackRequestAfterStanzas: 5,
  ackRequestDelayMs: 1000,
  ackOverdueMs: null,
  ackTimeoutMs: null,
  pushHibernationMs: null,
  wakeUpBeforeMs: null,
};

/** The policy's server defaults with the host's overrides on top. */
export function streamTimersOf(policy: Pick<PushPolicy, "timers">, options?: Pick<PolicyOptions, "timers">): StreamTimers {
  return { ...(policy.timers ?? REFERENCE_STREAM_TIMERS), ...options?.timers };
}

export interface HibernationWindow {
  /** How long the session stays resumable from now. */
  timeoutMs: number;
  /** Whether that is the push hibernation (`pushHibernationMs`), which the first important push ends. */
  extended: boolean;
  /** When the wake-up push is due (`wakeUpBeforeMs` before the end), from now; null: none. */
  wakeUpAfterMs: number | null;
  /** One sentence for the decision log. */
  why: string;
}

/** Who keeps a push-enabled session longer, in each server's words. */
const KEEPER: Partial<Record<PushPolicy["name"], string>> = {
  prosody: "mod_cloud_notify replaces the smacks watchdog with push_max_hibernation_timeout",
  ejabberd: "mod_push_keepalive sets its resume_timeout",
};

/**
 * Whether the session holds a push identifier: under Prosody (`removalKeepsOtherHolders`) also one
 * it enabled before another session (earlierHolders) or one no longer stored (`DetachedHold`):
 * mod_cloud_notify's hibernate_session checks only `session.push_identifier`.
 */
function holdsAnyIdentifier(policy: PushPolicy, input: HibernationInput): boolean {
  if (policy.removalKeepsOtherHolders === true) {
    return (
      input.registrations.some((r) => pushIdentifierHolders(r, input.registrations).includes(input.sessionId)) ||
      (input.detached ?? []).some((d) => d.holders.includes(input.sessionId))
    );
  }
  return input.registrations.some((r) => r.enabledBySessionId === input.sessionId && holdsPushIdentifier(r, input.registrations));
}

/**
 * The window of a session going into hibernation: the push hibernation while it holds a push
 * registration and its queue holds nothing that ends it (a message the server pushes as important
 * at once, which restores the normal timeout: Prosody's first_hibernated_push, ejabberd's
 * c2s_session_pending finding an incoming chat message); otherwise `normalMs`.
 */
export function hibernationWindow(policy: PushPolicy, input: HibernationInput, normalMs: number): HibernationWindow {
  const timers = streamTimersOf(policy, input.options);
  const normal: HibernationWindow = { timeoutMs: normalMs, extended: false, wakeUpAfterMs: null, why: "" };
  if (timers.pushHibernationMs === null) return normal;
  const holds = holdsAnyIdentifier(policy, input);
  const keeper = KEEPER[policy.name] ?? "the server keeps push-enabled sessions longer";
  if (!holds) return { ...normal, why: `it holds no push registration, so the normal ${durationText(normalMs)} apply` };
  const important = input.queued.some((q) => q.message !== undefined && policy.endsPushHibernation?.(q.message) === true);
  if (important) {
    return { ...normal, why: `it enabled push, but its queue holds a message pushed as important now, which ends ${keeper}'s ${durationText(timers.pushHibernationMs)}: the normal ${durationText(normalMs)} apply` };
  }
  const wake = timers.wakeUpBeforeMs !== null && timers.pushHibernationMs > timers.wakeUpBeforeMs ? timers.pushHibernationMs - timers.wakeUpBeforeMs : null;
  return {
    timeoutMs: timers.pushHibernationMs,
    extended: true,
    wakeUpAfterMs: wake,
    why:
      `it enabled push, so ${keeper} (${durationText(timers.pushHibernationMs)} instead of ${durationText(normalMs)}) until the first push for an important message` +
      (wake !== null && timers.wakeUpBeforeMs !== null ? `; a wake-up push goes out ${durationText(timers.wakeUpBeforeMs)} before it ends` : ""),
  };
}
