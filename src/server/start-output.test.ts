/**
 * `npm start` is the first thing a newcomer runs: it builds the app for production and serves it
 * with the reference server mounted (`vite preview`, issue 14: a devtool's users need no hot
 * reload, and the production build is the fast one), and everything it prints before the page's
 * URL must be the app's own lines, not a wall of bundler warnings. `npm run dev` keeps the dev
 * server for the team, with the same rule. Vite's default config loader bundles vite.config.ts
 * with the whole reference server and warns about every extensionless import, so the scripts load
 * the config with `--configLoader runner`; this test keeps it that way.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";

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

function script(name: string): string {
  return (JSON.parse(readFileSync(resolve(root, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts[name] ?? "";
}

/**
 * Runs a script's command line as npm would (a shell with node_modules/.bin on PATH, without npm's
 * own banner; the port goes to its last command) until the page's URL appears; then `whileUp` runs
 * against the server before it is stopped. The TCP listener gets a free port (or `c2sPort`) and a
 * temporary data folder; `until` also waits for that text after the URL.
 */
async function outputUntilUrl(
  name: string,
  whileUp: (url: string, output: () => string) => Promise<void> = async () => undefined,
  opts: { c2sPort?: number; until?: string } = {},
): Promise<string> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "xpp-start-"));
  const c2sPort = opts.c2sPort ?? (await freePort());
  // As from a user's shell: vitest's NODE_ENV=test would make `vite build` bundle React's development build.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_ENV" && !key.startsWith("VITEST")));
  const child = spawn("sh", ["-c", `${script(name)} --port ${port} --strictPort`], {
    cwd: root,
    env: {
      ...env,
      PATH: `${resolve(root, "node_modules/.bin")}${delimiter}${env.PATH ?? ""}`,
      FORCE_COLOR: "0",
      NO_COLOR: "1",
      XMPP_C2S_PORT: String(c2sPort),
      XMPP_DATA_DIR: dataDir,
    },
    detached: true,
  });
  let output = "";
  const url = `http://127.0.0.1:${port}/`;
  try {
    const before = await new Promise<string>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no URL within 90 s; output so far:\n${output}`)), 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const at = output.indexOf(url);
        if (at >= 0 && (opts.until === undefined || output.includes(opts.until))) {
          clearTimeout(timer);
          done(output.slice(0, at));
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => fail(new Error(`${name} exited (${code}) before printing its URL:\n${output}`)));
    });
    await whileUp(url, () => output);
    return before;
  } finally {
    // The shell and the vite it started: the whole process group this test created.
    if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
    rmSync(dataDir, { recursive: true, force: true });
  }
}

describe("npm start", () => {
  it("builds the app and serves the production build with the reference server, printing no warnings before the page's URL", async () => {
    expect(script("start")).toMatch(/^vite build .*--configLoader runner.*&& vite preview .*--configLoader runner/);
    let page = "";
    const before = await outputUntilUrl("start", async (url) => {
      page = await (await fetch(url)).text();
    });
    expect(before).not.toMatch(/\(!\)|warn|deprecat|error|externalized|debugName/i);
    // The reference server announces itself, so the newcomer knows where XMPP clients connect.
    expect(before).toContain("/xmpp-websocket");
    // The built page (hashed chunks, relative paths so dist/ works under a sub-path), not the dev server's modules and HMR client.
    expect(page).toMatch(/<script type="module" crossorigin src="\.\/assets\/index-[\w-]+\.js">/);
    expect(page).not.toContain("/@vite/client");
  }, 120_000);
});

describe("npm run dev", () => {
  it("keeps the dev server for the team, with the same quiet start", async () => {
    expect(script("dev").split(/\s+/)[0]).toBe("vite");
    let page = "";
    const before = await outputUntilUrl("dev", async (url) => {
      page = await (await fetch(url)).text();
    });
    expect(before).not.toMatch(/\(!\)|warn|deprecat|error|externalized|debugName/i);
    expect(before).toContain("/xmpp-websocket");
    expect(page).toContain("/@vite/client");
  }, 120_000);
});

describe("the XMPP TCP port", () => {
  it("says in one line, without alarm, that it is taken and serves WebSocket only", async () => {
    const blocker = await new Promise<Server>((done) => {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => done(s));
    });
    const taken = (blocker.address() as { port: number }).port;
    try {
      let all = "";
      // The dev server mounts the same plugin as `npm start` without a build first.
      await outputUntilUrl("dev", async (_url, output) => {
        all = output();
      }, { c2sPort: taken, until: "XMPP TCP:" });
      const lines = all.split("\n").filter((l) => l.includes("XMPP TCP:"));
      expect(lines).toEqual([`  ➜  XMPP TCP: port ${taken} is in use (another XMPP server?), so this server is WebSocket-only; set XMPP_C2S_PORT=<n> (0 = off)`]);
      expect(all).not.toMatch(/\(!\)|warn|deprecat|error|externalized|debugName/i);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 120_000);
});
