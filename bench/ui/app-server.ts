/**
 * The built app as users run it: `vite build`, then `vite preview` with the reference server
 * mounted (as playwright.config.ts does), on a port of our own. Only the child we started is
 * stopped.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

export interface AppServer {
  url: string;
  /** CPU seconds used so far by vite preview and the reference server it hosts (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export function buildApp(): void {
  const r = spawnSync("npx", ["vite", "build", "--configLoader", "runner", "--logLevel", "warn"], { stdio: "inherit" });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal})`);
}

/** utime + stime of every process in the group `pgid` (the group `startPreview` created). */
function groupCpuSeconds(pgid: number | undefined): number {
  if (pgid === undefined) return Number.NaN;
  let ticks = 0;
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, "utf8");
      } catch {
        continue; // exited meanwhile
      }
      // Fields after the command name (which may hold spaces): state is field 3, pgrp 5, utime 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) === pgid) ticks += Number(fields[11]) + Number(fields[12]);
    }
  } catch {
    return Number.NaN;
  }
  return ticks / 100;
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

/** `outDir`: another build than dist/ (e.g. an unminified one for profiling). */
export async function startPreview(port: number, outDir?: string): Promise<AppServer> {
  const child = spawn("npx", ["vite", "preview", "--configLoader", "runner", "--host", "127.0.0.1", "--port", String(port), "--strictPort", ...(outDir ? ["--outDir", outDir] : [])], {
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
    cpuSeconds: () => groupCpuSeconds(child.pid),
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
