// The CLI's flags, parsed without running anything.
import { describe, expect, it } from "vitest";
import { CLI_WAITS, parseCliArgs } from "./cli-args";
import type { CliOptions } from "./cli-args";

const BASE = ["--service", "ws://127.0.0.1:5280/xmpp-websocket", "--domain", "localhost", "--account", "alice:pass", "--sender", "bob:pass", "--sink", "pushsvc:pass"];

/** BASE with one flag's value replaced. */
function withFlag(flag: string, value: string): string[] {
  const args = [...BASE];
  args[args.indexOf(flag) + 1] = value;
  return args;
}

function run(...extra: string[]): CliOptions {
  return runArgs([...BASE, ...extra]);
}

function runArgs(args: string[]): CliOptions {
  const parsed = parseCliArgs(args);
  if (parsed.kind !== "run") throw new Error(`expected a run, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function error(...args: string[]): string {
  const parsed = parseCliArgs(args);
  if (parsed.kind !== "error") throw new Error(`expected an error, got ${parsed.kind}`);
  return parsed.message;
}

describe("parseCliArgs", () => {
  it("builds a shared-account target judged under spec with the real-server waits by default", () => {
    const options = run();
    expect(options.target).toEqual({
      name: "ws://127.0.0.1:5280/xmpp-websocket",
      service: "ws://127.0.0.1:5280/xmpp-websocket",
      domain: "localhost",
      account: { username: "alice", password: "pass" },
      sender: { username: "bob", password: "pass" },
      sink: { username: "pushsvc", password: "pass" },
      waits: CLI_WAITS,
      accounts: "auto",
      settle: "auto",
    });
    expect(options).toMatchObject({ policy: "spec", expectPolicy: null, only: null, json: null, markdown: null, timeoutScale: 1, concurrency: "auto", runUnsupported: false, quiet: false });
  });

  it("takes every option, in --flag value and --flag=value form", () => {
    const options = run(
      "--policy-from-disco",
      "--expect-policy=Prosody",
      "--only",
      "c8, C10,C8",
      "--json",
      "out.json",
      "--markdown=out.md",
      "--timeout-scale",
      "2.5",
      "--mechanism",
      "plain",
      "--name",
      "Prosody",
      "--fresh-accounts",
      "--concurrency",
      "4",
      "--quiet",
      "--run-unsupported",
    );
    expect(options).toMatchObject({ runUnsupported: true, policy: "from-disco", expectPolicy: "prosody", only: ["C8", "C10"], json: "out.json", markdown: "out.md", timeoutScale: 2.5, concurrency: 4, quiet: true });
    expect(options.target).toMatchObject({ name: "Prosody", mechanism: "PLAIN", accounts: "fresh", waits: { pushMs: 25_000, noPushMs: 5_000, iqMs: 25_000, settleMs: 500 } });
  });

  it("reads USER@DOMAIN credentials and passwords with colons", () => {
    const options = runArgs(withFlag("--sink", "push@apps.example:se:cret"));
    expect(options.target.sink).toEqual({ username: "push", password: "se:cret", domain: "apps.example" });
    expect(runArgs(withFlag("--account", "alice@LOCALHOST:pass")).target.account).toEqual({ username: "alice", password: "pass" });
    expect(run("--policy", "ejabberd").policy).toBe("ejabberd");
  });

  it("answers help and list", () => {
    expect(parseCliArgs(["--help"])).toEqual({ kind: "help" });
    expect(parseCliArgs(["-h", "--bogus"])).toEqual({ kind: "error", message: "unknown flag --bogus (see --help)" });
    expect(parseCliArgs(["--list"])).toEqual({ kind: "list" });
  });

  it("rejects bad flags with a specific message", () => {
    expect(error()).toBe("--service is required (see --help)");
    expect(error(...BASE.slice(0, 8))).toBe("--sink is required (see --help)");
    expect(error(...BASE, "--bogus")).toBe("unknown flag --bogus (see --help)");
    expect(error(...BASE, "stray")).toBe("unexpected argument 'stray' (flags start with --)");
    expect(error(...BASE, "--json")).toBe("--json needs a value");
    expect(error(...BASE, "--json=")).toBe("--json needs a value");
    expect(error(...BASE, "--only", "--quiet")).toBe("--only needs a value");
    expect(error(...BASE, "--domain", "x")).toBe("--domain is given twice");
    expect(error(...BASE, "--quiet=yes")).toBe("--quiet takes no value");
    expect(error("--service", "http://x/ws", ...BASE.slice(2))).toBe("--service must be a ws:// or wss:// URL, got 'http://x/ws'");
    expect(error("--service", "not a url", ...BASE.slice(2))).toBe("--service must be a ws:// or wss:// URL, got 'not a url'");
    expect(error(...BASE.slice(0, 2), "--domain", "alice@localhost", ...BASE.slice(4))).toBe("--domain must be a bare domain like localhost, got 'alice@localhost'");
    expect(error(...BASE.slice(0, 4), "--account", "alice", ...BASE.slice(6))).toBe("--account must be USER:PASSWORD or USER@DOMAIN:PASSWORD, got 'alice'");
    expect(error(...BASE.slice(0, 4), "--account", "a@b@c:secret", ...BASE.slice(6))).toBe("--account must be USER:PASSWORD or USER@DOMAIN:PASSWORD, got 'a@b@c:…'");
    expect(error(...BASE, "--policy", "openfire")).toBe("--policy must be one of spec, tigase, prosody, ejabberd, got 'openfire'");
    expect(error(...BASE, "--policy", "spec", "--policy-from-disco")).toBe("--policy and --policy-from-disco exclude each other");
    expect(error(...BASE, "--expect-policy", "x")).toBe("--expect-policy must be one of spec, tigase, prosody, ejabberd, got 'x'");
    expect(error(...BASE, "--only", "C8,C99,Z")).toBe("--only: unknown scenario C99, Z (known: C1-C30)");
    expect(error(...BASE, "--only", ",")).toBe("--only needs scenario ids, e.g. --only C8,C10");
    expect(error(...BASE, "--timeout-scale", "0")).toBe("--timeout-scale must be a number above 0 and at most 100, got '0'");
    expect(error(...BASE, "--timeout-scale", "fast")).toBe("--timeout-scale must be a number above 0 and at most 100, got 'fast'");
    expect(error(...BASE, "--mechanism", "DIGEST-MD5")).toBe("--mechanism must be PLAIN or SCRAM-SHA-1, got 'DIGEST-MD5'");
    expect(error(...BASE, "--shared-accounts", "--concurrency", "3")).toBe("--concurrency needs fresh accounts (shared accounts run one scenario at a time)");
    expect(error(...BASE, "--shared-accounts", "--fresh-accounts")).toBe("--fresh-accounts and --shared-accounts exclude each other");
    expect(error(...BASE, "--fresh-accounts", "--concurrency", "0")).toBe("--concurrency must be an integer from 1 to 32, got '0'");
  });

  it("never echoes a password in an error", () => {
    const message = error(...BASE.slice(0, 4), "--account", "a@@b:hunter2", ...BASE.slice(6));
    expect(message).not.toContain("hunter2");
  });
});
