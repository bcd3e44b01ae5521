/**
 * XMPP client-to-server over TCP (RFC 6120): a plain listener that requires STARTTLS before SASL,
 * and optionally a direct-TLS listener (XEP-0368). Each accepted socket becomes a TcpFrameSocket
 * under the same StreamConnection as WebSocket streams, so the session manager, the policies,
 * stream management, push and the decision log do not know which transport a session came by.
 */
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createSecureContext, createServer as createTlsServer, type SecureContext, type Server as TlsServer, type TLSSocket } from "node:tls";
import type { AccountStore } from "../accounts";
import type { Logger, StanzaSink } from "../types";
import type { FrameLimits } from "../stream/frame-parser";
import { ResumableSessions } from "../stream/resumption";
import type { SaslMechanismName } from "../stream/sasl";
import { StreamConnection } from "../stream/stream-connection";
import { TcpFrameSocket } from "./tcp-frame-socket";

export const DEFAULT_C2S_PORT = 5222;

export interface C2sEndpointOptions {
  hosts: readonly string[];
  accounts: AccountStore;
  sink: StanzaSink;
  logger: Logger;
  saslMechanisms: readonly SaslMechanismName[];
  limits: FrameLimits;
  handshakeTimeoutMs: number;
  maxAuthFailures: number;
  logFrames: boolean;
  streamManagement: boolean;
  resumptionTimeoutMs: number;
  /** The server's shared XEP-0198 table (ServerCore.resumption), so TCP and WebSocket sessions resume on either; omitted: its own. */
  resumption?: ResumableSessions;
  tls: { cert: string; key: string };
}

export interface C2sListenOptions {
  /** Bind address (default 127.0.0.1). */
  host?: string;
  /** STARTTLS port; 0 = any free port. */
  port: number;
  /** Direct TLS port (XEP-0368); omitted = off, 0 = any free port. */
  tlsPort?: number;
}

export interface C2sAddress {
  host: string;
  port: number;
  tlsPort: number | null;
}

export class C2sEndpoint {
  private readonly connections = new Set<StreamConnection>();
  private readonly resumption: ResumableSessions;
  private readonly ownsResumption: boolean;
  private readonly context: SecureContext;
  private plain: Server | null = null;
  private direct: TlsServer | null = null;
  private closed = false;

  constructor(private readonly opts: C2sEndpointOptions) {
    this.ownsResumption = opts.resumption === undefined;
    this.resumption = opts.resumption ?? new ResumableSessions(opts.sink, opts.logger);
    this.context = createSecureContext({ cert: opts.tls.cert, key: opts.tls.key });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Of every transport when the table is shared. */
  get hibernatedCount(): number {
    return this.resumption.hibernatedCount;
  }

  /** Binds the listeners; rejects (binding nothing) when a port is taken. */
  async listen(options: C2sListenOptions): Promise<C2sAddress> {
    if (this.plain) throw new Error("the TCP listener is already listening");
    const host = options.host ?? "127.0.0.1";
    const plain = createServer((socket) => this.accept(socket, false));
    await bind(plain, options.port, host);
    let direct: TlsServer | null = null;
    if (options.tlsPort !== undefined) {
      direct = createTlsServer({ cert: this.opts.tls.cert, key: this.opts.tls.key, ALPNProtocols: ["xmpp-client"] }, (socket: TLSSocket) => this.accept(socket, true));
      direct.on("tlsClientError", (err) => this.opts.logger.debug("direct TLS handshake failed", { error: err.message }));
      try {
        await bind(direct, options.tlsPort, host);
      } catch (err) {
        await new Promise((r) => plain.close(r));
        throw err;
      }
    }
    this.plain = plain;
    this.direct = direct;
    plain.on("error", (err) => this.opts.logger.error("TCP listener error", { error: err }));
    direct?.on("error", (err) => this.opts.logger.error("direct TLS listener error", { error: err }));
    return this.address() as C2sAddress;
  }

  address(): C2sAddress | null {
    const info = this.plain?.address();
    if (!info || typeof info === "string") return null;
    const tlsInfo = this.direct?.address();
    return { host: (info as AddressInfo).address, port: (info as AddressInfo).port, tlsPort: tlsInfo && typeof tlsInfo !== "string" ? tlsInfo.port : null };
  }

  private accept(socket: Socket, directTls: boolean): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const frames = new TcpFrameSocket(socket, this.opts.limits, directTls);
    const { opts } = this;
    const conn = new StreamConnection(frames, {
      hosts: opts.hosts,
      accounts: opts.accounts,
      sink: opts.sink,
      logger: opts.logger,
      saslMechanisms: opts.saslMechanisms,
      limits: opts.limits,
      handshakeTimeoutMs: opts.handshakeTimeoutMs,
      maxAuthFailures: opts.maxAuthFailures,
      maxQueuedFrames: 1000,
      logFrames: opts.logFrames,
      closeGraceMs: 2000,
      streamManagement: opts.streamManagement,
      resumptionTimeoutMs: opts.resumptionTimeoutMs,
      resumption: this.resumption,
      remoteAddress: socket.remoteAddress,
      tls: directTls ? "none" : "required-starttls",
      startTls: () => frames.startTls(this.context, opts.handshakeTimeoutMs),
      onClosed: (c) => this.connections.delete(c),
    });
    this.connections.add(conn);
  }

  /** Ends every stream with `system-shutdown`, then stops listening. */
  async close(graceMs = 500): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of this.connections) conn.shutdown();
    const deadline = Date.now() + graceMs;
    while (this.connections.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const conn of this.connections) conn.terminate();
    // A shared table outlives this listener: WebSocket sessions may still hibernate and resume.
    if (this.ownsResumption) this.resumption.closeAll();
    await Promise.all([this.plain, this.direct].map((s) => (s ? new Promise((r) => s.close(r)) : null)));
  }
}

function bind(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/** Whether an error from `listen` means the port is in use (another server, e.g. Prosody on 5222). */
export function isPortTaken(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: string }).code === "EADDRINUSE";
}
