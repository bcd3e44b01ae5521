/**
 * `@xmpp/middleware` 0.14 for our assembly (client.ts), with the same contexts, order and error
 * handling, made cheap per stanza. The stock module builds a context per element (in and out)
 * that parses `from` and `to` into JIDs at once, and composes the middleware chain again for each
 * element. With 100 resources of one account, connecting them brings ~10,000 presence broadcasts
 * (RFC 6121 §4.2.2), and those JID parses (@xmpp/jid's XEP-0106 escaping check on every localpart)
 * were ~10 % of the page's CPU while none of the modules we set up reads them. Here:
 *
 * - `from`, `to`, `local`, `domain` and `resource` are parsed on first read (same values);
 * - the chain is composed once, and again only after `use()` or `filter()`.
 */
import parseJid from "@xmpp/jid";
import type { Element } from "@xmpp/xml";

type JID = parseJid.JID;

/** What the middleware needs from the entity (a `@xmpp/client-core` Client). */
export interface MiddlewareEntity {
  jid: { toString(): string } | null;
  options?: { domain?: string };
  send(element: Element): Promise<unknown>;
  emit(event: "error", err: unknown): unknown;
  on(event: "element" | "send", listener: (element: Element) => void): unknown;
}

type Next = () => Promise<unknown>;
export type Middleware<C> = (ctx: C, next: Next) => unknown;

/** `@xmpp/middleware/lib/Context.js`, with the addresses parsed when first read. */
export class Context {
  readonly stanza: Element;
  readonly entity: MiddlewareEntity;
  readonly name: string;
  readonly id: string;
  readonly type: string;
  /** iq callee: the iq's single child (set by `@xmpp/iq/callee.js`). */
  element?: Element;
  private readonly fromText: string | undefined;
  private readonly toText: string | undefined;
  /** Which address `local`, `domain` and `resource` come from: `from` incoming, `to` outgoing. */
  private readonly peer: "from" | "to";
  private parsed: { from: JID | null; to: JID | null } | null = null;

  constructor(entity: MiddlewareEntity, stanza: Element, addresses: { from: string | undefined; to: string | undefined }, peer: "from" | "to") {
    this.stanza = stanza;
    this.entity = entity;
    const { name, attrs } = stanza;
    const { type, id } = attrs as { type?: string; id?: string };
    this.name = name;
    this.id = id || "";
    this.type = type || (name === "message" ? "normal" : name === "presence" ? "available" : "");
    this.fromText = addresses.from;
    this.toText = addresses.to;
    this.peer = peer;
  }

  private addresses(): { from: JID | null; to: JID | null } {
    this.parsed ??= {
      from: this.fromText ? parseJid(this.fromText) : null,
      to: this.toText ? parseJid(this.toText) : null,
    };
    return this.parsed;
  }

  get from(): JID | null {
    return this.addresses().from;
  }

  set from(value: JID | null) {
    this.addresses().from = value;
  }

  get to(): JID | null {
    return this.addresses().to;
  }

  set to(value: JID | null) {
    this.addresses().to = value;
  }

  // The stock context copies these from the JID once; a handler may overwrite them.
  private own: { local?: string; domain?: string; resource?: string } = {};

  get local(): string {
    return this.own.local ?? this.addresses()[this.peer]?.local ?? "";
  }

  set local(value: string) {
    this.own.local = value;
  }

  get domain(): string {
    return this.own.domain ?? this.addresses()[this.peer]?.domain ?? "";
  }

  set domain(value: string) {
    this.own.domain = value;
  }

  get resource(): string {
    return this.own.resource ?? this.addresses()[this.peer]?.resource ?? "";
  }

  set resource(value: string) {
    this.own.resource = value;
  }
}

/** `IncomingContext`: `to` defaults to our JID, `from` to the domain; local/domain/resource of `from`. */
export function incomingContext(entity: MiddlewareEntity, stanza: Element): Context {
  const attrs = stanza.attrs as { from?: string; to?: string };
  return new Context(entity, stanza, { to: attrs.to || entity.jid?.toString(), from: attrs.from || entity.options?.domain }, "from");
}

/** `OutgoingContext`: `from` defaults to our JID, `to` to the domain; local/domain/resource of `to`. */
export function outgoingContext(entity: MiddlewareEntity, stanza: Element): Context {
  const attrs = stanza.attrs as { from?: string; to?: string };
  return new Context(entity, stanza, { from: attrs.from || entity.jid?.toString(), to: attrs.to || entity.options?.domain }, "to");
}

/** koa-compose 4 (what @xmpp/middleware uses): same `next()` checks, same promise per step. */
export function compose<C>(middleware: readonly Middleware<C>[]): (ctx: C) => Promise<unknown> {
  const chain = [...middleware];
  return (ctx) => {
    let index = -1;
    function dispatch(i: number): Promise<unknown> {
      if (i <= index) return Promise.reject(new Error("next() called multiple times"));
      index = i;
      const fn = chain[i];
      if (!fn) return Promise.resolve();
      try {
        return Promise.resolve(fn(ctx, () => dispatch(i + 1)));
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return dispatch(0);
  };
}

/** A chain whose composition is kept until it changes. */
function chainOf<C>(initial: Middleware<C>[]): { push(fn: Middleware<C>): void; run(ctx: C): Promise<unknown> } {
  const list = initial;
  let composed: ((ctx: C) => Promise<unknown>) | null = null;
  return {
    push(fn) {
      list.push(fn);
      composed = null;
    },
    run(ctx) {
      composed ??= compose(list);
      return composed(ctx);
    },
  };
}

export interface XmppMiddleware {
  use<F extends Middleware<Context>>(fn: F): F;
  filter<F extends Middleware<Context>>(fn: F): F;
}

/** `@xmpp/middleware`'s default export: incoming handlers after the error handler, outgoing filters. */
export function setupMiddleware({ entity }: { entity: MiddlewareEntity }): XmppMiddleware {
  const errorHandler: Middleware<Context> = (_ctx, next) => {
    next()
      .then((reply) => reply && entity.send(reply as Element))
      .catch((err: unknown) => entity.emit("error", err));
  };
  const incoming = chainOf<Context>([errorHandler]);
  const outgoing = chainOf<Context>([]);
  entity.on("element", (stanza) => void incoming.run(incomingContext(entity, stanza)));
  entity.on("send", (stanza) => void outgoing.run(outgoingContext(entity, stanza)));
  return {
    use(fn) {
      incoming.push(fn);
      return fn;
    },
    filter(fn) {
      outgoing.push(fn);
      return fn;
    },
  };
}
