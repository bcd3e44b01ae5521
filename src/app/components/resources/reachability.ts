import type { SessionView } from "../../stores/sessions";

export interface Reachability {
  label: string;
  tone: "ok" | "warn" | "idle" | "info";
  why: string;
}

/** Reachability of one session at a glance (§0.1): offline, connected but not receiving, online, away. */
export function reachability(s: SessionView): Reachability {
  if (s.status !== "online") return { label: "not connected", tone: "idle", why: "The session is not connected." };
  if (!s.receiving) {
    const why =
      s.presenceChoice === null
        ? "Connected, but no presence sent yet: it does not receive messages sent to the bare JID."
        : s.presenceChoice === "unavailable"
          ? "Sent unavailable presence: it does not receive messages sent to the bare JID."
          : `Negative priority (${s.priority}): it does not receive messages sent to the bare JID.`;
    return { label: "not receiving", tone: "warn", why };
  }
  if (s.away) return { label: "away", tone: "info", why: "Receiving, with an away <show>: counts as away for push decisions." };
  return { label: "online", tone: "ok", why: "Receiving and online: under the spec policy no push is sent while it is." };
}
