/**
 * Types for the xmpp.js 0.14 modules that `client.ts` assembles and that ship no typings (neither
 * in the packages nor in DefinitelyTyped). Only what the assembly touches is declared. The
 * Node-only ones (`@xmpp/tcp`, `@xmpp/tls`, `@xmpp/starttls`, `@xmpp/sasl-scram-sha-1`) are mapped
 * to an empty object in browser bundles by the `browser` field of ./package.json, hence the
 * `Record<string, never>` alternative: callers must check `typeof x === "function"` first, exactly like
 * `setupIfAvailable` in @xmpp/client/index.js.
 */

declare module "@xmpp/websocket" {
  /** Registers the RFC 7395 transport (`ws://`, `wss://`) on the entity. */
  export default function websocket(deps: { entity: unknown }): void;
}

declare module "@xmpp/websocket/lib/FramedParser.js" {
  /** The RFC 7395 parser (one element per message); client.ts compares `entity.Parser` with it. */
  const FramedParser: abstract new (...args: never[]) => unknown;
  export default FramedParser;
}

declare module "@xmpp/tcp" {
  /** Registers the plain TCP transport (`xmpp://`). Node only. */
  const tcp: ((deps: { entity: unknown }) => void) | Record<string, never>;
  export default tcp;
}

declare module "@xmpp/tls" {
  /** Registers the direct TLS transport (`xmpps://`). Node only. */
  const tls: ((deps: { entity: unknown }) => void) | Record<string, never>;
  export default tls;
}

declare module "@xmpp/starttls" {
  /** STARTTLS stream feature. Node only. */
  const starttls: ((deps: { streamFeatures: unknown }) => unknown) | Record<string, never>;
  export default starttls;
}

declare module "@xmpp/starttls/starttls.js" {
  /** The TLS upgrade behind the STARTTLS feature (Node only; `false` in browser bundles). */
  export const canUpgrade: ((socket: unknown) => boolean) | undefined;
  export const upgrade: ((socket: unknown, options: Record<string, unknown>) => Promise<unknown>) | undefined;
}

declare module "@xmpp/resolve" {
  /** DNS SRV and XEP-0156 resolution of a bare-domain `service`. */
  export default function resolve(deps: { entity: unknown }): unknown;
}

declare module "@xmpp/time" {
  /** XEP-0082 DateTime without milliseconds, e.g. `2026-11-24T10:00:00Z`. */
  export function datetime(date?: Date | string): string;
}

declare module "@xmpp/sasl-scram-sha-1" {
  import type SASLFactory from "saslmechanisms";
  /** Registers SCRAM-SHA-1 on a SASL factory. Node only (it needs Node's crypto). */
  const scramsha1: ((factory: SASLFactory) => void) | Record<string, never>;
  export default scramsha1;
}

declare module "@xmpp/sasl-plain" {
  import type SASLFactory from "saslmechanisms";
  export default function plain(factory: SASLFactory): void;
}

declare module "@xmpp/sasl-anonymous" {
  import type SASLFactory from "saslmechanisms";
  export default function anonymous(factory: SASLFactory): void;
}

declare module "@xmpp/sasl-ht-sha-256-none" {
  import type SASLFactory from "saslmechanisms";
  /** The FAST (XEP-0484) token mechanism. */
  export default function htsha256none(factory: SASLFactory): void;
}

declare module "@xmpp/client/lib/createOnAuthenticate.js" {
  import type { Element } from "@xmpp/xml";
  /**
   * @xmpp/client's own `onAuthenticate`: a credentials object picks the mechanism (SCRAM first,
   * PLAIN only on a secure transport, ANONYMOUS without credentials); a function is called as is.
   */
  export default function createOnAuthenticate(credentials: unknown, userAgent: Element): (...args: unknown[]) => Promise<void>;
}
