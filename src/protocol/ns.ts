/** XML namespaces and feature vars used across the protocol, server and app. */
export const NS = {
  client: "jabber:client",
  framing: "urn:ietf:params:xml:ns:xmpp-framing",
  streams: "http://etherx.jabber.org/streams",
  streamErrors: "urn:ietf:params:xml:ns:xmpp-streams",
  stanzaErrors: "urn:ietf:params:xml:ns:xmpp-stanzas",
  sasl: "urn:ietf:params:xml:ns:xmpp-sasl",
  bind: "urn:ietf:params:xml:ns:xmpp-bind",
  session: "urn:ietf:params:xml:ns:xmpp-session",
  sm: "urn:xmpp:sm:3",
  discoInfo: "http://jabber.org/protocol/disco#info",
  discoItems: "http://jabber.org/protocol/disco#items",
  push: "urn:xmpp:push:0",
  pushAway: "tigase:push:away:0",
  pushSummary: "urn:xmpp:push:summary",
  pubsub: "http://jabber.org/protocol/pubsub",
  pubsubPublishOptions: "http://jabber.org/protocol/pubsub#publish-options",
  dataForms: "jabber:x:data",
  delay: "urn:xmpp:delay",
  chatStates: "http://jabber.org/protocol/chatstates",
  ping: "urn:xmpp:ping",
  /** XEP-0115 entity capabilities: the `<c node=…>` of a presence names the client. */
  caps: "http://jabber.org/protocol/caps",
  /** The reference server's own namespace for fetching its push decision records over XMPP. */
  decisions: "urn:xmpp-push-playground:decisions:0",
} as const;
