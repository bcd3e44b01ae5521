/**
 * The in-process reference server for service tests, with the hooks that start it once per file
 * and dispose every driver after each test:
 *
 *   const server = referenceServerPerFile({ streamManagement: true });
 *   it("…", async () => { const d = server.driver({ domain: "prosody.localhost" }); … });
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Socket } from "node:net";
import { ReferenceServer, type ReferenceServerOptions } from "../../server";
import { startTestServer, type TestServer } from "../../server/test-support";
import { PlaygroundDriver, type DriverOptions } from "./driver";

export interface ReferenceServerFixture {
  /** The server (started in beforeAll). */
  readonly server: TestServer;
  readonly url: string;
  /** A driver on this server; disposed after the test. */
  driver(options?: Omit<DriverOptions, "service"> & { service?: string }): PlaygroundDriver;
}

export function referenceServerPerFile(options: Partial<ReferenceServerOptions> = {}): ReferenceServerFixture {
  let server: TestServer | null = null;
  const drivers: PlaygroundDriver[] = [];
  beforeAll(async () => {
    server = await startTestServer(options);
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.dispose()));
  });
  const started = (): TestServer => {
    if (!server) throw new Error("the reference server is started in beforeAll");
    return server;
  };
  return {
    get server() {
      return started();
    },
    get url() {
      return started().url;
    },
    driver(driverOptions = {}) {
      const d = new PlaygroundDriver({ service: started().url, ...driverOptions });
      drivers.push(d);
      return d;
    },
  };
}

/** A reference server that a test can crash and start again on the same port (fresh state, new log). */
export interface RestartableServer {
  /** `ws://127.0.0.1:PORT/xmpp-websocket` (the same across restarts). */
  readonly url: string;
  readonly server: ReferenceServer;
  /** Crash it: every socket is dropped without a close frame (clients see code 1006), then it stops. */
  kill(): Promise<void>;
  /** A network blip: every socket is dropped, the server keeps running (and keeps XEP-0198 sessions). */
  dropConnections(): void;
  /** A new server on the same port, knowing nothing of the last one. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRestartableServer(options: Partial<ReferenceServerOptions> = {}): Promise<RestartableServer> {
  let port = 0;
  let url = "";
  let current: ReferenceServer | null = null;
  const sockets = new Set<Socket>();

  async function start(): Promise<void> {
    const server = new ReferenceServer({ logLevel: "silent", appServerTimeoutMs: 1500, streamManagement: true, resumptionTimeoutMs: 10_000, ...options });
    const address = await server.listen({ port, host: "127.0.0.1" });
    port = Number(new URL(address.httpUrl).port);
    url = address.url;
    // Private, but this is the only handle on the raw sockets, which a crash must drop unannounced.
    server["httpServer"]?.on("connection", (socket: Socket) => {
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    });
    current = server;
  }

  function dropConnections(): void {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  }

  async function kill(): Promise<void> {
    dropConnections();
    await current?.close();
    current = null;
  }

  await start();
  return {
    get url() {
      return url;
    },
    get server() {
      if (!current) throw new Error("the server is killed");
      return current;
    },
    kill,
    dropConnections,
    restart: start,
    close: kill,
  };
}
