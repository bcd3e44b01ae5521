/**
 * The one thing a StreamConnection needs from its transport: whole RFC 7395 frames in and out.
 * `ws`'s WebSocket is adapted to it in Node (wsFrameSocket); other transports (a TCP stream
 * re-framed per top-level element, a MessagePort inside a Web Worker) implement it too, so the
 * stream layer above never sees which one carries it.
 */
export const FRAME_SOCKET_OPEN = 1;

export interface FrameSocket {
  /** FRAME_SOCKET_OPEN (1) while frames may be sent; anything else means closing or closed. */
  readonly readyState: number;
  /** Outbound bytes not yet handed to the peer (a client that stops reading grows this). */
  readonly bufferedAmount: number;
  send(frame: string, done?: (err?: Error) => void): void;
  /** Graceful close (the WebSocket closing handshake, or its equivalent). */
  close(code: number, reason?: string): void;
  /** Drop the connection now. */
  terminate(): void;
  onFrame(listener: (data: Uint8Array, isBinary: boolean) => void): void;
  onClose(listener: (code: number, reason: string) => void): void;
  onError(listener: (err: Error) => void): void;
  /**
   * A transport that frames a byte stream itself (TCP) reports what is wrong with the stream's own
   * framing here; the connection answers it in order, after the frames before it.
   */
  onStreamError?(listener: (condition: string, text: string) => void): void;
}
