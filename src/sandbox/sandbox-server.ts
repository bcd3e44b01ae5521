/**
 * The reference server inside the page: the Worker's side of the control channel. It builds the
 * same core as the Node server (src/server/core.ts: the four virtual hosts and their policies,
 * accounts in memory with dev registration, the session manager, the decision log) and a
 * StreamHub, then turns each `connect` request's MessagePort into a stream and answers `log`
 * requests as `GET /xmpp-push/log` would.
 */
import { closeServerCore, createServerCore, createStreamHub, queryPushLog, type CoreOptions, type ServerCore } from "../server/core";
import type { StreamHub } from "../server/core-streams";
import { portFrameSocket } from "./port-frame-socket";
import { CLOSE_NO_SUBPROTOCOL, type ControlReply, type ControlRequest, type FrameMessage } from "./protocol";

/** The Worker's global scope, or one end of a MessageChannel in tests. */
export interface ControlEndpoint {
  postMessage(message: ControlReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
  start?(): void;
}

export interface SandboxServer {
  readonly core: ServerCore;
  readonly hub: StreamHub;
  close(): Promise<void>;
}

/** RFC 7395 §3.1, as src/server/stream/websocket-endpoint.ts (which `ws` keeps out of the Worker). */
const XMPP_SUBPROTOCOL = "xmpp";

function isControlRequest(data: unknown): data is ControlRequest {
  if (typeof data !== "object" || data === null) return false;
  const m = data as Partial<Record<string, unknown>>;
  if (typeof m.id !== "number") return false;
  if (m.type === "connect") return Array.isArray(m.protocols) && typeof MessagePort !== "undefined" && m.port instanceof MessagePort;
  return m.type === "log" && typeof m.search === "string";
}

export function startSandboxServer(control: ControlEndpoint, options: CoreOptions = {}): SandboxServer {
  const core = createServerCore({ logLevel: "warn", ...options });
  const hub = createStreamHub(core);

  control.addEventListener("message", (event) => {
    const request = event.data;
    if (!isControlRequest(request)) {
      core.logger.warn("sandbox: ignored a control message of unknown shape");
      return;
    }
    try {
      if (request.type === "connect") {
        accept(hub, request);
        control.postMessage({ type: "connected", id: request.id });
      } else {
        control.postMessage({ type: "log", id: request.id, reply: queryPushLog(core, request.search) });
      }
    } catch (err) {
      core.logger.error("sandbox: control request failed", { error: err });
      control.postMessage({ type: "error", id: request.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  control.start?.();

  return {
    core,
    hub,
    async close() {
      await hub.shutdown();
      hub.terminate();
      closeServerCore(core);
    },
  };
}

/** As the WebSocket endpoint: without the `xmpp` subprotocol the stream is refused with 1002. */
function accept(hub: StreamHub, request: Extract<ControlRequest, { type: "connect" }>): void {
  if (!request.protocols.includes(XMPP_SUBPROTOCOL)) {
    const refusal: FrameMessage = { t: "close", code: CLOSE_NO_SUBPROTOCOL, reason: "offer the 'xmpp' WebSocket subprotocol (RFC 7395 §3.1)" };
    request.port.postMessage(refusal);
    request.port.close();
    return;
  }
  hub.accept(portFrameSocket(request.port), "in-page");
}
