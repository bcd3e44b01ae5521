/**
 * Runs the reference XMPP server inside Vite's dev and preview servers, so `npm start` is one
 * process: the WebSocket endpoint rides on the HTTP server's `upgrade` event (at `/xmpp-websocket`
 * only: Vite's own HMR socket on the same server is left alone), and `/xmpp-push/log` is a
 * middleware. The server is created lazily when a dev/preview server starts (never during
 * `vite build`) and closed with it.
 */
import type { IncomingMessage, Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Http2SecureServer } from "node:http2";
import type { Plugin, PreviewServer, ViteDevServer } from "vite";
import { pushLogMiddleware } from "./http-log";
import { ReferenceServer, type ReferenceServerOptions } from "./index";
import { c2sSettingsFromEnv, startC2s, type C2sSettings } from "./tcp/c2s-start";
import { isSaslMechanismName, type SaslMechanismName } from "./stream/sasl";
import { HOSTING_FILE, type HostingFile } from "../sandbox/protocol";

type AnyHttpServer = HttpServer | Http2SecureServer;

export interface ReferenceServerPluginOptions extends ReferenceServerOptions {
  /** Set false to leave the reference server out (e.g. when pointing the app at a real server). */
  enabled?: boolean;
  /**
   * XMPP over TCP beside the WebSocket endpoint; false = off. Default: port 5222 on 127.0.0.1, or
   * what XMPP_C2S_PORT, XMPP_C2S_TLS_PORT, XMPP_C2S_HOST, XMPP_DATA_DIR, XMPP_CERT and XMPP_KEY say.
   */
  c2s?: C2sSettings | false;
}

/** `XMPP_SASL_MECHANISMS=PLAIN npm start`: the offered mechanisms, in order (unknown names skipped). */
function saslMechanismsFromEnv(value: string | undefined): SaslMechanismName[] | undefined {
  const list = (value ?? "").split(",").map((m) => m.trim().toUpperCase()).filter(isSaslMechanismName);
  return list.length > 0 ? list : undefined;
}

/** Attach the reference server to an HTTP server's upgrade event; returns the detach function. */
export function attachUpgrade(httpServer: AnyHttpServer, server: ReferenceServer): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    server.handleUpgrade(req, socket, head);
  };
  httpServer.on("upgrade", onUpgrade);
  return () => {
    httpServer.off("upgrade", onUpgrade);
  };
}

function wsUrlOf(httpServer: AnyHttpServer, path: string, secure: boolean): string | null {
  const info = httpServer.address();
  if (!info || typeof info === "string") return null;
  const { address, port } = info as AddressInfo;
  const host = address === "::" || address === "0.0.0.0" ? "localhost" : address.includes(":") ? `[${address}]` : address;
  return `${secure ? "wss" : "ws"}://${host}:${port}${path}`;
}

export function referenceServerPlugin(options: ReferenceServerPluginOptions = {}): Plugin {
  const { enabled = true, c2s = c2sSettingsFromEnv(process.env), ...rest } = options;
  const saslMechanisms = rest.saslMechanisms ?? saslMechanismsFromEnv(process.env.XMPP_SASL_MECHANISMS);
  const serverOptions: ReferenceServerOptions = { defaultAccounts: true, ...rest, ...(saslMechanisms ? { saslMechanisms } : {}) };
  let reference: ReferenceServer | null = null;
  let announced = false;

  function setup(server: ViteDevServer | PreviewServer, mode: "dev" | "preview"): void {
    if (!enabled) return;
    const viteLogger = server.config.logger;
    const httpServer = server.httpServer;
    if (!httpServer) {
      viteLogger.warn("[xmpp] middleware mode: no HTTP server to attach the reference XMPP server to");
      return;
    }
    const fresh = reference === null;
    const ref = (reference ??= new ReferenceServer(serverOptions));
    ref.ready().catch((err: unknown) => viteLogger.error(`[xmpp] ${(err as Error).message}`));
    if (fresh && typeof c2s === "string") viteLogger.error(`[xmpp] ${c2s}; XMPP over TCP is off`);
    else if (fresh && typeof c2s === "object") {
      startC2s(ref, c2s, "set XMPP_C2S_PORT=<n> (0 = off)").then(
        (line) => line && viteLogger.info(`  ➜  XMPP TCP: ${line}`),
        (err: unknown) => viteLogger.error(`[xmpp] XMPP over TCP is off: ${(err as Error).message}`),
      );
    }
    const detach = attachUpgrade(httpServer, ref);
    server.middlewares.use(pushLogMiddleware(() => ref.pushLog));
    // Before Vite's static files: tells the page it is served with a reference server (else dist/'s copy says no).
    server.middlewares.use((req, res, next) => {
      if (!new URL(req.url ?? "/", "http://x").pathname.endsWith(`/${HOSTING_FILE}`)) return next();
      const body: HostingFile = { referenceServer: true };
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
      res.end(JSON.stringify(body));
    });

    const secure = Boolean(mode === "dev" ? server.config.server.https : server.config.preview.https);
    const announce = (): void => {
      if (announced) return;
      const url = wsUrlOf(httpServer, ref.path, secure);
      if (!url) return;
      announced = true;
      viteLogger.info(`  ➜  XMPP:    ${url} (reference server, ${mode}; hosts ${ref.hosts.map((h) => h.domain).join(", ")})`);
    };
    if (httpServer.listening) announce();
    else httpServer.once("listening", announce);

    httpServer.once("close", () => {
      detach();
      if (reference === ref) reference = null;
      void ref.close();
    });
  }

  return {
    name: "xmpp-push-playground:reference-server",
    configureServer(server) {
      setup(server, "dev");
    },
    configurePreviewServer(server) {
      setup(server, "preview");
    },
    async buildEnd() {
      // Dev server shutdown runs the plugin container's buildEnd; a build never created a server.
      if (reference) {
        const ref = reference;
        reference = null;
        await ref.close();
      }
    },
  };
}
