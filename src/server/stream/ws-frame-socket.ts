/** `ws`'s WebSocket as a FrameSocket: one WebSocket message is one RFC 7395 frame. */
import type { WebSocket } from "ws";
import type { FrameSocket } from "./frame-socket";

export function wsFrameSocket(ws: WebSocket): FrameSocket {
  return {
    get readyState() {
      return ws.readyState;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (frame, done) => ws.send(frame, done),
    close: (code, reason) => ws.close(code, reason),
    terminate: () => ws.terminate(),
    onFrame: (listener) => ws.on("message", (data, isBinary) => listener(toBytes(data), isBinary)),
    onClose: (listener) => ws.on("close", (code, reason) => listener(code, reason.toString("utf8"))),
    onError: (listener) => ws.on("error", listener),
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
