/**
 * A plain static file server (node:http, nothing else): what GitHub Pages or any CDN is to dist/.
 * It serves one directory under a path prefix (a project page's sub-path), answers everything
 * else with 404, and knows no XMPP, no WebSocket and no /xmpp-push/log.
 */
import { createServer, type Server } from "node:http";
import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".png": "image/png",
};

export interface StaticServer {
  /** `http://127.0.0.1:port/prefix/` */
  url: string;
  /** Every path asked for, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startStaticServer(root: string, prefix = "/", port = 0): Promise<StaticServer> {
  const base = prefix.endsWith("/") ? prefix : `${prefix}/`;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requests.push(path);
    const notFound = () => {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found\n");
    };
    if (!path.startsWith(base) || req.method !== "GET") return notFound();
    const rel = path.slice(base.length) || "index.html";
    const file = normalize(join(root, rel));
    if (!file.startsWith(normalize(root) + sep)) return notFound();
    readFile(file).then(
      (body) => {
        res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
        res.end(body);
      },
      () => notFound(),
    );
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}${base}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
