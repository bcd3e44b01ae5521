/** Real @xmpp/client sessions against the reference server (tests only). */
import { client, xml, type Client } from "@xmpp/client";

export type TestMechanism = "PLAIN" | "SCRAM-SHA-1";

export interface ConnectClientOptions {
  /** `ws://127.0.0.1:PORT/xmpp-websocket` from startTestServer. */
  url: string;
  domain?: string;
  username: string;
  password?: string;
  resource?: string;
  /**
   * Forced SASL mechanism (default PLAIN: cheaper in Node). SCRAM-SHA-1 cannot register an
   * account (it never reveals the password): log in once with PLAIN first or call
   * `server.accounts.register(domain, username, password)`.
   */
  mechanism?: TestMechanism;
}

const clientErrors = new WeakMap<Client, Error[]>();

/** Errors the client emitted since it was created (stream errors, SASL failures, socket errors). */
export function errorsOf(xmpp: Client): Error[] {
  return clientErrors.get(xmpp) ?? [];
}

/**
 * Creates an @xmpp/client with reconnect stopped and an error listener attached (errors are kept,
 * see `errorsOf`), starts it and resolves once it is online (resource bound). On failure the
 * client is stopped and the error rethrown (a StreamError/SASLError carries `.condition`).
 */
export async function connectClient(options: ConnectClientOptions): Promise<Client> {
  const { url, domain = "localhost", username, password = "pass", resource, mechanism = "PLAIN" } = options;
  const xmpp = client({
    service: url,
    domain,
    resource,
    credentials: async (authenticate, mechanisms) => {
      if (!mechanisms.includes(mechanism)) {
        throw new Error(`server does not offer ${mechanism} (offered: ${mechanisms.join(", ")})`);
      }
      // The user-agent only matters for SASL2, which the reference server does not offer.
      await authenticate({ username, password }, mechanism, xml("user-agent", { id: "test-support" }));
    },
  });
  xmpp.reconnect.stop();
  const errors: Error[] = [];
  clientErrors.set(xmpp, errors);
  xmpp.on("error", (err: Error) => {
    errors.push(err);
  });
  try {
    await xmpp.start();
  } catch (err) {
    await stopQuietly(xmpp);
    throw err;
  }
  return xmpp;
}

/** `stop()` that never throws (the stream may already be gone). */
export async function stopQuietly(xmpp: Client): Promise<void> {
  try {
    await xmpp.stop();
  } catch {
    // already offline or the socket died: nothing left to close
  }
}
