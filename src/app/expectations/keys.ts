/** Registration keys as sets: comparing expected and observed pushes, and naming them in sentences. */
import { joinList, regLabel } from "../../protocol/policy/common";
import type { RegistrationKey } from "../../protocol/policy/types";

/** JIDs compare case-insensitively in their bare part (RFC 7622 localpart/domainpart), exactly in the resource. */
export function normalJid(jid: string): string {
  const slash = jid.indexOf("/");
  return slash === -1 ? jid.toLowerCase() : `${jid.slice(0, slash).toLowerCase()}${jid.slice(slash)}`;
}

export function keyId(key: RegistrationKey): string {
  return `${normalJid(key.jid)}\n${key.node}`;
}

export function sameKey(a: RegistrationKey, b: RegistrationKey): boolean {
  return keyId(a) === keyId(b);
}

/** Keys in `a` that are not in `b` (each once, in `a`'s order). */
export function keysMinus(a: readonly RegistrationKey[], b: readonly RegistrationKey[]): RegistrationKey[] {
  const inB = new Set(b.map(keyId));
  const seen = new Set<string>();
  return a.filter((k) => {
    const id = keyId(k);
    if (inB.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

export function sameKeySet(a: readonly RegistrationKey[], b: readonly RegistrationKey[]): boolean {
  return keysMinus(a, b).length === 0 && keysMinus(b, a).length === 0;
}

/** "n-1", "n-1 and n-2"; "none" for an empty list. */
export function keysText(keys: readonly RegistrationKey[]): string {
  return keys.length === 0 ? "none" : joinList(keys.map(regLabel));
}

/** "no push", "a push to n-1", "pushes to n-1 and n-2". */
export function pushesText(keys: readonly RegistrationKey[]): string {
  if (keys.length === 0) return "no push";
  return `${keys.length === 1 ? "a push" : "pushes"} to ${keysText(keys)}`;
}
