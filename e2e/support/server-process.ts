/**
 * A reference server of the test's own, in a child Node process (`npm run server`, i.e.
 * src/server/cli.ts under tsx) on a free loopback port, which the test can kill outright (SIGKILL:
 * no stream is closed, the browser sees WebSocket code 1006) and start again on the same port.
 * Its default Origin policy accepts pages from 127.0.0.1, where the e2e webServer serves the app.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitUntilServing(httpUrl: string, child: ChildProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the reference server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${httpUrl}/xmpp-push/log?after=0`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the reference server did not answer on ${httpUrl} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ServerProcess {
  /** `ws://127.0.0.1:PORT/xmpp-websocket` */
  readonly url: string;
  /** SIGKILL: the server dies without closing anything. */
  kill(): Promise<void>;
  /** A fresh server on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startServerProcess(extraArgs: readonly string[] = []): Promise<ServerProcess> {
  const port = await freePort();
  const httpUrl = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;

  async function start(): Promise<void> {
    // One process (not the tsx launcher, which forks): SIGKILL must take the server itself down.
    const proc = spawn(process.execPath, ["--import", "tsx", "src/server/cli.ts", "--port", String(port), "--host", "127.0.0.1", "--log-level", "warn", ...extraArgs], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
    child = proc;
    await waitUntilServing(httpUrl, proc);
  }

  async function kill(): Promise<void> {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill("SIGKILL");
    await exited;
  }

  await start();
  return { url: `ws://127.0.0.1:${port}/xmpp-websocket`, kill, restart: start, stop: kill };
}
