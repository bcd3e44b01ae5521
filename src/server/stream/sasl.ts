/**
 * SASL mechanisms of the reference server (RFC 6120 §6): PLAIN (RFC 4616), SCRAM-SHA-1 (RFC 5802)
 * and SCRAM-SHA-256 (RFC 7677), as step functions over decoded bytes. The stream connection does
 * the XML and base64. A failure's text names the account and the mechanism and says what to do:
 * it is what a developer sees in a third-party client's error dialog.
 */
import type { AccountStore } from "../accounts";
import { fromBase64, toBase64, utf8Bytes, utf8Text } from "./bytes";
import { normalizeUsername } from "../accounts";
import type { SaslFailureCondition } from "./errors";
import { localpartProblem } from "../../protocol/jid";
import {
  ScramSyntaxError,
  newServerNonce,
  parseClientFinal,
  parseClientFirst,
  serverFirstMessage,
  verifyClientProof,
  type ClientFirst,
  type ScramCredentials,
  type ScramHash,
} from "./scram";

export const SASL_MECHANISMS = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];
/** Offered in this order: the strongest first (clients pick the first they support). */
export const DEFAULT_SASL_MECHANISMS: readonly SaslMechanismName[] = ["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"];

const DEFAULT_ACCOUNTS_HINT = "the default accounts alice, bob and pushsvc have password 'pass'";

export function isSaslMechanismName(value: string): value is SaslMechanismName {
  return (SASL_MECHANISMS as readonly string[]).includes(value);
}

export type SaslStep =
  | { kind: "challenge"; data: Uint8Array }
  | { kind: "success"; username: string; registered: boolean; additionalData?: Uint8Array }
  | { kind: "failure"; condition: SaslFailureCondition; text: string };

export interface SaslExchange {
  readonly mechanism: SaslMechanismName;
  /** First call: the initial response (null when `<auth/>` carried none); then each `<response/>`. */
  step(data: Uint8Array | null): Promise<SaslStep>;
}

export interface SaslContext {
  /** The virtual host the stream was opened to. */
  domain: string;
  accounts: AccountStore;
}

const fatalUtf8 = new TextDecoder("utf-8", { fatal: true });

function utf8(data: Uint8Array): string | null {
  try {
    return fatalUtf8.decode(data);
  } catch {
    return null;
  }
}

function fail(condition: SaslFailureCondition, text: string): SaslStep {
  return { kind: "failure", condition, text };
}

/** authzid must be absent or the bare JID of the authenticated user (no proxy authorization). */
function authzidMatches(authzid: string, username: string, domain: string): boolean {
  return authzid === "" || authzid.toLowerCase() === `${normalizeUsername(username)}@${domain.toLowerCase()}`;
}

class PlainExchange implements SaslExchange {
  readonly mechanism = "PLAIN" as const;
  private challenged = false;

  constructor(private readonly ctx: SaslContext) {}

  async step(data: Uint8Array | null): Promise<SaslStep> {
    if (data === null) {
      if (this.challenged) return fail("malformed-request", "PLAIN expects credentials");
      // RFC 6120 §6.4.2: no initial response → an empty challenge, the client answers with it.
      this.challenged = true;
      return { kind: "challenge", data: new Uint8Array(0) };
    }
    const text = utf8(data);
    if (text === null) return fail("malformed-request", "PLAIN message is not UTF-8");
    const parts = text.split("\u0000");
    if (parts.length !== 3) return fail("malformed-request", "PLAIN message must be authzid NUL authcid NUL password");
    const [authzid = "", rawAuthcid = "", password = ""] = parts;
    const { domain, accounts } = this.ctx;
    // Some clients send the bare JID as authcid; accept it for this host only.
    const suffix = `@${domain.toLowerCase()}`;
    const authcid = rawAuthcid.toLowerCase().endsWith(suffix) ? rawAuthcid.slice(0, -suffix.length) : rawAuthcid;
    const problem = localpartProblem(authcid);
    if (problem) return fail("not-authorized", `invalid username: ${problem}`);
    if (password.length === 0) return fail("not-authorized", "empty password");
    if (!authzidMatches(authzid, authcid, domain)) {
      return fail("invalid-authzid", "authzid must be empty or the authenticating user's bare JID");
    }
    const check = await accounts.checkPlain(domain, authcid, password);
    if (!check.ok) {
      const account = `${authcid}@${domain}`;
      const advice =
        check.reason === "bad-password"
          ? `wrong password for ${account} (PLAIN); ${DEFAULT_ACCOUNTS_HINT}`
          : check.reason === "unknown-user"
            ? `no account ${account} (PLAIN) and dev registration is off: add it to the --accounts file`
            : `${check.detail} (${account}, PLAIN)`;
      return fail("not-authorized", advice);
    }
    return { kind: "success", username: check.username, registered: check.registered };
  }
}

class ScramExchange implements SaslExchange {
  private phase: "initial" | "awaiting-first" | "awaiting-final" | "done" = "initial";
  private first?: ClientFirst;
  private serverFirst = "";
  private combinedNonce = "";
  private creds?: ScramCredentials;
  private username = "";

  constructor(
    private readonly ctx: SaslContext,
    readonly mechanism: "SCRAM-SHA-1" | "SCRAM-SHA-256",
  ) {}

  private get hash(): ScramHash {
    return this.mechanism === "SCRAM-SHA-256" ? "sha256" : "sha1";
  }

  async step(data: Uint8Array | null): Promise<SaslStep> {
    await this.ctx.accounts.whenReady();
    try {
      return await this.advance(data);
    } catch (err) {
      if (err instanceof ScramSyntaxError) return fail("malformed-request", err.message);
      throw err;
    }
  }

  private async advance(data: Uint8Array | null): Promise<SaslStep> {
    if (data === null) {
      if (this.phase !== "initial") return fail("malformed-request", `${this.mechanism} expects a message`);
      this.phase = "awaiting-first";
      return { kind: "challenge", data: new Uint8Array(0) };
    }
    const text = utf8(data);
    if (text === null) return fail("malformed-request", "SCRAM message is not UTF-8");
    if (this.phase === "initial" || this.phase === "awaiting-first") return this.onClientFirst(text);
    if (this.phase === "awaiting-final") return this.onClientFinal(text);
    return fail("malformed-request", `${this.mechanism} exchange already finished`);
  }

  private onClientFirst(text: string): SaslStep {
    const first = parseClientFirst(text);
    const { domain, accounts } = this.ctx;
    if (first.cbindFlag === "p") {
      return fail("not-authorized", `channel binding (p=) requested, but this server offers no ${this.mechanism}-PLUS`);
    }
    const problem = localpartProblem(first.username);
    if (problem) return fail("not-authorized", `invalid username: ${problem}`);
    if (first.authzid !== null && !authzidMatches(first.authzid, first.username, domain)) {
      return fail("invalid-authzid", "authzid must be empty or the authenticating user's bare JID");
    }
    const account = `${normalizeUsername(first.username)}@${domain}`;
    const creds = this.hash === "sha256" ? accounts.getSha256(domain, first.username) : accounts.get(domain, first.username);
    if (!creds) {
      if (accounts.get(domain, first.username)) {
        return fail("not-authorized", `${account} has SCRAM-SHA-1 keys only (precomputed in the accounts file): log in with SCRAM-SHA-1 or PLAIN`);
      }
      const hint = accounts.devRegistration
        ? `SCRAM cannot register a new account (the password never reaches the server): log in once with PLAIN to register it (start the server with --sasl-mechanisms PLAIN for clients that always pick SCRAM), or use a default account (${DEFAULT_ACCOUNTS_HINT})`
        : "dev registration is off: add it to the --accounts file";
      return fail("not-authorized", `no account ${account} (${this.mechanism}); ${hint}`);
    }
    this.first = first;
    this.creds = creds;
    this.username = normalizeUsername(first.username);
    this.combinedNonce = first.clientNonce + newServerNonce();
    this.serverFirst = serverFirstMessage(this.combinedNonce, creds);
    this.phase = "awaiting-final";
    return { kind: "challenge", data: utf8Bytes(this.serverFirst) };
  }

  private async onClientFinal(text: string): Promise<SaslStep> {
    const { first, creds } = this;
    if (!first || !creds) return fail("malformed-request", `${this.mechanism} client-final before client-first`);
    this.phase = "done";
    const final = parseClientFinal(text, this.hash);
    if (utf8Text(fromBase64(final.channelBinding)) !== first.gs2Header) {
      return fail("not-authorized", "channel binding (c=) does not match the GS2 header of the first message");
    }
    if (final.nonce !== this.combinedNonce) return fail("not-authorized", "nonce (r=) does not match the server's");
    const authMessage = `${first.bare},${this.serverFirst},${final.withoutProof}`;
    const serverSignature = await verifyClientProof(creds, authMessage, final.proof, this.hash);
    if (!serverSignature) {
      return fail("not-authorized", `wrong password for ${this.username}@${this.ctx.domain} (${this.mechanism}); ${DEFAULT_ACCOUNTS_HINT}`);
    }
    return {
      kind: "success",
      username: this.username,
      registered: false,
      additionalData: utf8Bytes(`v=${toBase64(serverSignature)}`),
    };
  }
}

export function createSaslExchange(mechanism: SaslMechanismName, ctx: SaslContext): SaslExchange {
  return mechanism === "PLAIN" ? new PlainExchange(ctx) : new ScramExchange(ctx, mechanism);
}
