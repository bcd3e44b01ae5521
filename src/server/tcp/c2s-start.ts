/**
 * Starting the TCP listener for `npm run server` and `npm start`, and the one line each prints
 * about it. A taken port (a real Prosody on 5222, say) is not fatal: the line says so and the
 * server goes on over WebSocket only. A certificate the user named but that cannot be read is.
 */
import { relative } from "node:path";
import type { ReferenceServer } from "../index";
import { isPortTaken } from "./c2s-endpoint";

export interface C2sSettings {
  /** STARTTLS port; 0 turns TCP off. */
  port: number;
  /** Direct TLS port (XEP-0368), off when undefined. */
  tlsPort?: number;
  /** Bind address (default 127.0.0.1). */
  host?: string;
  dataDir?: string;
  certFile?: string;
  keyFile?: string;
}

/** Starts the listener if `settings.port` is not 0; resolves with the line to print (null when off). */
export async function startC2s(server: ReferenceServer, settings: C2sSettings, howToChange: string): Promise<string | null> {
  if (settings.port === 0) return null;
  const host = settings.host ?? "127.0.0.1";
  try {
    const address = await server.listenC2s({ ...settings, host });
    const tls = address.tlsPort !== null ? `, direct TLS on ${address.tlsPort}` : "";
    const cert = relative(process.cwd(), address.certPath) || address.certPath;
    const exposed = host === "127.0.0.1" || host === "::1" || host === "localhost" ? "" : " (reachable from the network: dev registration is on)";
    return `xmpp://${host.includes(":") ? `[${host}]` : host}:${address.port} (STARTTLS required${tls})${exposed}; certificate ${cert}${address.certGenerated ? " (generated now)" : ""}`;
  } catch (err) {
    if (isPortTaken(err)) {
      const taken = (err as { port?: number }).port ?? settings.port;
      return `port ${taken} is in use (another XMPP server?), so this server is WebSocket-only; ${howToChange}`;
    }
    throw err;
  }
}

/** The settings from `XMPP_C2S_PORT`, `XMPP_C2S_TLS_PORT`, `XMPP_C2S_HOST`, `XMPP_DATA_DIR`, `XMPP_CERT`, `XMPP_KEY` (for `npm start`). */
export function c2sSettingsFromEnv(env: NodeJS.ProcessEnv): C2sSettings | string {
  const port = portOf(env.XMPP_C2S_PORT, "XMPP_C2S_PORT");
  if (typeof port === "string") return port;
  const tlsPort = portOf(env.XMPP_C2S_TLS_PORT, "XMPP_C2S_TLS_PORT");
  if (typeof tlsPort === "string") return tlsPort;
  const settings: C2sSettings = { port: port ?? 5222 };
  if (tlsPort !== undefined) settings.tlsPort = tlsPort;
  if (env.XMPP_C2S_HOST) settings.host = env.XMPP_C2S_HOST;
  if (env.XMPP_DATA_DIR) settings.dataDir = env.XMPP_DATA_DIR;
  if (env.XMPP_CERT) settings.certFile = env.XMPP_CERT;
  if (env.XMPP_KEY) settings.keyFile = env.XMPP_KEY;
  return settings;
}

function portOf(value: string | undefined, name: string): number | undefined | string {
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) return `${name} must be a port number (0..65535), got ${JSON.stringify(value)}`;
  return Number(value);
}
