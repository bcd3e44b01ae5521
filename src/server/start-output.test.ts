/**
 * `npm start` is the first thing a newcomer runs: everything it prints before the page's URL must
 * be the app's own lines, not a wall of bundler warnings. Vite's default config loader bundles
 * vite.config.ts with the whole reference server and warns about every extensionless import, so
 * the scripts load the config with `--configLoader runner`; this test keeps it that way.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { resolve } from "node:path";

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

/** Runs the `start` script's command line (without npm's own banner) until the URL appears. */
async function outputUntilUrl(): Promise<string> {
  const script = (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start;
  const [command, ...args] = (script ?? "").split(/\s+/);
  expect(command).toBe("vite");
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(root, "node_modules/vite/bin/vite.js"), ...args, "--port", String(port), "--strictPort"], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
  });
  let output = "";
  try {
    return await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL within 15 s; output so far:\n${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const at = output.indexOf(`http://127.0.0.1:${port}/`);
        if (at >= 0) {
          clearTimeout(timer);
          done(output.slice(0, at));
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => fail(new Error(`vite exited (${code}) before printing its URL:\n${output}`)));
    });
  } finally {
    child.kill();
  }
}

describe("npm start", () => {
  it("prints no warnings before the page's URL", async () => {
    const before = await outputUntilUrl();
    expect(before).not.toMatch(/\(!\)|warn|deprecat|error/i);
    // The reference server announces itself, so the newcomer knows where XMPP clients connect.
    expect(before).toContain("/xmpp-websocket");
  }, 30_000);
});
