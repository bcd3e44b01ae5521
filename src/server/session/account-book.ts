/**
 * Every account's push state (src/protocol/account), kept for the life of the server whatever
 * happens to the sessions. The server changes it only through the shared account operations, the
 * same ones the playground's predictions replay.
 */
import { copyRegistration, EMPTY_ACCOUNT, findRegistration, type AccountState } from "../../protocol/account";
import type { RegistrationKey, RegistrationSnapshot } from "../../protocol/policy/types";

export class AccountBook {
  private readonly accounts = new Map<string, AccountState>();

  get(account: string): AccountState {
    return this.accounts.get(account) ?? EMPTY_ACCOUNT;
  }

  /** The account's registrations, least recently enabled first, as copies a log entry may keep. */
  registrations(account: string): RegistrationSnapshot[] {
    return this.get(account).registrations.map(copyRegistration);
  }

  registration(account: string, key: RegistrationKey): RegistrationSnapshot | null {
    const found = findRegistration(this.get(account), key);
    return found ? copyRegistration(found) : null;
  }

  /** Runs one account operation and keeps the state it returns. */
  apply<R extends { state: AccountState }>(account: string, operation: (state: AccountState) => R): R {
    const result = operation(this.get(account));
    this.set(account, result.state);
    return result;
  }

  update(account: string, operation: (state: AccountState) => AccountState): void {
    this.set(account, operation(this.get(account)));
  }

  private set(account: string, state: AccountState): void {
    const empty = state.registrations.length === 0 && state.pushedSinceOnline === 0 && state.offlineCount === 0 && !state.detached;
    if (empty) this.accounts.delete(account);
    else this.accounts.set(account, state);
  }
}
