/**
 * Small, defensive accessors over ltx elements. Stanzas come from the network (hostile input), and
 * elements may also come from ltx's other build (`ltx/src` vs `ltx/lib`), so nothing here relies on
 * `instanceof` or on attributes being strings.
 */
import { Element, xml } from "./element";
import type { Node } from "@xmpp/xml";
import { NS } from "../ns";

export function isElement(node: unknown): node is Element {
  return (
    typeof node === "object" &&
    node !== null &&
    typeof (node as { name?: unknown }).name === "string" &&
    Array.isArray((node as { children?: unknown }).children) &&
    typeof (node as { getNS?: unknown }).getNS === "function"
  );
}

/** An attribute as a string; undefined when absent or not a string/number (hand-built elements). */
export function attrOf(el: Element, name: string): string | undefined {
  const attrs: unknown = el.attrs;
  if (typeof attrs !== "object" || attrs === null || !Object.prototype.hasOwnProperty.call(attrs, name)) return undefined;
  const value: unknown = (attrs as Record<string, unknown>)[name];
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

export function childElements(el: Element): Element[] {
  return Array.isArray(el.children) ? el.children.filter(isElement) : [];
}

/** Local name (without prefix). */
export function localName(el: Element): string {
  const idx = el.name.indexOf(":");
  return idx >= 0 ? el.name.slice(idx + 1) : el.name;
}

/** Namespace of the element, resolved through its ancestors; undefined when none is declared. */
export function nsOf(el: Element): string | undefined {
  try {
    const ns: unknown = el.getNS();
    return typeof ns === "string" ? ns : undefined;
  } catch {
    return undefined;
  }
}

/** First child with this local name in this namespace. */
export function findChild(el: Element, name: string, ns: string): Element | undefined {
  return childElements(el).find((c) => localName(c) === name && nsOf(c) === ns);
}

export function findChildren(el: Element, name: string, ns: string): Element[] {
  return childElements(el).filter((c) => localName(c) === name && nsOf(c) === ns);
}

/**
 * Children in the stanza's own namespace (`jabber:client`, or none when built locally without an
 * xmlns). Prefixed names are refused: `<foo:body>` is not a body.
 */
export function findClientChildren(el: Element, name: string): Element[] {
  return childElements(el).filter((c) => c.name === name && isClientNs(nsOf(c)));
}

export function findClientChild(el: Element, name: string): Element | undefined {
  return findClientChildren(el, name)[0];
}

export function isClientNs(ns: string | undefined): boolean {
  return ns === undefined || ns === NS.client;
}

/** Concatenated direct text children (ltx may hold numbers in hand-built trees). */
export function textOf(el: Element): string {
  let text = "";
  for (const child of Array.isArray(el.children) ? el.children : []) {
    if (typeof child === "string") text += child;
    else if (typeof child === "number") text += String(child);
  }
  return text;
}

/** `xml()` with undefined attributes and null children dropped. */
export function el(
  name: string,
  attrs: Record<string, string | number | undefined>,
  ...children: (Node | null | undefined | false)[]
): Element {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined) clean[key] = String(value);
  }
  const node = xml(name, clean);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (typeof child === "string" && child === "") continue;
    node.cnode(child);
  }
  return node;
}

/** Deep copy (ltx's own clone lives in a different module build, so its Elements would differ). */
export function cloneElement(source: Element): Element {
  const root = new Element(source.name, { ...(source.attrs as Record<string, unknown>) });
  const stack: [Element, Element][] = [[source, root]];
  for (let pair = stack.pop(); pair; pair = stack.pop()) {
    const [from, to] = pair;
    for (const child of Array.isArray(from.children) ? from.children : []) {
      if (isElement(child)) {
        const copy = new Element(child.name, { ...(child.attrs as Record<string, unknown>) });
        to.cnode(copy);
        stack.push([child, copy]);
      } else if (typeof child === "string" || typeof child === "number") {
        to.t(String(child));
      }
    }
  }
  return root;
}

/** Short description of an element for error messages: `<name xmlns='ns'>`. */
export function describe(el: Element): string {
  const ns = nsOf(el);
  return ns ? `<${el.name} xmlns='${ns}'>` : `<${el.name}>`;
}

/** Quote an untrusted value for an error message, cut to a readable length. */
export function quote(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max)}…` : value;
  return `'${cut}'`;
}
