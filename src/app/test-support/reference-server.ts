/**
 * The in-process reference server for service tests, with the hooks that start it once per file
 * and dispose every driver after each test:
 *
 *   const server = referenceServerPerFile({ streamManagement: true });
 *   it("…", async () => { const d = server.driver({ domain: "prosody.localhost" }); … });
 */
import { afterAll, afterEach, beforeAll } from "vitest";
import type { ReferenceServerOptions } from "../../server";
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
