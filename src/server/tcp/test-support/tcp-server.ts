/** A test server with the TCP listener on free ports and a certificate in a temporary folder. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ReferenceServerOptions } from "../../index";
import { startTestServer, type TestServer } from "../../test-support";

export interface TcpTestServer extends TestServer {
  /** STARTTLS port. */
  c2sPort: number;
  /** Direct TLS port (XEP-0368). */
  c2sTlsPort: number;
  /** The generated certificate: what a client must trust. */
  ca: string;
}

export async function startTcpTestServer(options: Partial<ReferenceServerOptions> = {}): Promise<TcpTestServer> {
  const ts = await startTestServer(options);
  const dataDir = await mkdtemp(join(tmpdir(), "xpp-tcp-"));
  try {
    const address = await ts.server.listenC2s({ port: 0, tlsPort: 0, host: "127.0.0.1", dataDir });
    const ca = await readFile(address.certPath, "utf8");
    return {
      ...ts,
      c2sPort: address.port,
      c2sTlsPort: address.tlsPort ?? 0,
      ca,
      close: async () => {
        await ts.close();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await ts.close();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
