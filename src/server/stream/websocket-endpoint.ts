/**
 * The XMPP-over-WebSocket endpoint (RFC 7395): takes HTTP upgrade requests for one path and turns
 * each accepted WebSocket into a StreamConnection. It owns no HTTP server, so the same endpoint
 * rides on the standalone server, Vite's dev server and Vite's preview server.
 *
 * Subprotocol (RFC 7395 §3.1): `handleProtocols` selects `xmpp` when offered. A client that offers
 * no subprotocol at all gets the upgrade, then an immediate WebSocket close with code 1002 and a
 * reason naming the problem: browsers hide HTTP statuses of failed handshakes, but a close code
 * and reason reach the page's `close` event. A client that offers only other subprotocols gets a
 * response without `Sec-WebSocket-Protocol`, so it fails the handshake itself (as RFC 7395 §3.1
 * and RFC 6455 require; ws: "Server sent no subprotocol"), and we close our side with 1002 too.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { AccountStore } from "../accounts";
import type { Logger, StanzaSink } from "../types";
import type { FrameLimits } from "./frame-parser";
import type { ResumableSessions } from "./resumption";
import type { SaslMechanismName } from "./sasl";
import { wsFrameSocket } from "./ws-frame-socket";
import { DEFAULT_RESUMPTION_TIMEOUT_MS, StreamHub } from "../core-streams";
import { isLocalOrigin } from "../http-log";

export const XMPP_SUBPROTOCOL = "xmpp";

/**
 * Which browser pages may open a stream. Requests without an `Origin` header (Node clients,
 * command-line tools) are always allowed; a browser always sends one, so a page on some other site
 * cannot drive a developer's local server (cross-site WebSocket hijacking).
 */
export type OriginPolicy = "local" | "any" | readonly string[];

export function isOriginAllowed(origin: string | undefined, policy: OriginPolicy = "local"): boolean {
  if (origin === undefined || policy === "any") return true;
  if (policy === "local") return isLocalOrigin(origin);
  return policy.includes(origin) || isLocalOrigin(origin);
}
/** WebSocket close code for a missing `xmpp` subprotocol (RFC 6455 §7.4.1: protocol error). */
export const CLOSE_NO_SUBPROTOCOL = 1002;

export interface XmppWebSocketEndpointOptions {
  path: string;
  hosts: readonly string[];
  accounts: AccountStore;
  sink: StanzaSink;
  logger: Logger;
  saslMechanisms: readonly SaslMechanismName[];
  limits: FrameLimits;
  handshakeTimeoutMs: number;
  maxAuthFailures?: number;
  /** Browser origins allowed to connect: `local` (default), `any`, or an explicit list. */
  allowedOrigins?: OriginPolicy;
  maxQueuedFrames?: number;
  logFrames?: boolean;
  closeGraceMs?: number;
  /** Offer XEP-0198 Stream Management (default true). */
  streamManagement?: boolean;
  /** Longest XEP-0198 hibernation before a dropped session is gone (default 60000). */
  resumptionTimeoutMs?: number;
  /** The server's XEP-0198 table shared with its other transports (ServerCore.resumption); omitted: the endpoint's own. */
  resumption?: ResumableSessions;
}

export { DEFAULT_RESUMPTION_TIMEOUT_MS };

/** Path of an upgrade request without its query string. */
export function requestPath(req: IncomingMessage): string {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

export class XmppWebSocketEndpoint {
  private readonly wss: WebSocketServer;
  /** The streams; the same hub type carries the sandbox's MessagePort streams. */
  private readonly hub: StreamHub;
  private closed = false;

  constructor(private readonly opts: XmppWebSocketEndpointOptions) {
    this.wss = new WebSocketServer({
      noServer: true,
      // Frames larger than our own limit still arrive, so the client gets a policy-violation
      // stream error rather than a bare 1009 close; beyond this, ws itself closes with 1009.
      maxPayload: Math.max(opts.limits.maxBytes * 4, 1024 * 1024),
      // We validate UTF-8 ourselves so that bad bytes become an `unsupported-encoding` stream error.
      skipUTF8Validation: true,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(XMPP_SUBPROTOCOL) ? XMPP_SUBPROTOCOL : false),
    });
    this.wss.on("error", (err) => opts.logger.error("websocket server error", { error: err }));
    const { path: _path, allowedOrigins: _origins, ...streamOptions } = opts;
    this.hub = new StreamHub(streamOptions);
  }

  get path(): string {
    return this.opts.path;
  }

  /** Bound sessions and handshakes in progress. */
  get connectionCount(): number {
    return this.hub.connectionCount;
  }

  /** XEP-0198 sessions waiting, socketless, to be resumed. */
  get hibernatedCount(): number {
    return this.hub.hibernatedCount;
  }

  /**
   * For an HTTP server's `upgrade` event: handles requests for our path and returns true; returns
   * false (touching nothing) for any other path, e.g. Vite's HMR socket on the same server.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    if (requestPath(req) !== this.opts.path) return false;
    if (this.closed) {
      socket.destroy();
      return true;
    }
    socket.on("error", (err) => this.opts.logger.debug("upgrade socket error", { error: err.message }));
    const origin = req.headers.origin;
    if (!isOriginAllowed(origin, this.opts.allowedOrigins)) {
      this.opts.logger.warn("refused websocket from a non-allowed origin (see --allow-origin)", { origin });
      const body = `Origin ${origin} may not open XMPP streams here; start the server with --allow-origin ${origin}\n`;
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    return true;
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const remoteAddress = req.socket.remoteAddress;
    if (this.closed) {
      ws.terminate();
      return;
    }
    if (ws.protocol !== XMPP_SUBPROTOCOL) {
      this.opts.logger.info("refused websocket without the xmpp subprotocol", {
        remote: remoteAddress,
        offered: req.headers["sec-websocket-protocol"] ?? null,
      });
      ws.close(CLOSE_NO_SUBPROTOCOL, "offer the 'xmpp' WebSocket subprotocol (RFC 7395 §3.1)");
      const kill = setTimeout(() => ws.terminate(), this.opts.closeGraceMs ?? 2000);
      kill.unref?.();
      ws.on("close", () => clearTimeout(kill));
      return;
    }
    this.hub.accept(wsFrameSocket(ws), remoteAddress);
  }

  /**
   * Ends every stream with `system-shutdown`, waits briefly for the closing handshakes, then drops
   * whatever is left. Resolves once no connection remains.
   */
  async close(graceMs = 500): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.hub.shutdown(graceMs);
    for (const client of this.wss.clients) client.terminate();
    this.hub.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}
