/** The lane registry: resources and their cards (unit), and lanes that outlive their resource (reference server). */
import { describe, expect, it } from "vitest";
import type { TimelineEvent } from "../model";
import { SENDER_LANE, SINK_LANE } from "../model";
import { createTestContext } from "../test-support/service-context";
import { referenceServerPerFile } from "../test-support/reference-server";
import { createLaneRegistry } from "./lane-registry";

const server = referenceServerPerFile();

function setUp() {
  const ctx = createTestContext();
  return { ctx, registry: createLaneRegistry(ctx, { awayShows: ["away", "xa"] }) };
}

describe("lane registry (unit)", () => {
  it("has the sender and the sink, and names new resources r1, r2… with distinct colours", () => {
    const { ctx, registry } = setUp();
    expect(Object.keys(ctx.stores.sessions.getState().sessions).sort()).toEqual([SENDER_LANE, SINK_LANE].sort());
    const a = registry.addResource();
    const b = registry.addResource();
    expect(registry.resourceViews().map((v) => v.resource)).toEqual(["r1", "r2"]);
    expect(a.ok && b.ok && registry.view(a.value)!.colour !== registry.view(b.value)!.colour).toBe(true);
    expect(registry.addResource("r1")).toMatchObject({ ok: false, error: { code: "bad-input" } });
  });

  it("adds many resources in one store update, filling free rN names", () => {
    const { ctx, registry } = setUp();
    registry.addResource("r2");
    let updates = 0;
    ctx.stores.sessions.subscribe(() => updates++);
    const added = registry.addResources(98);
    expect(added.ok && added.value).toHaveLength(98);
    expect(updates).toBe(1);
    const names = registry.resourceViews().map((v) => v.resource);
    expect(names.slice(0, 4)).toEqual(["r2", "r1", "r3", "r4"]);
    expect(new Set(names).size).toBe(99);
    expect(registry.addResources(0)).toMatchObject({ ok: false, error: { code: "bad-input" } });
    expect(registry.addResources(501)).toMatchObject({ ok: false, error: { message: "add between 1 and 500 resources at once (got 501)" } });
  });

  it("renames offline resources only, and derives the routing flags from presence", () => {
    const { registry } = setUp();
    const id = registry.addResource("r1");
    if (!id.ok) throw new Error("no resource");
    expect(registry.renameResource(id.value, "phone")).toEqual({ ok: true, value: undefined });
    expect(registry.view(id.value)).toMatchObject({ resource: "phone", label: "alice/phone" });
    registry.patchView(id.value, { status: "online" });
    expect(registry.renameResource(id.value, "tablet")).toMatchObject({ ok: false, error: { message: "disconnect alice/phone before renaming it" } });
    registry.lane(id.value)!.presenceCount = 1;
    registry.patchView(id.value, { presence: { show: "away", priority: 0 } });
    expect(registry.view(id.value)).toMatchObject({ receiving: true, online: false, away: true });
    registry.setColour(id.value, "#123456");
    expect(registry.view(id.value)!.colour).toBe("#123456");
  });
});

describe("lanes against the reference server", () => {
  it("keeps a removed resource's lane label, and exports the whole session for import", async () => {
    const d = server.driver();
    const pg = d.pg;
    const added = pg.addResource();
    expect(added.ok && pg.stores.sessions.getState().sessions[added.value]?.resource).toBe("r3");
    expect(pg.addResource("r1")).toMatchObject({ ok: false, error: { code: "bad-input" } });
    const id = added.ok ? added.value : "";
    expect((await pg.connectResource(id)).ok).toBe(true);
    await pg.removeResource(id);
    pg.flush();
    expect(pg.stores.sessions.getState().sessions[id]).toBeUndefined();
    const exported = await pg.timeline.exportJson();
    if (!exported.ok) throw new Error(exported.error);
    const doc = JSON.parse(await exported.blob.text());
    expect(doc.lanes[id]).toMatchObject({ label: expect.stringMatching(/\/r3 \(removed\)$/), role: "resource" });
    expect(doc.events.some((e: TimelineEvent) => e.lane === id && e.kind === "connection" && e.status === "online")).toBe(true);
    expect(JSON.stringify(doc)).not.toContain('"password":"pass"');
    const imported = await pg.timeline.importJson(JSON.stringify(doc));
    expect(imported).toEqual({ ok: true, count: doc.events.length });
  });

  it("offline sessions follow profile edits; an empty password is refused before connecting", async () => {
    const d = server.driver();
    const pg = d.pg;
    const r1 = d.lane("r1");
    pg.stores.profile.getState().updateAccount("account", { username: "carol" });
    pg.stores.profile.getState().updateAccount("sink", { resource: "observer" });
    expect(pg.stores.sessions.getState().sessions[r1]).toMatchObject({ label: "carol/r1", account: "carol@localhost" });
    expect(pg.stores.sessions.getState().sessions[SINK_LANE]?.label).toMatch(/\/observer$/);
    expect(pg.sinkJid()).toMatch(/\/observer$/);
    pg.stores.profile.getState().updateAccount("account", { password: "" });
    const noPassword = await pg.connectResource(r1);
    expect(!noPassword.ok && noPassword.error.message).toMatch(/password for carol@localhost is empty/);
  });
});
