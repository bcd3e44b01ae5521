/**
 * JIDs as the session manager routes them: parsed once with the stream layer's strict RFC 7622
 * checks (the same normalization bound session JIDs went through), compared in normalized form.
 */
import { checkJid, isParsedJid } from "../../protocol/jid";

export interface Address {
  /** "" for a domain JID. */
  local: string;
  domain: string;
  /** "" for a bare JID. */
  resource: string;
  /** `local@domain` or `domain`. */
  bare: string;
  /** The normalized JID as a whole. */
  full: string;
}

/** null when the string is not a valid JID (the caller answers `jid-malformed`). */
export function parseAddress(raw: string): Address | null {
  const parsed = checkJid(raw);
  if (!isParsedJid(parsed)) return null;
  const { local, domain, resource } = parsed;
  const bare = local ? `${local}@${domain}` : domain;
  return { local, domain, resource, bare, full: resource ? `${bare}/${resource}` : bare };
}

/** The normalized form of a JID string, or the input unchanged when it does not parse. */
export function normalizeJid(raw: string): string {
  return parseAddress(raw)?.full ?? raw;
}
