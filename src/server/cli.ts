/** `npm run server -- [options]`: the reference XMPP server, standalone. See `--help`. */
import { parseCliArgs, USAGE } from "./cli-args";
import { ReferenceServer } from "./index";
import { startC2s } from "./tcp/c2s-start";

async function main(): Promise<number> {
  const parsed = parseCliArgs(process.argv.slice(2));
  if (parsed.kind === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`error: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  let server: ReferenceServer;
  try {
    server = new ReferenceServer(parsed.options);
    const address = await server.listen({ port: parsed.port, host: parsed.host });
    const tcp = await startC2s(server, parsed.c2s, "choose another with --c2s-port <n> (0 = off)");
    process.stdout.write(
      `XMPP over WebSocket: ${address.url}\n` +
        (tcp ? `XMPP over TCP:       ${tcp}\n` : "") +
        `Push decision log:   ${address.httpUrl}/xmpp-push/log\n` +
        `Virtual hosts:       ${server.hosts.map((h) => `${h.domain} (${h.policy})`).join(", ")}\n` +
        `Stream Management:   ${server.streamManagement ? `XEP-0198 on, resumable for ${server.resumptionTimeoutMs / 1000} s` : "off"}\n`,
    );
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) {
      process.exit(130);
    }
    stopping = true;
    process.stdout.write(`\n${signal}: closing streams…\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`fatal: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
