/**
 * The real XMPP servers the conformance suite runs against: Debian 12's Prosody 0.12 and ejabberd
 * 23.01, started on loopback by `e2e/real-servers/servers.sh` with the configs next to it. The
 * endpoints and accounts here must match those files. Node-only (test support).
 */
import WebSocket from "ws";
import { NS } from "../protocol/ns";
import type { PolicyName } from "../protocol/policy/types";

export type RealServerName = "prosody" | "ejabberd";

export const REAL_SERVER_NAMES: readonly RealServerName[] = ["prosody", "ejabberd"];

export interface RealServerAccount {
  username: string;
  password: string;
  /** Bare JID. */
  jid: string;
}

export interface RealServer {
  name: RealServerName;
  /** Product and the Debian 12 package it comes from, for reports. */
  product: string;
  /** RFC 7395 endpoint (ws:// on loopback: xmpp.js offers PLAIN there, and only on wss: elsewhere). */
  service: string;
  domain: string;
  /** Plain TCP client-to-server listener (no TLS). */
  c2s: { host: string; port: number };
  /** The push policy of docs/push-semantics.md §0.2 this server's behaviour is expected to match. */
  policy: Extract<PolicyName, RealServerName>;
  accounts: {
    /** The account whose devices enable push. */
    alice: RealServerAccount;
    /** The sender. */
    bob: RealServerAccount;
    /** Plays the App Server: its session at `sinkJid` receives the publishes. */
    pushsvc: RealServerAccount;
  };
  /** A full JID: a bare one would be answered by the server's own PEP service (docs/push-semantics.md 0.3). */
  sinkJid: string;
  /** How to start it (as root). */
  startCommand: string;
}

/** servers.sh registers every account with this password (it honours $XMPP_PASS too). */
const PASSWORD = process.env.XMPP_PASS ?? "pass";
const DOMAIN = "localhost";

const account = (username: string): RealServerAccount => ({ username, password: PASSWORD, jid: `${username}@${DOMAIN}` });

function accounts(): RealServer["accounts"] {
  return { alice: account("alice"), bob: account("bob"), pushsvc: account("pushsvc") };
}

/**
 * The third account triple servers.sh registers (erin, frank, pushsvc3), in the roles of alice, bob
 * and pushsvc: for a REAL_SERVERS test file that must not share accounts with the others, since
 * Vitest runs test files side by side.
 */
export function separateAccounts(): RealServer["accounts"] {
  return { alice: account("erin"), bob: account("frank"), pushsvc: account("pushsvc3") };
}

export const REAL_SERVERS: Readonly<Record<RealServerName, RealServer>> = {
  prosody: {
    name: "prosody",
    product: "Prosody 0.12 + mod_cloud_notify (Debian prosody, prosody-modules)",
    service: "ws://127.0.0.1:5280/xmpp-websocket",
    domain: DOMAIN,
    c2s: { host: "127.0.0.1", port: 5222 },
    policy: "prosody",
    accounts: accounts(),
    sinkJid: `pushsvc@${DOMAIN}/sink`,
    startCommand: "e2e/real-servers/servers.sh start-prosody",
  },
  ejabberd: {
    name: "ejabberd",
    product: "ejabberd 23.01 + mod_push (Debian ejabberd)",
    service: "ws://127.0.0.1:5380/xmpp-websocket",
    domain: DOMAIN,
    c2s: { host: "127.0.0.1", port: 5322 },
    policy: "ejabberd",
    accounts: accounts(),
    sinkJid: `pushsvc@${DOMAIN}/sink`,
    startCommand: "e2e/real-servers/servers.sh start-ejabberd",
  },
};

export function isRealServerName(value: string): value is RealServerName {
  return (REAL_SERVER_NAMES as readonly string[]).includes(value);
}

/**
 * Which servers the `REAL_SERVERS` environment variable selects: `1`/`true`/`all` → both, a comma
 * list of names → those, unset/empty/`0` → none. Unknown names throw, so a typo cannot silently
 * turn the suite off.
 */
export function selectedRealServers(value: string | undefined): RealServerName[] {
  const raw = (value ?? "").trim().toLowerCase();
  if (raw === "" || raw === "0" || raw === "false") return [];
  if (raw === "1" || raw === "true" || raw === "all") return [...REAL_SERVER_NAMES];
  const names = raw.split(",").map((part) => part.trim()).filter((part) => part !== "");
  const unknown = names.filter((part) => !isRealServerName(part));
  if (unknown.length > 0) {
    throw new Error(`REAL_SERVERS: unknown server ${unknown.join(", ")} (expected 1, all, or a list of ${REAL_SERVER_NAMES.join(", ")})`);
  }
  return REAL_SERVER_NAMES.filter((name) => names.includes(name));
}

export interface ProbeTarget {
  service: string;
  domain: string;
}

/**
 * Whether an XMPP server answers on the WebSocket endpoint: the `xmpp` subprotocol handshake
 * succeeds and the server answers our RFC 7395 `<open/>` for the domain with its own `<open/>`.
 * An open TCP port alone is not enough (anything could hold it, or the server may still be
 * starting). Never throws; closes the probe connection before resolving.
 */
export function isUp(target: RealServerName | ProbeTarget, timeoutMs = 2000): Promise<boolean> {
  const { service, domain } = typeof target === "string" ? REAL_SERVERS[target] : target;
  return new Promise((resolve) => {
    let settled = false;
    let socket: WebSocket;
    const finish = (up: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (up && socket.readyState === WebSocket.OPEN) {
        socket.send(`<close xmlns="${NS.framing}"/>`);
        socket.close(1000);
      } else {
        socket.terminate();
      }
      resolve(up);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    try {
      socket = new WebSocket(service, "xmpp");
    } catch {
      clearTimeout(timer);
      resolve(false);
      return;
    }
    socket.on("open", () => {
      socket.send(`<open xmlns="${NS.framing}" to="${domain}" version="1.0"/>`);
    });
    socket.on("message", (data: WebSocket.RawData) => {
      const frame = rawDataToString(data);
      // The first frame is the server's <open/>; a stream error instead (e.g. host-unknown) is "down".
      finish(/^\s*<open[\s/>]/.test(frame) && frame.includes(NS.framing));
    });
    socket.on("error", () => finish(false));
    socket.on("close", () => finish(false));
  });
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  return Buffer.from(new Uint8Array(data)).toString("utf8");
}
