/** Enable, disable and the sink's remote disable: form validation (unit) and against the reference server. */
import { describe, expect, it } from "vitest";
import { referenceServerPerFile } from "../test-support/reference-server";
import { publishOptionsForm } from "./push-actions";

const server = referenceServerPerFile();

describe("publishOptionsForm", () => {
  it("keeps filled fields, drops empty rows, and names what is wrong", () => {
    expect(publishOptionsForm(undefined)).toEqual({ ok: true, value: null });
    expect(publishOptionsForm([{ var: "", value: "" }])).toEqual({ ok: true, value: null });
    expect(publishOptionsForm([{ var: " secret ", value: "s" }, { var: "", value: "" }])).toEqual({ ok: true, value: { secret: "s" } });
    expect(publishOptionsForm([{ var: "", value: "orphan" }])).toMatchObject({ ok: false, error: { code: "bad-input", message: expect.stringContaining("no name") } });
    expect(publishOptionsForm([{ var: "a", value: "1" }, { var: "a", value: "2" }])).toMatchObject({ ok: false, error: { message: "publish-options field a appears twice" } });
  });
});

describe("push actions against the reference server", () => {
  it("refuses enable and send before connecting, with specific errors", async () => {
    const d = server.driver();
    const pg = d.pg;
    const r1 = d.lane("r1");
    const result = await pg.enable({ fromResourceId: r1, away: true });
    expect(result).toMatchObject({ outcome: "error", error: { code: "not-connected" } });
    expect(result.error?.message).toContain("connect it before enabling push");
    expect(pg.stores.registrations.getState().lastResult).toBe(result);
    const sent = await pg.send({ to: "bare", kind: "chat", body: "x" });
    expect(!sent.ok && sent.error.code).toBe("not-connected");
  });

  it("disable stops pushes; a body-less chat state never pushes; remote disable is sent and recorded", async () => {
    const d = server.driver();
    const pg = d.pg;
    await d.connect().enable({ from: "r1", node: "keep" }).enable({ from: "r1", node: "drop" }).disable({ from: "r1", node: "drop" });
    expect(d.lastOperation?.outcome).toBe("result");
    expect(pg.stores.registrations.getState().registrations.map((r) => [r.node, r.state])).toEqual([["keep", "active"], ["drop", "disabled"]]);
    await d.disconnect("r1", "r2").send({ to: "bare", kind: "chat-state" });
    const stateId = d.lastSent[0]!;
    await d.waitFor(() => d.events().some((e) => e.kind === "decision" && e.messageId === stateId), "the decision on the chat state");
    expect(d.pushes()).toEqual([]);

    await d.send("only keep").expectPush(undefined, "the push");
    expect(d.lastPush!.node).toBe("keep");
    expect(pg.stores.registrations.getState().registrations.find((r) => r.node === "keep")?.pushCount).toBe(1);

    expect((await pg.sinkRemoteDisable("keep")).ok).toBe(true);
    const remote = await d.waitFor(() => d.events().find((e) => e.kind === "remote-disable"), "the remote-disable event");
    expect(remote.xml).toContain("affiliation=\"none\"");
    expect(pg.stores.registrations.getState().registrations.find((r) => r.node === "keep")?.state).toMatch(/remote-disabled|removed-by-server/);
  });
});
