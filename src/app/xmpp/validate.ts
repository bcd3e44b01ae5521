/**
 * Validation of what the user types before anything touches the network: the WebSocket URL, the
 * domain, account names, resources and JIDs. Each failure is a specific, user-facing sentence.
 */
import { checkJid, domainpartProblem, isParsedJid, localpartProblem, prepDomainpart, resourcepartProblem, type Jid } from "../../protocol/jid";
import type { PlaygroundError } from "../model";
import { isSandboxService, SANDBOX_SERVICE } from "../../sandbox/protocol";

export type Validated<T> = { ok: true; value: T } | { ok: false; error: PlaygroundError };

const ok = <T>(value: T): Validated<T> => ({ ok: true, value });
const fail = (code: PlaygroundError["code"], message: string, detail?: string): Validated<never> => ({
  ok: false,
  error: detail === undefined ? { code, message } : { code, message, detail },
});

/** The page location, when there is one (browser); tests pass their own base. */
function pageHref(): string | undefined {
  const loc = (globalThis as { location?: { href?: string } }).location;
  return typeof loc?.href === "string" ? loc.href : undefined;
}

/**
 * Resolve the profile's service into an absolute `ws:`/`wss:` URL. A path such as
 * `/xmpp-websocket` resolves against the page's origin (http → ws, https → wss), explicitly:
 * xmpp.js only takes absolute ws(s) URLs (a bare domain would start DNS resolution, which fails
 * in browsers).
 */
export function resolveServiceUrl(input: string, base: string | undefined = pageHref()): Validated<string> {
  const text = input.trim();
  // The Connection tab's "Sandbox server in this page": the reference server in a Worker.
  if (isSandboxService(text)) return ok(SANDBOX_SERVICE);
  if (text === "") return fail("bad-url", "The WebSocket URL is empty: enter e.g. ws://localhost:5280/xmpp-websocket or /xmpp-websocket.");
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(text);
  let url: URL;
  if (hasScheme) {
    try {
      url = new URL(text);
    } catch {
      return fail("bad-url", `The WebSocket URL ${JSON.stringify(text)} does not parse as a URL.`);
    }
    if (url.protocol === "http:" || url.protocol === "https:") {
      const suggestion = `${url.protocol === "https:" ? "wss" : "ws"}:${text.slice(url.protocol.length)}`;
      return fail("bad-url", `The WebSocket URL must start with ws:// or wss://, not ${url.protocol}// (did you mean ${suggestion}?).`);
    }
    if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      return fail("bad-url", `The WebSocket URL must start with ws:// or wss:// (got ${url.protocol}); xmpp.js in the browser speaks XMPP over WebSocket only.`);
    }
  } else {
    if (!text.startsWith("/")) {
      return fail("bad-url", `The WebSocket URL ${JSON.stringify(text)} is neither absolute (ws://host/path) nor a path on this origin (/xmpp-websocket).`);
    }
    if (!base) return fail("bad-url", `The relative WebSocket URL ${JSON.stringify(text)} needs a page origin; give an absolute ws:// or wss:// URL.`);
    let page: URL;
    try {
      page = new URL(base);
    } catch {
      return fail("bad-url", `Cannot resolve ${JSON.stringify(text)}: the page address ${JSON.stringify(base)} is not a URL.`);
    }
    if (page.protocol !== "http:" && page.protocol !== "https:") {
      return fail("bad-url", `Cannot resolve ${JSON.stringify(text)} against a ${page.protocol} page; give an absolute ws:// or wss:// URL.`);
    }
    try {
      url = new URL(text, page);
    } catch {
      return fail("bad-url", `The WebSocket path ${JSON.stringify(text)} does not parse.`);
    }
    url.protocol = page.protocol === "https:" ? "wss:" : "ws:";
  }
  if (url.hostname === "") return fail("bad-url", `The WebSocket URL ${JSON.stringify(text)} has no host.`);
  if (url.username || url.password) return fail("bad-url", "Put credentials in the account fields, not in the WebSocket URL.");
  if (url.hash) url.hash = "";
  return ok(url.toString());
}

/** Whether xmpp.js will treat the URL as secure (wss: or a loopback host): PLAIN is only sent then. */
export function isSecureService(url: string): boolean {
  if (isSandboxService(url)) return true;
  try {
    const u = new URL(url);
    return u.protocol === "wss:" || ["localhost", "127.0.0.1", "[::1]", "::1"].includes(u.hostname);
  } catch {
    return false;
  }
}

export function validateDomain(input: string): Validated<string> {
  const domain = input.trim();
  if (domain === "") return fail("bad-domain", "The domain is empty: enter the XMPP domain, e.g. localhost.");
  const problem = domainpartProblem(domain);
  if (problem) return fail("bad-domain", `The domain ${JSON.stringify(domain)} is not a valid XMPP domain: ${problem}.`);
  return ok(prepDomainpart(domain));
}

export function validateUsername(input: string, role: string): Validated<string> {
  const name = input.trim();
  if (name === "") return fail("bad-jid", `The ${role} username is empty.`);
  const problem = localpartProblem(name);
  if (problem) return fail("bad-jid", `The ${role} username ${JSON.stringify(name)} is not a valid JID localpart: ${problem}.`);
  return ok(name);
}

export function validateResource(input: string, what = "resource"): Validated<string> {
  const resource = input.trim();
  if (resource === "") return fail("bad-jid", `The ${what} is empty.`);
  const problem = resourcepartProblem(resource);
  if (problem) return fail("bad-jid", `The ${what} ${JSON.stringify(resource)} is not a valid resource: ${problem}.`);
  return ok(resource);
}

/** Parse a JID typed by the user (enable's jid, a message target), normalised (RFC 7622). */
export function validateJid(input: string, what = "JID", options: { requireResource?: boolean } = {}): Validated<Jid> {
  const text = input.trim();
  if (text === "") return fail("bad-jid", `The ${what} is empty.`);
  const checked = checkJid(text);
  if (!isParsedJid(checked)) return fail("bad-jid", `The ${what} ${JSON.stringify(text)} is not a valid JID: ${checked.problem}.`);
  if (options.requireResource && checked.resource === "") {
    return fail("bad-jid", `The ${what} must be a full JID (user@domain/resource); ${JSON.stringify(text)} is bare.`);
  }
  return ok(checked);
}
