/**
 * Accounts of the reference server, per virtual host, stored only as SCRAM credentials (salt,
 * iterations, StoredKey, ServerKey): PLAIN logins are verified by recomputing StoredKey. An account
 * whose password the server saw (registration, a password in the accounts file) has SCRAM-SHA-1 and
 * SCRAM-SHA-256 keys; one given as precomputed SCRAM-SHA-1 keys has only those.
 *
 * Default accounts (`seedDefaultAccounts`, on in `npm start` and `npm run server`): alice, bob and
 * pushsvc with password `pass` on every virtual host, the accounts the UI uses, so a client that
 * logs in with SCRAM (every client's default) finds them from the first start.
 *
 * Dev registration (default on): the first login of an unknown username on a configured host
 * creates the account with the password it offers (PLAIN only: SCRAM never reveals the password,
 * so it cannot register). Later logins must match.
 *
 * Accounts file (JSON), optional, read once at start and never written:
 *
 *   {
 *     "localhost": {
 *       "alice": "pass",
 *       "bob": { "scram-sha-1": { "salt": "<base64>", "iterations": 4096,
 *                                 "storedKey": "<base64>", "serverKey": "<base64>" } }
 *     },
 *     "tigase.localhost": { "carol": "secret" }
 *   }
 *
 * A string is a password (hashed at load, not kept); an object carries precomputed credentials.
 * Top-level keys must be configured virtual hosts.
 */
import { localpartProblem, prepLocalpart } from "../protocol/jid";
import { fromBase64 } from "./stream/bytes";
import {
  DEFAULT_SCRAM_ITERATIONS,
  deriveScramCredentials,
  isStrictBase64,
  verifyPassword,
  type ScramCredentials,
} from "./stream/scram";

export type PlainCheck =
  | { ok: true; username: string; registered: boolean }
  | { ok: false; reason: "unknown-host" | "invalid-username" | "unknown-user" | "bad-password"; detail: string };

export interface AccountStoreOptions {
  hosts: readonly string[];
  devRegistration?: boolean;
  iterations?: number;
}

export class AccountsFileError extends Error {}

/** The accounts the UI's default profile uses (account under test, sender, App Server). */
export const DEFAULT_ACCOUNTS = ["alice", "bob", "pushsvc"] as const;
export const DEFAULT_PASSWORD = "pass";

/** Usernames are prepared like JID localparts (case-folded, NFC), so they match addresses. */
export function normalizeUsername(username: string): string {
  return prepLocalpart(username);
}

export class AccountStore {
  readonly devRegistration: boolean;
  private readonly iterations: number;
  private readonly accounts = new Map<string, Map<string, ScramCredentials>>();
  private readonly sha256 = new Map<string, Map<string, ScramCredentials>>();
  /** Registrations in flight, so two first logins racing cannot both create the account. */
  private readonly pending = new Map<string, Promise<ScramCredentials>>();
  /** Accounts file loads in progress: logins wait for them, so the file wins over dev registration. */
  private loading: Promise<unknown> = Promise.resolve();

  constructor(options: AccountStoreOptions) {
    this.devRegistration = options.devRegistration ?? true;
    this.iterations = options.iterations ?? DEFAULT_SCRAM_ITERATIONS;
    for (const host of options.hosts) this.accounts.set(host.toLowerCase(), new Map());
  }

  /** Resolves once every started load finished (rejections are reported by the load call itself). */
  async whenReady(): Promise<void> {
    await this.loading;
  }

  hasHost(domain: string): boolean {
    return this.accounts.has(domain.toLowerCase());
  }

  get(domain: string, username: string): ScramCredentials | undefined {
    return this.accounts.get(domain.toLowerCase())?.get(normalizeUsername(username));
  }

  list(domain: string): string[] {
    return [...(this.accounts.get(domain.toLowerCase())?.keys() ?? [])].sort();
  }

  /** Create or replace an account (tests, accounts file). */
  async register(domain: string, username: string, password: string): Promise<void> {
    const users = this.usersOf(domain);
    const name = this.checkedUsername(username);
    const [sha1, sha256] = await this.derive(password);
    users.set(name, sha1);
    this.sha256Of(domain).set(name, sha256);
  }

  setCredentials(domain: string, username: string, creds: ScramCredentials): void {
    const name = this.checkedUsername(username);
    this.usersOf(domain).set(name, creds);
    this.sha256Of(domain).delete(name);
  }

  /** SCRAM-SHA-256 keys, when the account has them (see the header). */
  getSha256(domain: string, username: string): ScramCredentials | undefined {
    return this.sha256.get(domain.toLowerCase())?.get(normalizeUsername(username));
  }

  /**
   * DEFAULT_ACCOUNTS with DEFAULT_PASSWORD on every host, unless an account of that name exists
   * (an accounts file wins). Logins wait for it, as for an accounts file.
   */
  seedDefaultAccounts(): Promise<void> {
    const seed = (async () => {
      for (const domain of this.accounts.keys()) {
        for (const username of DEFAULT_ACCOUNTS) {
          if (this.get(domain, username)) continue;
          const [sha1, sha256] = await this.derive(DEFAULT_PASSWORD);
          if (this.get(domain, username)) continue;
          this.usersOf(domain).set(username, sha1);
          this.sha256Of(domain).set(username, sha256);
        }
      }
    })();
    this.loading = Promise.allSettled([this.loading, seed]);
    return seed;
  }

  private async derive(password: string): Promise<[ScramCredentials, ScramCredentials]> {
    const sha1 = await deriveScramCredentials(password, { iterations: this.iterations });
    const sha256 = await deriveScramCredentials(password, { iterations: this.iterations, salt: sha1.salt, hash: "sha256" });
    return [sha1, sha256];
  }

  private sha256Of(domain: string): Map<string, ScramCredentials> {
    const key = domain.toLowerCase();
    let users = this.sha256.get(key);
    if (!users) this.sha256.set(key, (users = new Map()));
    return users;
  }

  async checkPlain(domain: string, username: string, password: string): Promise<PlainCheck> {
    await this.whenReady();
    const users = this.accounts.get(domain.toLowerCase());
    if (!users) return { ok: false, reason: "unknown-host", detail: `no virtual host ${domain}` };
    const problem = localpartProblem(username);
    if (problem) return { ok: false, reason: "invalid-username", detail: problem };
    const name = normalizeUsername(username);
    const key = `${name}@${domain.toLowerCase()}`;

    // No await between this lookup and `pending.set` below: that is what serialises first logins.
    const inFlight = this.pending.get(key);
    const existing = users.get(name) ?? (inFlight ? await inFlight : undefined);
    if (existing) {
      return (await verifyPassword(password, existing))
        ? { ok: true, username: name, registered: false }
        : { ok: false, reason: "bad-password", detail: "wrong password" };
    }
    if (!this.devRegistration) return { ok: false, reason: "unknown-user", detail: `no account ${key}` };

    const creating = this.derive(password);
    this.pending.set(
      key,
      creating.then(([sha1]) => sha1),
    );
    try {
      const [creds, sha256] = await creating;
      users.set(name, creds);
      this.sha256Of(domain).set(name, sha256);
      return { ok: true, username: name, registered: true };
    } finally {
      this.pending.delete(key);
    }
  }

  /** Load the JSON accounts file format documented above. */
  loadFile(path: string): Promise<number> {
    const load = this.readAndLoad(path);
    this.loading = Promise.allSettled([this.loading, load]);
    return load;
  }

  private async readAndLoad(path: string): Promise<number> {
    let raw: string;
    try {
      // Loaded on use: the sandbox's Worker shares this store and has no file system.
      // A variable specifier: the sandbox's Worker bundle (which never reads files) must not try
      // to resolve node:fs, or `vite build` prints an "externalized for browser" notice.
      const fsModule = "node:fs/promises";
      const { readFile } = (await import(/* @vite-ignore */ fsModule)) as typeof import("node:fs/promises");
      raw = await readFile(path, "utf8");
    } catch (err) {
      throw new AccountsFileError(`cannot read accounts file ${path}: ${(err as Error).message}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (err) {
      throw new AccountsFileError(`accounts file ${path} is not valid JSON: ${(err as Error).message}`);
    }
    return this.loadObject(data, path);
  }

  async loadObject(data: unknown, source = "accounts"): Promise<number> {
    if (!isRecord(data)) throw new AccountsFileError(`${source}: expected an object of virtual hosts`);
    let count = 0;
    for (const [domain, users] of Object.entries(data)) {
      if (!this.hasHost(domain)) {
        throw new AccountsFileError(`${source}: "${domain}" is not a configured virtual host (${[...this.accounts.keys()].join(", ")})`);
      }
      if (!isRecord(users)) throw new AccountsFileError(`${source}: "${domain}" must map usernames to passwords`);
      for (const [username, entry] of Object.entries(users)) {
        const where = `${source}: ${username}@${domain}`;
        const problem = localpartProblem(username);
        if (problem) throw new AccountsFileError(`${where}: invalid username (${problem})`);
        if (typeof entry === "string") {
          await this.register(domain, username, entry);
        } else {
          this.setCredentials(domain, username, parseStoredCredentials(entry, where));
        }
        count++;
      }
    }
    return count;
  }

  private usersOf(domain: string): Map<string, ScramCredentials> {
    const users = this.accounts.get(domain.toLowerCase());
    if (!users) throw new AccountsFileError(`no virtual host ${domain}`);
    return users;
  }

  private checkedUsername(username: string): string {
    const problem = localpartProblem(username);
    if (problem) throw new AccountsFileError(`invalid username ${JSON.stringify(username)}: ${problem}`);
    return normalizeUsername(username);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseStoredCredentials(entry: unknown, where: string): ScramCredentials {
  const scram = isRecord(entry) ? entry["scram-sha-1"] : undefined;
  if (!isRecord(scram)) throw new AccountsFileError(`${where}: expected a password string or { "scram-sha-1": {…} }`);
  const b64 = (name: string): Uint8Array => {
    const v = scram[name];
    if (typeof v !== "string" || !isStrictBase64(v) || v.length === 0) {
      throw new AccountsFileError(`${where}: scram-sha-1.${name} must be base64`);
    }
    return fromBase64(v);
  };
  const iterations = scram.iterations;
  if (typeof iterations !== "number" || !Number.isInteger(iterations) || iterations < 1) {
    throw new AccountsFileError(`${where}: scram-sha-1.iterations must be a positive integer`);
  }
  const creds = { salt: b64("salt"), iterations, storedKey: b64("storedKey"), serverKey: b64("serverKey") };
  if (creds.storedKey.length !== 20 || creds.serverKey.length !== 20) {
    throw new AccountsFileError(`${where}: storedKey and serverKey must be 20 bytes (SHA-1)`);
  }
  return creds;
}
