// Node 20 has no global WebSocket; xmpp.js's websocket transport needs one.
import WebSocket from "ws";

if (typeof globalThis.WebSocket === "undefined") {
  (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = WebSocket;
}
