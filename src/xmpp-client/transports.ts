/**
 * Extra xmpp.js transports (classes like @xmpp/websocket's ConnectionWebSocket) that every client
 * of our assembly gets, after the stock ones: xmpp.js picks the first whose `socketParameters`
 * accepts the service. The page's sandbox server registers its `sandbox:` transport here
 * (src/sandbox/xmpp-transport.ts), so the assembly itself knows nothing of the sandbox.
 */
export interface XmppTransportClass {
  prototype: { socketParameters(service: string): unknown };
}

const registered = new Set<XmppTransportClass>();

export function registerXmppTransport(transport: XmppTransportClass): void {
  registered.add(transport);
}

export function extraXmppTransports(): XmppTransportClass[] {
  return [...registered];
}
