/**
 * The reference server's core, free of Node-only APIs: virtual hosts, accounts in memory, the push
 * decision log, the session manager (policies, push, routing) and the stream options. The Node
 * server (index.ts: HTTP, `ws`, accounts file) and the sandbox's Web Worker (src/sandbox/worker.ts:
 * a MessagePort per stream) both build theirs here, so the page runs the same server, not a copy.
 */
import type { PushLogResponse } from "../protocol/push-log";
import { AccountStore } from "./accounts";
import { parseLogQuery } from "./http-log";
import { createLogger } from "./logger";
import { PushLog } from "./session/push-log-store";
import { SessionManager } from "./session/session-manager";
import { DEFAULT_RESUMPTION_TIMEOUT_MS, StreamHub, type StreamHubOptions } from "./core-streams";
import { DEFAULT_FRAME_LIMITS } from "./stream/frame-parser";
import { ResumableSessions } from "./stream/resumption";
import { DEFAULT_SASL_MECHANISMS, type SaslMechanismName } from "./stream/sasl";
import type { LogLevel, Logger, StanzaSink, VirtualHostConfig } from "./types";

export const DEFAULT_HOSTS: readonly VirtualHostConfig[] = [
  { domain: "localhost", policy: "spec" },
  { domain: "tigase.localhost", policy: "tigase" },
  { domain: "prosody.localhost", policy: "prosody" },
  { domain: "ejabberd.localhost", policy: "ejabberd" },
];

/** The options that shape the server itself, whatever carries its streams. */
export interface CoreOptions {
  hosts?: VirtualHostConfig[];
  devRegistration?: boolean;
  saslMechanisms?: SaslMechanismName[];
  appServerTimeoutMs?: number;
  maxStanzaBytes?: number;
  handshakeTimeoutMs?: number;
  maxAuthFailures?: number;
  logLevel?: LogLevel;
  logger?: Logger;
  logFrames?: boolean;
  pushLogCapacity?: number;
  streamManagement?: boolean;
  resumptionTimeoutMs?: number;
  sink?: StanzaSink;
}

export interface ServerCore {
  readonly hosts: readonly VirtualHostConfig[];
  readonly logger: Logger;
  readonly accounts: AccountStore;
  readonly pushLog: PushLog;
  readonly sink: StanzaSink;
  /** Null when a `sink` replaced it (stream-layer tests). */
  readonly sessionManager: SessionManager | null;
  readonly streamManagement: boolean;
  readonly resumptionTimeoutMs: number;
  /**
   * The one XEP-0198 table of this server: every transport's streams register and resume here, so
   * `<resume previd/>` works whichever transport the session started on (RFC 7395 and XEP-0198 do
   * not tie a session to one). Closed by closeServerCore.
   */
  readonly resumption: ResumableSessions;
  /** What every stream of this server is opened with (a StreamHub takes them as they are). */
  readonly streamOptions: StreamHubOptions;
}

function checkedHosts(hosts: readonly VirtualHostConfig[]): VirtualHostConfig[] {
  const out = hosts.map((h) => ({ ...h, domain: h.domain.toLowerCase() }));
  if (out.length === 0) throw new Error("ReferenceServer needs at least one virtual host");
  const domains = out.map((h) => h.domain);
  if (new Set(domains).size !== domains.length) throw new Error(`duplicate virtual host in ${domains.join(", ")}`);
  return out;
}

export function createServerCore(options: CoreOptions = {}): ServerCore {
  const hosts = checkedHosts(options.hosts ?? DEFAULT_HOSTS);
  const domains = hosts.map((h) => h.domain);
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? "info" });
  const mechanisms = options.saslMechanisms ?? [...DEFAULT_SASL_MECHANISMS];
  if (mechanisms.length === 0) throw new Error("at least one SASL mechanism must be offered");
  const resumptionTimeoutMs = options.resumptionTimeoutMs ?? DEFAULT_RESUMPTION_TIMEOUT_MS;
  if (!(Number.isFinite(resumptionTimeoutMs) && resumptionTimeoutMs > 0)) {
    throw new RangeError(`resumptionTimeoutMs must be a positive number of milliseconds, got ${resumptionTimeoutMs}`);
  }
  const streamManagement = options.streamManagement ?? true;
  const accounts = new AccountStore({ hosts: domains, devRegistration: options.devRegistration ?? true });
  const pushLog = new PushLog(options.pushLogCapacity ?? 10_000, (err) => logger.error("push log subscriber failed", { error: err }));
  const sessionManager = options.sink
    ? null
    : new SessionManager({ hosts: [...hosts], logger, appServerTimeoutMs: options.appServerTimeoutMs ?? 30_000, pushLog });
  const sink: StanzaSink = options.sink ?? (sessionManager as SessionManager);
  const resumption = new ResumableSessions(sink, logger);
  return {
    hosts,
    logger,
    accounts,
    pushLog,
    sink,
    sessionManager,
    streamManagement,
    resumptionTimeoutMs,
    resumption,
    streamOptions: {
      hosts: domains,
      accounts,
      sink,
      logger,
      saslMechanisms: mechanisms,
      limits: { ...DEFAULT_FRAME_LIMITS, maxBytes: options.maxStanzaBytes ?? DEFAULT_FRAME_LIMITS.maxBytes },
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 30_000,
      maxAuthFailures: options.maxAuthFailures ?? 5,
      logFrames: options.logFrames ?? false,
      streamManagement,
      resumptionTimeoutMs,
      resumption,
    },
  };
}

/** A StreamHub for this core's streams (the Worker's; the Node endpoint builds its own from streamOptions). */
export function createStreamHub(core: ServerCore): StreamHub {
  return new StreamHub(core.streamOptions);
}

/**
 * The decision log query of `GET /xmpp-push/log`, over a query string: the same validation and the
 * same body, for transports that are not HTTP (the sandbox's port).
 */
export function queryPushLog(core: Pick<ServerCore, "pushLog">, search: string): { status: 200; body: PushLogResponse } | { status: 400; body: { error: string } } {
  const query = parseLogQuery(new URLSearchParams(search));
  if ("error" in query) return { status: 400, body: { error: query.error } };
  return { status: 200, body: { entries: core.pushLog.list(query), instance: core.pushLog.instance } };
}

/** Ends the hibernated sessions and stops the session manager's timers; live streams are the hubs' to end. */
export function closeServerCore(core: ServerCore): void {
  core.resumption.closeAll();
  try {
    core.sessionManager?.close();
  } catch (err) {
    core.logger.error("session manager close failed", { error: err });
  }
}
