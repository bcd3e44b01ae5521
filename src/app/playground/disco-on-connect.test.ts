/** Disco on connect: the account's first resource online runs disco#info, as a manual query would. */
import { describe, expect, it } from "vitest";
import type { DiscoEvent, DiscoResult } from "../model";
import { createStores } from "../stores";
import { createMemoryStorage } from "../stores/profile";
import type { PlaygroundDriver } from "../test-support/driver";
import { referenceServerPerFile } from "../test-support/reference-server";
import { createDiscoOnConnect } from "./disco-on-connect";
import { createRecorder } from "./recorder";

const server = referenceServerPerFile();

const discoEvents = (d: PlaygroundDriver) => d.events().filter((e): e is DiscoEvent => e.kind === "disco");
const comparable = (r: DiscoResult | null) => (r ? { ...r, at: 0 } : r);

describe("disco on connect", () => {
  it("runs disco#info on the account and the domain after the first resource connects, once per server", async () => {
    const d = server.driver();
    const disco = d.pg.stores.disco;
    expect(disco.getState().results).toEqual({ account: null, domain: null });

    await d.connect("r1");
    const auto = await d.waitFor(() => {
      const { account, domain } = disco.getState().results;
      return account && domain ? { account, domain } : null;
    }, "both disco#info results");
    expect(auto.account).toMatchObject({ outcome: "result", jid: d.view("r1").account, supportsPush: true, supportsAway: true, fromSessionId: d.lane("r1") });
    expect(auto.domain).toMatchObject({ outcome: "result", jid: "localhost" });
    expect(discoEvents(d).map((e) => e.target)).toEqual(["account", "domain"]);

    // Exactly what a manual "Query account" stores.
    const manual = await d.pg.disco("account", d.lane("r1"));
    expect(manual.ok).toBe(true);
    expect(comparable(disco.getState().results.account)).toEqual(comparable(auto.account));

    // A second resource on the same server asks nothing new.
    await d.connect("r2");
    await d.waitFor(() => d.view("r2").status === "online", "r2 online");
    expect(discoEvents(d)).toHaveLength(3);
  });

  it("forgets the results when the server changes and asks the new one at the next connect", async () => {
    const d = server.driver({ initialResources: ["r1"] });
    await d.connect("r1");
    await d.waitFor(() => d.pg.stores.disco.getState().results.domain, "the first domain result");
    await d.disconnect("r1");

    d.pg.stores.profile.getState().update({ domain: "prosody.localhost" });
    expect(d.pg.stores.disco.getState().results).toEqual({ account: null, domain: null });

    await d.connect("r1");
    const domain = await d.waitFor(() => d.pg.stores.disco.getState().results.domain, "the new domain result");
    expect(domain.jid).toBe("prosody.localhost");
    expect(d.pg.stores.disco.getState().results.account?.jid).toBe(d.view("r1").account);
    expect(d.view("r1").account).toMatch(/@prosody\.localhost$/);
    expect(discoEvents(d).filter((e) => e.target === "domain").map((e) => e.jid)).toEqual(["localhost", "prosody.localhost"]);
  });
});

describe("disco on connect (unit)", () => {
  it("never throws when a query fails, and runs again only for a new server or account", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const recorder = createRecorder({ stores, now: () => 1, idPrefix: "t" });
    const calls: string[] = [];
    let account = "alice@localhost";
    const auto = createDiscoOnConnect(
      { stores, recorder, clock: { now: () => 1 } },
      {
        accountBare: () => account,
        disco: async (target, from) => {
          calls.push(`${target}:${from}`);
          throw new Error("socket gone");
        },
      },
    );
    expect(() => auto.resourceOnline("res-1")).not.toThrow();
    await auto.settled();
    auto.resourceOnline("res-2");
    await auto.settled();
    expect(calls).toEqual(["account:res-1"]);
    account = "carol@localhost";
    auto.resourceOnline("res-2");
    await auto.settled();
    expect(calls).toEqual(["account:res-1", "account:res-2"]);
    auto.dispose();
    recorder.dispose();
  });

  it("runs again after a server restart: now from an online resource, or at the next one online", async () => {
    const stores = createStores({ profile: { storage: createMemoryStorage() } });
    const recorder = createRecorder({ stores, now: () => 1, idPrefix: "t" });
    const calls: string[] = [];
    const auto = createDiscoOnConnect(
      { stores, recorder, clock: { now: () => 1 } },
      {
        accountBare: () => "alice@localhost",
        disco: async (target, from) => {
          calls.push(`${target}:${from}`);
          return { ok: false, error: { code: "not-connected", message: "test" } };
        },
      },
    );
    auto.resourceOnline("res-1");
    await auto.settled();
    auto.serverRestarted("res-1");
    await auto.settled();
    auto.serverRestarted(null);
    await auto.settled();
    auto.resourceOnline("res-2");
    auto.resourceOnline("res-3");
    await auto.settled();
    expect(calls).toEqual(["account:res-1", "domain:res-1", "account:res-1", "domain:res-1", "account:res-2", "domain:res-2"]);
    auto.dispose();
    recorder.dispose();
  });
});
