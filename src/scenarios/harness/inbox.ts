/** What the account's and the sender's sessions receive, read into plain records. */
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import { parseStanzaError } from "../../protocol/stanzas/errors";
import { chatStateOf } from "../../protocol/stanzas/message";
import { attrOf, findChild, findClientChild, textOf } from "../../protocol/stanzas/xml-util";
import type { ObservedDelivery, ObservedPresence, Role } from "../types";

export function deliveryOf(receiver: { role: Role; resource: string }, stanza: Element, at = Date.now()): Omit<ObservedDelivery, "seq"> {
  const delivery: Omit<ObservedDelivery, "seq"> = {
    at,
    role: receiver.role,
    resource: receiver.resource,
    from: attrOf(stanza, "from") ?? "",
    to: attrOf(stanza, "to") ?? "",
    type: attrOf(stanza, "type") ?? "normal",
  };
  const id = attrOf(stanza, "id");
  if (id !== undefined) delivery.id = id;
  const body = findClientChild(stanza, "body");
  if (body) delivery.body = textOf(body);
  const chatState = chatStateOf(stanza);
  if (chatState) delivery.chatState = chatState;
  const delay = findChild(stanza, "delay", NS.delay);
  if (delay) {
    delivery.delay = {};
    const from = attrOf(delay, "from");
    const stamp = attrOf(delay, "stamp");
    if (from !== undefined) delivery.delay.from = from;
    if (stamp !== undefined) delivery.delay.stamp = stamp;
  }
  if (delivery.type === "error") {
    const error = parseStanzaError(stanza);
    if (error) delivery.error = error;
  }
  return delivery;
}

export function presenceOf(resource: string, stanza: Element, at = Date.now()): ObservedPresence {
  const record: ObservedPresence = { at, resource, from: attrOf(stanza, "from") ?? "" };
  const type = attrOf(stanza, "type");
  if (type !== undefined) record.type = type;
  const show = findClientChild(stanza, "show");
  if (show) record.show = textOf(show);
  const priority = findClientChild(stanza, "priority");
  if (priority) record.priority = Number(textOf(priority));
  return record;
}
