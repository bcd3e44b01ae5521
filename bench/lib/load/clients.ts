/**
 * Sessions for the load benchmark: xmpp.js 0.14 for the sessions that do the work (SASL PLAIN
 * forced, reconnect off, every error kept), and bare `ws` sessions for the idle ones, which only
 * need to exist and should cost the benchmark process as little as possible.
 *
 * Two xmpp.js builds: `fixed` is the project's own assembly (src/xmpp-client, stream management
 * that counts acks correctly); `stock` is @xmpp/client 0.14 as published, whose XEP-0198 counter
 * misses iq replies to its own requests and can move backwards after `<enabled/>`, so Prosody ends
 * its streams ("Client acknowledged less stanzas than already acknowledged") and both servers
 * re-queue the last stanza on a clean close (src/real-servers/test-support/sm-ack-repro.ts). With `stock` and
 * stream management on, that failure is left in and reported.
 */
import { client, xml, type Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import WebSocket from "ws";
import { NS } from "../../../src/protocol/ns";
import { createXmppClient } from "../../../src/xmpp-client/client";

export type ClientBuild = "fixed" | "stock";

export interface BenchClient {
  label: string;
  xmpp: Client;
  /** Full JID as bound. */
  jid: string;
  /** Every error the client emitted (stream errors, socket errors), in order. */
  errors: string[];
  /** Whether XEP-0198 was enabled on this stream (`<enabled/>` seen). */
  smEnabled: () => boolean;
}

export interface ConnectOptions {
  service: string;
  domain: string;
  username: string;
  password: string;
  resource: string;
  label: string;
  /** Negotiate XEP-0198 when the server offers it. */
  sm: boolean;
  build: ClientBuild;
  timeoutMs?: number;
}

export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { condition, text } = err as { condition?: unknown; text?: unknown };
  const detail = typeof text === "string" && text !== "" ? text : err.message;
  const head = [err.name !== "Error" ? err.name : "", typeof condition === "string" && !detail.startsWith(condition) ? condition : ""].filter(Boolean).join(" ");
  return head ? `${head}: ${detail}` : detail;
}

export async function connectClient(options: ConnectOptions): Promise<BenchClient> {
  const { username, password } = options;
  const userAgent = xml("user-agent", { id: `bench-${options.label}` });
  const credentials = async (
    authenticate: (creds: { username: string; password: string }, mechanism: string, userAgent: Element) => Promise<void>,
    mechanisms: string[],
  ): Promise<void> => {
    // PLAIN everywhere: SCRAM-SHA-1 costs ~0.5 s per login in Node and would dominate the run.
    if (!mechanisms.includes("PLAIN")) throw new Error(`the server does not offer SASL PLAIN (offered: ${mechanisms.join(", ")})`);
    await authenticate({ username, password }, "PLAIN", userAgent);
  };
  const common = { service: options.service, domain: options.domain, resource: options.resource, credentials };
  const xmpp: Client =
    options.build === "fixed" ? createXmppClient({ ...common, userAgent, streamManagement: options.sm }) : client(common);
  xmpp.reconnect.stop();
  const errors: string[] = [];
  xmpp.on("error", (err: unknown) => {
    errors.push(errorText(err));
  });
  let smEnabled = false;
  xmpp.on("element", (el: Element) => {
    if (el.is("enabled", NS.sm)) smEnabled = true;
  });
  if (options.build === "stock" && !options.sm) {
    // Registered before xmpp.js's stream-features handling sees the same `element` event.
    xmpp.prependListener("element", (el: Element) => {
      if (!el.is("features", NS.streams)) return;
      el.children = el.children.filter((child) => typeof child === "string" || !child.is("sm", NS.sm));
    });
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const address = await Promise.race([
      xmpp.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no login within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { label: options.label, xmpp, jid: address.toString(), errors, smEnabled: () => smEnabled };
  } catch (err) {
    await stopQuietly(xmpp, 2000);
    throw new Error(`${options.label} (${username}@${options.domain}/${options.resource}) could not log in: ${errorText(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}

/** `stop()` bounded in time, never throwing (the stream may already be gone). */
export async function stopQuietly(xmpp: Client, timeoutMs = 5000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([xmpp.stop(), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  } catch {
    // already offline
  } finally {
    clearTimeout(timer);
  }
  // If `</close>` went unanswered, drop the socket so nothing outlives the run.
  const socket = (xmpp as unknown as { socket?: { end?: () => void } | null }).socket;
  socket?.end?.();
}

/** Ping the server on this stream: once it answers, everything sent before has been processed. */
export async function barrier(c: BenchClient, timeoutMs = 10_000): Promise<void> {
  try {
    await c.xmpp.iqCaller.request(xml("iq", { type: "get", to: c.jid.split("/")[0]!.split("@").pop() }, xml("ping", { xmlns: NS.ping })), timeoutMs);
  } catch (err) {
    // Any reply (even an error) proves the order; only a timeout means the stream is stuck.
    if ((err as { name?: unknown }).name === "TimeoutError") throw new Error(`${c.label}: no answer to a ping within ${timeoutMs} ms`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------
// idle sessions over a bare WebSocket

export interface IdleSession {
  close(): Promise<void>;
}

/**
 * An authenticated (SASL PLAIN) and bound session that sends no presence and then does nothing:
 * what an idle app costs the server. Frames are matched with regular expressions instead of a
 * parser so that hundreds of these cost the benchmark process little.
 */
export function openIdleSession(
  service: string,
  domain: string,
  creds: { username: string; password: string },
  resource: string,
  timeoutMs = 15_000,
): Promise<IdleSession> {
  const ws = new WebSocket(service, ["xmpp"]);
  let buffer: string[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  let idle = false;
  ws.on("message", (data: WebSocket.RawData) => {
    // Once bound, whatever the server sends (it should send nothing) is not kept.
    if (idle) return;
    buffer.push(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8"));
    wake?.();
  });
  ws.on("close", () => {
    closed = true;
    wake?.();
  });
  ws.on("error", () => {
    // surfaced as `closed` to whoever waits
  });
  const deadline = Date.now() + timeoutMs;
  const waitFor = async (re: RegExp, what: string): Promise<string> => {
    for (;;) {
      const i = buffer.findIndex((f) => re.test(f));
      if (i !== -1) {
        const frame = buffer[i]!;
        buffer = buffer.slice(i + 1);
        return frame;
      }
      if (closed) throw new Error(`socket closed while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(t);
          wake = null;
          resolve();
        };
      });
    }
  };
  const open = `<open xmlns="${NS.framing}" to="${domain}" version="1.0"/>`;
  const session: IdleSession = {
    async close() {
      if (closed) return;
      const gone = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      try {
        ws.send(`<close xmlns="${NS.framing}"/>`);
      } catch {
        // socket already closing
      }
      // ejabberd ignores a bare WebSocket close without </close>; both are sent, then the socket is dropped.
      const timer = setTimeout(() => ws.terminate(), 3000);
      ws.close(1000);
      await gone;
      clearTimeout(timer);
    },
  };
  return (async () => {
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
        ws.once("unexpected-response", (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
      });
      ws.send(open);
      await waitFor(/<(stream:)?features[\s>]/, "stream features");
      const plain = Buffer.from(`\u0000${creds.username}\u0000${creds.password}`, "utf8").toString("base64");
      ws.send(`<auth xmlns="${NS.sasl}" mechanism="PLAIN">${plain}</auth>`);
      const outcome = await waitFor(/<(success|failure)[\s>/]/, "SASL outcome");
      if (!/^<success/.test(outcome.trim())) throw new Error(`SASL failed: ${outcome.slice(0, 200)}`);
      ws.send(open);
      await waitFor(/<(stream:)?features[\s>]/, "post-auth stream features");
      ws.send(`<iq xmlns="jabber:client" type="set" id="bind-1"><bind xmlns="${NS.bind}"><resource>${resource}</resource></bind></iq>`);
      const bound = await waitFor(/id=["']bind-1["']/, "bind result");
      if (!/type=["']result["']/.test(bound)) throw new Error(`bind failed: ${bound.slice(0, 200)}`);
      buffer = [];
      idle = true;
      return session;
    } catch (err) {
      ws.terminate();
      throw err;
    }
  })();
}
