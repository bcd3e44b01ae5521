/**
 * How a run departs from the default: `--hibernation-pushes=false` leaves the publishes of a drop
 * step out (HIBERNATION_PUSH_EXCLUSION; compared by default), `--timers` generates sequences with
 * a resource that stops answering `<r/>` and a wait past the server's ack timer
 * (timer-sequence.ts).
 */
import type { RealServerName } from "../real-servers/realServers";
import type { CompareOptions } from "./compare";
import { DIFFERENTIAL_COMPARE, DIFFERENTIAL_EXCLUSIONS, HIBERNATION_PUSH_EXCLUSION } from "./emulation";

export interface RunVariant {
  /** Compare the pushes of a drop step (default). */
  hibernationPushes: boolean;
  /** Generate the timer operations (slow: each `outwait` lasts the server's ack timer). */
  timers: boolean;
}

export const DEFAULT_VARIANT: RunVariant = { hibernationPushes: true, timers: false };

/** Said in the output when `--timers` is on: what the timer operations compare. */
export const TIMERS_INCLUDED: Record<RealServerName, string> = {
  prosody: "--timers: a resource that stops answering <r/> and a wait past smacks_max_ack_delay (30 s): the smacks-ack-delayed push is compared",
  ejabberd: "--timers: a resource that stops answering <r/> and a wait past ack_timeout (60 s): the session goes pending and its hibernation push is compared",
};

export function compareOptionsOf(server: RealServerName, variant: RunVariant): CompareOptions {
  const base = DIFFERENTIAL_COMPARE[server];
  return variant.hibernationPushes ? base : { ...base, ignoreHibernationPushes: true };
}

/** The exclusion lines of the output under this variant. */
export function exclusionsOf(server: RealServerName, variant: RunVariant): string[] {
  return variant.hibernationPushes ? [...DIFFERENTIAL_EXCLUSIONS[server]] : [HIBERNATION_PUSH_EXCLUSION[server], ...DIFFERENTIAL_EXCLUSIONS[server]];
}
