/**
 * Strict JID syntax checks (RFC 7622 §3) for what clients put in `to`/`from` and in SASL/bind.
 *
 * @xmpp/jid is deliberately lenient (it escapes instead of rejecting), which is right for a client
 * but wrong for a server that must answer `jid-malformed`. Full PRECIS profiles need Unicode tables
 * we do not ship; these checks cover the structural rules and the characters RFC 7622 forbids
 * outright, and fold case as the IdentifierClass/UsernameCaseMapped profiles do for ASCII.
 */

export interface ParsedJid {
  local: string;
  domain: string;
  resource: string;
}

const MAX_PART_BYTES = 1023;
const encoder = new TextEncoder();

function byteLength(s: string): number {
  return encoder.encode(s).length;
}

// Control characters (C0, DEL, C1) are never allowed in any part.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** RFC 7622 §3.3.1: characters the localpart must not contain, plus whitespace (UsernameCaseMapped). */
const LOCAL_FORBIDDEN = /["&'/:<>@\s]/;
const DOMAIN_FORBIDDEN = /["&'/<>@\\\s]/;

/** Why a localpart (username) is unacceptable, or null when it is fine. */
export function localpartProblem(local: string): string | null {
  if (local.length === 0) return "empty localpart";
  if (byteLength(local) > MAX_PART_BYTES) return "localpart longer than 1023 bytes";
  if (CONTROL.test(local)) return "control character in localpart";
  if (LOCAL_FORBIDDEN.test(local)) return "localpart contains a forbidden character (space, \" & ' / : < > @)";
  return null;
}

export function domainpartProblem(domain: string): string | null {
  if (domain.length === 0) return "empty domainpart";
  if (byteLength(domain) > MAX_PART_BYTES) return "domainpart longer than 1023 bytes";
  if (CONTROL.test(domain) || DOMAIN_FORBIDDEN.test(domain)) return "domainpart contains a forbidden character";
  if (domain.startsWith("[")) {
    return /^\[[0-9a-fA-F:.]+\]$/.test(domain) ? null : "malformed IPv6 literal";
  }
  if (domain.includes(":")) return "domainpart contains ':'";
  const labels = domain.split(".");
  if (labels.some((l) => l.length === 0)) return "empty label in domainpart";
  return null;
}

export function resourcepartProblem(resource: string): string | null {
  if (resource.length === 0) return "empty resourcepart";
  if (byteLength(resource) > MAX_PART_BYTES) return "resourcepart longer than 1023 bytes";
  if (CONTROL.test(resource)) return "control character in resourcepart";
  return null;
}

/** Parse and normalise a JID string; returns a reason string when it is malformed. */
export function checkJid(input: string): ParsedJid | { problem: string } {
  let rest = input;
  let resource = "";
  const slash = rest.indexOf("/");
  if (slash !== -1) {
    resource = rest.slice(slash + 1);
    rest = rest.slice(0, slash);
    const p = resourcepartProblem(resource);
    if (p) return { problem: p };
  }
  let local = "";
  const at = rest.indexOf("@");
  if (at !== -1) {
    local = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const p = localpartProblem(local);
    if (p) return { problem: p };
  }
  // RFC 7622 §3.2: a trailing dot on the domain is stripped before comparison.
  const domain = rest.endsWith(".") && rest.length > 1 ? rest.slice(0, -1) : rest;
  const p = domainpartProblem(domain);
  if (p) return { problem: p };
  return { local: local.toLowerCase(), domain: domain.toLowerCase(), resource };
}

export function isParsedJid(value: ParsedJid | { problem: string }): value is ParsedJid {
  return !("problem" in value);
}

export function formatJid({ local, domain, resource }: ParsedJid): string {
  return (local ? `${local}@` : "") + domain + (resource ? `/${resource}` : "");
}
