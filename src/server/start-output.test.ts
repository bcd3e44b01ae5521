/**
 * `npm start` is the first thing a newcomer runs: everything it prints before the page's URL must
 * be the app's own lines, not a wall of bundler warnings. Vite's default config loader bundles
 * vite.config.ts with the whole reference server and warns about every extensionless import, so
 * the scripts load the config with `--configLoader runner`; this test keeps it that way.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}

/**
 * Runs the `start` script's command line (without npm's own banner) until the URL appears (and,
 * with `until`, until that text appears too); resolves with the output before the URL, and all of it.
 * The TCP listener gets a free port (or the one given) and a temporary data folder.
 */
async function outputUntilUrl(c2sPort?: number, until?: string): Promise<{ before: string; all: string }> {
  const script = (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start;
  const [command, ...args] = (script ?? "").split(/\s+/);
  expect(command).toBe("vite");
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "xpp-start-"));
  const child = spawn(process.execPath, [resolve(root, "node_modules/vite/bin/vite.js"), ...args, "--port", String(port), "--strictPort"], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1", XMPP_C2S_PORT: String(c2sPort ?? (await freePort())), XMPP_DATA_DIR: dataDir },
  });
  let output = "";
  try {
    return await new Promise<{ before: string; all: string }>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL within 15 s; output so far:\n${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const at = output.indexOf(`http://127.0.0.1:${port}/`);
        if (at >= 0 && (until === undefined || output.includes(until))) {
          clearTimeout(timer);
          done({ before: output.slice(0, at), all: output });
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => fail(new Error(`vite exited (${code}) before printing its URL:\n${output}`)));
    });
  } finally {
    child.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("npm start", () => {
  it("prints no warnings before the page's URL", async () => {
    const { before } = await outputUntilUrl();
    expect(before).not.toMatch(/\(!\)|warn|deprecat|error/i);
    // The reference server announces itself, so the newcomer knows where XMPP clients connect.
    expect(before).toContain("/xmpp-websocket");
  }, 30_000);

  it("says in one line, without alarm, that the XMPP TCP port is taken and serves WebSocket only", async () => {
    const blocker = await new Promise<Server>((done) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => done(s));
    });
    const taken = (blocker.address() as { port: number }).port;
    try {
      const { all } = await outputUntilUrl(taken, "XMPP TCP:");
      const lines = all.split("\n").filter((l) => l.includes("XMPP TCP:"));
      expect(lines).toEqual([`  ➜  XMPP TCP: port ${taken} is in use (another XMPP server?), so this server is WebSocket-only; set XMPP_C2S_PORT=<n> (0 = off)`]);
      expect(all).not.toMatch(/\(!\)|warn|deprecat|error/i);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 30_000);
});
