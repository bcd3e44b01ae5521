/** Wording helpers and the profile-derived JIDs the services share. */
import { describe, expect, it } from "vitest";
import { createStores } from "../stores";
import { createMemoryStorage, DEFAULT_PROFILE } from "../stores/profile";
import { accountBareOf, sinkJidOf } from "./context";
import { plural, presenceWords, quoteBody, randomNode, resumedSummary } from "./format";

describe("format", () => {
  it("quotes bodies on one line, cut at the limit", () => {
    expect(quoteBody(undefined)).toBe("");
    expect(quoteBody("a\n  b")).toBe('"a b"');
    expect(quoteBody("x".repeat(70))).toBe(`"${"x".repeat(60)}…"`);
  });

  it("words presence, plurals and resumptions", () => {
    expect(presenceWords("away", 5, "lunch")).toBe('available, show away, priority 5, status "lunch"');
    expect(presenceWords("unavailable", 0, undefined)).toBe("unavailable");
    expect(plural(1, "stanza")).toBe("1 stanza");
    expect(plural(2, "stanza")).toBe("2 stanzas");
    expect(resumedSummary("a/r1", 1, 2)).toBe("a/r1: session resumed (XEP-0198): 1 delayed message redelivered, 2 of its own unacknowledged stanzas re-sent");
    expect(randomNode()).toMatch(/^n-[0-9a-f]{12}$/);
  });

  it("derives the account and the sink JID from the profile, trimmed and lower-cased", () => {
    const stores = createStores({ profile: { storage: createMemoryStorage(), initial: { ...DEFAULT_PROFILE, domain: " Example.ORG ", account: { username: "Alice ", password: "p" }, sink: { username: "PushSvc", password: "p", resource: " Sink " } } } });
    expect(accountBareOf(stores)).toBe("alice@example.org");
    expect(sinkJidOf(stores)).toBe("pushsvc@example.org/Sink");
  });
});
