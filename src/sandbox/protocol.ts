/**
 * The sandbox's messages. Two kinds of channel:
 *
 * - the control channel between the page and the Worker (`ControlRequest` / `ControlReply`): open
 *   a stream (its MessagePort travels with the request) and read the push decision log, the
 *   requests `GET /xmpp-push/log` and the WebSocket upgrade are on the Node server;
 * - one MessagePort per XMPP stream (`FrameMessage`), carrying RFC 7395 frames as WebSocket
 *   messages would, plus the closing handshake (`close`, echoed) and an abrupt drop (`terminate`,
 *   what a lost TCP connection is to a WebSocket).
 */
import type { PushLogResponse } from "../protocol/push-log";

/** The profile's service for the in-page server: the Connection tab's "Sandbox server in this page". */
export const SANDBOX_SERVICE = "sandbox://in-page/xmpp";

/**
 * Beside index.html: dist/ ships it saying `{ "referenceServer": false }`; the reference server's
 * Vite plugin (`npm start`) answers it with true. The page reads it relative to itself, so a
 * static host (at any sub-path) answers 200 and the browser logs no failed request.
 */
export const HOSTING_FILE = "xpp-hosting.json";

export interface HostingFile {
  referenceServer: boolean;
}

export function isSandboxService(service: string): boolean {
  return /^sandbox:/i.test(service.trim());
}

export type FrameMessage =
  | { t: "frame"; data: string | Uint8Array }
  | { t: "close"; code: number; reason: string }
  | { t: "terminate" };

export type ControlRequest =
  | { type: "connect"; id: number; protocols: string[]; port: MessagePort }
  | { type: "log"; id: number; search: string };

export type LogReply = { status: 200; body: PushLogResponse } | { status: 400; body: { error: string } };

export type ControlReply =
  | { type: "connected"; id: number }
  | { type: "log"; id: number; reply: LogReply }
  | { type: "error"; id: number; message: string };

/** WebSocket close codes the sandbox uses as a WebSocket would. */
export const CLOSE_NORMAL = 1000;
export const CLOSE_ABNORMAL = 1006;
/** RFC 6455 §7.4.1: protocol error, as the Node endpoint answers a client without `xmpp`. */
export const CLOSE_NO_SUBPROTOCOL = 1002;

/** Narrow an untrusted message to a FrameMessage (null when it is not one). */
export function asFrameMessage(data: unknown): FrameMessage | null {
  if (typeof data !== "object" || data === null) return null;
  const m = data as { t?: unknown; data?: unknown; code?: unknown; reason?: unknown };
  if (m.t === "frame" && (typeof m.data === "string" || m.data instanceof Uint8Array)) return { t: "frame", data: m.data };
  if (m.t === "close") return { t: "close", code: typeof m.code === "number" ? m.code : CLOSE_NORMAL, reason: typeof m.reason === "string" ? m.reason : "" };
  if (m.t === "terminate") return { t: "terminate" };
  return null;
}
