/**
 * A third-party client over TCP: Debian's python3-slixmpp logs in as alice with its defaults
 * (STARTTLS, SCRAM), trusting the generated certificate, enables push towards the sink and goes
 * away (closes its stream). The playground side (xmpp.js over WebSocket) has alice/A1 connected
 * and away; bob's message is then pushed: the sink (pushsvc's full JID) gets the publish.
 *
 * Needs python3 with slixmpp (`.ci/run` installs python3-slixmpp). Outside CI, a machine without it
 * skips this test, and says so in the test's name.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { xml, type Client } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NS } from "../../protocol/ns";
import { connectClient, stopQuietly } from "../test-support";
import { startTcpTestServer, type TcpTestServer } from "./test-support/tcp-server";

const script = join(import.meta.dirname, "slixmpp", "enable_push.py");
// Debian's package installs into the system interpreter, which a pyenv or venv python3 on PATH hides.
const python = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", "import slixmpp"], { stdio: "ignore" }).status === 0);
const available = python !== undefined;
const run = available || process.env.CI ? it : it.skip;
const title = available || process.env.CI
  ? "slixmpp logs in with its defaults over STARTTLS, enables push, and the push reaches the sink when the playground-side resource is away"
  : "slixmpp over TCP: SKIPPED, python3-slixmpp is not installed (apt-get install --no-install-recommends python3-slixmpp)";

function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(python ?? "python3", [script, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe("third-party client over TCP (python3-slixmpp)", () => {
  let ts: TcpTestServer;
  let dir: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    ts = await startTcpTestServer({ defaultAccounts: true });
    dir = await mkdtemp(join(tmpdir(), "xpp-slix-"));
  });
  afterAll(async () => {
    await Promise.all(clients.map(stopQuietly));
    await ts?.close();
    await rm(dir, { recursive: true, force: true });
  });

  run(title, async () => {
    const caFile = join(dir, "ca.pem");
    await writeFile(caFile, ts.ca);

    const publishes: Element[] = [];
    const sink = await connectClient({ url: ts.url, username: "pushsvc", resource: "sink" });
    clients.push(sink);
    sink.iqCallee.set(NS.pubsub, "pubsub", (ctx: { stanza: Element }) => {
      publishes.push(ctx.stanza);
      return true;
    });
    await sink.send(xml("presence"));

    const node = `slix-${Math.random().toString(36).slice(2, 10)}`;
    const result = await runScript([
      "--jid", "alice@localhost/slix", "--password", "pass", "--port", String(ts.c2sPort),
      "--ca", caFile, "--push-jid", "pushsvc@localhost/sink", "--node", node,
    ]);
    // stderr carries slixmpp's own notices (slow stringprep, a pending task at exit): shown on failure only.
    expect(result.code, result.stderr).toBe(0);
    // slixmpp picks the strongest mechanism offered: SCRAM-SHA-256, which alice has from the first start.
    expect(result.stdout, result.stderr).toBe("LOGGED-IN SCRAM-SHA-256\nENABLED\nCLOSED\n");

    const a1 = await connectClient({ url: ts.url, username: "alice", resource: "A1" });
    clients.push(a1);
    await a1.send(xml("presence", {}, xml("show", {}, "away")));
    const bob = await connectClient({ url: ts.url, username: "bob", resource: "B" });
    clients.push(bob);
    await bob.send(xml("message", { to: "alice@localhost", type: "chat", id: "slix-m1" }, xml("body", {}, "for the app in the background")));

    await expect.poll(() => publishes.length, { timeout: 5000 }).toBeGreaterThan(0);
    const publish = publishes[0]?.getChild("pubsub", NS.pubsub)?.getChild("publish");
    expect(publish?.attrs.node).toBe(node);
    // XEP-0357 §5: the account's server publishes.
    expect(publishes[0]?.attrs.from).toBe("localhost");
  }, 40_000);
});
