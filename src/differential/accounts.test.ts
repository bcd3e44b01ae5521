import { describe, expect, it } from "vitest";
import { REAL_SERVERS } from "../real-servers/realServers";
import { DEFAULT_ACCOUNTS, describeAccounts, parseAccounts } from "./accounts";
import { realTarget } from "./targets";
import { compareOptionsOf, DEFAULT_VARIANT, exclusionsOf } from "./variants";
import { DIFFERENTIAL_EXCLUSIONS, HIBERNATION_PUSH_EXCLUSION } from "./emulation";

describe("--accounts", () => {
  it("reads account,sender,sink", () => {
    expect(parseAccounts("carol, dave,pushsvc2")).toEqual({ account: "carol", sender: "dave", sink: "pushsvc2" });
    expect(describeAccounts(DEFAULT_ACCOUNTS)).toBe("alice,bob,pushsvc");
  });

  it("says what is wrong with anything else", () => {
    expect(parseAccounts("carol,dave")).toEqual({ error: expect.stringContaining("three usernames") });
    expect(parseAccounts("carol,dave@localhost,pushsvc2")).toEqual({ error: expect.stringContaining('"dave@localhost" is not a username') });
    expect(parseAccounts("carol,,pushsvc2")).toEqual({ error: expect.stringContaining('"" is not a username') });
    expect(parseAccounts("carol,carol,pushsvc2")).toEqual({ error: expect.stringContaining("three different users") });
  });

  it("logs the real server's side in with them, the same password for each", () => {
    const options = realTarget(REAL_SERVERS.prosody, { account: "carol", sender: "dave", sink: "pushsvc2" }).harnessOptions("t1");
    const password = REAL_SERVERS.prosody.accounts.alice.password;
    expect(options.account).toEqual({ username: "carol", password });
    expect(options.sender).toEqual({ username: "dave", password, resource: "B-t1" });
    expect(options.sink).toEqual({ username: "pushsvc2", password, resource: "sink-t1" });
    expect(realTarget(REAL_SERVERS.ejabberd).harnessOptions("t2").account.username).toBe("alice");
  });
});

describe("--hibernation-pushes", () => {
  it("compares the pushes of a drop step by default; =false leaves them out and says so", () => {
    expect(DEFAULT_VARIANT.hibernationPushes).toBe(true);
    for (const server of ["prosody", "ejabberd"] as const) {
      expect(compareOptionsOf(server, DEFAULT_VARIANT).ignoreHibernationPushes).toBeFalsy();
      expect(exclusionsOf(server, DEFAULT_VARIANT)).toEqual(DIFFERENTIAL_EXCLUSIONS[server]);
      expect(DIFFERENTIAL_EXCLUSIONS[server]).not.toContain(HIBERNATION_PUSH_EXCLUSION[server]);
      const without = { ...DEFAULT_VARIANT, hibernationPushes: false };
      expect(compareOptionsOf(server, without).ignoreHibernationPushes).toBe(true);
      expect(exclusionsOf(server, without)).toEqual([HIBERNATION_PUSH_EXCLUSION[server], ...DIFFERENTIAL_EXCLUSIONS[server]]);
    }
    expect(compareOptionsOf("prosody", { hibernationPushes: false, timers: false }).collapseRepeatedPushes).toBe(true);
  });
});
