/**
 * `npm run conformance:table -- [--real] [--check]`: measures the README's conformance table.
 *
 * Runs the conformance suite (judged under `spec`) against an in-process reference server on
 * port 0 under each of its policies (reference/spec, reference/tigase, reference/prosody,
 * reference/ejabberd) and, with --real, against Debian's Prosody and ejabberd started by
 * e2e/real-servers/servers.sh. Then it asserts that every target behaves like its own policy and,
 * with --real, that the reference server under the prosody/ejabberd policy gives the real
 * server's verdicts, also in the away scenarios the servers do not advertise (run anyway for this
 * comparison; the table still shows them n/a). Without --check it rewrites the table between the README's markers (columns
 * not measured now are kept); with --check it exits 1 when the README differs from what it measured.
 *
 * Exit status: 0 ok; 1 a difference, a failed assertion or a real server that does not answer;
 * 2 bad flags.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { CLI_WAITS, parseCredentialsArg, scaleWaits } from "../src/conformance/cli-args";
import { describeCounts, formatDuration, toJson, toMarkdown } from "../src/conformance/format";
import { describeIdentification } from "../src/conformance/identify";
import { runSuite } from "../src/conformance/runner";
import {
  addColumn,
  checkIdentified,
  compareTables,
  compareVerdicts,
  emptyGrid,
  extractTable,
  keepColumns,
  parseTable,
  renderTable,
  spliceTable,
} from "../src/conformance/table";
import type { SuiteReport, SuiteTarget } from "../src/conformance/types";
import type { PolicyName } from "../src/protocol/policy/types";
import { REAL_SERVERS, isUp } from "../src/real-servers/realServers";
import type { RealServerName } from "../src/real-servers/realServers";
import { DEFAULT_WAITS } from "../src/scenarios/harness";
import type { Credentials } from "../src/scenarios/harness";
import { ReferenceServer } from "../src/server/index";

if (typeof globalThis.WebSocket === "undefined") {
  (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = WebSocket;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

const USAGE = `Usage: npm run conformance:table -- [--real] [--check] [options]

  --real               also measure Prosody and ejabberd (e2e/real-servers/servers.sh start, as root)
  --check              compare the README's table with the measurement instead of rewriting it
  --readme FILE        the README to update or check (default: README.md of the repository)
  --reports DIR        also write each target's report there as JSON and Markdown
  --timeout-scale N    multiply the real servers' waits (default 1)
  --account USER:PASS, --sender USER:PASS, --sink USER:PASS
                       accounts on the real servers (default alice, bob, pushsvc from servers.sh);
                       use dedicated ones when something else uses those meanwhile
  -h, --help
`;

interface Flags {
  real: boolean;
  check: boolean;
  readme: string;
  reports: string | null;
  timeoutScale: number;
  accounts: Partial<Record<"account" | "sender" | "sink", Credentials>>;
}

function parseFlags(argv: string[]): Flags | { error: string } | "help" {
  const flags: Flags = { real: false, check: false, readme: join(ROOT, "README.md"), reports: null, timeoutScale: 1, accounts: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string | undefined => {
      const v = argv[++i];
      return v === undefined || v.startsWith("--") || v.trim() === "" ? undefined : v;
    };
    switch (arg) {
      case "-h":
      case "--help":
        return "help";
      case "--real":
        flags.real = true;
        break;
      case "--check":
        flags.check = true;
        break;
      case "--readme": {
        const v = value();
        if (!v) return { error: "--readme needs a file" };
        flags.readme = resolve(v);
        break;
      }
      case "--reports": {
        const v = value();
        if (!v) return { error: "--reports needs a directory" };
        flags.reports = resolve(v);
        break;
      }
      case "--timeout-scale": {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isFinite(n) || n <= 0 || n > 100) return { error: `--timeout-scale must be a number above 0 and at most 100, got '${v ?? ""}'` };
        flags.timeoutScale = n;
        break;
      }
      case "--account":
      case "--sender":
      case "--sink": {
        const v = value();
        if (!v) return { error: `${arg} needs a value` };
        // Both real servers serve the domain localhost (servers.sh).
        const credentials = parseCredentialsArg(arg, v, "localhost");
        if ("error" in credentials) return credentials;
        flags.accounts[arg.slice(2) as "account" | "sender" | "sink"] = credentials;
        break;
      }
      default:
        return { error: `unknown flag ${arg} (see --help)` };
    }
  }
  return flags;
}

interface Column {
  name: string;
  /** The policy this target must be identified as. */
  policy: PolicyName;
  target: SuiteTarget;
  /** Scenarios at once (fresh accounts on the reference server). */
  concurrency: number;
  /** Also run the scenarios it does not advertise the features for (evidence for the parity check). */
  runUnsupported: boolean;
}

const REFERENCE_HOSTS: readonly { policy: PolicyName; domain: string }[] = [
  { policy: "spec", domain: "localhost" },
  { policy: "tigase", domain: "tigase.localhost" },
  { policy: "prosody", domain: "prosody.localhost" },
  { policy: "ejabberd", domain: "ejabberd.localhost" },
];

const REAL_COLUMN: Record<RealServerName, string> = { prosody: "Prosody", ejabberd: "ejabberd" };

function referenceColumns(url: string): Column[] {
  return REFERENCE_HOSTS.map(({ policy, domain }) => ({
    name: `reference/${policy}`,
    policy,
    concurrency: 5,
    runUnsupported: policy === "prosody" || policy === "ejabberd",
    target: {
      name: `reference/${policy}`,
      service: url,
      domain,
      account: { username: "alice", password: "pass" },
      sender: { username: "bob", password: "pass" },
      sink: { username: "pushsvc", password: "pass" },
      mechanism: "PLAIN",
      accounts: "fresh",
      waits: DEFAULT_WAITS,
    },
  }));
}

function realColumn(name: RealServerName, flags: Flags): Column {
  const server = REAL_SERVERS[name];
  const { alice, bob, pushsvc } = server.accounts;
  const { account, sender, sink } = flags.accounts;
  return {
    name: REAL_COLUMN[name],
    policy: server.policy,
    concurrency: 1,
    runUnsupported: true,
    target: {
      name: REAL_COLUMN[name],
      service: server.service,
      domain: server.domain,
      account: account ?? { username: alice.username, password: alice.password },
      sender: sender ?? { username: bob.username, password: bob.password },
      sink: sink ?? { username: pushsvc.username, password: pushsvc.password },
      mechanism: "PLAIN",
      accounts: "shared",
      waits: scaleWaits(CLI_WAITS, flags.timeoutScale),
    },
  };
}

async function measure(column: Column): Promise<SuiteReport> {
  const report = await runSuite({ target: column.target, policy: "spec", concurrency: column.concurrency, runUnsupported: column.runUnsupported });
  if (report.fatal) throw new Error(`${column.name}: ${report.fatal}`);
  out(`${column.name.padEnd(20)} ${describeCounts(report)} in ${formatDuration(report.durationMs)}; ${describeIdentification(report.identification)}`);
  return report;
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if ("error" in flags) {
    err(`error: ${flags.error}`);
    return 2;
  }

  const columns: Column[] = [];
  if (flags.real) {
    for (const name of ["prosody", "ejabberd"] as const) {
      if (!(await isUp(name))) {
        err(`error: ${name} does not answer at ${REAL_SERVERS[name].service}: run ${REAL_SERVERS[name].startCommand} (as root)`);
        return 1;
      }
      columns.push(realColumn(name, flags));
    }
  }

  const server = new ReferenceServer({ logLevel: "silent", appServerTimeoutMs: 1500 });
  const reports = new Map<string, SuiteReport>();
  try {
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    columns.unshift(...referenceColumns(address.url));
    // The targets share nothing (fresh accounts on the reference server; two separate real servers).
    const measured = await Promise.all(columns.map(async (c) => [c.name, await measure(c)] as const));
    for (const [name, report] of measured) reports.set(name, report);
  } catch (error) {
    err(`error: ${(error as Error).message}`);
    return 1;
  } finally {
    await server.close();
  }

  if (flags.reports) await writeReports(flags.reports, reports);

  const problems: string[] = [];
  for (const c of columns) {
    const report = reports.get(c.name) as SuiteReport;
    const wrong = checkIdentified(report, c.policy);
    if (wrong) problems.push(wrong);
  }
  for (const name of flags.real ? (["prosody", "ejabberd"] as const) : []) {
    const reference = reports.get(`reference/${name}`) as SuiteReport;
    const real = reports.get(REAL_COLUMN[name]) as SuiteReport;
    problems.push(...compareVerdicts(reference, real));
  }

  let stale = false;
  const measuredGrid = emptyGrid();
  for (const c of columns) addColumn(measuredGrid, c.name, reports.get(c.name) as SuiteReport);
  const readme = await readFile(flags.readme, "utf8");
  const current = extractTable(readme);
  if (current === null) {
    err(`error: ${flags.readme} has no <!-- conformance:start --> … <!-- conformance:end --> markers`);
    return 1;
  }
  const readmeGrid = parseTable(current);

  if (flags.check) {
    const differences = compareTables(readmeGrid, measuredGrid);
    const skipped = readmeGrid.columns.filter((c) => !measuredGrid.columns.includes(c));
    if (skipped.length > 0) out(`not measured (kept as written): ${skipped.join(", ")}${flags.real ? "" : " (pass --real)"}`);
    for (const d of differences) err(`differs: ${d}`);
    if (differences.length > 0) {
      err(`error: the README's conformance table is out of date: run npm run conformance:table${flags.real ? " -- --real" : ""}`);
      stale = true;
    } else {
      out("the README's conformance table matches the measurement");
    }
  } else {
    keepColumns(measuredGrid, readmeGrid);
    const updated = spliceTable(readme, renderTable(measuredGrid));
    if (updated !== readme) {
      await writeFile(flags.readme, updated, "utf8");
      out(`updated ${flags.readme}`);
    } else {
      out(`${flags.readme} is up to date`);
    }
  }

  for (const p of problems) err(`error: ${p}`);
  return problems.length > 0 || stale ? 1 : 0;
}

async function writeReports(dir: string, reports: Map<string, SuiteReport>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, report] of reports) {
    const file = name.replace(/[^A-Za-z0-9_-]+/g, "-");
    await writeFile(join(dir, `${file}.json`), toJson(report), "utf8");
    await writeFile(join(dir, `${file}.md`), toMarkdown(report), "utf8");
  }
  out(`wrote reports to ${dir}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
