/**
 * The reference XMPP server: XMPP over WebSocket (RFC 7395) in front of the session manager that
 * makes the push decisions. Embeddable (Vite plugin: `handleUpgrade` + `handleHttp`) or standalone
 * (`listen`, used by `npm run server`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { AccountStore } from "./accounts";
import { closeServerCore, createServerCore, DEFAULT_HOSTS, type ServerCore } from "./core";
import { handlePushLogRequest, PUSH_LOG_PATH } from "./http-log";
import type { PushLog } from "./session/push-log-store";
import type { SessionManager } from "./session/session-manager";
import type { SaslMechanismName } from "./stream/sasl";
import { XmppWebSocketEndpoint, type OriginPolicy } from "./stream/websocket-endpoint";
import { C2sEndpoint, type C2sAddress, type C2sListenOptions } from "./tcp/c2s-endpoint";
import { loadOrCreateCertificate, type CertificateOptions } from "./tcp/certificate";
import type { LogLevel, Logger, StanzaSink, VirtualHostConfig } from "./types";

export const DEFAULT_WEBSOCKET_PATH = "/xmpp-websocket";

export { DEFAULT_HOSTS };

export interface ReferenceServerOptions {
  /** Virtual hosts and their push policies (default: DEFAULT_HOSTS). */
  hosts?: VirtualHostConfig[];
  /** WebSocket path (default `/xmpp-websocket`). */
  path?: string;
  /** JSON accounts file (format: src/server/accounts.ts). */
  accountsFile?: string;
  /** Register unknown usernames on their first PLAIN login (default true). */
  devRegistration?: boolean;
  /**
   * Create alice, bob and pushsvc (password `pass`) on every virtual host at start, so SCRAM logins
   * work for them (default false here; `npm start` and `npm run server` turn it on).
   */
  defaultAccounts?: boolean;
  /** Offered SASL mechanisms, in this order (default SCRAM-SHA-1, PLAIN). */
  saslMechanisms?: SaslMechanismName[];
  /** How long the session manager waits for an App Server's answer to a publish (default 30000). */
  appServerTimeoutMs?: number;
  /** Largest accepted frame in bytes (default 256 KiB); larger → `policy-violation`. */
  maxStanzaBytes?: number;
  /** Time from WebSocket connect until a resource must be bound (default 30000) → `connection-timeout`. */
  handshakeTimeoutMs?: number;
  /** Failed SASL attempts per stream before `policy-violation` (default 5). */
  maxAuthFailures?: number;
  /** Browser origins allowed to open streams (default `local`: http(s)://localhost, 127.0.0.1, [::1]). */
  allowedOrigins?: OriginPolicy;
  logLevel?: LogLevel;
  /** Use this logger instead of one built from `logLevel`. */
  logger?: Logger;
  /** Log every WebSocket frame at debug level (SASL payloads masked). */
  logFrames?: boolean;
  /** Push log ring buffer size (default 10000). */
  pushLogCapacity?: number;
  /**
   * Offer XEP-0198 Stream Management after SASL (default true). Note that xmpp.js enables it
   * whenever it is offered (and 0.14 miscounts its acks; docs/push-semantics.md §E).
   */
  streamManagement?: boolean;
  /**
   * How long a session whose socket dropped stays hibernated, resumable, before it is gone and its
   * unacknowledged messages go to offline storage (default 60000, Prosody's and Tigase's 60 s).
   * Announced to clients as `<enabled max/>` in whole seconds.
   */
  resumptionTimeoutMs?: number;
  /**
   * Replace the session manager (stream-layer tests only). The push log then stays empty unless
   * the sink writes to `server.pushLog` itself.
   */
  sink?: StanzaSink;
}

export interface ListenOptions {
  port: number;
  /** Default 127.0.0.1: the server has dev registration on and must not face a network by default. */
  host?: string;
}

export interface ListeningAddress {
  host: string;
  port: number;
  /** `ws://host:port/xmpp-websocket` */
  url: string;
  /** `http://host:port` */
  httpUrl: string;
}

function urlHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

export class ReferenceServer {
  readonly hosts: readonly VirtualHostConfig[];
  readonly path: string;
  readonly logger: Logger;
  readonly accounts: AccountStore;
  readonly pushLog: PushLog;
  /** The session manager (or the `sink` given in the options). */
  readonly sink: StanzaSink;
  readonly sessionManager: SessionManager | null;
  /** Whether XEP-0198 is offered, and the longest hibernation granted. */
  readonly streamManagement: boolean;
  readonly resumptionTimeoutMs: number;
  private readonly core: ServerCore;
  private readonly endpoint: XmppWebSocketEndpoint;
  private c2s: C2sEndpoint | null = null;
  private readonly accountsLoaded: Promise<unknown>;
  private httpServer: Server | null = null;
  private closing: Promise<void> | null = null;

  constructor(options: ReferenceServerOptions = {}) {
    this.path = options.path ?? DEFAULT_WEBSOCKET_PATH;
    if (!this.path.startsWith("/")) throw new Error(`path must start with "/": ${this.path}`);
    const core: ServerCore = createServerCore(options);
    this.core = core;
    this.hosts = core.hosts;
    this.logger = core.logger;
    this.streamManagement = core.streamManagement;
    this.resumptionTimeoutMs = core.resumptionTimeoutMs;
    this.accounts = core.accounts;
    this.pushLog = core.pushLog;
    this.sink = core.sink;
    this.sessionManager = core.sessionManager;
    this.accountsLoaded = options.accountsFile ? this.accounts.loadFile(options.accountsFile) : Promise.resolve(0);
    if (options.defaultAccounts) void this.accounts.seedDefaultAccounts();
    // Surfaced by ready()/listen(); logins meanwhile wait for the load and fail if it failed.
    this.accountsLoaded.then(
      (n) => options.accountsFile && this.logger.info("accounts loaded", { file: options.accountsFile, accounts: n }),
      (err: unknown) => this.logger.error("accounts file not loaded", { error: err }),
    );
    this.endpoint = new XmppWebSocketEndpoint({
      ...core.streamOptions,
      path: this.path,
      allowedOrigins: options.allowedOrigins ?? "local",
    });
  }

  /**
   * XMPP over TCP (RFC 6120) beside the WebSocket endpoint: STARTTLS required before SASL, and
   * direct TLS on `tlsPort` when given. The certificate is yours (`certFile`/`keyFile`) or the
   * self-signed one kept in `dataDir`. Rejects, listening on nothing, when a port is taken
   * (`isPortTaken(err)`); the WebSocket endpoint is unaffected.
   */
  async listenC2s(options: C2sListenOptions & Omit<CertificateOptions, "hosts">): Promise<C2sAddress & { certPath: string; certGenerated: boolean }> {
    if (this.c2s) throw new Error("the TCP listener is already listening");
    if (this.closing) throw new Error("ReferenceServer is closed");
    const credentials = await loadOrCreateCertificate({ ...options, hosts: this.core.streamOptions.hosts });
    const o = this.core.streamOptions;
    const c2s = new C2sEndpoint({
      ...o,
      maxAuthFailures: o.maxAuthFailures ?? 5,
      logFrames: o.logFrames ?? false,
      streamManagement: this.core.streamManagement,
      resumptionTimeoutMs: this.core.resumptionTimeoutMs,
      tls: credentials,
    });
    const address = await c2s.listen(options);
    this.c2s = c2s;
    this.logger.info("XMPP over TCP listening", { port: address.port, tlsPort: address.tlsPort, cert: credentials.certPath });
    return { ...address, certPath: credentials.certPath, certGenerated: credentials.generated };
  }

  /** Where the TCP listener bound, or null when it is off. */
  c2sAddress(): C2sAddress | null {
    return this.c2s?.address() ?? null;
  }

  /** Resolves when the accounts file (if any) is loaded; rejects with its error. */
  async ready(): Promise<void> {
    await this.accountsLoaded;
  }

  /** Open connections, WebSocket and TCP (bound or still negotiating). */
  get connectionCount(): number {
    return this.endpoint.connectionCount + (this.c2s?.connectionCount ?? 0);
  }

  /** XEP-0198 sessions whose socket is gone, waiting to be resumed or to expire. */
  get hibernatedCount(): number {
    // One table for every transport (ServerCore.resumption): counted once.
    return this.core.resumption.hibernatedCount;
  }

  /** For an HTTP server's `upgrade` event. Returns false, touching nothing, for other paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    return this.endpoint.handleUpgrade(req, socket, head);
  }

  /** Serves `GET /xmpp-push/log`; returns false for any other request. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean {
    return handlePushLogRequest(this.pushLog, req, res);
  }

  /** Standalone mode: an HTTP server with the WebSocket endpoint, the push log and a short index page. */
  async listen(options: ListenOptions): Promise<ListeningAddress> {
    if (this.httpServer) throw new Error("ReferenceServer is already listening");
    if (this.closing) throw new Error("ReferenceServer is closed");
    await this.ready();
    const server = createServer((req, res) => this.serveStandalone(req, res));
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.handleUpgrade(req, socket, head)) {
        socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      }
    });
    server.on("clientError", (_err, socket) => socket.destroy());
    this.httpServer = server;
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (err) => this.logger.error("http server error", { error: err }));
    const address = this.address();
    if (!address) throw new Error("server is not listening");
    this.logger.info("reference XMPP server listening", { url: address.url, log: `${address.httpUrl}${PUSH_LOG_PATH}` });
    return address;
  }

  /** Where `listen` bound, or null when not listening (embedded in Vite). */
  address(): ListeningAddress | null {
    const info = this.httpServer?.address();
    if (!info || typeof info === "string") return null;
    const { address, port } = info as AddressInfo;
    const host = urlHost(address);
    return { host: address, port, url: `ws://${host}:${port}${this.path}`, httpUrl: `http://${host}:${port}` };
  }

  private serveStandalone(req: IncomingMessage, res: ServerResponse): void {
    try {
      if (this.handleHttp(req, res)) return;
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      if (path === "/" && (req.method === "GET" || req.method === "HEAD")) {
        res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
        res.end(this.indexText(req));
        return;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      res.end(`not found: try ${PUSH_LOG_PATH} or connect a WebSocket to ${this.path}\n`);
    } catch (err) {
      this.logger.error("http request failed", { error: err, url: req.url });
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end("internal error\n");
    }
  }

  private indexText(req: IncomingMessage): string {
    const address = this.address();
    const authority = address ? `${urlHost(address.host)}:${address.port}` : (req.headers.host ?? "127.0.0.1");
    const hostLines = this.hosts.map((h) => `  ${h.domain.padEnd(22)} policy ${h.policy}`);
    return [
      "XMPP Push Playground: reference XMPP server",
      "",
      `XMPP over WebSocket (RFC 7395): ws://${authority}${this.path}`,
      ...this.c2sLines(),
      this.streamManagement
        ? `Stream Management (XEP-0198):   on, resumption timeout ${this.resumptionTimeoutMs / 1000} s`
        : "Stream Management (XEP-0198):   off",
      `Push decision log (JSON):       http://${authority}${PUSH_LOG_PATH}?account=&after=&limit=`,
      "",
      "Virtual hosts:",
      ...hostLines,
      "",
      this.accounts.devRegistration
        ? "Dev registration is on: the first PLAIN login of a new username creates the account."
        : "Dev registration is off: only accounts from the accounts file can log in.",
      "",
    ].join("\n");
  }

  private c2sLines(): string[] {
    const c2s = this.c2sAddress();
    if (!c2s) return ["XMPP over TCP (RFC 6120):       off"];
    const tls = c2s.tlsPort !== null ? `, direct TLS on port ${c2s.tlsPort}` : "";
    return [`XMPP over TCP (RFC 6120):       xmpp://${urlHost(c2s.host)}:${c2s.port} (STARTTLS required${tls})`];
  }

  /** Ends all streams (system-shutdown), stops the session manager's timers and the HTTP server. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([this.endpoint.close(), this.c2s?.close()]);
      closeServerCore(this.core);
      const server = this.httpServer;
      if (server) {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
    })();
    return this.closing;
  }
}

export type { LogLevel, Logger, StanzaSink, VirtualHostConfig } from "./types";
export type { SaslMechanismName } from "./stream/sasl";
export { isPortTaken, DEFAULT_C2S_PORT, type C2sAddress } from "./tcp/c2s-endpoint";
