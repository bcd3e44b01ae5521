/**
 * What the fuzzer needs from a transport: open a connection at a stream phase, send frames, read
 * what comes back. WebSocket (RFC 7395) is the only one today; a TCP transport (RFC 6120 stream
 * framing) implements the same interface, turning each frame into bytes on the socket and each
 * top-level element it reads into a received frame.
 */
import type { RawSocket } from "../test-support/raw-socket";
import { rawSession, rawSocket } from "../test-support/raw-socket";

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

/** Names the transports the CLI accepts (`tcp` joins once the server speaks TCP). */
export const TRANSPORT_NAMES = ["ws"] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

/** The transport by name, for a server whose WebSocket endpoint is `wsUrl`. */
export function transportFor(name: TransportName, wsUrl: string): FuzzTransport {
  switch (name) {
    case "ws":
      return webSocketTransport(wsUrl);
  }
}

