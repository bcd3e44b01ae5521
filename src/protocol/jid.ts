/**
 * JIDs (RFC 7622) as this project needs them: split, validate with a specific reason per failure,
 * normalise, compare. One implementation for the server (stream addressing, SASL, bind, account
 * names), the push policies (enable/disable `jid`) and the app's input validation.
 *
 * @xmpp/jid is deliberately lenient (it escapes instead of rejecting), right for a client but wrong
 * for a server that must answer `jid-malformed`. Full PRECIS needs Unicode tables we do not ship;
 * the approximation here uses the engine's Unicode properties: the localpart must fit the
 * IdentifierClass (letters, digits, ASCII printables, no compatibility characters), the domainpart
 * IDNA2008's letters/digits/hyphen, the resourcepart the FreeformClass minus controls. Lengths are
 * UTF-8 bytes (§3.1: at most 1023 per part).
 */

import { xmlTextProblem } from "./xml-text";

export interface Jid {
  /** "" for a domain JID. */
  local: string;
  domain: string;
  /** "" for a bare JID. */
  resource: string;
  /** `local@domain` or `domain`. */
  bare: string;
  /** The normalised JID as a whole. */
  full: string;
}

export type JidPart = "localpart" | "domainpart" | "resourcepart";

export interface JidProblem {
  /** Which part failed; null when the string as a whole is unusable. */
  part: JidPart | null;
  problem: string;
}

const MAX_PART_BYTES = 1023;
const utf8 = new TextEncoder();

function utf8Length(text: string): number {
  return utf8.encode(text).length;
}

/** C0, DEL and C1 controls. */
const CONTROL = /\p{Cc}/u;
/** RFC 7622 §3.3.1 forbids these in a localpart; space is outside the IdentifierClass as well. */
const LOCAL_FORBIDDEN = /[ "&'/:<>@]/;
/** PRECIS IdentifierClass: ASCII printables, plus letters, digits and combining marks. */
const IDENTIFIER_CHAR = /^[\x21-\x7e\p{Ll}\p{Lu}\p{Lo}\p{Lm}\p{Nd}\p{Mn}\p{Mc}]$/u;
/** IDNA2008 label characters: ASCII letters, digits and hyphen, or non-ASCII letters, marks and digits. */
const LABEL_CHAR = /^[a-z0-9-]$|^(?!\p{ASCII})[\p{L}\p{M}\p{Nd}]$/u;

/**
 * A JID goes into XML (bind, to/from): a character XML 1.0 does not allow (a lone surrogate, a
 * noncharacter such as U+FFFF) would end the session that sends it, and PRECIS disallows both.
 */
function notXmlCharProblem(raw: string, part: JidPart): string | null {
  const bad = xmlTextProblem(raw, part);
  return bad === null ? null : `${part} contains ${bad.code} (${bad.kind}) at character ${bad.position}, which XML does not allow`;
}

function firstMatch(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[0];
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `${JSON.stringify(ch)} (U+${code.toString(16).toUpperCase().padStart(4, "0")})`;
}

// ---- preparation (the normalised forms compared and stored) ------------------------------------

/** UsernameCaseMapped: lower case, NFC. */
export function prepLocalpart(local: string): string {
  return local.toLowerCase().normalize("NFC");
}

/** A trailing dot is not part of the domain (§3.2); case folded, NFC. */
export function prepDomainpart(domain: string): string {
  const stripped = domain.length > 1 && domain.endsWith(".") ? domain.slice(0, -1) : domain;
  return stripped.toLowerCase().normalize("NFC");
}

/** OpaqueString: NFC, case preserved. */
export function prepResourcepart(resource: string): string {
  return resource.normalize("NFC");
}

// ---- per-part checks: a reason, or null when the part is fine ---------------------------------

export function localpartProblem(raw: string): string | null {
  if (raw.length === 0) return "empty localpart";
  if (CONTROL.test(raw)) return "control character in localpart";
  const notXml = notXmlCharProblem(raw, "localpart");
  if (notXml !== null) return notXml;
  const forbidden = firstMatch(raw, LOCAL_FORBIDDEN);
  if (forbidden !== undefined) return `localpart contains a forbidden character ${JSON.stringify(forbidden)} (space, " & ' / : < > @ are not allowed)`;
  // Checked as typed, so the reason names the character the user wrote (case mapping keeps the class).
  for (const ch of raw) {
    if (!IDENTIFIER_CHAR.test(ch)) return `localpart contains ${describeChar(ch)}, which is not a letter, digit or ASCII symbol`;
  }
  const local = prepLocalpart(raw);
  if (utf8Length(local) > MAX_PART_BYTES) return `localpart longer than ${MAX_PART_BYTES} bytes`;
  if (local.normalize("NFKC") !== local) return "localpart contains a compatibility character (its NFKC form differs)";
  return null;
}

export function domainpartProblem(raw: string): string | null {
  const domain = prepDomainpart(raw);
  if (domain.length === 0) return "empty domainpart";
  if (utf8Length(domain) > MAX_PART_BYTES) return `domainpart longer than ${MAX_PART_BYTES} bytes`;
  if (CONTROL.test(domain)) return "control character in domainpart";
  const notXml = notXmlCharProblem(domain, "domainpart");
  if (notXml !== null) return notXml;
  if (domain.startsWith("[")) return isIpv6Literal(domain) ? null : "malformed IPv6 literal";
  if (domain.includes(":")) return "domainpart contains ':' (a port is not part of a JID)";
  for (const label of domain.split(".")) {
    if (label === "") return "empty label in domainpart";
    for (const ch of label) {
      if (!LABEL_CHAR.test(ch)) {
        return `domainpart contains ${describeChar(ch)}, which is not allowed in a domain name`;
      }
    }
    if (label.startsWith("-") || label.endsWith("-")) return `domain label ${JSON.stringify(label)} starts or ends with '-'`;
  }
  return null;
}

export function resourcepartProblem(raw: string): string | null {
  if (raw.length === 0) return "empty resourcepart";
  if (CONTROL.test(raw)) return "control character in resourcepart";
  const notXml = notXmlCharProblem(raw, "resourcepart");
  if (notXml !== null) return notXml;
  // One of RFC 7622 §3.5's invalid examples ("juliet@example.com/ foo").
  if (raw.startsWith(" ")) return "resourcepart starts with a space";
  if (utf8Length(prepResourcepart(raw)) > MAX_PART_BYTES) return `resourcepart longer than ${MAX_PART_BYTES} bytes`;
  return null;
}

/** `[` IPv6 `]` (RFC 7622 §3.2 via RFC 3986's IP-literal), IPv4-suffixed forms included. */
function isIpv6Literal(domain: string): boolean {
  if (!domain.startsWith("[") || !domain.endsWith("]")) return false;
  let body = domain.slice(1, -1);
  let groupsForIpv4 = 0;
  const ipv4 = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(body);
  if (ipv4) {
    if (!(ipv4[2] ?? "").split(".").every((n) => Number(n) <= 255 && !/^0\d/.test(n))) return false;
    body = `${ipv4[1]}0`;
    groupsForIpv4 = 1;
  }
  const halves = body.split("::");
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const all = halves.flatMap(groups);
  if (!all.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return false;
  const count = all.length + groupsForIpv4;
  return halves.length === 2 ? count <= 7 : count === 8;
}

// ---- whole JIDs ---------------------------------------------------------------------------------

/**
 * Split (§3.1: the resourcepart starts at the first '/', the localpart ends at the first '@' before
 * it), check every part and normalise. Returns the first problem found.
 */
export function checkJid(input: string): Jid | JidProblem {
  if (typeof input !== "string" || input.length === 0) return { part: null, problem: "empty JID" };
  const slash = input.indexOf("/");
  const bareText = slash === -1 ? input : input.slice(0, slash);
  const at = bareText.indexOf("@");
  const local = at === -1 ? "" : bareText.slice(0, at);
  const domain = at === -1 ? bareText : bareText.slice(at + 1);
  const resource = slash === -1 ? "" : input.slice(slash + 1);

  if (at !== -1) {
    const problem = localpartProblem(local);
    if (problem) return { part: "localpart", problem };
  }
  const domainProblem = domainpartProblem(domain);
  if (domainProblem) return { part: "domainpart", problem: domainProblem };
  if (slash !== -1) {
    const problem = resourcepartProblem(resource);
    if (problem) return { part: "resourcepart", problem };
  }
  return makeJid(at === -1 ? "" : prepLocalpart(local), prepDomainpart(domain), prepResourcepart(resource));
}

export function isParsedJid(value: Jid | JidProblem): value is Jid {
  return !("problem" in value);
}

/** The normalised JID, or null when it is not valid. */
export function parseJid(input: string): Jid | null {
  const checked = checkJid(input);
  return isParsedJid(checked) ? checked : null;
}

export function isValidJid(input: string): boolean {
  return parseJid(input) !== null;
}

/** Build from parts already prepared (no checks). */
function makeJid(local: string, domain: string, resource = ""): Jid {
  const bareJid = local ? `${local}@${domain}` : domain;
  return { local, domain, resource, bare: bareJid, full: resource ? `${bareJid}/${resource}` : bareJid };
}

export function bare(jid: Jid): Jid {
  return jid.resource === "" ? jid : makeJid(jid.local, jid.domain);
}

export function formatJid({ local, domain, resource }: Pick<Jid, "local" | "domain" | "resource">): string {
  return makeJid(local, domain, resource).full;
}
