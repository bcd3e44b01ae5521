/** RFC 6121 messages: what the push decision needs to know about one message (`MessageSnapshot`). */
import type { Element } from "@xmpp/xml";
import { NS } from "../ns";
import type { MessageSnapshot, MessageType } from "../policy/types";
import { attrOf, childElements, cloneElement, el, findChild, findChildren, findClientChildren, localName, nsOf, textOf } from "./xml-util";

/** XEP-0353 Jingle Message Initiation (call proposals; Tigase pushes them, docs/push-semantics.md A.4). */
export const NS_JINGLE_MESSAGE = "urn:xmpp:jingle-message:0";

export const MESSAGE_TYPES: readonly MessageType[] = ["chat", "normal", "groupchat", "headline", "error"];

export type ChatState = "active" | "composing" | "paused" | "inactive" | "gone";
export const CHAT_STATES: readonly ChatState[] = ["active", "composing", "paused", "inactive", "gone"];

export interface ChatMessageOptions {
  to: string;
  body?: string;
  /** Default `chat`. */
  type?: MessageType;
  /** XEP-0085 chat state notification. */
  chatState?: ChatState;
  id?: string;
  thread?: string;
}

export function buildChatMessage(options: ChatMessageOptions): Element {
  return el(
    "message",
    { type: options.type ?? "chat", to: options.to, id: options.id },
    options.body !== undefined ? el("body", {}, options.body) : null,
    options.thread !== undefined ? el("thread", {}, options.thread) : null,
    options.chatState !== undefined ? el(options.chatState, { xmlns: NS.chatStates }) : null,
  );
}

/** RFC 6121 §5.2.2: a missing or unknown type is treated as `normal`. */
export function messageType(message: Element): MessageType {
  const raw = attrOf(message, "type");
  return MESSAGE_TYPES.find((t) => t === raw) ?? "normal";
}

/** The resourcepart of a JID (everything after the first `/`), null when there is none. */
export function resourceOf(jid: string | undefined): string | null {
  if (jid === undefined) return null;
  const slash = jid.indexOf("/");
  if (slash < 0 || slash === jid.length - 1) return null;
  return jid.slice(slash + 1);
}

/** The XEP-0085 chat state carried by a message, if any. */
export function chatStateOf(message: Element): ChatState | null {
  for (const child of childElements(message)) {
    if (nsOf(child) !== NS.chatStates) continue;
    const state = CHAT_STATES.find((s) => s === localName(child));
    if (state) return state;
  }
  return null;
}

/**
 * What the push policies read from a message. `hasBody` needs a `<body>` (jabber:client) with
 * non-whitespace text; with several bodies (xml:lang variants) the first non-empty one is used.
 * Never throws.
 */
export function messageSnapshot(message: Element, { ownDomain }: { ownDomain: string }): MessageSnapshot {
  const body = findClientChildren(message, "body")
    .map(textOf)
    .find((text) => text.trim() !== "");
  const snapshot: MessageSnapshot = {
    type: messageType(message),
    hasBody: body !== undefined,
    from: attrOf(message, "from") ?? "",
    toResource: resourceOf(attrOf(message, "to")),
  };
  if (body !== undefined) snapshot.body = body;
  if (findChildren(message, "delay", NS.delay).some((d) => attrOf(d, "from") === ownDomain)) snapshot.delayedByOwnDomain = true;
  if (findChild(message, "propose", NS_JINGLE_MESSAGE)) snapshot.callPropose = true;
  if (isStandaloneChatState(message)) snapshot.standaloneChatState = true;
  return snapshot;
}

/** Namespaces ejabberd's `is_standalone_chat_state` ignores besides chat states. */
const STANDALONE_IGNORED_NS: readonly string[] = [NS.chatStates, NS.delay, "jabber:x:event", "urn:xmpp:hints"];

/** ejabberd's codec keeps `<thread>` out of the sub-elements it checks; `<body>`/`<subject>` (even empty) count. */
function isStandaloneChatState(message: Element): boolean {
  return childElements(message).every((child) => {
    const ns = nsOf(child);
    if (ns === NS.client) return localName(child) === "thread";
    return ns !== undefined && STANDALONE_IGNORED_NS.includes(ns);
  });
}

/**
 * A copy of the stanza with a XEP-0203 `<delay xmlns='urn:xmpp:delay' from stamp>` appended
 * (UTC, XEP-0082 DateTime with milliseconds). The input is left untouched.
 */
export function addDelay(stanza: Element, { from, stamp }: { from: string; stamp: Date }): Element {
  const copy = cloneElement(stanza);
  copy.cnode(el("delay", { xmlns: NS.delay, from, stamp: stamp.toISOString() }));
  return copy;
}
