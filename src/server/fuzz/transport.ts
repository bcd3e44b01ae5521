/**
 * What the fuzzer needs from a transport: open a connection at a stream phase, send frames, read
 * what comes back. WebSocket (RFC 7395), and TCP (RFC 6120 after STARTTLS), where each frame is a
 * write on the socket (our `<open/>` written as the stream header) and each top-level element read
 * back is a received frame.
 */
import type { RawSocket } from "../test-support/raw-socket";
import { rawSession, rawSocket } from "../test-support/raw-socket";
import { rawTcpSession, rawTcpSocket, tcpInput, tlsClientCache, type TcpSocket } from "../tcp/test-support/tcp-socket";

/** One unit the fuzzer sends: text, or bytes sent as a text frame or a binary frame. */
export type FuzzFrame = { text: string } | { bytes: Buffer; binary: boolean };

/** Where a case starts: a fresh connection, an opened stream, or a bound resource. */
export type Phase = "none" | "opened" | "bound";

/** A connection the oracle reads: the same shape as the WebSocket test client. */
export type FuzzConnection = Pick<RawSocket, "frames" | "closed" | "isClosed" | "send" | "nextElement" | "close">;

export interface FuzzTransport {
  readonly name: string;
  /** Opens a connection at `phase`; "bound" logs in as `who` (password `pass`). */
  connect(phase: Phase, who: { username: string; resource: string }): Promise<FuzzConnection>;
  /** TLS handshakes so far and how many resumed a session (TCP only). */
  tlsStats?(): { handshakes: number; resumed: number };
}

export function sendFrame(conn: FuzzConnection, frame: FuzzFrame): void {
  if ("text" in frame) conn.send(frame.text);
  else conn.send(frame.bytes, { binary: frame.binary });
}

export function webSocketTransport(url: string): FuzzTransport {
  return {
    name: "ws",
    async connect(phase, who) {
      if (phase === "bound") return (await rawSession(url, who)).socket;
      if (phase === "opened") {
        const socket = await rawSocket(url);
        await socket.open();
        return socket;
      }
      return rawSocket(url);
    },
  };
}

/**
 * TCP with STARTTLS on `port`, trusting `ca`. Every connection is a new TCP connection with its own
 * STARTTLS handshake; they share one client TLS context and resume the newest session ticket, which
 * spares each handshake the certificate signature and its verification.
 */
export function tcpTransport(port: number, ca: string, setupTimeoutMs: number): FuzzTransport {
  const tls = tlsClientCache(ca);
  const asFuzz = (socket: TcpSocket): FuzzConnection => ({
    frames: socket.frames,
    closed: socket.closed,
    isClosed: () => socket.isClosed(),
    send: (frame) => socket.send(typeof frame === "string" ? tcpInput(frame) : frame),
    nextElement: (timeoutMs) => socket.nextElement(timeoutMs),
    close: () => socket.close(),
  });
  return {
    name: "tcp",
    async connect(phase, who) {
      if (phase === "bound") return asFuzz((await rawTcpSession(port, ca, { ...who, tls, timeoutMs: setupTimeoutMs })).socket);
      const socket = await rawTcpSocket(port, "127.0.0.1", setupTimeoutMs);
      if (phase === "opened") await socket.openSecure(ca, "localhost", tls);
      return asFuzz(socket);
    },
    tlsStats: () => ({ handshakes: tls.handshakes, resumed: tls.resumed }),
  };
}

/** Names the transports the CLI accepts. */
export const TRANSPORT_NAMES = ["ws", "tcp"] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/**
 * The transport by name, for a server whose WebSocket endpoint is `wsUrl` (and TCP listener `tcp`).
 * Over TCP, each step of setting up a connection may take `tcp.setupTimeoutMs` (the case deadline:
 * on a starved machine a fixed 5 s counted a slow server as one that did not serve the connection).
 */
export function transportFor(name: TransportName, wsUrl: string, tcp: { port: number; ca: string; setupTimeoutMs: number } | null): FuzzTransport {
  switch (name) {
    case "ws":
      return webSocketTransport(wsUrl);
    case "tcp":
      if (!tcp) throw new Error("the TCP transport needs the server's TCP listener");
      return tcpTransport(tcp.port, tcp.ca, tcp.setupTimeoutMs);
  }
}
