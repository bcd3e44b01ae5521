/** The fluent driver: steps run in order when awaited, a failed step rejects the chain with its reason. */
import { describe, expect, it } from "vitest";
import { SENDER_LANE, SINK_LANE } from "../model";
import { referenceServerPerFile } from "./reference-server";

const server = referenceServerPerFile();

describe("PlaygroundDriver", () => {
  it("runs a chain in order: connect, presence, enable, send, expect a push", async () => {
    const d = server.driver({ initialResources: ["r1"] });
    await d.connect().presence("r1", "away").enable({ away: true }).disconnect("r1").send("hi").expectPush();
    expect(d.lane("sender")).toBe(SENDER_LANE);
    expect(d.lane("sink")).toBe(SINK_LANE);
    expect(d.lastSent).toHaveLength(1);
    expect(d.lastPush).toMatchObject({ kind: "push", notification: { lastMessageBody: "hi" } });
  });

  it("rejects with the failing step's reason, and the next chain starts clean", async () => {
    const d = server.driver({ account: { username: "erin", password: "" } });
    await expect(d.connect("r1").send("never")).rejects.toThrow(/connect r1: the password for erin@localhost is empty/);
    await expect(d.connect("sender")).resolves.toBeUndefined();
    expect(() => d.lane("r9")).toThrow("no resource named r9");
    await expect(d.waitFor(() => false, "nothing", { timeoutMs: 50 })).rejects.toThrow("timed out waiting for nothing");
  });
});
