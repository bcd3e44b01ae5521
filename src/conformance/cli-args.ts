/**
 * Flags of `npm run conformance` (scripts/conformance.ts), parsed without side effects so they can
 * be tested directly. Bad flags come back as one specific message; the CLI exits 2 with it.
 */
import { POLICY_NAMES } from "../protocol/policy/types";
import type { PolicyName } from "../protocol/policy/types";
import { SCENARIOS, scenarioById } from "../scenarios/catalogue";
import type { Credentials, HarnessWaits, Mechanism } from "../scenarios/harness";
import { REFERENCE_CONCURRENCY } from "./runner";
import type { SuiteTarget } from "./types";

/**
 * Waits against a real server at timeout scale 1 (docs/push-semantics.md C: a push within 10 s). Pushes that do
 * not depend on stream management arrive within milliseconds (docs/push-semantics.md E: medians 2-3 ms), so a
 * probe closes after 2 s without news; scale it up for a slow or remote server.
 */
export const CLI_WAITS: HarnessWaits = { pushMs: 10_000, noPushMs: 2_000, iqMs: 10_000, settleMs: 200 };

export function scaleWaits(waits: HarnessWaits, scale: number): HarnessWaits {
  return {
    pushMs: Math.round(waits.pushMs * scale),
    noPushMs: Math.round(waits.noPushMs * scale),
    iqMs: Math.round(waits.iqMs * scale),
    settleMs: Math.round(waits.settleMs * scale),
  };
}

export interface CliOptions {
  target: SuiteTarget;
  policy: PolicyName | "from-disco";
  expectPolicy: PolicyName | null;
  /** Scenario ids (upper case), null = all. */
  only: string[] | null;
  json: string | null;
  markdown: string | null;
  timeoutScale: number;
  /** `auto`: several at once on the reference server with fresh accounts, 1 elsewhere. */
  concurrency: number | "auto";
  runUnsupported: boolean;
  quiet: boolean;
}

export type CliParse = { kind: "run"; options: CliOptions } | { kind: "help" } | { kind: "list" } | { kind: "error"; message: string };

export const USAGE = `Usage: npm run conformance -- --service URL --domain DOMAIN --account USER:PASS --sender USER:PASS --sink USER:PASS [options]

Runs the push conformance scenarios C1-C30 (docs/push-semantics.md §C) against an XMPP
server over WebSocket and judges them by level (MUST, SHOULD, COMPAT, INFO). Scenarios that need a
feature the server does not advertise (or XEP-0198 it does not offer) are reported as n/a.

Target:
  --service URL          ws:// or wss:// endpoint (RFC 7395), e.g. ws://127.0.0.1:5280/xmpp-websocket
  --domain DOMAIN        the accounts' domain
  --account USER:PASS    the account whose resources enable push (USER or USER@DOMAIN)
  --sender USER:PASS     the account that sends the messages
  --sink USER:PASS       the account whose session plays the App Server (a fresh resource per scenario)
  --mechanism NAME       force SASL PLAIN or SCRAM-SHA-1 (default: the client's choice)
  --fresh-accounts       log in as new usernames per scenario (USER-<tag>): for a server that
                         registers accounts on first login (default on the reference server)
  --shared-accounts      use the given accounts for every scenario (default on other servers)
  --concurrency N        scenarios at once with fresh accounts (default ${REFERENCE_CONCURRENCY} on the reference
                         server, 1 elsewhere; shared accounts always run one at a time)
  --fixed-windows        watch "no push" for the fixed windows even on the reference server
                         (default there: settle from its decision log and ping round trips)
  --name LABEL           the target's name in reports (default: the service URL)

Judging:
  --policy NAME          judge under spec, tigase, prosody or ejabberd (default spec)
  --policy-from-disco    judge under the policy the server names in its disco#info identity
                         (Prosody, ejabberd, Tigase, the reference server's host policy)
  --expect-policy NAME   exit 1 unless the observed behaviour matches NAME, and only NAME, best
  --run-unsupported      run the scenarios needing an unadvertised feature anyway: still n/a, but
                         the report shows what they did (judged as if the feature were advertised)

Selection and timing:
  --only C8,C10          run only these scenarios
  --timeout-scale N      multiply every wait (at 1: push 10 s, quiet 2 s, iq 10 s, settle 200 ms)
  --list                 list the scenarios and exit

Output:
  --json FILE            write the report as JSON (observations included)
  --markdown FILE        write the report as Markdown
  --quiet                no progress lines, only the summary
  -h, --help             this text

Exit status: 0 when no MUST scenario failed; 1 when one did, when --expect-policy did not match,
or when the run could not start (login, connection); 2 on bad flags.
`;

const VALUE_FLAGS = [
  "--service",
  "--domain",
  "--account",
  "--sender",
  "--sink",
  "--mechanism",
  "--concurrency",
  "--name",
  "--policy",
  "--expect-policy",
  "--only",
  "--timeout-scale",
  "--json",
  "--markdown",
] as const;
const BOOLEAN_FLAGS = ["--policy-from-disco", "--run-unsupported", "--fresh-accounts", "--shared-accounts", "--fixed-windows", "--quiet", "--list", "--help", "-h"] as const;

type ValueFlag = (typeof VALUE_FLAGS)[number];
type BooleanFlag = (typeof BOOLEAN_FLAGS)[number];

class FlagError extends Error {}

export function parseCliArgs(argv: readonly string[]): CliParse {
  try {
    return parse(argv);
  } catch (error) {
    if (error instanceof FlagError) return { kind: "error", message: error.message };
    throw error;
  }
}

function parse(argv: readonly string[]): CliParse {
  const values = new Map<ValueFlag, string>();
  const booleans = new Set<BooleanFlag>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (isBooleanFlag(flag)) {
      if (eq > 0) throw new FlagError(`${flag} takes no value`);
      booleans.add(flag);
      continue;
    }
    if (!isValueFlag(flag)) {
      throw new FlagError(arg.startsWith("-") ? `unknown flag ${flag} (see --help)` : `unexpected argument '${arg}' (flags start with --)`);
    }
    if (values.has(flag)) throw new FlagError(`${flag} is given twice`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.trim() === "" || (eq < 0 && value.startsWith("--"))) throw new FlagError(`${flag} needs a value`);
    values.set(flag, value);
  }
  if (booleans.has("--help") || booleans.has("-h")) return { kind: "help" };
  if (booleans.has("--list")) return { kind: "list" };

  const required = (flag: ValueFlag): string => {
    const value = values.get(flag);
    if (value === undefined || value.trim() === "") throw new FlagError(`${flag} is required (see --help)`);
    return value.trim();
  };
  const service = parseService(required("--service"));
  const domain = parseDomain(required("--domain"));
  const account = parseCredentials("--account", required("--account"), domain);
  const sender = parseCredentials("--sender", required("--sender"), domain);
  const sink = parseCredentials("--sink", required("--sink"), domain);

  const policyFlag = values.get("--policy");
  const fromDisco = booleans.has("--policy-from-disco");
  if (policyFlag !== undefined && fromDisco) throw new FlagError("--policy and --policy-from-disco exclude each other");
  const policy = fromDisco ? "from-disco" : policyFlag !== undefined ? parsePolicy("--policy", policyFlag) : "spec";
  const expectFlag = values.get("--expect-policy");
  const expectPolicy = expectFlag !== undefined ? parsePolicy("--expect-policy", expectFlag) : null;

  const onlyFlag = values.get("--only");
  const only = onlyFlag !== undefined ? parseOnly(onlyFlag) : null;
  const scaleFlag = values.get("--timeout-scale");
  const timeoutScale = scaleFlag !== undefined ? parseScale(scaleFlag) : 1;

  const mechanismFlag = values.get("--mechanism");
  const mechanism = mechanismFlag !== undefined ? parseMechanism(mechanismFlag) : undefined;
  const fresh = booleans.has("--fresh-accounts");
  const sharedFlag = booleans.has("--shared-accounts");
  if (fresh && sharedFlag) throw new FlagError("--fresh-accounts and --shared-accounts exclude each other");
  const concurrencyFlag = values.get("--concurrency");
  if (concurrencyFlag !== undefined && sharedFlag) throw new FlagError("--concurrency needs fresh accounts (shared accounts run one scenario at a time)");
  const concurrency = concurrencyFlag !== undefined ? parseConcurrency(concurrencyFlag) : "auto";

  const target: SuiteTarget = {
    name: values.get("--name")?.trim() || service,
    service,
    domain,
    account,
    sender,
    sink,
    waits: scaleWaits(CLI_WAITS, timeoutScale),
    accounts: fresh ? "fresh" : sharedFlag ? "shared" : "auto",
    settle: booleans.has("--fixed-windows") ? "window" : "auto",
  };
  if (mechanism) target.mechanism = mechanism;
  return {
    kind: "run",
    options: {
      target,
      policy,
      expectPolicy,
      only,
      json: values.get("--json") ?? null,
      markdown: values.get("--markdown") ?? null,
      timeoutScale,
      concurrency,
      runUnsupported: booleans.has("--run-unsupported"),
      quiet: booleans.has("--quiet"),
    },
  };
}

function isValueFlag(flag: string): flag is ValueFlag {
  return (VALUE_FLAGS as readonly string[]).includes(flag);
}

function isBooleanFlag(flag: string): flag is BooleanFlag {
  return (BOOLEAN_FLAGS as readonly string[]).includes(flag);
}

function parseService(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlagError(`--service must be a ws:// or wss:// URL, got '${raw}'`);
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new FlagError(`--service must be a ws:// or wss:// URL, got '${raw}'`);
  return raw;
}

const DOMAIN_RE = /^[^\s@/:]+$/;

function parseDomain(raw: string): string {
  if (!DOMAIN_RE.test(raw)) throw new FlagError(`--domain must be a bare domain like localhost, got '${raw}'`);
  return raw.toLowerCase();
}

/** `user:password` or `user@domain:password`; the password is everything after the first colon. */
function parseCredentials(flag: string, raw: string, domain: string): Credentials {
  const colon = raw.indexOf(":");
  const id = colon >= 0 ? raw.slice(0, colon) : raw;
  const password = colon >= 0 ? raw.slice(colon + 1) : "";
  const [username, userDomain, extra] = id.split("@");
  // Never echo the password back.
  if (!username || password === "" || extra !== undefined || userDomain === "" || /[\s/]/.test(id)) {
    throw new FlagError(`${flag} must be USER:PASSWORD or USER@DOMAIN:PASSWORD, got '${id}${colon >= 0 ? ":…" : ""}'`);
  }
  const credentials: Credentials = { username, password };
  if (userDomain !== undefined && userDomain.toLowerCase() !== domain) credentials.domain = userDomain.toLowerCase();
  return credentials;
}

/** `USER:PASSWORD` or `USER@DOMAIN:PASSWORD` for other scripts' flags: the credentials, or the error message. */
export function parseCredentialsArg(flag: string, raw: string, domain: string): Credentials | { error: string } {
  try {
    return parseCredentials(flag, raw, domain);
  } catch (error) {
    if (error instanceof FlagError) return { error: error.message };
    throw error;
  }
}

function parsePolicy(flag: string, raw: string): PolicyName {
  const policy = POLICY_NAMES.find((p) => p === raw.trim().toLowerCase());
  if (!policy) throw new FlagError(`${flag} must be one of ${POLICY_NAMES.join(", ")}, got '${raw}'`);
  return policy;
}

function parseOnly(raw: string): string[] {
  const ids = raw.split(",").map((id) => id.trim().toUpperCase()).filter((id) => id !== "");
  if (ids.length === 0) throw new FlagError("--only needs scenario ids, e.g. --only C8,C10");
  const unknown = ids.filter((id) => !scenarioById(id));
  if (unknown.length > 0) throw new FlagError(`--only: unknown scenario ${unknown.join(", ")} (known: ${SCENARIOS[0]?.id}-${SCENARIOS.at(-1)?.id})`);
  return [...new Set(ids)];
}

function parseScale(raw: string): number {
  const scale = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(scale) || scale <= 0 || scale > 100) throw new FlagError(`--timeout-scale must be a number above 0 and at most 100, got '${raw}'`);
  return scale;
}

function parseMechanism(raw: string): Mechanism {
  const upper = raw.trim().toUpperCase();
  if (upper !== "PLAIN" && upper !== "SCRAM-SHA-1") throw new FlagError(`--mechanism must be PLAIN or SCRAM-SHA-1, got '${raw}'`);
  return upper;
}

function parseConcurrency(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 32) throw new FlagError(`--concurrency must be an integer from 1 to 32, got '${raw}'`);
  return n;
}
