/**
 * Where the load goes: the reference server (a forked child by default, so its memory is its own;
 * or in this process), the loopback Prosody and ejabberd of e2e/real-servers, or any RFC 7395
 * endpoint given by URL. Real servers have fixed accounts (alice, bob, pushsvc); their memory is
 * the server process's RSS read from /proc (no GC can be forced there).
 */
import { fork } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isUp, REAL_SERVERS, type RealServerName } from "../../../src/real-servers/realServers";
import { ReferenceServer } from "../../../src/server/index";
import type { ChildMemorySample, ChildReply, ChildRequest } from "./reference-child";

export type TargetName = "reference" | RealServerName | "custom";

export interface Credentials {
  username: string;
  password: string;
}

export interface ServerMemory {
  rss: number;
  /** Node heap (reference server only). */
  heapUsed?: number;
  /** Taken after a forced GC (reference child with --expose-gc). */
  afterGc: boolean;
  /** How it was measured, for the report. */
  source: string;
  /** The process holds the server alone (false: the benchmark's clients share it). */
  isolated: boolean;
}

export interface LoadTarget {
  name: TargetName;
  /** Product line for the report. */
  product: string;
  service: string;
  domain: string;
  account: Credentials;
  sender: Credentials;
  sink: Credentials;
  /** Accounts the idle sessions may use, round-robin. */
  idleAccounts: Credentials[];
  /** Sessions per account the benchmark may open before the server would kick one (null: no limit known). */
  sessionsPerAccount: number | null;
  /** What the server process holds now (null when it cannot be read). */
  memory(): Promise<ServerMemory | null>;
  /**
   * Size of the stored message archive (XEP-0313), which some servers touch for every message:
   * ejabberd's mnesia `archive_msg` table lives in a dets file whose per-user chains make each
   * insert slower as the archive grows, so its figures depend on what earlier runs left behind.
   */
  archive(): string;
  /** Stops what the benchmark started (never a server it did not start). */
  close(): Promise<void>;
}

const PASSWORD = process.env.XMPP_PASS ?? "pass";
const fixedAccounts = (password = PASSWORD) => ({
  account: { username: "alice", password },
  sender: { username: "bob", password },
  sink: { username: "pushsvc", password },
  idleAccounts: ["alice", "bob", "pushsvc"].map((username) => ({ username, password })),
});

// ---------------------------------------------------------------------------------------------
// reference server

export type ReferenceMode = "child" | "same-process";

export async function referenceTarget(mode: ReferenceMode, domain = "localhost"): Promise<LoadTarget> {
  const base = {
    name: "reference" as const,
    domain,
    // Dev registration creates the accounts on their first PLAIN login.
    ...fixedAccounts("pass"),
    sessionsPerAccount: null,
  };
  if (mode === "same-process") {
    const server = new ReferenceServer({ logLevel: "silent", appServerTimeoutMs: 5000 });
    const address = await server.listen({ port: 0, host: "127.0.0.1" });
    return {
      ...base,
      product: "reference server (in this process: memory includes the benchmark's own clients)",
      service: address.url,
      async memory() {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        const m = process.memoryUsage();
        return { rss: m.rss, heapUsed: m.heapUsed, afterGc: !!gc, source: "process.memoryUsage of this process (server + clients)", isolated: false };
      },
      archive: () => "none (no XEP-0313)",
      close: () => server.close(),
    };
  }
  const child = await startReferenceChild();
  return {
    ...base,
    product: `reference server (child process pid ${child.pid})`,
    service: child.url,
    async memory() {
      const s = await child.memory();
      return { rss: s.rss, heapUsed: s.heapUsed, afterGc: s.afterGc, source: "server child's process.memoryUsage", isolated: true };
    },
    archive: () => "none (no XEP-0313)",
    close: () => child.close(),
  };
}

interface ReferenceChild {
  pid: number;
  url: string;
  memory(): Promise<ChildMemorySample>;
  close(): Promise<void>;
}

async function startReferenceChild(): Promise<ReferenceChild> {
  const script = fileURLToPath(new URL("./reference-child.ts", import.meta.url));
  const child = fork(script, [], { execArgv: ["--expose-gc", "--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const waiters = new Map<number, (s: ChildMemorySample) => void>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the reference server child did not start within 30 s")), 30_000);
    child.on("message", (msg: ChildReply) => {
      if (msg.type === "ready") {
        clearTimeout(timer);
        resolve(msg.url);
      } else if (msg.type === "failed") {
        clearTimeout(timer);
        reject(new Error(`reference server child failed: ${msg.error}`));
      } else if (msg.type === "memory") {
        waiters.get(msg.id)?.(msg.sample);
        waiters.delete(msg.id);
      }
    });
    void exit.then(() => {
      clearTimeout(timer);
      reject(new Error("the reference server child exited before listening"));
    });
  });
  const request = (req: ChildRequest) => child.send(req);
  return {
    pid: child.pid ?? -1,
    url,
    memory() {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        const timer = setTimeout(() => {
          waiters.delete(id);
          reject(new Error("no memory sample from the server child within 10 s"));
        }, 10_000);
        waiters.set(id, (s) => {
          clearTimeout(timer);
          resolve(s);
        });
        request({ type: "memory", id });
      });
    },
    async close() {
      if (exited) return;
      request({ type: "close" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// real servers

/** ejabberd.yml: `max_user_sessions: 10`; one is left free for whoever else uses the account. */
const EJABBERD_SESSIONS_PER_ACCOUNT = 9;

const SERVERS_DIR = process.env.XMPP_SERVERS_DIR ?? "/tmp/xmpp-push-playground-servers";

/** The pidfiles servers.sh writes, and what the process's command line must contain. */
const PIDFILES: Record<RealServerName, { file: string; expect: string }> = {
  prosody: { file: `${SERVERS_DIR}/prosody/server.pid`, expect: "prosody" },
  ejabberd: { file: `${SERVERS_DIR}/ejabberd/ejabberd.pid`, expect: "beam" },
};

/** VmRSS of a live process, or null (no pidfile, recycled pid, not readable). Read-only. */
function processRss(pidfile: string, expect: string): { pid: number; rss: number } | null {
  try {
    const pid = Number(readFileSync(pidfile, "utf8").trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    if (!cmdline.includes(expect)) return null;
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
    return kb ? { pid, rss: Number(kb) * 1024 } : null;
  } catch {
    return null;
  }
}

export async function realTarget(name: RealServerName): Promise<LoadTarget> {
  const server = REAL_SERVERS[name];
  if (!(await isUp(name, 3000))) {
    throw new TargetDownError(`${name} does not answer on ${server.service} (start it with: bash e2e/real-servers/servers.sh start-${name})`);
  }
  const pidfile = PIDFILES[name];
  const first = processRss(pidfile.file, pidfile.expect);
  return {
    name,
    product: `${server.product}${first ? `, pid ${first.pid}` : ""}`,
    service: server.service,
    domain: server.domain,
    ...fixedAccounts(server.accounts.alice.password),
    sessionsPerAccount: name === "ejabberd" ? EJABBERD_SESSIONS_PER_ACCOUNT : null,
    async memory() {
      const r = processRss(pidfile.file, pidfile.expect);
      return r ? { rss: r.rss, afterGc: false, source: `VmRSS of pid ${r.pid} (/proc)`, isolated: true } : null;
    },
    archive: () => archiveSize(name),
    close: async () => undefined,
  };
}

/** Files of the loopback servers' archives (servers.sh wipes them at every start). Read-only stat. */
function archiveSize(name: RealServerName): string {
  try {
    if (name === "ejabberd") {
      const file = `${SERVERS_DIR}/ejabberd/db/archive_msg.DAT`;
      return `archive_msg.DAT ${fmtSize(statSync(file).size)}`;
    }
    const dir = `${SERVERS_DIR}/prosody/data/localhost/archive`;
    const files = readdirSync(dir).filter((f) => f.endsWith(".list"));
    const total = files.reduce((sum, f) => sum + statSync(`${dir}/${f}`).size, 0);
    return `archive/*.list ${fmtSize(total)} (${files.length} users)`;
  } catch {
    return "n/a (not readable)";
  }
}

function fmtSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export async function customTarget(service: string, domain: string, password = PASSWORD): Promise<LoadTarget> {
  const url = new URL(service);
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new Error(`--service must be a ws:// or wss:// URL, got ${service}`);
  if (!(await isUp({ service, domain }, 3000))) throw new TargetDownError(`no XMPP server answers for ${domain} on ${service}`);
  return {
    name: "custom",
    product: `XMPP server at ${service}`,
    service,
    domain,
    ...fixedAccounts(password),
    sessionsPerAccount: null,
    memory: async () => null,
    archive: () => "n/a",
    close: async () => undefined,
  };
}

export class TargetDownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TargetDownError";
  }
}
