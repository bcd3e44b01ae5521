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
 *
 * XEP-0198 is OFF unless the test passes `streamManagement: true` (the server's own default is on).
 * Tests of other features run xmpp.js 0.14 clients, which enable stream management whenever it is
 * offered and miscount their acks; with it on, every clean stop would leave stanzas unacknowledged
 * and send them to offline storage, so unrelated tests would see re-deliveries that are xmpp.js's
 * doing, not the feature's. SM tests opt in; their resumption timeout defaults to 2000 ms.
 * `XMPP_TEST_SM=1` turns it on for every test server that does not say otherwise (to see what
 * stream management, as xmpp.js uses it, changes in a suite).
 */
/**
 * For servers that run the catalogue: C26/C27 drop a resumable session and send about 1.8 s later;
 * with the 2 s default the session sometimes expired first on a busy machine and the message took
 * the offline path (pushed under tigase, where a hibernated session keeps its last presence).
 */
export const CATALOGUE_SERVER: Partial<ReferenceServerOptions> = { streamManagement: true, resumptionTimeoutMs: 30_000 };

export async function startTestServer(options: Partial<ReferenceServerOptions> = {}): Promise<TestServer> {
  const envLevel = process.env.XMPP_TEST_LOG;
  const server = new ReferenceServer({
    logLevel: envLevel && isLogLevel(envLevel) ? envLevel : "silent",
    appServerTimeoutMs: 1500,
    streamManagement: process.env.XMPP_TEST_SM === "1",
    resumptionTimeoutMs: 2000,
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
