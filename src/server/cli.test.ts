import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseCliArgs, DEFAULT_PORT } from "./cli-args";

describe("parseCliArgs", () => {
  it("defaults to 127.0.0.1:5280 with the default hosts", () => {
    expect(parseCliArgs([])).toEqual({ kind: "run", port: DEFAULT_PORT, host: "127.0.0.1", options: {} });
  });

  it("parses every flag, in both --flag value and --flag=value forms", () => {
    const result = parseCliArgs([
      "--port", "5999",
      "--host=0.0.0.0",
      "--host-policy", "localhost=spec",
      "--host-policy=Tigase.localhost=tigase",
      "--accounts", "acc.json",
      "--no-dev-registration",
      "--sasl-mechanisms", "plain",
      "--app-server-timeout", "1234",
      "--handshake-timeout=5000",
      "--max-stanza-bytes", "65536",
      "--log-level", "debug",
      "--log-frames",
      "--path", "/ws",
      "--no-stream-management",
      "--resumption-timeout", "5",
    ]);
    expect(result).toEqual({
      kind: "run",
      port: 5999,
      host: "0.0.0.0",
      options: {
        hosts: [
          { domain: "localhost", policy: "spec" },
          { domain: "tigase.localhost", policy: "tigase" },
        ],
        accountsFile: "acc.json",
        devRegistration: false,
        saslMechanisms: ["PLAIN"],
        appServerTimeoutMs: 1234,
        handshakeTimeoutMs: 5000,
        maxStanzaBytes: 65536,
        logLevel: "debug",
        logFrames: true,
        path: "/ws",
        streamManagement: false,
        resumptionTimeoutMs: 5000,
      },
    });
  });

  it.each([
    [["--help"], "help"],
    [["-h"], "help"],
    [["--port", "1", "--help"], "help"],
  ])("%j → help", (argv, kind) => {
    expect(parseCliArgs(argv).kind).toBe(kind);
  });

  it.each([
    [["--port"], /--port needs a value/],
    [["--port", "http"], /--port expects a whole number/],
    [["--port", "70000"], /--port must be 0..65535/],
    [["--host-policy", "localhost"], /expects <domain>=<policy>/],
    [["--host-policy", "localhost=openfire"], /unknown policy "openfire"/],
    [["--host-policy", "bad host=spec"], /bad domain/],
    [["--host-policy", "a=spec", "--host-policy", "A=tigase"], /a given twice/],
    [["--sasl-mechanisms", "PLAIN,DIGEST-MD5"], /unknown mechanism "DIGEST-MD5"/],
    [["--app-server-timeout", "0"], /--app-server-timeout must be 1\.\./],
    [["--log-level", "verbose"], /unknown level "verbose"/],
    [["--path", "ws"], /--path must start with/],
    [["--no-dev-registration=yes"], /takes no value/],
    [["--resumption-timeout", "0"], /--resumption-timeout must be 1\.\.86400/],
    [["--resumption-timeout", "1.5"], /--resumption-timeout expects a whole number/],
    [["--no-stream-management=1"], /takes no value/],
    [["--frobnicate"], /unknown option "--frobnicate"/],
  ])("%j → error %s", (argv, message) => {
    const result = parseCliArgs(argv);
    expect(result.kind).toBe("error");
    expect(result.kind === "error" && result.message).toMatch(message);
  });
});

describe("npm run server (src/server/cli.ts)", () => {
  it("starts, prints the ws URL, serves the push log and exits on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server/cli.ts", "--port", "0", "--log-level", "warn"], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; got: ${out}`)), 15_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /XMPP over WebSocket: (ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1] as string);
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const httpUrl = url.replace("ws://", "http://").replace("/xmpp-websocket", "");
      const res = await fetch(`${httpUrl}/xmpp-push/log`);
      expect(await res.json()).toEqual({ entries: [], instance: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("exits with status 2 and a specific message on a bad flag", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server/cli.ts", "--host-policy", "x=nope"], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(err).toContain('unknown policy "nope"');
    expect(err).toContain("Usage: npm run server");
  });
});
