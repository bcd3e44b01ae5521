/**
 * Push registrations (§0.1) per account, kept for the life of the server whatever happens to the
 * sessions that enabled them. Order is least-recently-enabled first, which is what LRU eviction
 * (Prosody's `push_max_devices`) removes.
 */
import type { RegistrationKey, RegistrationSnapshot } from "../../protocol/policy/types";

export function sameKey(a: RegistrationKey, b: RegistrationKey): boolean {
  return a.jid === b.jid && a.node === b.node;
}

export class RegistrationStore {
  private readonly accounts = new Map<string, RegistrationSnapshot[]>();

  list(account: string): RegistrationSnapshot[] {
    return (this.accounts.get(account) ?? []).map(copy);
  }

  get(account: string, key: RegistrationKey): RegistrationSnapshot | null {
    const found = this.accounts.get(account)?.find((r) => sameKey(r, key));
    return found ? copy(found) : null;
  }

  /**
   * Stores the registration, replacing one with the same key whole (and making it the most
   * recent); then evicts the least recent beyond `max`. Returns the evicted registrations.
   */
  upsert(account: string, registration: RegistrationSnapshot, max: number): RegistrationSnapshot[] {
    const current = (this.accounts.get(account) ?? []).filter((r) => !sameKey(r, registration));
    current.push(copy(registration));
    const evicted = current.length > max ? current.splice(0, current.length - Math.max(0, max)) : [];
    this.set(account, current);
    return evicted;
  }

  /** Registrations of `jid`, one node or (node undefined) every node, without removing them. */
  match(account: string, jid: string, node: string | undefined): RegistrationSnapshot[] {
    return (this.accounts.get(account) ?? []).filter((r) => r.jid === jid && (node === undefined || r.node === node)).map(copy);
  }

  remove(account: string, key: RegistrationKey): RegistrationSnapshot | null {
    const current = this.accounts.get(account) ?? [];
    const found = current.find((r) => sameKey(r, key));
    if (!found) return null;
    this.set(account, current.filter((r) => r !== found));
    return copy(found);
  }

  setErrorCount(account: string, key: RegistrationKey, errorCount: number): void {
    const found = this.accounts.get(account)?.find((r) => sameKey(r, key));
    if (found) found.errorCount = errorCount;
  }

  private set(account: string, registrations: RegistrationSnapshot[]): void {
    if (registrations.length === 0) this.accounts.delete(account);
    else this.accounts.set(account, registrations);
  }
}

/** Snapshots leave the store as copies so a log entry never changes after it was written. */
function copy(r: RegistrationSnapshot): RegistrationSnapshot {
  return {
    ...r,
    publishOptions: r.publishOptions
      ? { ...r.publishOptions, fields: r.publishOptions.fields.map((f) => ({ var: f.var, values: [...f.values] })) }
      : null,
  };
}
