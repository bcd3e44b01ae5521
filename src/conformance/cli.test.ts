// scripts/conformance.ts as a user runs it (tsx in a child process) against an in-process
// reference server: progress lines, summary, report files and exit codes.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CATALOGUE_SERVER, startTestServer } from "../server/test-support/test-server";
import type { TestServer } from "../server/test-support/test-server";
import { REFERENCE_CONCURRENCY } from "./runner";
import type { SuiteReport } from "./types";

const ROOT = resolve(__dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const SCRIPT = join(ROOT, "scripts/conformance.ts");

let server: TestServer;
let dir: string;

beforeAll(async () => {
  // XEP-0198 offered: C26/C27 need it (the harness negotiates it only there).
  server = await startTestServer(CATALOGUE_SERVER);
  dir = await mkdtemp(join(tmpdir(), "conformance-cli-"));
});

afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(TSX, [SCRIPT, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
  });
}

let counter = 0;

/** The flags, with usernames of this test only (the server registers them on first login). */
function flags(domain: string, service = server.url): string[] {
  const tag = `cli${++counter}${Math.random().toString(36).slice(2, 6)}`;
  return [
    "--service",
    service,
    "--domain",
    domain,
    "--account",
    `alice-${tag}:pass`,
    "--sender",
    `bob-${tag}:pass`,
    "--sink",
    `pushsvc-${tag}:pass`,
    "--mechanism",
    "PLAIN",
    "--timeout-scale",
    "0.2",
  ];
}

describe.concurrent("npm run conformance", { timeout: 40_000 }, () => {
  it("runs a subset, prints a line per scenario and a summary, writes JSON and Markdown, exits 0", async () => {
    const json = join(dir, "c2-c4.json");
    const markdown = join(dir, "c2-c4.md");
    const run = await cli([...flags("localhost"), "--only", "C2,C4", "--json", json, "--markdown", markdown]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^Conformance run against ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket \(domain localhost, fresh accounts on the reference server, shared elsewhere\)$/);
    expect(lines[1]).toBe("Server: reference server (spec policy) (identity 'XMPP Push Playground reference server (spec policy)'); judged under spec (chosen)");
    // The reference server is recognised: scenarios on fresh accounts, several at once, "no push" settled from its log.
    expect(lines[2]).toBe(`Run: fresh accounts, ${REFERENCE_CONCURRENCY} scenario(s) at once; 'no push' settled from the server's decision log and ping round trips`);
    expect(lines.find((l) => l.startsWith("[1/2]"))).toMatch(/^\[1\/2\] C2 {3}Enable with away +MUST {3}PASS \(/);
    expect(lines.find((l) => l.startsWith("[2/2]"))).toMatch(/^\[2\/2\] C4 {3}Offline baseline +MUST {3}PASS \(/);
    expect(run.stdout).toMatch(/\n2 pass, 0 fail, 0 info, 0 n\/a in [\d.]+ m?s\n/);
    expect(run.stdout).toContain("behaves like spec or tigase or prosody or ejabberd (cannot tell apart): 2/2");

    const report = JSON.parse(await readFile(json, "utf8")) as SuiteReport;
    expect(report.format).toBe("xmpp-push-conformance/1");
    expect(report.scenarios.map((s) => [s.id, s.verdict])).toEqual([
      ["C2", "pass"],
      ["C4", "pass"],
    ]);
    expect(report.scenarios[1]?.observation.probes[0]?.publishes).toHaveLength(1);
    expect(report.waits).toEqual({ pushMs: 2000, noPushMs: 400, iqMs: 2000, settleMs: 40 });
    const md = await readFile(markdown, "utf8");
    expect(md).toContain("| C4 | Offline baseline | MUST | pass |");
  });

  it("exits 1 on a failed MUST scenario", async () => {
    const run = await cli([...flags("prosody.localhost"), "--only", "C1"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/\[1\/1\] C1 {3}Disco features +MUST {3}FAIL/);
    expect(run.stdout).toContain("hint: Reference server (prosody policy, models Prosody's mod_cloud_notify)");
    expect(run.stderr).toContain("failed MUST scenario(s): C1");
  });

  it("judges under the policy the server names with --policy-from-disco and checks --expect-policy", async () => {
    const ok = await cli([...flags("prosody.localhost"), "--only", "C1,C25", "--policy-from-disco", "--expect-policy", "prosody"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("judged under prosody (named by its disco#info)");
    expect(ok.stdout).toContain("behaves like prosody: 2/2 (ejabberd 1/2, spec 0/2, tigase 0/2)");
  });

  it("exits 1 when --expect-policy names another policy than the one observed", async () => {
    const wrong = await cli([...flags("ejabberd.localhost"), "--only", "C25", "--policy", "ejabberd", "--expect-policy", "prosody", "--quiet"]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).not.toContain("[1/1]");
    expect(wrong.stderr).toContain("expected the server to behave like prosody, but it behaves like ejabberd (behaves like ejabberd: 1/1");
  });

  it("exits 1 with the reason when the run cannot start", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await cli([...flags("localhost", `ws://127.0.0.1:${port}/xmpp-websocket`), "--only", "C4"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: the run could not start: the account cannot log in: /m);
  });

  it("exits 2 with a specific message on bad flags", async () => {
    const scale = await cli([...flags("localhost").slice(0, -2), "--timeout-scale", "0"]);
    expect(scale).toMatchObject({ code: 2, stderr: "error: --timeout-scale must be a number above 0 and at most 100, got '0'\n" });
    const twice = await cli([...flags("localhost"), "--timeout-scale", "2"]);
    expect(twice).toMatchObject({ code: 2, stderr: "error: --timeout-scale is given twice\n" });
    const only = await cli(["--only", "C99", ...flags("localhost")]);
    expect(only).toMatchObject({ code: 2, stderr: "error: --only: unknown scenario C99 (known: C1-C30)\n", stdout: "" });
    const missing = await cli(["--domain", "localhost"]);
    expect(missing).toMatchObject({ code: 2, stderr: "error: --service is required (see --help)\n" });
  });

  it("prints the usage and the scenario list", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: npm run conformance -- --service URL --domain DOMAIN --account USER:PASS --sender USER:PASS --sink USER:PASS");
    const list = await cli(["--list"]);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split("\n")).toHaveLength(30);
    expect(list.stdout).toContain("C8   MUST   Core: other client away  (needs tigase:push:away:0)");
  });
});
