/**
 * The two sides of a differential run: a real server (Debian's Prosody or ejabberd on loopback,
 * e2e/real-servers/) and the reference server's emulation of it, the virtual host of the same
 * name on an in-process server. Both log in with PLAIN (fast) and the same windows.
 */
import type { RealServer, RealServerName } from "../real-servers/realServers";
import type { HarnessWaits } from "../scenarios/harness";
import { DEFAULT_ACCOUNTS } from "./accounts";
import type { AccountTriple } from "./accounts";
import type { SequenceTarget } from "./execute";
import { OUTWAIT_MS } from "./timer-sequence";

/** The reference server's virtual host that emulates each real server. */
export const EMULATION_HOST: Record<RealServerName, string> = {
  prosody: "prosody.localhost",
  ejabberd: "ejabberd.localhost",
};

/** Loopback windows: pushes and deliveries come within milliseconds once the round trips return. */
export const DIFFERENTIAL_WAITS: HarnessWaits = { pushMs: 3000, noPushMs: 300, iqMs: 5000, settleMs: 60 };
const QUIET_MS = 300;
/** Prosody batches pushes for a hibernated session's queue for 1 s (mod_cloud_notify, smacks). */
const HIBERNATION_QUIET_MS = 1600;

/**
 * A real server's shared accounts (`accounts`, alice/bob/pushsvc by default; every account
 * servers.sh registers has the same password): fresh resources and a fresh sink resource per run.
 */
export function realTarget(server: RealServer, accounts: AccountTriple = DEFAULT_ACCOUNTS): SequenceTarget {
  const password = server.accounts.alice.password;
  return {
    label: server.name,
    shared: true,
    quietMs: QUIET_MS,
    hibernationQuietMs: HIBERNATION_QUIET_MS,
    outwaitMs: OUTWAIT_MS[server.name],
    harnessOptions: (tag) => ({
      service: server.service,
      domain: server.domain,
      account: { username: accounts.account, password },
      sender: { username: accounts.sender, password, resource: `B-${tag}` },
      sink: { username: accounts.sink, password, resource: `sink-${tag}` },
      mechanism: "PLAIN",
      waits: DIFFERENTIAL_WAITS,
      resourceSuffix: `-${tag}`,
    }),
  };
}

/**
 * The emulation: fresh users per run on `host` (the reference server registers them on their
 * first PLAIN login), the sink on the same host as on the real server.
 */
export function emulationTarget(url: string, host: string): SequenceTarget {
  const emulated = (Object.keys(EMULATION_HOST) as RealServerName[]).find((name) => EMULATION_HOST[name] === host);
  return {
    label: `${host} (reference server)`,
    shared: false,
    quietMs: QUIET_MS,
    hibernationQuietMs: HIBERNATION_QUIET_MS,
    ...(emulated ? { outwaitMs: OUTWAIT_MS[emulated] } : {}),
    harnessOptions: (tag) => ({
      service: url,
      domain: host,
      account: { username: `alice-${tag}`, password: "pass" },
      sender: { username: `bob-${tag}`, password: "pass", resource: `B-${tag}` },
      sink: { username: `pushsvc-${tag}`, password: "pass", resource: `sink-${tag}` },
      mechanism: "PLAIN",
      waits: DIFFERENTIAL_WAITS,
      resourceSuffix: `-${tag}`,
    }),
  };
}
