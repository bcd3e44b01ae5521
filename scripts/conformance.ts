/**
 * `npm run conformance -- --service ws://… --domain … --account alice:pass --sender bob:pass --sink pushsvc:pass`
 *
 * Runs the push conformance suite (src/conformance) against one XMPP server and prints a line per
 * scenario and a summary with the policy the server behaves like. Exit status: 0 when no MUST
 * scenario failed; 1 on a failed MUST, an --expect-policy mismatch or a run that could not start;
 * 2 on bad flags. See --help.
 */
import { writeFile } from "node:fs/promises";
import WebSocket from "ws";
import { parseCliArgs, USAGE } from "../src/conformance/cli-args";
import { describeCounts, formatDuration, progressLine, toJson, toMarkdown } from "../src/conformance/format";
import { describeIdentification } from "../src/conformance/identify";
import { runSuite } from "../src/conformance/runner";
import { serverLabel } from "../src/conformance/server-identity";
import type { SuiteProgress, SuiteReport } from "../src/conformance/types";
import { describeScenarios } from "../src/scenarios/catalogue";

// Node 20 has no global WebSocket; xmpp.js's websocket transport needs one.
if (typeof globalThis.WebSocket === "undefined") {
  (globalThis as unknown as { WebSocket: typeof WebSocket }).WebSocket = WebSocket;
}

function describeMode(mode: NonNullable<Extract<SuiteProgress, { type: "preflight" }>["mode"]>): string {
  const accounts = mode.accounts === "fresh" ? `fresh accounts, ${mode.concurrency} scenario(s) at once` : "shared accounts, one scenario at a time";
  const settle = mode.settle === "decision-log" ? "'no push' settled from the server's decision log and ping round trips" : "'no push' watched for fixed windows";
  return `${accounts}; ${settle}`;
}

const out = (line: string): void => void process.stdout.write(`${line}\n`);
const err = (line: string): void => void process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const parsed = parseCliArgs(argv);
  switch (parsed.kind) {
    case "help":
      process.stdout.write(USAGE);
      return 0;
    case "list":
      for (const s of describeScenarios()) out(`${s.id.padEnd(4)} ${s.level.padEnd(6)} ${s.name}${s.needs?.length ? `  (needs ${s.needs.join(", ")})` : ""}`);
      return 0;
    case "error":
      err(`error: ${parsed.message}`);
      return 2;
    case "run":
      break;
  }
  const options = parsed.options;
  const { target } = options;
  if (!options.quiet) {
    const accounts = target.accounts === "fresh" ? "fresh accounts per scenario" : target.accounts === "shared" ? "shared accounts" : "fresh accounts on the reference server, shared elsewhere";
    out(`Conformance run against ${target.name} (domain ${target.domain}, ${accounts})`);
  }
  const onProgress = (event: SuiteProgress): void => {
    if (options.quiet) return;
    if (event.type === "preflight") {
      const how = event.policySource === "disco" ? "named by its disco#info" : event.policySource === "option" ? "chosen" : "default";
      out(`Server: ${serverLabel(event.server)}${event.server.name ? ` (identity '${event.server.name}')` : ""}; judged under ${event.policy} (${how})`);
      if (event.mode) out(`Run: ${describeMode(event.mode)}`);
    } else if (event.type === "scenario-done") {
      out(progressLine(event.report, event.index, event.total));
    }
  };

  const report = await runSuite({
    target,
    policy: options.policy,
    onProgress,
    concurrency: options.concurrency,
    runUnsupported: options.runUnsupported,
    ...(options.only ? { scenarios: options.only } : {}),
  });
  const written = await writeReports(report, options.json, options.markdown);

  if (report.fatal) {
    err(`error: the run could not start: ${report.fatal}`);
    return 1;
  }
  if (report.policyNote) err(`note: ${report.policyNote}`);
  out(`${describeCounts(report)} in ${formatDuration(report.durationMs)}`);
  out(describeIdentification(report.identification));

  let code = written ? 0 : 1;
  if (report.summary.failedMust.length > 0) {
    err(`failed MUST scenario(s): ${report.summary.failedMust.join(", ")}`);
    code = 1;
  }
  if (options.expectPolicy) {
    const { best, candidates } = report.identification;
    if (best !== options.expectPolicy || candidates.length !== 1) {
      const seen = candidates.length > 1 ? `cannot tell ${candidates.join(" from ")} apart` : `it behaves like ${best}`;
      err(`expected the server to behave like ${options.expectPolicy}, but ${seen} (${describeIdentification(report.identification)})`);
      code = 1;
    }
  }
  return code;
}

async function writeReports(report: SuiteReport, json: string | null, markdown: string | null): Promise<boolean> {
  let ok = true;
  const write = async (path: string, text: string): Promise<void> => {
    try {
      await writeFile(path, text, "utf8");
      out(`wrote ${path}`);
    } catch (error) {
      err(`error: cannot write ${path}: ${(error as Error).message}`);
      ok = false;
    }
  };
  if (json) await write(json, toJson(report));
  if (markdown) await write(markdown, toMarkdown(report));
  return ok;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(`fatal: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
