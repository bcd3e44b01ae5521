import { describe, expect, it } from "vitest";
import { isValidJid, joinList, pushedPhrase, regLabel, sessionList } from "./common";
import { available, hibernated, noPresence } from "../test-support/policy-fixtures";

describe("isValidJid", () => {
  it.each([
    "localhost",
    "push.example.org",
    "pushsvc@localhost/sink",
    "user@example.org/a resource with spaces/and slashes",
    "example.org.",
    "user@[::1]",
    "jürgen@münchen.example",
  ])("accepts %s", (jid) => {
    expect(isValidJid(jid)).toBe(true);
  });

  it.each([
    ["", "empty"],
    ["@localhost", "empty localpart"],
    ["user@", "empty domain"],
    ["user@localhost/", "empty resource"],
    ["a@b@c", "@ in the domain"],
    ["us er@localhost", "space in the localpart"],
    ["us'er@localhost", "apostrophe in the localpart"],
    ["user@exa mple.org", "space in the domain"],
    ["user@example..org", "empty domain label"],
    ["user@localhost/\u0007", "control character in the resource"],
    [`${"a".repeat(1024)}@localhost`, "localpart over 1023 bytes"],
  ])("rejects %j (%s)", (jid) => {
    expect(isValidJid(jid)).toBe(false);
  });
});

describe("sentence helpers", () => {
  it("joins lists the English way", () => {
    expect(joinList([])).toBe("");
    expect(joinList(["a"])).toBe("a");
    expect(joinList(["a", "b"])).toBe("a and b");
    expect(joinList(["a", "b", "c"])).toBe("a, b and c");
  });

  it("names a registration by node, or by jid when it has none", () => {
    expect(regLabel({ jid: "push@x/y", node: "n-1" })).toBe("n-1");
    expect(regLabel({ jid: "push@x/y", node: "" })).toBe("push@x/y (no node)");
  });

  it("says how many registrations are pushed", () => {
    const a = { jid: "j", node: "a" };
    const b = { jid: "j", node: "b" };
    expect(pushedPhrase([], 2)).toBe("nothing is pushed");
    expect(pushedPhrase([a], 1)).toBe("registration a is pushed");
    expect(pushedPhrase([a], 2)).toBe("registration a is pushed");
    expect(pushedPhrase([a, b], 2)).toBe("all 2 registrations (a and b) are pushed");
    expect(pushedPhrase([a, b], 3)).toBe("registrations a and b are pushed");
  });

  it("describes sessions with their presence", () => {
    expect(sessionList([available("a"), available("b", "dnd", -2), noPresence("c"), hibernated("d", "xa")])).toBe(
      "a: available; b: dnd at priority -2; c: no presence yet; d: hibernated, last presence xa",
    );
  });
});
