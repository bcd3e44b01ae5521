/**
 * `--away-shows away,xa,dnd` on the reference server and the same set in the Connection tab: a
 * `dnd` resource counts as away in the server's decision and in the playground's prediction.
 */
import { describe, expect, it } from "vitest";
import type { ExpectationRecord } from "../expectations/types";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";

const server = referenceServerPerFile({ hosts: [{ domain: "localhost", policy: "spec", options: { awayShows: ["away", "xa", "dnd"] } }] });

function lastRecord(d: PlaygroundDriver): ExpectationRecord {
  const s = d.pg.stores.expectations.getState();
  const record = s.records[s.order[s.order.length - 1]!];
  if (!record) throw new Error("no expectation recorded");
  return record;
}

async function dndSend(d: PlaygroundDriver): Promise<ExpectationRecord> {
  await d.connect().presence("r1", "dnd").enable({ away: true }).send("hi").expectPush().sync();
  d.pg.flush();
  return lastRecord(d);
}

describe("away shows shared by the server and the predictions", () => {
  it("predicts the push the server makes for a dnd resource when the Connection tab says dnd is away", async () => {
    const d = server.driver({ accountPrefix: "aw1", initialResources: ["r1"], windowMs: 300 });
    d.pg.stores.profile.getState().update({ awayShows: ["away", "xa", "dnd"] });
    const record = await dndSend(d);
    expect(record.predictions.spec.expected).toHaveLength(1);
    expect(record.server).toMatchObject({ rule: "spec/all-away", agrees: true });
  });

  it("disagrees with that server when the Connection tab keeps the default away set", async () => {
    const d = server.driver({ accountPrefix: "aw2", initialResources: ["r1"], windowMs: 300 });
    const record = await dndSend(d);
    expect(record.predictions.spec.expected).toEqual([]);
    expect(record.server).toMatchObject({ agrees: false });
  });
});

describe("the resource cards", () => {
  it("re-derive online/away when the Connection tab's away set changes", async () => {
    const d = server.driver({ accountPrefix: "aw3", initialResources: ["r1"] });
    await d.connect("r1").presence("r1", "dnd");
    expect(d.view("r1")).toMatchObject({ online: true, away: false });
    d.pg.stores.profile.getState().update({ awayShows: ["away", "xa", "dnd"] });
    expect(d.view("r1")).toMatchObject({ online: false, away: true });
  });
});
