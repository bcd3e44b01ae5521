import { describe, expect, it } from "vitest";
import { POLICIES } from "./index";
import { unavailableHandling } from "./prosody-presence";
import { POLICY_NAMES } from "./types";

describe("unavailableHandling", () => {
  it.each(POLICY_NAMES)("%s: an available session's unavailable presence is announced", (name) => {
    expect(unavailableHandling(POLICIES[name], true)).toBe("announce");
  });

  it("prosody relays an unavailable presence from a session that never sent available presence", () => {
    expect(unavailableHandling(POLICIES.prosody, false)).toBe("relay");
  });

  it.each(["spec", "tigase", "ejabberd"] as const)("%s drops it (RFC 6121 §4.5.2)", (name) => {
    expect(unavailableHandling(POLICIES[name], false)).toBe("drop");
  });
});
