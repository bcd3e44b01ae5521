/**
 * The Playground's test push against the reference server, headless: one publish to a
 * registration on demand, the App Server's answer returned, and the server's reaction reaching
 * the registrations list through the decision log.
 */
import { describe, expect, it } from "vitest";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile();

describe("testPush", () => {
  it("sends one publish to the registration while nothing else happens, and returns the App Server's answer", async () => {
    const d = server.driver({ initialResources: ["r1"] });
    await d.connect().enable({ node: "tp-1" });
    const registration = d.pg.stores.registrations.getState().registrations[0]!;
    const result = await d.pg.testPush(registration);
    expect(result.ok, result.ok ? "" : result.error.message).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ key: { jid: d.pg.sinkJid(), node: "tp-1" }, outcome: { kind: "result" }, reaction: { action: "keep" } });
    await d.expectPush((p) => p.node === "tp-1", "the test push at the sink");
    expect(d.pushes()).toHaveLength(1);
    expect(d.events().some((e) => e.kind === "raw-send" && e.summary.includes("test push to node tp-1: the App Server answered result"))).toBe(true);
  });

  it("under ejabberd an error answer removes the registration, and the list shows it", async () => {
    const d = server.driver({ initialResources: ["r1"], domain: "ejabberd.localhost" });
    await d.connect().enable({ node: "tp-2" }).sinkMode({ kind: "error", type: "cancel", condition: "item-not-found" });
    const registration = d.pg.stores.registrations.getState().registrations[0]!;
    const result = await d.pg.testPush(registration);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.outcome).toEqual({ kind: "error", type: "cancel", condition: "item-not-found" });
    expect(result.value.reaction.action).toBe("remove");
    await d.waitFor(() => d.pg.stores.registrations.getState().registrations[0]?.state === "removed-by-server", "the removal in the list", { sync: true });
  });

  it("refuses when no resource of the account is online", async () => {
    const d = server.driver({ initialResources: ["r1"] });
    await d.connect().enable({ node: "tp-3" }).disconnect("r1");
    const registration = d.pg.stores.registrations.getState().registrations[0]!;
    const result = await d.pg.testPush(registration);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("not-connected");
    expect(d.pushes()).toHaveLength(0);
  });
});
