/** The two @xmpp/websocket 0.14 internals the sandbox transport extends (they ship no typings). */
declare module "@xmpp/websocket/lib/Socket.js" {
  import { EventEmitter } from "node:events";
  export default class Socket extends EventEmitter {
    socket: unknown;
    url: string | null;
    secure: boolean;
    connect(url: string): void;
    _attachSocket(socket: unknown): void;
  }
}

declare module "@xmpp/websocket/lib/Connection.js" {
  export default class ConnectionWebSocket {
    socketParameters(service: string): string | undefined;
    Socket: unknown;
  }
}
