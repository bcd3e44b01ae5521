/** Start an in-process reference server on a free loopback port (tests only). */
import { ReferenceServer, type ReferenceServerOptions } from "../index";
import { isLogLevel } from "../logger";

export interface TestServer {
  server: ReferenceServer;
  /** `ws://127.0.0.1:PORT/xmpp-websocket` */
  url: string;
  /** `http://127.0.0.1:PORT` (for `GET /xmpp-push/log`). */
  httpUrl: string;
  close(): Promise<void>;
}

/**
 * Port 0 on 127.0.0.1, log level `silent` unless `XMPP_TEST_LOG` names a level (e.g. `debug`),
 * App Server timeout 1500 ms unless given. Call `close()` in afterEach/afterAll.
 */
export async function startTestServer(options: Partial<ReferenceServerOptions> = {}): Promise<TestServer> {
  const envLevel = process.env.XMPP_TEST_LOG;
  const server = new ReferenceServer({
    logLevel: envLevel && isLogLevel(envLevel) ? envLevel : "silent",
    appServerTimeoutMs: 1500,
    ...options,
  });
  try {
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    return { server, url: address.url, httpUrl: address.httpUrl, close: () => server.close() };
  } catch (err) {
    await server.close();
    throw err;
  }
}
