import { EventEmitter } from "node:events";
import xml, { type Element } from "@xmpp/xml";
import StockIncoming from "@xmpp/middleware/lib/IncomingContext.js";
import StockOutgoing from "@xmpp/middleware/lib/OutgoingContext.js";
import { describe, expect, it, vi } from "vitest";
import { compose, incomingContext, outgoingContext, setupMiddleware, type Context, type MiddlewareEntity } from "./middleware";

class FakeEntity extends EventEmitter {
  jid = { toString: () => "alice@example.org/r1" };
  options = { domain: "example.org" };
  sent: Element[] = [];
  errors: unknown[] = [];
  send(element: Element): Promise<void> {
    this.sent.push(element);
    return Promise.resolve();
  }
  constructor() {
    super();
    this.on("error", (err: unknown) => this.errors.push(err));
  }
}

const entity = () => new FakeEntity() as FakeEntity & MiddlewareEntity;
const FIELDS = ["name", "id", "type", "local", "domain", "resource"] as const;

function plain(ctx: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  for (const f of FIELDS) out[f] = ctx[f];
  out.from = (ctx.from as { toString(): string } | null)?.toString() ?? null;
  out.to = (ctx.to as { toString(): string } | null)?.toString() ?? null;
  return out;
}

const STANZAS = [
  xml("presence", { from: "alice@example.org/r2", to: "alice@example.org/r1" }),
  xml("presence", { from: "a\\20b@example.org/x", type: "unavailable" }),
  xml("message", { from: "bob@example.org/phone", id: "m1" }, xml("body", {}, "hi")),
  xml("iq", { type: "result", id: "b1" }),
  xml("stream:features", {}),
  xml("a", { xmlns: "urn:xmpp:sm:3", h: "3" }),
];

describe("our middleware contexts", () => {
  it("read the same names, types and addresses as @xmpp/middleware's, incoming and outgoing", () => {
    const e = entity();
    for (const stanza of STANZAS) {
      expect(plain(incomingContext(e, stanza) as unknown as Record<string, unknown>)).toEqual(plain(new StockIncoming(e as never, stanza) as unknown as Record<string, unknown>));
      expect(plain(outgoingContext(e, stanza) as unknown as Record<string, unknown>)).toEqual(plain(new StockOutgoing(e as never, stanza) as unknown as Record<string, unknown>));
    }
  });

  it("lets a handler overwrite the addresses it was given", () => {
    const ctx = incomingContext(entity(), STANZAS[0]!);
    ctx.resource = "other";
    ctx.element = xml("ping", {});
    expect(ctx.resource).toBe("other");
    expect(ctx.from?.toString()).toBe("alice@example.org/r2");
  });
});

describe("compose", () => {
  it("runs the chain in order and rejects a next() called twice", async () => {
    const seen: string[] = [];
    await compose<string>([
      async (ctx, next) => {
        seen.push(`a:${ctx}`);
        await next();
        seen.push("a after");
      },
      (_ctx, next) => {
        seen.push("b");
        return next();
      },
    ])("x");
    expect(seen).toEqual(["a:x", "b", "a after"]);
    await expect(compose<null>([async (_c, next) => { await next(); await next(); }])(null)).rejects.toThrow("next() called multiple times");
  });

  it("turns a handler's throw into a rejection", async () => {
    await expect(compose<null>([() => { throw new Error("boom"); }])(null)).rejects.toThrow("boom");
  });
});

describe("setupMiddleware", () => {
  it("sends what a handler returns, reports its errors, and sees handlers added after the first stanza", async () => {
    const e = entity();
    const m = setupMiddleware({ entity: e });
    m.use((ctx: Context, next) => (ctx.name === "iq" ? xml("iq", { type: "result", id: ctx.id }) : next()));
    e.emit("element", xml("iq", { type: "get", id: "q1" }));
    await vi.waitFor(() => expect(e.sent.map((s) => s.attrs.id)).toEqual(["q1"]));
    m.use(() => Promise.reject(new Error("handler failed")));
    e.emit("element", xml("presence", {}));
    await vi.waitFor(() => expect((e.errors[0] as Error | undefined)?.message).toBe("handler failed"));
  });

  it("runs outgoing filters on every sent element", () => {
    const e = entity();
    const m = setupMiddleware({ entity: e });
    const filtered: string[] = [];
    m.filter((ctx: Context, next) => {
      filtered.push(`${ctx.name}→${ctx.to?.toString() ?? ""}`);
      return next();
    });
    e.emit("send", xml("presence", {}));
    e.emit("send", xml("message", { to: "bob@example.org" }));
    expect(filtered).toEqual(["presence→example.org", "message→bob@example.org"]);
  });
});
