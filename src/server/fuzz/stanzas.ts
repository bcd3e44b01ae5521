/**
 * Valid client stanzas (RFC 6120/6121, XEP-0357 enable/disable/publish, disco, ping) as a small
 * model the mutators can edit before it is serialized. `%ME%` and `%BARE%` stand for the sending
 * session's full and bare JID; the runner fills them in once the session is bound.
 */
import fc from "fast-check";
import { NS } from "../../protocol/ns";
import { localName, safeText, unknownNamespace } from "./xml-text";

export const ME = "%ME%";
export const BARE = "%BARE%";

export interface StanzaModel {
  /** Qualified element name (a mutator may add an unbound prefix). */
  name: string;
  /** Attributes in order; values already escaped. Duplicates are allowed (a mutation). */
  attrs: [string, string][];
  /** Serialized children. */
  inner: string;
}

export function serialize(m: StanzaModel): string {
  const attrs = m.attrs.map(([k, v]) => ` ${k}='${v}'`).join("");
  return m.inner === "" ? `<${m.name}${attrs}/>` : `<${m.name}${attrs}>${m.inner}</${m.name}>`;
}

/** Addresses a stanza may carry without reaching another fuzz or healthy session. */
export const wellFormedTo = fc.constantFrom("localhost", BARE, "nobody@localhost", "nobody@localhost/r", "remote.example", "localhost/res", "tigase.localhost");
/** Addresses RFC 7622 refuses (the server answers jid-malformed or similar). */
export const malformedTo = fc.constantFrom("a@b@localhost", "@localhost", "bob@local host", "", "/res", "bob@", `${"u".repeat(1100)}@localhost`, "bob@localhost/", "x@[::1");

const optionalTo = fc.option(fc.oneof({ weight: 4, arbitrary: wellFormedTo }, { weight: 1, arbitrary: malformedTo }), { nil: undefined });
const id = fc.stringMatching(/^[a-z0-9-]{1,12}$/);

function model(name: string, attrs: [string, string | undefined][], inner: string): StanzaModel {
  const defined = attrs.filter((a): a is [string, string] => a[1] !== undefined);
  return { name, attrs: [["xmlns", NS.client], ...defined], inner };
}

const extension = fc.tuple(localName, unknownNamespace, safeText()).map(([n, ns, t]) => `<${n} xmlns='${ns}'>${t}</${n}>`);

const messageChild = fc.oneof(
  safeText(40).map((t) => `<body>${t}</body>`),
  safeText().map((t) => `<subject>${t}</subject>`),
  safeText(8).map((t) => `<thread>${t}</thread>`),
  fc.constant(`<active xmlns='http://jabber.org/protocol/chatstates'/>`),
  fc.constant(`<no-store xmlns='urn:xmpp:hints'/>`),
  extension,
);

export const message: fc.Arbitrary<StanzaModel> = fc
  .record({
    to: optionalTo,
    type: fc.option(fc.constantFrom("chat", "normal", "headline", "groupchat", "error", "bogus"), { nil: undefined }),
    id: fc.option(id, { nil: undefined }),
    children: fc.array(messageChild, { maxLength: 3 }),
  })
  .map((r) => model("message", [["to", r.to], ["type", r.type], ["id", r.id]], r.children.join("")));

const presenceChild = fc.oneof(
  fc.constantFrom("away", "chat", "dnd", "xa", "bogus").map((s) => `<show>${s}</show>`),
  fc.constantFrom("0", "5", "-1", "-128", "127", "128", "abc", "").map((p) => `<priority>${p}</priority>`),
  safeText().map((t) => `<status>${t}</status>`),
  extension,
);

export const presence: fc.Arbitrary<StanzaModel> = fc
  .record({
    to: fc.option(wellFormedTo, { nil: undefined }),
    type: fc.option(fc.constantFrom("unavailable", "probe", "subscribe", "unsubscribed", "error", "bogus"), { nil: undefined }),
    children: fc.array(presenceChild, { maxLength: 3 }),
  })
  .map((r) => model("presence", [["to", r.to], ["type", r.type]], r.children.join("")));

const pushJid = fc.constantFrom("nobody@localhost/app", "push.example", "localhost", "", "bad@@jid");
const node = fc.option(fc.stringMatching(/^[a-zA-Z0-9-]{0,16}$/), { nil: undefined });
const attr = (k: string, v: string | undefined): string => (v === undefined ? "" : ` ${k}='${v}'`);
const publishOptions = fc.constantFrom(
  "",
  `<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${NS.pubsubPublishOptions}</value></field><field var='secret'><value>s</value></field></x>`,
  `<x xmlns='jabber:x:data' type='form'/>`,
);

const iqPayload = fc.oneof(
  fc.constant({ type: "get", child: `<ping xmlns='${NS.ping}'/>` }),
  node.map((n) => ({ type: "get", child: `<query xmlns='${NS.discoInfo}'${attr("node", n)}/>` })),
  node.map((n) => ({ type: "get", child: `<query xmlns='${NS.discoItems}'${attr("node", n)}/>` })),
  fc.tuple(pushJid, node, fc.constantFrom(undefined, "true", "false", "1", "x"), publishOptions).map(([j, n, away, form]) => ({
    type: "set",
    child: `<enable xmlns='${NS.push}'${attr("jid", j)}${attr("node", n)}${attr("away", away)}>${form}</enable>`,
  })),
  fc.tuple(pushJid, node).map(([j, n]) => ({ type: "set", child: `<disable xmlns='${NS.push}'${attr("jid", j)}${attr("node", n)}/>` })),
  fc.tuple(node, safeText()).map(([n, t]) => ({
    type: "set",
    child: `<pubsub xmlns='${NS.pubsub}'><publish${attr("node", n)}><item><notification xmlns='${NS.push}'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>${NS.pushSummary}</value></field><field var='message-count'><value>${t}</value></field></x></notification></item></publish></pubsub>`,
  })),
  fc.constantFrom("1", "50", "-1", "x").map((l) => ({ type: "get", child: `<log xmlns='${NS.decisions}' limit='${l}'/>` })),
  fc.constant({ type: "get", child: `<query xmlns='jabber:iq:roster'/>` }),
  extension.map((child) => ({ type: "get", child })),
  fc.constant({ type: "get", child: "" }),
);

export const iq: fc.Arbitrary<StanzaModel> = fc
  .record({
    to: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("localhost", BARE, "nobody@localhost", "remote.example") }, { weight: 1, arbitrary: malformedTo }), { nil: undefined }),
    id,
    payload: iqPayload,
    typeOverride: fc.option(fc.constantFrom("get", "set", "result", "error", "bogus"), { nil: undefined, freq: 8 }),
  })
  .map((r) => model("iq", [["to", r.to], ["type", r.typeOverride ?? r.payload.type], ["id", r.id]], r.payload.child));

export const stanza: fc.Arbitrary<StanzaModel> = fc.oneof(message, presence, iq);
