/**
 * The same load against the reference server, Prosody and ejabberd, one after the other, printed
 * as one table (a column per server). Real servers must already run on loopback
 * (bash e2e/real-servers/servers.sh start); a server that does not answer gets a column saying so.
 *
 *   node --expose-gc --import tsx bench/side-by-side.ts [--only reference,prosody] [--messages 2000] …
 *
 * Each run has its own hard deadline (--deadline, default 120 s); flags as in server-load.ts.
 */
import "../src/test-setup/node-websocket";
import { writeFileSync } from "node:fs";
import { REAL_SERVER_NAMES } from "../src/real-servers/realServers";
import { parseFlags, usage, UsageError, type FlagSpecs } from "./lib/cli";
import { LOAD_FLAGS, loadParams, referenceMode } from "./lib/load/options";
import { checksTable, loadTable, referenceTargets, type Column } from "./lib/load/report";
import { runLoad, type LoadParams, type LoadResult } from "./lib/load/run-load";
import { realTarget, referenceTarget, TargetDownError, type LoadTarget } from "./lib/load/targets";
import { hardStop, machineLine } from "./lib/stats";

const SERVERS = ["reference", ...REAL_SERVER_NAMES] as const;
type ServerName = (typeof SERVERS)[number];

const FLAGS = {
  only: { type: "string", help: `comma list of ${SERVERS.join(", ")}`, default: SERVERS.join(",") },
  ...LOAD_FLAGS,
} satisfies FlagSpecs;

const TITLE = "bench/side-by-side.ts: the same push load against the reference server, Prosody and ejabberd";

function selected(value: string | undefined): ServerName[] {
  const names = (value ?? SERVERS.join(",")).split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(SERVERS as readonly string[]).includes(n));
  if (unknown.length) throw new UsageError(`--only: unknown server ${unknown.join(", ")} (expected ${SERVERS.join(", ")})`);
  return SERVERS.filter((s) => names.includes(s));
}

async function measure(name: ServerName, params: LoadParams, mode: "child" | "same-process", log: (l: string) => void): Promise<Column> {
  let target: LoadTarget;
  try {
    target = name === "reference" ? await referenceTarget(mode) : await realTarget(name);
  } catch (err) {
    if (err instanceof TargetDownError) return { target: name, reason: err.message };
    throw err;
  }
  log(`${name}: ${target.service}`);
  try {
    return await runLoad(target, params, log);
  } catch (err) {
    return { target: name, reason: `failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    await target.close();
  }
}

async function main(): Promise<number> {
  let flags;
  let params: LoadParams;
  let servers: ServerName[];
  let mode: "child" | "same-process";
  try {
    flags = parseFlags(process.argv.slice(2), FLAGS);
    if (flags.help) {
      console.log(usage(TITLE, FLAGS));
      return 0;
    }
    params = loadParams(flags);
    servers = selected(flags.only);
    mode = referenceMode(flags["reference-process"]);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${usage(TITLE, FLAGS)}`);
      return 2;
    }
    throw err;
  }
  const log = flags.quiet ? () => undefined : (line: string) => console.log(line);
  console.log(TITLE);
  console.log(machineLine());

  // Every run has its own deadline; this only catches a hang outside them (e.g. a close that never ends).
  hardStop(servers.length * (params.deadlineMs + 60_000));
  const columns: Column[] = [];
  for (const name of servers) columns.push(await measure(name, params, mode, log));

  console.log();
  console.log(loadTable(columns));
  const reference = columns.find((c): c is LoadResult => "params" in c && c.target === "reference");
  let missed = 0;
  if (reference) {
    const checks = referenceTargets(reference);
    missed = checks.filter((c) => !c.ok).length;
    console.log();
    console.log(checksTable(checks));
  }
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ bench: "side-by-side", machine: machineLine(), columns }, null, 2)}\n`);
    console.log(`results written to ${flags.json}`);
  }
  return flags.check && (missed > 0 || reference?.aborted) ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
