import { describe, expect, it } from "vitest";
import {
  bare,
  checkJid,
  domainpartProblem,
  formatJid,
  isParsedJid,
  isValidJid,
  localpartProblem,
  parseJid,
  resourcepartProblem,
  type JidProblem,
} from "./jid";

const problemOf = (input: string): JidProblem => {
  const checked = checkJid(input);
  if (isParsedJid(checked)) throw new Error(`accepted ${input}`);
  return checked;
};

describe("RFC 7622 §3.5 examples", () => {
  it.each([
    ["juliet@example.com", { local: "juliet", domain: "example.com", resource: "" }],
    ["juliet@example.com/foo", { local: "juliet", domain: "example.com", resource: "foo" }],
    ["juliet@example.com/foo bar", { local: "juliet", domain: "example.com", resource: "foo bar" }],
    ["juliet@example.com/foo@bar", { local: "juliet", domain: "example.com", resource: "foo@bar" }],
    ["foo\\20bar@example.com", { local: "foo\\20bar", domain: "example.com", resource: "" }],
    ["fussball@example.com", { local: "fussball", domain: "example.com", resource: "" }],
    ["fu\u00dfball@example.com", { local: "fu\u00dfball", domain: "example.com", resource: "" }],
    ["\u03c0@example.com", { local: "\u03c0", domain: "example.com", resource: "" }],
    // Upper-case sigma is case-mapped to lower case in the localpart.
    ["\u03a3@example.com/foo", { local: "\u03c3", domain: "example.com", resource: "foo" }],
    ["\u03c3@example.com/foo", { local: "\u03c3", domain: "example.com", resource: "foo" }],
    ["\u03c2@example.com/foo", { local: "\u03c2", domain: "example.com", resource: "foo" }],
    ["king@example.com/\u265a", { local: "king", domain: "example.com", resource: "\u265a" }],
    ["example.com", { local: "", domain: "example.com", resource: "" }],
    ["example.com/foobar", { local: "", domain: "example.com", resource: "foobar" }],
    ["a.example.com/b@example.net", { local: "", domain: "a.example.com", resource: "b@example.net" }],
  ])("accepts %j", (input, parts) => {
    expect(parseJid(input)).toMatchObject(parts);
  });

  it.each([
    ['"juliet"@example.com', "localpart", /forbidden character "\\""/],
    ["foo bar@example.com", "localpart", /forbidden character " "/],
    ["juliet@example.com/ foo", "resourcepart", /starts with a space/],
    ["@example.com/", "localpart", /empty localpart/],
    ["henry\u2163@example.com", "localpart", /U\+2163/],
    ["\u265a@example.com", "localpart", /U\+265A/],
    ["juliet@", "domainpart", /empty domainpart/],
    ["/foobar", "domainpart", /empty domainpart/],
  ])("rejects %j in the %s: %s", (input, part, reason) => {
    const { part: failed, problem } = problemOf(input);
    expect(failed).toBe(part);
    expect(problem).toMatch(reason);
  });
});

describe("checkJid (the server's addressing)", () => {
  it.each([
    ["localhost", "localhost"],
    ["Alice@LocalHost/Phone", "alice@localhost/Phone"],
    ["alice@localhost./r", "alice@localhost/r"],
    ["a@b/with/slashes and spaces", "a@b/with/slashes and spaces"],
    ["pushsvc@localhost/sink", "pushsvc@localhost/sink"],
    ["[::1]", "[::1]"],
  ])("accepts %j as %j", (input, normal) => {
    const parsed = checkJid(input);
    expect(isParsedJid(parsed) && formatJid(parsed)).toBe(normal);
  });

  it.each(["", "@localhost", "a@", "a@b@c", "a@localhost/", "a b@localhost", "a@local host", "a@host..com", "a@[zz]", "a@host:5222", "<a>@localhost", `${"x".repeat(1024)}@localhost`, "a@localhost/\u0007"])(
    "rejects %j",
    (input) => {
      expect(isParsedJid(checkJid(input))).toBe(false);
    },
  );
});

describe("normalisation", () => {
  it("strips one trailing dot from the domain and folds case in localpart and domainpart only", () => {
    expect(parseJid("Juliet@Example.COM./Balcony")?.full).toBe("juliet@example.com/Balcony");
    expect(parseJid("example.com.")?.bare).toBe("example.com");
    expect(isValidJid("example.com..")).toBe(false);
    expect(isValidJid(".")).toBe(false);
  });

  it("composes to NFC", () => {
    expect(parseJid("jose\u0301@example.com")?.local).toBe("jos\u00e9");
  });

  it("bare() drops the resource", () => {
    const full = parseJid("juliet@example.com/balcony");
    expect(full && bare(full)).toEqual({ local: "juliet", domain: "example.com", resource: "", bare: "juliet@example.com", full: "juliet@example.com" });
  });
});

describe("reasons per part", () => {
  it("measures lengths in UTF-8 bytes, not UTF-16 units", () => {
    // 512 two-byte characters: 512 UTF-16 units, 1024 bytes.
    expect(localpartProblem("\u00e9".repeat(512))).toMatch(/longer than 1023 bytes/);
    expect(localpartProblem("\u00e9".repeat(511))).toBeNull();
    expect(resourcepartProblem("\u00e9".repeat(512))).toMatch(/longer than 1023 bytes/);
    expect(domainpartProblem(`${"\u00e9".repeat(500)}.${"\u00e9".repeat(20)}`)).toMatch(/longer than 1023 bytes/);
  });

  it("refuses C0, DEL and C1 controls in every part", () => {
    for (const control of ["\u0000", "\u0007", "\u007f", "\u0085", "\u009f"]) {
      expect(localpartProblem(`a${control}`)).toMatch(/control character/);
      expect(domainpartProblem(`a${control}.org`)).toMatch(/control character/);
      expect(resourcepartProblem(`r${control}`)).toMatch(/control character/);
    }
  });

  it("refuses what XML cannot carry (noncharacters, lone surrogates) in every part, naming the code point", () => {
    expect(resourcepartProblem("phone\uffff")).toBe("resourcepart contains U+FFFF (a noncharacter) at character 6, which XML does not allow");
    expect(resourcepartProblem("r\ud800x")).toBe(
      "resourcepart contains U+D800 (half of a surrogate pair with no other half) at character 2, which XML does not allow",
    );
    expect(localpartProblem("a\ufffe")).toMatch(/^localpart contains U\+FFFE \(a noncharacter\)/);
    expect(domainpartProblem("a\udfff.org")).toMatch(/^domainpart contains U\+DFFF/);
    // A whole surrogate pair is one character XML allows.
    expect(resourcepartProblem("phone \u{1F600}")).toBeNull();
  });

  it("names each forbidden localpart character of §3.3.1", () => {
    for (const ch of ['"', "&", "'", "/", ":", "<", ">", "@"]) {
      expect(localpartProblem(`a${ch}b`)).toContain(`forbidden character ${JSON.stringify(ch)}`);
    }
  });

  it("allows only letters, digits and hyphens in domain labels", () => {
    expect(domainpartProblem("m\u00fcnchen.example")).toBeNull();
    expect(domainpartProblem("push-1.example.org")).toBeNull();
    expect(domainpartProblem("under_score.example")).toMatch(/"_"/);
    expect(domainpartProblem("a&b.example")).toMatch(/"&"/);
    expect(domainpartProblem("back\\slash")).toMatch(/not allowed in a domain name/);
    expect(domainpartProblem("-lead.example")).toMatch(/starts or ends with '-'/);
    expect(domainpartProblem("a@b")).toMatch(/"@"/);
  });

  it("accepts IP literals and refuses malformed ones", () => {
    for (const ok of ["[::1]", "[2001:db8::1]", "[2001:db8:0:0:0:0:0:1]", "[::ffff:192.0.2.1]", "192.0.2.1"]) expect(domainpartProblem(ok)).toBeNull();
    for (const bad of ["[zz]", "[1:2:3:4:5:6:7:8:9]", "[1::2::3]", "[::1", "[::ffff:300.0.2.1]", "[]"]) expect(domainpartProblem(bad)).toBe("malformed IPv6 literal");
  });
});
