/** RFC 6120 §8.2.3 iq stanzas. */
import type { Element } from "@xmpp/xml";
import { attrOf, childElements, el, localName } from "./xml-util";

export type IqStanzaType = "get" | "set" | "result" | "error";
export const IQ_TYPES: readonly IqStanzaType[] = ["get", "set", "result", "error"];

export interface IqAttrs {
  type: IqStanzaType;
  to?: string;
  /** Left out when absent: xmpp.js's iqCaller assigns one on send. */
  id?: string;
  from?: string;
}

export function buildIq({ type, to, id, from }: IqAttrs, child?: Element | null): Element {
  return el("iq", { type, id, from, to }, child);
}

/**
 * The payload child of an iq: the single child element of a get/set (RFC 6120 §8.2.3 says exactly
 * one), the optional single child of a result, and for an error the one element besides `<error>`.
 * null when there is none or more than one.
 */
export function iqChild(iq: Element): Element | null {
  const type = attrOf(iq, "type");
  const children = childElements(iq).filter((c) => !(type === "error" && localName(c) === "error"));
  return children.length === 1 ? (children[0] ?? null) : null;
}

export function isIqType(value: string | undefined): value is IqStanzaType {
  return value !== undefined && (IQ_TYPES as readonly string[]).includes(value);
}
