/**
 * What becomes of an unavailable presence a session sends, by policy. RFC 6121 §4.5.2 has the
 * server broadcast it when the resource was available; Prosody 0.12's handle_normal_presence
 * broadcasts any presence to each other resource that has sent presence (`if res ~= origin and
 * res.presence then … core_post_stanza(origin, stanza, true)`) before it looks at the type, so an
 * unavailable presence from a session that never was available reaches them too (and, queued to a
 * hibernated one, is pushed: differential run, Prosody seed 41).
 */
import type { PushPolicy } from "./types";

/**
 * - `announce`: the session goes unavailable; its resources see it and it gets its presence back.
 * - `relay`: nothing changes for the sender; the account's available sessions get the stanza.
 * - `drop`: nothing happens.
 */
export type UnavailableHandling = "announce" | "relay" | "drop";

export function unavailableHandling(
  policy: Pick<PushPolicy, "unavailableFromUnavailableBroadcast">,
  senderAvailable: boolean,
): UnavailableHandling {
  if (senderAvailable) return "announce";
  return policy.unavailableFromUnavailableBroadcast === true ? "relay" : "drop";
}
