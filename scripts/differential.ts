/**
 * `npm run differential -- --target prosody|ejabberd --sequences 500 --seed N [--json FILE]
 * [--accounts carol,dave,pushsvc2] [--hibernation-pushes=false] [--timers]`: generated operation
 * sequences run against a real server (e2e/real-servers/servers.sh) and the reference server's
 * emulation of it, compared step by step (src/differential). Exit 1 on a divergence, 2 on a bad
 * flag, 3 when the real server is not up.
 */
import { writeFileSync } from "node:fs";
import "../src/test-setup/node-websocket";
import { commandLine, intIn } from "../bench/lib/cli";
import { runCampaign } from "../src/differential/campaign";
import { describeOp } from "../src/differential/ops";
import { campaignJson, divergenceText, formatCampaign } from "../src/differential/report";
import type { ReportContext } from "../src/differential/report";
import { DEFAULT_ACCOUNTS, parseAccounts } from "../src/differential/accounts";
import { startEmulation } from "../src/differential/emulation";
import { compareOptionsOf, DEFAULT_VARIANT, exclusionsOf, TIMERS_INCLUDED } from "../src/differential/variants";
import type { RunVariant } from "../src/differential/variants";
import { timersSequenceArbitrary } from "../src/differential/timer-sequence";
import { EMULATION_HOST, realTarget } from "../src/differential/targets";
import { isRealServerName, isUp, REAL_SERVERS } from "../src/real-servers/realServers";

const TITLE = "npm run differential -- [flags]: generated sequences against a real server and the reference server's emulation of it";

async function main(): Promise<number> {
  const flags = commandLine(TITLE, {
    target: { type: "string", help: "prosody or ejabberd (started by e2e/real-servers/servers.sh)" },
    sequences: { type: "number", help: "sequences to generate and run", default: 50 },
    seed: { type: "number", help: "fast-check seed (same seed, same sequences)", default: "random" },
    "shrink-seconds": { type: "number", help: "longest time spent shrinking one divergence", default: 120 },
    json: { type: "string", help: "also write the figures as JSON to this file" },
    verbose: { type: "boolean", help: "print each sequence's verdict" },
    accounts: { type: "string", help: "the real server's account,sender,sink usernames", default: "alice,bob,pushsvc" },
    "hibernation-pushes": { type: "boolean", help: "compare the pushes at the moment a dropped session hibernates (=false leaves them out)", default: true },
    timers: { type: "boolean", help: "generate sequences where a resource stops answering <r/> and the server's ack timer runs out (slow: 34 s / 63 s each)" },
    help: { type: "boolean", help: "print this help" },
  });
  if (typeof flags === "number") return flags;
  if (flags.target === undefined || !isRealServerName(flags.target)) {
    console.error(`--target must be prosody or ejabberd, got ${JSON.stringify(flags.target)}`);
    return 2;
  }
  const server = REAL_SERVERS[flags.target];
  const sequences = intIn("sequences", flags.sequences, 50, 1, 100_000);
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const shrinkSeconds = intIn("shrink-seconds", flags["shrink-seconds"], 120, 0, 3600);
  const accounts = flags.accounts === undefined ? DEFAULT_ACCOUNTS : parseAccounts(flags.accounts);
  if ("error" in accounts) {
    console.error(accounts.error);
    return 2;
  }
  const variant: RunVariant = { ...DEFAULT_VARIANT, hibernationPushes: flags["hibernation-pushes"] !== false, timers: flags.timers === true };
  if (!(await isUp(server.name))) {
    console.error(`${server.name} does not answer on ${server.service}; start it with ${server.startCommand}`);
    return 3;
  }
  const emulation = await startEmulation(EMULATION_HOST[server.name]);
  try {
    const left = realTarget(server, accounts);
    const right = emulation.target;
    const started = Date.now();
    const ctx: ReportContext = {
      server: server.name,
      seed,
      leftTitle: `${server.name} (real)`,
      rightTitle: right.label,
      quietMs: left.quietMs,
      hibernationQuietMs: left.hibernationQuietMs,
      excluded: exclusionsOf(server.name, variant),
    };
    if (variant.timers) console.error(`compared: ${TIMERS_INCLUDED[server.name]}`);
    let found = 0;
    const result = await runCampaign({
      left,
      right,
      sequences,
      seed,
      shrinkTimeMs: shrinkSeconds * 1000,
      compare: compareOptionsOf(server.name, variant),
      ...(variant.timers ? { arbitrary: timersSequenceArbitrary } : {}),
      onSequence: (index, run) => {
        if (flags.verbose) console.error(`#${index} ${run.divergence ? `DIVERGES at step ${run.divergence.step}` : "agrees"}: ${run.ops.map(describeOp).join("; ")}`);
        else if ((index + 1) % 25 === 0) console.error(`… ${index + 1}/${sequences} sequences, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      },
      onDivergence: (report) => {
        found += 1;
        console.error(`… ${divergenceText(report, ctx, found)}`);
      },
    });
    console.log(formatCampaign(result, ctx));
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(campaignJson(result, ctx), null, 2)}\n`);
    return result.divergences.length === 0 ? 0 : 1;
  } finally {
    await emulation.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
