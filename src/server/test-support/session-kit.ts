/**
 * Test helpers for the session manager tests (src/server/session): an inbox over a real
 * @xmpp/client session (wait for a stanza, or check that none came within a short window) and an
 * App Server sink that answers publishes as told.
 */
import { xml, type Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { NS } from "../../protocol/ns";
import type { PushLogEntry } from "../../protocol/push-log";
import type { StanzaErrorSpec } from "../../protocol/policy/types";
import { parseStanzaError } from "../../protocol/stanzas/errors";
import { parsePushPublish, type ParsedPushPublish } from "../../protocol/stanzas/push";
import { attrOf, findChild, findClientChild, textOf } from "../../protocol/stanzas/xml-util";
import { connectClient, stopQuietly } from "./client";

/** The short window in which "nothing arrives" is checked (the server is in-process). */
export const QUIET_MS = 400;
const WAIT_MS = 4000;

type Predicate = (stanza: Element) => boolean;

interface Waiter {
  predicate: Predicate;
  resolve: (stanza: Element) => void;
}

export class Inbox {
  readonly received: Element[] = [];
  private readonly waiters = new Set<Waiter>();

  constructor(readonly xmpp: Client) {
    xmpp.on("stanza", (stanza: Element) => {
      this.received.push(stanza);
      for (const waiter of [...this.waiters]) {
        if (waiter.predicate(stanza)) {
          this.waiters.delete(waiter);
          waiter.resolve(stanza);
        }
      }
    });
  }

  get jid(): string {
    const jid = this.xmpp.jid;
    if (!jid) throw new Error("client is not online");
    return jid.toString();
  }

  send(stanza: Element): Promise<void> {
    return this.xmpp.send(stanza);
  }

  /** The first stanza (already received or arriving within the timeout) that matches. */
  next(predicate: Predicate, what = "a matching stanza", timeoutMs = WAIT_MS): Promise<Element> {
    const seen = this.received.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { predicate, resolve: (s) => (clearTimeout(timer), resolve(s)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.jid}: no ${what} within ${timeoutMs} ms; got:\n${this.received.map(String).join("\n")}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Every matching stanza received so far, after waiting the quiet window. */
  async settle(predicate: Predicate, ms = QUIET_MS): Promise<Element[]> {
    await sleep(ms);
    return this.received.filter(predicate);
  }

  clear(): void {
    this.received.length = 0;
  }

  /** An iq request; resolves with the reply whatever its type (result or error). */
  async iq(request: Element): Promise<Element> {
    const id = `t-${Math.random().toString(36).slice(2)}`;
    request.attrs.id = id;
    const reply = this.next((s) => s.name === "iq" && attrOf(s, "id") === id && (attrOf(s, "type") === "result" || attrOf(s, "type") === "error"), `reply to iq ${id}`);
    await this.send(request);
    return reply;
  }

  stop(): Promise<void> {
    return stopQuietly(this.xmpp);
  }
}

export async function connect(url: string, jid: string, extra: { mechanism?: "PLAIN" } = {}): Promise<Inbox> {
  const [bare = "", resource] = jid.split("/");
  const [username = "", domain = ""] = bare.split("@");
  const xmpp = await connectClient({ url, domain, username, resource, mechanism: extra.mechanism ?? "PLAIN" });
  return new Inbox(xmpp);
}

export function presence(attrs: Record<string, string> = {}, children: { show?: string; priority?: number; status?: string } = {}): Element {
  return xml(
    "presence",
    attrs,
    ...(children.show !== undefined ? [xml("show", {}, children.show)] : []),
    ...(children.priority !== undefined ? [xml("priority", {}, String(children.priority))] : []),
    ...(children.status !== undefined ? [xml("status", {}, children.status)] : []),
  );
}

export function chat(to: string, body: string | null, attrs: Record<string, string> = {}): Element {
  return xml("message", { type: "chat", to, id: `m-${Math.random().toString(36).slice(2)}`, ...attrs }, ...(body === null ? [] : [xml("body", {}, body)]));
}

export const isPresenceFrom = (from: string, type?: string): Predicate => (s) =>
  s.name === "presence" && attrOf(s, "from") === from && attrOf(s, "type") === type;

export const isMessageWithBody = (body: string): Predicate => (s) =>
  s.name === "message" && textOf(findClientChild(s, "body") ?? xml("none")) === body;

export function errorOf(stanza: Element): StanzaErrorSpec | null {
  return attrOf(stanza, "type") === "error" ? parseStanzaError(stanza) : null;
}

export type SinkAnswer = { kind: "result" } | { kind: "error"; type: string; condition: string } | { kind: "silent" };

/**
 * A session playing the App Server (docs/push-semantics.md §0.3): records each publish iq and answers it with
 * `answer` (result by default), which a test may change between messages.
 */
export class AppServerSink {
  readonly publishes: { stanza: Element; parsed: ParsedPushPublish }[] = [];
  answer: SinkAnswer = { kind: "result" };
  private readonly waiters = new Set<() => void>();

  constructor(readonly inbox: Inbox) {
    inbox.xmpp.iqCallee.set(NS.pubsub, "pubsub", (ctx: { stanza: Element }) => {
      const parsed = parsePushPublish(ctx.stanza);
      if ("error" in parsed) throw new Error(`unreadable publish: ${parsed.error}`);
      this.publishes.push({ stanza: ctx.stanza, parsed });
      for (const wake of [...this.waiters]) wake();
      const answer = this.answer;
      if (answer.kind === "silent") return new Promise<never>(() => {});
      if (answer.kind === "error") return xml("error", { type: answer.type }, xml(answer.condition, { xmlns: NS.stanzaErrors }));
      return true;
    });
  }

  get jid(): string {
    return this.inbox.jid;
  }

  /** Resolves when at least `count` publishes arrived in total. */
  async waitFor(count: number, timeoutMs = WAIT_MS): Promise<ParsedPushPublish[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.publishes.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`sink got ${this.publishes.length} publish(es), expected ${count}`);
      await new Promise<void>((resolve) => {
        const wake = () => (clearTimeout(timer), this.waiters.delete(wake), resolve());
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
    return this.publishes.map((p) => p.parsed);
  }

  /** The publishes after a quiet window (for "no push" checks). */
  async settle(ms = QUIET_MS): Promise<ParsedPushPublish[]> {
    await sleep(ms);
    return this.publishes.map((p) => p.parsed);
  }
}

/** Fetches this account's push log over XMPP (log-iq.ts). */
export async function fetchLog(inbox: Inbox, after?: number, limit?: number): Promise<{ entries: PushLogEntry[]; reply: Element }> {
  const attrs: Record<string, string> = { xmlns: NS.decisions };
  if (after !== undefined) attrs.after = String(after);
  if (limit !== undefined) attrs.limit = String(limit);
  const reply = await inbox.iq(xml("iq", { type: "get" }, xml("log", attrs)));
  const log = findChild(reply, "log", NS.decisions);
  if (attrOf(reply, "type") !== "result" || !log) throw new Error(`log iq failed: ${reply.toString()}`);
  return { entries: JSON.parse(textOf(log)) as PushLogEntry[], reply };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` holds (for server-side state that follows a stanza asynchronously). */
export async function eventually(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
