/**
 * Server load benchmark: push throughput, send-to-sink push latency, server memory under load and
 * per idle session, against the reference server (default: its own child process on 127.0.0.1,
 * port 0) or a real server.
 *
 *   node --expose-gc --import tsx bench/server-load.ts [--target reference|prosody|ejabberd]
 *        [--service ws://127.0.0.1:PORT/xmpp-websocket --domain localhost]
 *        [--messages 2000] [--resources 3] [--window 32] [--rate 0] [--idle 500] [--check]
 *
 * Real servers (bash e2e/real-servers/servers.sh start) use the fixed accounts alice, bob and
 * pushsvc (password pass or $XMPP_PASS). Only 127.0.0.1 is contacted unless --service says
 * otherwise. What the run does is described in bench/lib/load/run-load.ts.
 */
import "../src/test-setup/node-websocket";
import { writeFileSync } from "node:fs";
import { isRealServerName } from "../src/real-servers/realServers";
import { commandLine, UsageError, type FlagSpecs } from "./lib/cli";
import { LOAD_FLAGS, loadParams, referenceMode } from "./lib/load/options";
import { checksTable, loadTable, referenceTargets } from "./lib/load/report";
import { runLoad } from "./lib/load/run-load";
import { customTarget, realTarget, referenceTarget, TargetDownError, type LoadTarget } from "./lib/load/targets";
import { hardStop, machineLine } from "./lib/stats";

const FLAGS = {
  target: { type: "string", help: "reference | prosody | ejabberd", default: "reference" },
  service: { type: "string", help: "any RFC 7395 endpoint instead (accounts alice/bob/pushsvc)" },
  domain: { type: "string", help: "XMPP domain (reference: localhost, tigase.localhost, …)", default: "localhost" },
  password: { type: "string", help: "password of the fixed accounts on --service", default: "pass" },
  ...LOAD_FLAGS,
} satisfies FlagSpecs;

const TITLE = "bench/server-load.ts: push throughput, latency and memory of one XMPP server";

async function main(): Promise<number> {
  const flags = commandLine(TITLE, FLAGS);
  if (typeof flags === "number") return flags;
  const name = flags.target ?? "reference";
  const log = flags.quiet ? () => undefined : (line: string) => console.log(line);

  let target: LoadTarget;
  let params;
  try {
    params = loadParams(flags);
    if (flags.service) target = await customTarget(flags.service, flags.domain ?? "localhost", flags.password);
    else if (name === "reference") target = await referenceTarget(referenceMode(flags["reference-process"]), flags.domain ?? "localhost");
    else if (isRealServerName(name)) target = await realTarget(name);
    else throw new UsageError(`--target must be reference, prosody or ejabberd, got ${name}`);
  } catch (err) {
    if (err instanceof TargetDownError || err instanceof UsageError) {
      console.error(err.message);
      return 2;
    }
    throw err;
  }

  console.log(TITLE);
  console.log(machineLine());
  // The run has its own deadline; this only catches a hang outside it (e.g. a close that never ends).
  hardStop(params.deadlineMs + 60_000);
  log(`${target.name}: ${target.service} (${target.domain})`);
  let result;
  try {
    result = await runLoad(target, params, log);
  } finally {
    await target.close();
  }
  console.log();
  console.log(loadTable([result]));
  let missed = 0;
  if (target.name === "reference") {
    const checks = referenceTargets(result);
    missed = checks.filter((c) => !c.ok).length;
    console.log();
    console.log(checksTable(checks));
  }
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ bench: "server-load", machine: machineLine(), result }, null, 2)}\n`);
    console.log(`results written to ${flags.json}`);
  }
  return flags.check && (missed > 0 || result.aborted) ? 1 : 0;
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
