/**
 * xmpp.js writes `</close>` when a client stops, even on a socket the server has just dropped or
 * that never connected (a reconnect attempt while the server is down, whose socket XmppSession's
 * wrapSocket never saw): a browser WebSocket then logs "WebSocket is already in CLOSING or CLOSED
 * state" to the console. The guard refuses such writes the way a closed socket would, with an
 * error xmpp.js and our callers already handle (stop() ignores it, send() rejects).
 */

/** WebSocket.CLOSING: from this readyState on, a browser WebSocket's send() only logs an error. */
const WEBSOCKET_CLOSING = 2;

/** What the guard uses of an xmpp.js Connection: its write, and its transport's socket (a WebSocket in the browser). */
export interface GuardedConnection {
  write(data: string): Promise<void>;
  socket: { socket?: { readyState?: unknown } | null } | null;
}

export function guardClosedSocketWrites(connection: GuardedConnection): void {
  const write = connection.write.bind(connection);
  connection.write = async (data: string) => {
    const readyState = connection.socket?.socket?.readyState;
    if (typeof readyState === "number" && readyState >= WEBSOCKET_CLOSING) throw new Error("the WebSocket is closing or closed");
    return write(data);
  };
}
