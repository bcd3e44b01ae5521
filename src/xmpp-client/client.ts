/**
 * Our assembly of the xmpp.js 0.14 client, built from its packages as the maintainer advises
 * (xmppjs/xmpp.js#1115: "build your own client from packages/client/index.js"). It is
 * `@xmpp/client`'s `client()` line for line (same packages, same order, same defaults) except:
 *
 * - `@xmpp/middleware` is `./middleware.ts`: same contexts and order, but it parses a stanza's
 *   addresses only when a handler reads them and composes the chain once (per-stanza cost);
 * - stream management is `./stream-management.ts`, which counts acks correctly
 *   (docs/upstream/xmpp-js-sm-ack-miscount.md), and can be turned off (`streamManagement: false`);
 * - the playground's "app killed" controls: `killSocket()` drops the transport without `</close>`
 *   and without reconnecting, `resume()` reconnects the same client and resumes the session
 *   (XEP-0198), `smState()` copies the counters.
 *
 * Isomorphic. In browser bundles the `browser` field of ./package.json maps @xmpp/tcp, @xmpp/tls,
 * @xmpp/starttls and @xmpp/sasl-scram-sha-1 to empty modules, as @xmpp/client's own package.json
 * does, so only `ws://`/`wss://` and PLAIN/ANONYMOUS (and FAST) remain there; @xmpp/resolve too
 * (the browser always connects to a URL).
 */
import { Client, jid, xml } from "@xmpp/client-core";
import type { Client as StockClient, Options as StockOptions } from "@xmpp/client";
import getDomain from "@xmpp/client/lib/getDomain.js";
import createOnAuthenticate from "@xmpp/client/lib/createOnAuthenticate.js";
import _bind2 from "@xmpp/client-core/src/bind2/bind2.js";
import _fast from "@xmpp/client-core/src/fast/fast.js";
import { TimeoutError, promise } from "@xmpp/events";
import _iqCallee from "@xmpp/iq/callee.js";
import _iqCaller from "@xmpp/iq/caller.js";
import _reconnect from "@xmpp/reconnect";
import _resolve from "@xmpp/resolve";
import _resourceBinding from "@xmpp/resource-binding";
import _sasl from "@xmpp/sasl";
import anonymous from "@xmpp/sasl-anonymous";
import htsha256none from "@xmpp/sasl-ht-sha-256-none";
import plain from "@xmpp/sasl-plain";
import scramsha1 from "@xmpp/sasl-scram-sha-1";
import _sasl2 from "@xmpp/sasl2";
import _starttls from "@xmpp/starttls";
import * as starttlsUpgrade from "@xmpp/starttls/starttls.js";
import _streamFeatures from "@xmpp/stream-features";
import _tcp from "@xmpp/tcp";
import _tls from "@xmpp/tls";
import _websocket from "@xmpp/websocket";
import FramedParser from "@xmpp/websocket/lib/FramedParser.js";
import type { Element } from "@xmpp/xml";
import SASLFactory from "saslmechanisms";
import { setupMiddleware, type MiddlewareEntity } from "./middleware";
import { presenceFrameFrom } from "./skip-stanza";
import { setupStreamManagement } from "./stream-management";
import { extraXmppTransports } from "./transports";
import type { SmEntity, SmFailure, SmInlineFeatures, SmResumed, SmSnapshot, SmStreamFeatures, StreamManagement } from "./stream-management";

export { jid, xml };
export type { SmFailure, SmResumed, SmSnapshot, StreamManagement } from "./stream-management";

export interface XmppClientOptions extends StockOptions {
  /**
   * SASL2 `<user-agent/>`. @xmpp/client reads it too (its typings omit it); the default builds one
   * with `crypto.randomUUID()`, which only exists in secure contexts (https or localhost).
   */
  userAgent?: Element;
  /** false: never negotiate XEP-0198, as if the server did not offer it. Default true. */
  streamManagement?: boolean;
  /**
   * Node, `xmpp://`: extra `tls.connect` options for the STARTTLS upgrade, e.g. `{ ca }` to trust
   * the reference server's self-signed certificate (xmpp.js's own STARTTLS passes only `host`).
   */
  tlsOptions?: Record<string, unknown>;
  /**
   * Presence the application drops unread, by `from` (the playground: its own sessions' presence,
   * which the server broadcasts to every sibling resource, RFC 6121 §4.2.2: ~10,000 stanzas when
   * 100 resources of one account connect). When this returns true for a WebSocket message that is
   * a `<presence/>` from that address (skip-stanza.ts), the message is counted for stream
   * management (`h`, timers) like any stanza but neither parsed nor emitted (`element`, `stanza`,
   * middleware). Only on framed transports (one element per message, RFC 7395 §3.3.3); anything
   * the quick look cannot vouch for is parsed as usual.
   */
  skipPresenceFrom?: (from: string) => boolean;
}

export interface KillSocketOptions {
  /** How long to wait for the transport to report it is closed (default 5000 ms). */
  timeoutMs?: number;
}

export interface ResumeOptions {
  /** Deadline for `<resumed/>` (default 10000 ms); the connection attempt is left running after it. */
  timeoutMs?: number;
}

/** `@xmpp/client`'s Client, with the fixed stream management and the playground's controls. */
export interface XmppClient extends StockClient {
  streamManagement: StreamManagement;
  /**
   * Simulates an app killed by the OS: the transport is dropped without `</close>` (and without
   * the `<a/>` a graceful close sends), and automatic reconnection is stopped (`reconnect.stop()`;
   * call `reconnect.start()` to get it back). The server keeps the session for resumption
   * (Prosody hibernates it, and pushes), as it would for a lost network.
   *
   * Node: `ws`'s `terminate()` destroys the TCP connection at once (ejabberd ignores a bare
   * WebSocket close frame until its next write fails, docs/push-semantics.md §E). Browser: a
   * page can only `close()` a WebSocket, which sends a close frame (code 1000): Prosody treats it
   * like a drop, ejabberd may notice only later. `xmpp://`/`xmpps://` (Node): the TCP/TLS socket is
   * destroyed. Resolves once the status is `disconnect`.
   */
  killSocket(options?: KillSocketOptions): Promise<void>;
  /**
   * Reconnects this same client so that it sends `<resume previd h/>` after authenticating.
   * Resolves when `<resumed/>` arrived and unacknowledged stanzas were sent again (status is then
   * `online`, without an `online` event, as in xmpp.js). Rejects with the server's `<failed/>` as
   * an XMPPError (`condition`, e.g. `item-not-found` once the session expired); the client then
   * goes on to bind a new session, as xmpp.js does, and emits `online` when done. Also rejects
   * when the server establishes a new session without resuming (no SM offered), on a connection,
   * authentication or stream error, and on timeout. Throws at once unless the status is
   * `disconnect` with a resumable session.
   */
  resume(options?: ResumeOptions): Promise<SmResumed>;
  /** A copy of the stream-management counters. */
  smState(): SmSnapshot;
}

/** The Node-only plug-ins are empty objects in browser bundles (see ./package.json). */
function setupIfAvailable<D, R>(plugin: ((deps: D) => R) | Record<string, never>, deps: D): R | undefined {
  return typeof plugin === "function" ? plugin(deps) : undefined;
}

/** `@xmpp/client`'s `client()` with our stream management (see the file comment). */
export function createXmppClient(options: XmppClientOptions = {}): XmppClient {
  const { resource, credentials, username, password, userAgent: givenUserAgent, streamManagement: negotiateSm = true, tlsOptions, skipPresenceFrom, ...params } = options;

  const { domain, service } = params;
  if (!domain && service) params.domain = getDomain(service);

  const entity = new Client(params);
  if (username && params.domain) entity.jid = jid(username, params.domain);

  const reconnect = _reconnect({ entity });
  const websocket = _websocket({ entity });
  (entity as unknown as { transports: unknown[] }).transports.push(...extraXmppTransports());
  const tcp = setupIfAvailable(_tcp, { entity });
  const tls = setupIfAvailable(_tls, { entity });

  const middleware = setupMiddleware({ entity: entity as unknown as MiddlewareEntity }) as unknown as Parameters<typeof _streamFeatures>[0]["middleware"];
  const streamFeatures = _streamFeatures({ middleware });
  const iqCaller = _iqCaller({ middleware, entity });
  const iqCallee = _iqCallee({ middleware, entity });
  // Browser bundles always get a ws(s):// URL: @xmpp/resolve (DNS, XEP-0156) is empty there.
  const resolve = setupIfAvailable(_resolve, { entity });

  // SASL mechanisms: order matters and defines priority.
  const saslFactory = new SASLFactory();
  const mechanisms = Object.entries({
    ...(typeof scramsha1 === "function" && { scramsha1 }),
    plain,
    anonymous,
  }).map(([name, mechanism]) => ({ [name]: mechanism(saslFactory) }));

  const userAgent = givenUserAgent ?? xml("user-agent", { id: globalThis.crypto.randomUUID() });

  // Stream features: order matters and defines priority.
  if (tlsOptions) useStarttlsWith(streamFeatures as unknown as FeatureUser, tlsOptions);
  const starttls = setupIfAvailable(_starttls, { streamFeatures });
  const onAuthenticate = (): ReturnType<typeof createOnAuthenticate> =>
    createOnAuthenticate(credentials ?? { username, password }, userAgent);
  const sasl2 = _sasl2({ streamFeatures, saslFactory }, onAuthenticate() as Parameters<typeof _sasl2>[1]);
  const fast = _fast({ sasl2, entity: entity as unknown as Parameters<typeof _fast>[0]["entity"] });
  sasl2.setup({ fast });
  // SASL2 inline features.
  const bind2 = _bind2({ sasl2, entity }, resource as Parameters<typeof _bind2>[1]);
  // FAST mechanisms: order matters and defines priority.
  htsha256none(fast.saslFactory);

  const sasl = _sasl({ streamFeatures, saslFactory }, onAuthenticate() as Parameters<typeof _sasl>[1]);
  const streamManagement = setupStreamManagement({
    entity: entity as unknown as SmEntity,
    streamFeatures: streamFeatures as unknown as SmStreamFeatures,
    bind2: bind2 as unknown as SmInlineFeatures,
    sasl2: sasl2 as unknown as SmInlineFeatures,
  });
  streamManagement.negotiate = negotiateSm;
  if (skipPresenceFrom) skipUnreadPresence(entity as unknown as DataEntity, streamManagement, skipPresenceFrom);
  const resourceBinding = _resourceBinding({ iqCaller, streamFeatures }, resource);

  iqCallee.get("urn:xmpp:ping", "ping", () => ({}));

  async function killSocket({ timeoutMs = 5000 }: KillSocketOptions = {}): Promise<void> {
    reconnect.stop();
    const socket = entity.socket;
    if (!socket) throw new Error(`there is no socket to drop (status: ${entity.status})`);
    const disconnected = promise(entity, "disconnect", null, timeoutMs);
    dropTransport(socket);
    try {
      await disconnected;
    } catch (err) {
      if (err instanceof TimeoutError) throw new Error(`the transport did not report closing within ${timeoutMs} ms`, { cause: err });
      throw err;
    }
  }

  function resume({ timeoutMs = 10_000 }: ResumeOptions = {}): Promise<SmResumed> {
    if (entity.status !== "disconnect") {
      return Promise.reject(new Error(`cannot resume while the status is ${entity.status}: drop the connection first (killSocket)`));
    }
    if (!streamManagement.resumable || !streamManagement.id) {
      return Promise.reject(new Error("no resumable session: stream management was not enabled with resumption on the last stream"));
    }
    return new Promise<SmResumed>((resolvePromise, rejectPromise) => {
      let settled = false;
      const onResumed = (info: SmResumed): void => finish(() => resolvePromise(info));
      const onFailed = (failure: SmFailure): void => {
        if (failure.phase === "resume") finish(() => rejectPromise(failure.error));
      };
      const onOnline = (): void =>
        finish(() => rejectPromise(new Error("the server bound a new session instead of resuming (it offered no stream management)")));
      const onError = (err: Error): void => finish(() => rejectPromise(err));
      const onDisconnect = (): void => finish(() => rejectPromise(new Error("the connection closed before the session was resumed")));
      const timer = setTimeout(() => finish(() => rejectPromise(new TimeoutError(`no <resumed/> within ${timeoutMs} ms`))), timeoutMs);
      function finish(settle: () => void): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        streamManagement.off("resumed", onResumed);
        streamManagement.off("failed", onFailed);
        entity.off("online", onOnline);
        entity.off("error", onError);
        entity.off("disconnect", onDisconnect);
        settle();
      }
      streamManagement.on("resumed", onResumed);
      streamManagement.on("failed", onFailed);
      entity.on("online", onOnline);
      entity.on("error", onError);
      entity.on("disconnect", onDisconnect);
      // What @xmpp/reconnect does: the `sm` stream feature sends <resume/> after SASL.
      const { service: url, domain: to, lang } = entity.options;
      (async () => {
        await entity.connect(url ?? "");
        await entity.open({ domain: to ?? "", lang });
      })().catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
    });
  }

  const client = Object.assign(entity, {
    entity,
    reconnect,
    tcp,
    websocket,
    tls,
    middleware,
    streamFeatures,
    iqCaller,
    iqCallee,
    resolve,
    starttls,
    saslFactory,
    sasl2,
    sasl,
    resourceBinding,
    streamManagement,
    mechanisms,
    bind2,
    fast,
    killSocket,
    resume,
    smState: () => streamManagement.snapshot(),
  });
  return client as unknown as XmppClient;
}

/** What `skipUnreadPresence` touches of @xmpp/connection (its data handler, bound at the first connect). */
interface DataEntity {
  Parser: unknown;
  parser: { cursor?: unknown } | null;
  _onData(data: { toString(encoding?: string): string } | string): void;
}

/** See `XmppClientOptions.skipPresenceFrom`. Installed before the first connect, which binds `_onData`. */
function skipUnreadPresence(entity: DataEntity, sm: StreamManagement, skip: (from: string) => boolean): void {
  const parse = entity._onData.bind(entity);
  entity._onData = (data) => {
    // Framed (WebSocket) and between elements: the message is one whole element.
    if (entity.Parser === FramedParser && !entity.parser?.cursor) {
      const from = presenceFrameFrom(typeof data === "string" ? data : data.toString("utf8"));
      if (from !== null && skip(from)) {
        sm.countUnparsedStanza();
        return;
      }
    }
    parse(data);
  };
}

interface FeatureUser {
  use(
    name: string,
    xmlns: string,
    handler: (ctx: { entity: Client }, next: () => Promise<void>) => Promise<void>,
  ): unknown;
}

const NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";

/** @xmpp/starttls's feature, with `tlsOptions` passed to the upgrade; runs before (and instead of) it. */
function useStarttlsWith(streamFeatures: FeatureUser, tlsOptions: Record<string, unknown>): void {
  const { canUpgrade, upgrade } = starttlsUpgrade;
  if (typeof canUpgrade !== "function" || typeof upgrade !== "function") return;
  streamFeatures.use("starttls", NS_TLS, async ({ entity }, next) => {
    const socket = (entity as unknown as { socket: unknown }).socket;
    if (!canUpgrade(socket)) return next();
    const answer = await entity.sendReceive(xml("starttls", { xmlns: NS_TLS }));
    if (!answer.is("proceed", NS_TLS)) throw new Error("STARTTLS_FAILURE");
    const secure = await upgrade(socket, { host: entity.options.domain, servername: entity.options.domain, ...tlsOptions });
    (entity as unknown as { _attachSocket(s: unknown): void })._attachSocket(secure);
    await entity.restart();
  });
}

/** What `entity.socket` may hold: @xmpp/websocket's wrapper (`.socket` is the WebSocket) or a net/tls socket. */
interface DroppableSocket {
  socket?: { terminate?: () => void; close?: () => void; destroy?: () => void } | null;
  destroy?: () => void;
}

function dropTransport(socket: unknown): void {
  const { socket: raw, destroy } = socket as DroppableSocket;
  // `ws` (Node): no close frame, the TCP connection is destroyed at once.
  if (typeof raw?.terminate === "function") return raw.terminate();
  // Browser WebSocket: a close frame is all a page can do.
  if (typeof raw?.close === "function") return raw.close();
  // @xmpp/tls's wrapper after STARTTLS or on xmpps://: its TLSSocket.
  if (typeof raw?.destroy === "function") return raw.destroy();
  // net.Socket / tls.TLSSocket (xmpp://, xmpps://).
  if (typeof destroy === "function") return destroy.call(socket);
  throw new Error("unknown transport: cannot drop its socket");
}
