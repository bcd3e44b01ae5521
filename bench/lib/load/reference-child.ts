/**
 * The reference server alone in a child process, so that its heap and RSS are its own and not
 * the benchmark clients' (forked by reference-target.ts with `--expose-gc --import tsx`). It
 * listens on 127.0.0.1, port 0, and answers the parent over IPC:
 *   → { type: "ready", url }           once listening
 *   ← { type: "memory", id }           → { type: "memory", id, sample }
 *   ← { type: "close" }                → { type: "closed" }, then exits
 * It exits by itself when the parent goes away (IPC disconnect).
 */
import { ReferenceServer } from "../../../src/server/index";

export interface ChildMemorySample {
  rss: number;
  heapUsed: number;
  external: number;
  afterGc: boolean;
  connections: number;
}

export type ChildRequest = { type: "memory"; id: number } | { type: "close" };
export type ChildReply =
  | { type: "ready"; url: string }
  | { type: "memory"; id: number; sample: ChildMemorySample }
  | { type: "closed" }
  | { type: "failed"; error: string };

const send = (reply: ChildReply): void => {
  process.send?.(reply);
};

const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  if (!process.send) throw new Error("reference-child.ts runs only as a forked child (IPC)");
  // App Server answers are immediate in the benchmark; a lost one must not hold a push for 30 s.
  const server = new ReferenceServer({ logLevel: "silent", appServerTimeoutMs: 5000 });
  let closing: Promise<void> | null = null;
  const close = () => (closing ??= server.close());
  process.on("disconnect", () => {
    void close().finally(() => process.exit(0));
  });
  process.on("message", (msg: ChildRequest) => {
    if (msg.type === "memory") {
      if (gc) {
        gc();
        gc();
      }
      const m = process.memoryUsage();
      send({
        type: "memory",
        id: msg.id,
        sample: { rss: m.rss, heapUsed: m.heapUsed, external: m.external + m.arrayBuffers, afterGc: !!gc, connections: server.connectionCount },
      });
    } else if (msg.type === "close") {
      void close().then(() => {
        send({ type: "closed" });
        process.disconnect();
      });
    }
  });
  const address = await server.listen({ port: 0, host: "127.0.0.1" });
  send({ type: "ready", url: address.url });
}

main().catch((err: unknown) => {
  send({ type: "failed", error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
