/**
 * The built app as users run it: `vite build`, then `vite preview` with the reference server
 * mounted (as playwright.config.ts does), on a port of our own. Only the child we started is
 * stopped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

export function buildApp(): void {
  const r = spawnSync("npx", ["vite", "build", "--configLoader", "runner", "--logLevel", "warn"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer on ${url} within ${timeoutMs / 1000} s`);
}

export async function startPreview(port: number): Promise<AppServer> {
  const child = spawn("npx", ["vite", "preview", "--configLoader", "runner", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForHttp(url, child, 60_000);
  } catch (err) {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
    throw new Error(`${(err as Error).message}\n${stderr}`, { cause: err });
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || !child.pid) return resolve();
        child.once("exit", () => resolve());
        // npx starts vite in the same process group: stop the group we created, nothing else.
        process.kill(-child.pid, "SIGTERM");
        setTimeout(() => {
          if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
        }, 5_000).unref();
      }),
  };
}
