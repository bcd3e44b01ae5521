import { describe, expect, it } from "vitest";
import { referenceServerPerFile } from "../test-support/reference-server";
import { selectResources } from "../stores/sessions";
import { createShareService } from "./service";
import { walkthroughSetup } from "./test-support/arbitrary-setup";
import { createScriptedPlayground } from "../demos/test-support/scripted-playground";

const server = referenceServerPerFile({ streamManagement: true });

describe("share service against the reference server", () => {
  it("captures the walk-through, and a link replays it elsewhere with the same push outcome", async () => {
    const a = server.driver({ initialResources: ["phone", "laptop"] });
    await a.connect().enable({ from: "phone", away: true, node: "shared-node" }).presence("phone", "away").disconnect("laptop").send("Lunch at noon?").expectPush();
    const share = createShareService({ playground: a.pg });
    const captured = await share.capture("lunch");
    expect(captured).toEqual({
      ok: true,
      value: {
        v: 1,
        title: "lunch",
        domain: "localhost",
        resources: [
          { name: "phone", presence: { show: "away", priority: 0 }, end: "online" },
          { name: "laptop", presence: { show: "available", priority: 0 }, end: "disconnected" },
        ],
        registrations: [{ from: "phone", node: "shared-node", away: true, publishOptions: [], credentialFields: [] }],
        sink: { profile: "generic", mode: { kind: "result" }, faults: null, faultsByNode: {} },
        messages: [{ to: "bare", kind: "chat", body: "Lunch at noon?", count: 1 }],
      },
    });
    const link = await share.link("http://127.0.0.1/play/", "lunch");
    if (!link.ok) throw new Error(link.error);

    const b = server.driver({ initialResources: ["r1", "r2", "r3"] });
    const replay = createShareService({ playground: b.pg });
    await replay.openHash(new URL(link.value).hash);
    expect(replay.store.getState().opened).toMatchObject({ status: "ready", source: "link", setup: { title: "lunch" } });
    const applied = await replay.apply("connected");
    expect(applied).toEqual({ ok: true, value: "set up 2 resources, 1 registration and sent 1 message" });
    const state = replay.store.getState().replay;
    expect(state.status).toBe("done");
    expect(state.steps).toContain("phone enabled push on node shared-node with away='true'");
    expect(state.steps.at(-1)).toBe("bob sent “Lunch at noon?”: 1 push reached the sink");
    const resources = selectResources(b.pg.stores.sessions.getState()).map((v) => [v.resource, v.status, v.away]);
    expect(resources).toEqual([
      ["phone", "online", true],
      ["laptop", "offline", false],
    ]);
    const pushes = b.pushes();
    expect(pushes).toHaveLength(1);
    expect(pushes[0]!.node).toBe("shared-node");
    expect(pushes[0]!.notification?.lastMessageBody).toBe("Lunch at noon?");
    expect(await replay.capture("lunch")).toEqual(captured);
  });

  it("replays a no-push case, clearing the account's earlier registrations first", async () => {
    const d = server.driver({ initialResources: ["r1"] });
    await d.connect().enable({ from: "r1", away: false, node: "stale-node" }).disconnect("r1");
    const share = createShareService({ playground: d.pg });
    const setup = walkthroughSetup();
    await share.openFile(JSON.stringify({ ...setup, resources: setup.resources.map((r) => ({ ...r, end: "online" })) }));
    const applied = await share.apply("connected");
    expect(applied.ok).toBe(true);
    expect(share.store.getState().replay.steps).toContain("earlier registrations to the sink disabled");
    expect(share.store.getState().replay.steps.at(-1)).toBe("bob sent “Lunch at noon?”: no push");
    expect(d.pushes()).toHaveLength(0);
  });

  it("kills an app on a host with stream management: the session hibernates", async () => {
    const d = server.driver({ initialResources: ["r1"], domain: "prosody.localhost" });
    const share = createShareService({ playground: d.pg });
    await share.openFile(
      JSON.stringify({
        v: 1,
        domain: "prosody.localhost",
        resources: [{ name: "phone", presence: { show: "available", priority: 0 }, end: "killed" }],
        registrations: [{ from: "phone", node: "killed-node", away: false, publishOptions: [], credentialFields: [] }],
        sink: { profile: "generic", mode: { kind: "result" }, faults: null, faultsByNode: {} },
        messages: [{ to: "bare", kind: "chat", body: "are you there?", count: 1 }],
      }),
    );
    const applied = await share.apply("connected");
    expect(applied).toMatchObject({ ok: true });
    expect(share.store.getState().replay.steps).toContain("phone's app was killed: the server hibernates its session");
    expect(d.view("phone").sm?.state).toBe("hibernated");
    expect(share.store.getState().replay.steps.at(-1)).toBe("bob sent “are you there?”: 1 push reached the sink");
  });

  it("replays a p2 registration with the replaying sink's own secret, never the shared one", async () => {
    const a = server.driver({ initialResources: ["phone"] });
    a.pg.setSinkProfile("p2");
    a.pg.setSinkProfileSettings({ ...a.pg.stores.sink.getState().profileSettings, p2: { secret: "sender-secret", knownNodes: [], providerFailure: false } });
    await a.connect().enable({ from: "phone", node: "p2-node", publishOptions: [{ var: "secret", value: "sender-secret" }] }).disconnect("phone");
    const setup = await createShareService({ playground: a.pg }).capture();
    expect(setup).toMatchObject({ ok: true, value: { sink: { profile: "p2" }, registrations: [{ node: "p2-node", publishOptions: [], credentialFields: ["secret"] }] } });
    expect(JSON.stringify(setup)).not.toContain("sender-secret");
    if (!setup.ok) return;

    const b = server.driver({ initialResources: [] });
    const replay = createShareService({ playground: b.pg });
    await replay.openFile(JSON.stringify({ ...setup.value, messages: [{ to: "bare", kind: "chat", body: "p2 check", count: 1 }] }));
    expect(await replay.apply("connected")).toMatchObject({ ok: true });
    expect(replay.store.getState().replay.steps.at(-1)).toBe("bob sent “p2 check”: 1 push reached the sink");
    expect(b.pushes()[0]!.answer).toEqual({ kind: "result" });
  });
});

describe("share service without a server", () => {
  it("says why a file or a link cannot be read, and refuses an unavailable target", async () => {
    const d = server.driver();
    const share = createShareService({ playground: d.pg });
    await share.openFile("{");
    expect(share.store.getState().opened).toMatchObject({ status: "invalid", source: "file", error: expect.stringMatching(/^not JSON/) });
    await share.openFile(JSON.stringify({ v: 1 }));
    expect(share.store.getState().opened).toEqual({ status: "invalid", source: "file", error: "resources: must be a list" });
    await share.openFile("x".repeat(70_000));
    expect(share.store.getState().opened).toMatchObject({ status: "invalid", error: expect.stringMatching(/too large/) });
    await share.openHash("#tab=push");
    expect(share.store.getState().opened.status).toBe("invalid");
    await share.openHash("#setup=1.jabc");
    expect(share.store.getState().opened).toMatchObject({ status: "invalid", source: "link", error: expect.stringMatching(/cut short or malformed/) });
    expect(await share.apply("connected")).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no setup to apply/) } });

    await share.openFile(JSON.stringify(walkthroughSetup()));
    expect(share.targets().map((t) => [t.id, t.available])).toEqual([
      ["connected", true],
      ["sandbox", false],
    ]);
    const r = await share.apply("sandbox");
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^On the sandbox server is not available/) } });
    share.dismiss();
    expect(share.store.getState()).toMatchObject({ opened: { status: "none" }, replay: { status: "idle" } });
  });

  it("switches to the sandbox server first when that target is wired, and says when it cannot start", async () => {
    const pg = createScriptedPlayground();
    const calls: string[] = [];
    const connect = pg.connectAll.getMockImplementation()!;
    pg.connectAll.mockImplementation(async () => {
      calls.push("connect");
      await connect();
    });
    let fails = true;
    const share = createShareService({
      playground: pg,
      switchToSandbox: async () => {
        calls.push("sandbox");
        return fails ? { ok: false, error: { code: "internal", message: "the worker did not start" } } : { ok: true, value: undefined };
      },
    });
    await share.openFile(JSON.stringify({ ...walkthroughSetup(), messages: [] }));
    expect(share.targets().find((t) => t.id === "sandbox")).toMatchObject({ available: true });
    expect(await share.apply("sandbox")).toEqual({ ok: false, error: { code: "bad-input", message: "could not start the sandbox server: the worker did not start" } });
    expect(calls).toEqual(["sandbox"]);
    fails = false;
    expect(await share.apply("sandbox", { play: false })).toMatchObject({ ok: true });
    expect(calls).toEqual(["sandbox", "sandbox", "connect"]);
    expect(share.store.getState().replay).toMatchObject({ status: "done", target: "sandbox" });
  });
});
