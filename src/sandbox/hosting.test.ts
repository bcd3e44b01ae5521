import { afterEach, describe, expect, it } from "vitest";
import { chooseDefaultServer, hostingStore, probeReferenceServer } from "./hosting";
import { SANDBOX_SERVICE } from "./protocol";

const PAGE = "https://example.org/project/index.html#share";

function answering(body: string, init: { status?: number; type?: string } = {}) {
  const asked: string[] = [];
  const fetchImpl = (async (url: URL | string) => {
    asked.push(String(url));
    return new Response(body, { status: init.status ?? 200, headers: { "content-type": init.type ?? "application/json" } });
  }) as typeof fetch;
  return { asked, fetchImpl };
}

afterEach(() => hostingStore.setState({ hosting: "probing", sandboxDefaulted: false }));

describe("probeReferenceServer", () => {
  it("reads the hosting file next to the page (sub-path kept, fragment dropped)", async () => {
    const { asked, fetchImpl } = answering('{ "referenceServer": true }');
    expect(await probeReferenceServer(PAGE, fetchImpl)).toBe(true);
    expect(asked).toEqual(["https://example.org/project/xpp-hosting.json"]);
  });

  it.each([
    ["dist/'s own copy", '{ "referenceServer": false }', {}],
    ["a 404", "not found", { status: 404, type: "text/plain" }],
    ["an SPA host's HTML fallback", "<!doctype html><title>x</title>", { type: "text/html" }],
    ["JSON of another shape", '{ "referenceServer": "yes" }', {}],
    ["broken JSON", "{", {}],
  ])("says no reference server for %s", async (_what, body, init) => {
    expect(await probeReferenceServer(PAGE, answering(body, init).fetchImpl)).toBe(false);
  });

  it("says no reference server when the request fails", async () => {
    const failing = (async () => {
      throw new TypeError("Failed to fetch");
    }) as typeof fetch;
    expect(await probeReferenceServer(PAGE, failing)).toBe(false);
  });
});

describe("chooseDefaultServer", () => {
  function profile(service: string) {
    const state = { service };
    return { state, deps: { pageUrl: PAGE, currentService: () => state.service, setService: (s: string) => void (state.service = s), defaultService: "/xmpp-websocket" } };
  }

  it("makes the sandbox the default on a static host", async () => {
    const p = profile("/xmpp-websocket");
    expect(await chooseDefaultServer({ ...p.deps, fetch: answering('{ "referenceServer": false }').fetchImpl })).toBe("static");
    expect(p.state.service).toBe(SANDBOX_SERVICE);
    expect(hostingStore.getState()).toEqual({ hosting: "static", sandboxDefaulted: true });
  });

  it("keeps a URL the user chose, and still reports the static host", async () => {
    const p = profile("wss://xmpp.example.org/ws");
    await chooseDefaultServer({ ...p.deps, fetch: answering('{ "referenceServer": false }').fetchImpl });
    expect(p.state.service).toBe("wss://xmpp.example.org/ws");
    expect(hostingStore.getState()).toEqual({ hosting: "static", sandboxDefaulted: false });
  });

  it("changes nothing behind `npm start`", async () => {
    const p = profile("/xmpp-websocket");
    expect(await chooseDefaultServer({ ...p.deps, fetch: answering('{ "referenceServer": true }').fetchImpl })).toBe("reference-server");
    expect(p.state.service).toBe("/xmpp-websocket");
    expect(hostingStore.getState().hosting).toBe("reference-server");
  });
});
