import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import WebSocket from "ws";
import { createServer, preview, type PreviewServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PushLogResponse } from "../protocol/push-log";
import { referenceServerPlugin } from "./vite-plugin";
import { connectClient, stopQuietly } from "./test-support";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "xpp-vite-"));
  await writeFile(join(root, "index.html"), "<!doctype html><title>t</title>");
  await mkdir(join(root, "dist"));
  await writeFile(join(root, "dist", "index.html"), "<!doctype html><title>built</title>");
  // As public/xpp-hosting.json is copied into dist/: what a static host serves.
  await writeFile(join(root, "dist", "xpp-hosting.json"), '{ "referenceServer": false }');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function portOf(server: ViteDevServer | PreviewServer): number {
  return (server.httpServer?.address() as AddressInfo).port;
}

/** Resolves with the first message Vite's HMR socket sends (`{"type":"connected"}`). */
function hmrHello(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["vite-hmr"]);
    ws.once("message", (data: Buffer) => {
      resolve(data.toString());
      ws.close();
    });
    ws.once("error", reject);
  });
}

describe("referenceServerPlugin on Vite's dev server", () => {
  it("serves XMPP, the push log and leaves Vite's HMR socket working", async () => {
    const server = await createServer({
      configFile: false,
      root,
      logLevel: "silent",
      server: { host: "127.0.0.1", port: 0, strictPort: false },
      optimizeDeps: { noDiscovery: true, include: [] },
      plugins: [referenceServerPlugin({ logLevel: "silent", c2s: false })],
    });
    await server.listen();
    const port = portOf(server);
    try {
      const client = await connectClient({ url: `ws://127.0.0.1:${port}/xmpp-websocket`, username: "vite-user", resource: "dev" });
      expect(client.jid?.toString()).toBe("vite-user@localhost/dev");

      const hello = await hmrHello(`ws://127.0.0.1:${port}/?token=${server.config.webSocketToken}`);
      expect(JSON.parse(hello)).toMatchObject({ type: "connected" });

      const res = await fetch(`http://127.0.0.1:${port}/xmpp-push/log`, { headers: { origin: `http://localhost:${port}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(`http://localhost:${port}`);
      expect(((await res.json()) as PushLogResponse).entries).toEqual([]);

      // Vite still serves its own pages.
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("<title>t</title>");

      const offline = new Promise<void>((resolve) => client.on("disconnect", () => resolve()));
      await server.close();
      await offline;
      await stopQuietly(client);
    } finally {
      await server.close();
    }
  });

  it("does nothing when disabled", async () => {
    const server = await createServer({
      configFile: false,
      root,
      logLevel: "silent",
      server: { host: "127.0.0.1", port: 0 },
      optimizeDeps: { noDiscovery: true, include: [] },
      plugins: [referenceServerPlugin({ enabled: false })],
    });
    await server.listen();
    try {
      const res = await fetch(`http://127.0.0.1:${portOf(server)}/xmpp-push/log`);
      expect(res.headers.get("content-type") ?? "").not.toContain("application/json");
      const hosting = await fetch(`http://127.0.0.1:${portOf(server)}/xpp-hosting.json`);
      expect(hosting.headers.get("content-type") ?? "").not.toContain("application/json");
    } finally {
      await server.close();
    }
  });
});

describe("referenceServerPlugin on Vite's preview server", () => {
  it("serves XMPP next to the built app", async () => {
    const server = await preview({
      configFile: false,
      root,
      logLevel: "silent",
      preview: { host: "127.0.0.1", port: 0 },
      plugins: [referenceServerPlugin({ logLevel: "silent", c2s: false })],
    });
    try {
      const port = portOf(server);
      const client = await connectClient({ url: `ws://127.0.0.1:${port}/xmpp-websocket`, username: "preview-user" });
      expect(client.jid?.bare().toString()).toBe("preview-user@localhost");
      await stopQuietly(client);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toContain("built");
      // The page asks next to itself whether a reference server serves it (src/sandbox/hosting.ts).
      for (const path of ["/xpp-hosting.json", "/sub/path/xpp-hosting.json"]) {
        expect(await (await fetch(`http://127.0.0.1:${port}${path}`)).json()).toEqual({ referenceServer: true });
      }
    } finally {
      await server.close();
    }
  });
});
