import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parseCliArgs } from "./cli-args";
import { isOriginAllowed } from "./stream/websocket-endpoint";
import { startTestServer, type TestServer } from "./test-support";

let ts: TestServer | null = null;
afterEach(async () => {
  await ts?.close();
  ts = null;
});

/** Opens a WebSocket with the given Origin; resolves with "open" or the HTTP status of the refusal. */
function tryOpen(url: string, origin?: string): Promise<"open" | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ["xmpp"], origin === undefined ? {} : { origin });
    ws.on("open", () => {
      ws.terminate();
      resolve("open");
    });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on("error", (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

describe("WebSocket Origin allow-list", () => {
  it("lets non-browser clients and local pages in, and refuses other sites with 403", async () => {
    ts = await startTestServer();
    expect(await tryOpen(ts.url)).toBe("open");
    expect(await tryOpen(ts.url, "http://localhost:5173")).toBe("open");
    expect(await tryOpen(ts.url, "http://127.0.0.1:4173")).toBe("open");
    expect(await tryOpen(ts.url, "https://evil.example")).toBe(403);
    expect(await tryOpen(ts.url, "http://localhost.evil.example")).toBe(403);
  });

  it("accepts an explicitly allowed origin", async () => {
    ts = await startTestServer({ allowedOrigins: ["https://playground.example"] });
    expect(await tryOpen(ts.url, "https://playground.example")).toBe("open");
    expect(await tryOpen(ts.url, "https://other.example")).toBe(403);
  });

  it("has a pure policy check and CLI flags", () => {
    expect(isOriginAllowed(undefined)).toBe(true);
    expect(isOriginAllowed("null")).toBe(false);
    expect(isOriginAllowed("https://x.example", "any")).toBe(true);
    const parsed = parseCliArgs(["--allow-origin", "https://a.example", "--allow-origin=http://b.example:8080"]);
    expect(parsed.kind === "run" && parsed.options.allowedOrigins).toEqual(["https://a.example", "http://b.example:8080"]);
    const any = parseCliArgs(["--allow-origin", "*"]);
    expect(any.kind === "run" && any.options.allowedOrigins).toBe("any");
    expect(parseCliArgs(["--allow-origin", "not an origin"]).kind).toBe("error");
  });
});
