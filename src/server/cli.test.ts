import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCliArgs, DEFAULT_PORT } from "./cli-args";
import { rawTcpSocket } from "./tcp/test-support/tcp-socket";

describe("parseCliArgs", () => {
  it("defaults to 127.0.0.1:5280 with the default hosts", () => {
    expect(parseCliArgs([])).toEqual({ kind: "run", port: DEFAULT_PORT, host: "127.0.0.1", options: { defaultAccounts: true }, c2s: { port: 5222, host: "127.0.0.1" } });
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
      "--c2s-port", "5333",
      "--c2s-tls-port=5334",
      "--data-dir", "/tmp/d",
      "--cert", "c.pem",
      "--key", "k.pem",
      "--no-default-accounts",
    ]);
    expect(result).toEqual({
      kind: "run",
      port: 5999,
      host: "0.0.0.0",
      c2s: { port: 5333, tlsPort: 5334, host: "0.0.0.0", dataDir: "/tmp/d", certFile: "c.pem", keyFile: "k.pem" },
      options: {
        defaultAccounts: false,
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
    [["--c2s-port", "65536"], /--c2s-port must be 0\.\.65535/],
    [["--c2s-tls-port", "0"], /--c2s-tls-port must be 1\.\./],
    [["--cert", "c.pem"], /--cert and --key go together/],
  ])("%j → error %s", (argv, message) => {
    const result = parseCliArgs(argv);
    expect(result.kind).toBe("error");
    expect(result.kind === "error" && result.message).toMatch(message);
  });
});

describe("npm run server (src/server/cli.ts)", () => {
  function listenOnFreePort(): Promise<Server> {
    return new Promise((resolve, reject) => {
      const blocker = createServer();
      blocker.once("error", reject);
      blocker.listen(0, "127.0.0.1", () => resolve(blocker));
    });
  }
  const portOf = (s: Server): number => (s.address() as { port: number }).port;

  /** Runs the CLI until both XMPP lines are printed; returns them, then stops it with SIGTERM. */
  async function runCli(args: string[], check: (out: string) => Promise<void>): Promise<void> {
    const child = spawn(process.execPath, ["--import", "tsx", "src/server/cli.ts", "--port", "0", "--log-level", "warn", ...args], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL printed; got: ${out}`)), 15_000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("Stream Management:")) {
            clearTimeout(timer);
            resolve();
          }
        });
        child.once("exit", (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      await check(out);
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  }

  it("starts, prints the ws URL, serves the push log and exits on SIGTERM", async () => {
    await runCli(["--c2s-port", "0"], async (out) => {
      const url = /XMPP over WebSocket: (ws:\/\/127\.0\.0\.1:\d+\/xmpp-websocket)/.exec(out)?.[1] ?? "";
      expect(out).not.toContain("XMPP over TCP");
      const httpUrl = url.replace("ws://", "http://").replace("/xmpp-websocket", "");
      const res = await fetch(`${httpUrl}/xmpp-push/log`);
      expect(await res.json()).toEqual({ entries: [], instance: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });
  });

  it("listens for XMPP over TCP with a certificate generated in --data-dir", async () => {
    const probe = await listenOnFreePort();
    const port = portOf(probe);
    await new Promise((r) => probe.close(r));
    const dataDir = await mkdtemp(join(tmpdir(), "xpp-cli-"));
    try {
      await runCli(["--c2s-port", String(port), "--data-dir", dataDir], async (out) => {
        expect(out).toContain(`XMPP over TCP:       xmpp://127.0.0.1:${port} (STARTTLS required); certificate `);
        expect(out).toContain("(generated now)");
        const s = await rawTcpSocket(port);
        expect((await s.open()).getChild("starttls", "urn:ietf:params:xml:ns:xmpp-tls")).toBeDefined();
        s.close();
      });
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("says in one line that the TCP port is taken and serves WebSocket only", async () => {
    const blocker = await listenOnFreePort();
    const dataDir = await mkdtemp(join(tmpdir(), "xpp-cli-"));
    try {
      await runCli(["--c2s-port", String(portOf(blocker)), "--data-dir", dataDir], async (out) => {
        const lines = out.split("\n").filter((l) => l.includes("XMPP over TCP"));
        expect(lines).toEqual([`XMPP over TCP:       port ${portOf(blocker)} is in use (another XMPP server?), so this server is WebSocket-only; choose another with --c2s-port <n> (0 = off)`]);
        const url = /XMPP over WebSocket: ws:\/\/(127\.0\.0\.1:\d+)\//.exec(out)?.[1] ?? "";
        expect((await fetch(`http://${url}/xmpp-push/log`)).status).toBe(200);
      });
    } finally {
      await new Promise((r) => blocker.close(r));
      await rm(dataDir, { recursive: true, force: true });
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
