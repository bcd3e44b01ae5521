/**
 * The reference server as the emulating side of a differential run: in process, on a free
 * loopback port, with the real servers' settings that matter within a sequence (XEP-0198 offered,
 * 60 s resumption as in e2e/real-servers/*.cfg).
 */
import type { RealServerName } from "../real-servers/realServers";
import type { StreamTimers } from "../protocol/policy/types";
import { DEFAULT_HOSTS, ReferenceServer } from "../server";
import type { CompareOptions } from "./compare";
import type { SequenceTarget } from "./execute";
import { emulationTarget } from "./targets";

export interface Emulation {
  target: SequenceTarget;
  url: string;
  close(): Promise<void>;
}

/**
 * `timers`: XEP-0198 timers of the emulated host that differ from its server's (tests shorten the
 * ack timers so that a `--timers` sequence runs in seconds).
 */
export async function startEmulation(host: string, timers?: Partial<StreamTimers>): Promise<Emulation> {
  const hosts = timers ? DEFAULT_HOSTS.map((h) => (h.domain === host ? { ...h, options: { ...h.options, timers } } : h)) : undefined;
  const server = new ReferenceServer({ logLevel: "silent", streamManagement: true, resumptionTimeoutMs: 60_000, ...(hosts ? { hosts } : {}) });
  try {
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    return { target: emulationTarget(address.url, host), url: address.url, close: () => server.close() };
  } catch (error) {
    await server.close();
    throw error;
  }
}

/**
 * The pushes at the moment a dropped session hibernates depend on when the server last asked for
 * an ack. Both real servers and their emulated hosts ask right after each stanza (the policy's
 * `timers`), and seeded runs agreed on them (README "Differential runs"), so they are compared;
 * `--hibernation-pushes=false` leaves them out again with this line (variants.ts).
 */
export const HIBERNATION_PUSH_EXCLUSION: Record<RealServerName, string> = {
  prosody:
    "pushes at the moment a dropped session hibernates (smacks-hibernation-start with a non-empty queue): they depend on when the server last asked for an ack (Prosody and prosody.localhost ask after every stanza); pushes for stanzas queued to the hibernated session are compared",
  ejabberd:
    "pushes at the moment a dropped session hibernates (mod_push's c2s_session_pending): they depend on when the server last asked for an ack (ejabberd and ejabberd.localhost ask after every stanza); pushes for messages queued to the hibernated session are compared",
};

/**
 * Behaviour no sequence of a few seconds can reach, left out of the comparison and said so in the
 * output (the README's conformance section explains each).
 */
export const DIFFERENTIAL_EXCLUSIONS: Record<RealServerName, readonly string[]> = {
  prosody: [
    "a second push of the same message to the same node in one step (offline hook, then MAM hook on a copy): pushes per step are compared as a set",
    "timeouts longer than a sequence: the 60 s smacks hibernation, the App Server's unanswered publish (Prosody's iq timeout)",
  ],
  ejabberd: [
    "timeouts longer than a sequence: the 60 s resume_timeout and mod_push_keepalive's wake-up push before it expires, the App Server's unanswered publish",
  ],
};

/** How each real server is compared (see DIFFERENTIAL_EXCLUSIONS). */
export const DIFFERENTIAL_COMPARE: Record<RealServerName, CompareOptions> = {
  prosody: { collapseRepeatedPushes: true },
  ejabberd: {},
};
