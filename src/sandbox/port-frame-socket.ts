/**
 * A FrameSocket (src/server/stream/frame-socket.ts) over a MessagePort, the Worker's side of one
 * sandbox stream: a frame message is a WebSocket text message (a Uint8Array is a binary one, which
 * the stream layer refuses as it refuses binary WebSocket frames), `close` is the closing
 * handshake (the side that did not start it echoes it) and `terminate` is a dropped connection.
 */
import type { FrameSocket } from "../server/stream/frame-socket";
import { asFrameMessage, CLOSE_ABNORMAL, type FrameMessage } from "./protocol";

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

export function portFrameSocket(port: MessagePort): FrameSocket {
  const encoder = new TextEncoder();
  let state = OPEN;
  const frameListeners: ((data: Uint8Array, isBinary: boolean) => void)[] = [];
  const closeListeners: ((code: number, reason: string) => void)[] = [];
  const errorListeners: ((err: Error) => void)[] = [];

  const post = (message: FrameMessage): void => port.postMessage(message);
  function closed(code: number, reason: string): void {
    if (state === CLOSED) return;
    state = CLOSED;
    port.close();
    // Asynchronous like a socket's close event: never re-entrant into the caller of close().
    queueMicrotask(() => {
      for (const l of closeListeners) l(code, reason);
    });
  }

  port.onmessage = (event: MessageEvent<unknown>) => {
    const message = asFrameMessage(event.data);
    if (!message) {
      for (const l of errorListeners) l(new Error("sandbox port: a message that is no frame, close or terminate"));
      return;
    }
    if (message.t === "frame") {
      if (state !== OPEN) return;
      const binary = typeof message.data !== "string";
      const bytes = typeof message.data === "string" ? encoder.encode(message.data) : message.data;
      for (const l of frameListeners) l(bytes, binary);
    } else if (message.t === "close") {
      if (state === OPEN) post({ t: "close", code: message.code, reason: message.reason });
      closed(message.code, message.reason);
    } else {
      closed(CLOSE_ABNORMAL, "");
    }
  };

  return {
    get readyState() {
      return state;
    },
    bufferedAmount: 0,
    send(frame, done) {
      if (state !== OPEN) {
        queueMicrotask(() => done?.(new Error("sandbox port is not open")));
        return;
      }
      post({ t: "frame", data: frame });
      queueMicrotask(() => done?.());
    },
    close(code, reason = "") {
      if (state !== OPEN) return;
      state = CLOSING;
      post({ t: "close", code, reason });
    },
    terminate() {
      if (state === CLOSED) return;
      post({ t: "terminate" });
      closed(CLOSE_ABNORMAL, "");
    },
    onFrame: (l) => void frameListeners.push(l),
    onClose: (l) => void closeListeners.push(l),
    onError: (l) => void errorListeners.push(l),
  };
}
