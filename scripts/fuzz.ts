/**
 * `npm run fuzz -- --inputs 100000 --seed N [--transport ws|tcp|both]`: grammar-aware fuzzing of the
 * reference server's streams (src/server/fuzz). Exit 1 on any crash, hang, wrong answer,
 * healthy-session loss or leaked socket; 2 on a bad flag.
 */
import "../src/test-setup/node-websocket";
import { commandLine, intIn } from "../bench/lib/cli";
import { formatReport } from "../src/server/fuzz/report";
import { passed, runFuzz, type FuzzOptions } from "../src/server/fuzz/runner";
import { TRANSPORT_NAMES, type TransportName } from "../src/server/fuzz/transport";

const TITLE = "npm run fuzz -- [flags]: fuzz the reference server's XMPP streams with generated input (fast-check)";

async function main(): Promise<number> {
  const flags = commandLine(TITLE, {
    inputs: { type: "number", help: "inputs to generate and send", default: 10_000 },
    seed: { type: "number", help: "fast-check seed (same seed, same inputs)", default: "random" },
    transport: { type: "string", help: `stream transport (${TRANSPORT_NAMES.join(", ")}, or both: one run each)`, default: "ws" },
    concurrency: { type: "number", help: "cases in flight at once", default: 128 },
    batch: { type: "number", help: "cases per fast-check run (default 8 × concurrency; --shrink shrinks one run)" },
    deadline: { type: "number", help: "ms the server has to answer one case", default: 10_000 },
    reuse: { type: "number", help: "cases one bound stream carries before it is closed", default: 20 },
    duration: { type: "number", help: "stop after this many seconds even if fewer inputs ran" },
    shrink: { type: "boolean", help: "let fast-check shrink the first failing batch" },
    help: { type: "boolean", help: "print this help" },
  });
  if (typeof flags === "number") return flags;
  const transportFlag = flags.transport ?? "ws";
  if (transportFlag !== "both" && !(TRANSPORT_NAMES as readonly string[]).includes(transportFlag)) {
    console.error(`--transport must be one of ${TRANSPORT_NAMES.join(", ")} or both, got ${JSON.stringify(transportFlag)}`);
    return 2;
  }
  const transports: readonly TransportName[] = transportFlag === "both" ? TRANSPORT_NAMES : [transportFlag as TransportName];
  const inputs = intIn("inputs", flags.inputs, 10_000, 1, 100_000_000);
  const seed = flags.seed ?? Math.floor(Math.random() * 2 ** 31);
  const concurrency = intIn("concurrency", flags.concurrency, 128, 1, 1024);
  const deadlineMs = intIn("deadline", flags.deadline, 10_000, 100, 600_000);
  const settings = {
    inputs,
    seed,
    concurrency,
    deadlineMs,
    shrink: flags.shrink ?? false,
    timeLimitMs: flags.duration === undefined ? undefined : intIn("duration", flags.duration, 0, 1, 86_400) * 1000,
    reuse: intIn("reuse", flags.reuse, 20, 1, 10_000),
    batch: flags.batch === undefined ? undefined : intIn("batch", flags.batch, concurrency, 1, 1_000_000),
  };
  let failed = false;
  for (const transport of transports) {
    if (!(await runOne({ ...settings, transport }))) failed = true;
  }
  return failed ? 1 : 0;
}

async function runOne(settings: Omit<FuzzOptions, "onProgress"> & { transport: TransportName; concurrency: number; deadlineMs: number }): Promise<boolean> {
  const { inputs, seed, transport, concurrency, deadlineMs } = settings;
  let lastPrint = Date.now();
  const started = Date.now();
  const report = await runFuzz({
    ...settings,
    onProgress: (done, r) => {
      if (Date.now() - lastPrint < 10_000) return;
      lastPrint = Date.now();
      const s = (Date.now() - started) / 1000;
      console.error(`… ${done}/${inputs} inputs, ${(done / s).toFixed(0)}/s, violations ${r.crashes + r.hangs + r.wrong}, RSS ${(process.memoryUsage.rss() / 2 ** 20).toFixed(0)} MiB`);
    },
  });
  console.log(formatReport(report, `fuzz: transport ${transport}, seed ${seed}, concurrency ${concurrency}, deadline ${deadlineMs} ms`));
  return passed(report);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
