/**
 * xmpp.js's RFC 7395 transport, pointed at the sandbox: the same Connection class (framing,
 * `<open/>`/`<close/>`, parser) over a SandboxWebSocket for `sandbox:` services. Importing this
 * module registers it with our xmpp.js assembly.
 */
import ConnectionWebSocket from "@xmpp/websocket/lib/Connection.js";
import Socket from "@xmpp/websocket/lib/Socket.js";
import { registerXmppTransport } from "../xmpp-client/transports";
import { isSandboxService } from "./protocol";
import { SandboxWebSocket } from "./sandbox-websocket";

class SandboxSocket extends Socket {
  override connect(url: string): void {
    this.url = url;
    // The frames never leave the page: as private as wss://, so PLAIN is allowed.
    this.secure = true;
    this._attachSocket(new SandboxWebSocket(url, ["xmpp"]));
  }
}

export class ConnectionSandbox extends ConnectionWebSocket {
  override socketParameters(service: string): string | undefined {
    return isSandboxService(service) ? service : undefined;
  }
}
ConnectionSandbox.prototype.Socket = SandboxSocket;

registerXmppTransport(ConnectionSandbox);
