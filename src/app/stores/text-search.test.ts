import { describe, expect, it } from "vitest";
import { compileQuery, narrowsQuery } from "./text-search";

/** The search's meaning, as the stores had it: lower-case both sides, then a substring. */
const byLowerCase = (query: string, text: string) => text.toLowerCase().includes(query.trim().toLowerCase());

const STANZAS = [
  `<message xmlns="jabber:client" to="alice@localhost" id="m-8333-84F5" type="chat"><body>Wherefore art thou</body></message>`,
  `<iq type="set" id="push-12" to="pushsvc@localhost/sink"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="n-5f3a9c1e77d2"/></pubsub></iq>`,
  `sender → alice@localhost: chat "Ünïcödé ÉTÉ and (brackets) [x] a.b c*d e+f ^g$ {h} |i| back\\slash /slash/ q?"`,
];

describe("compileQuery: case-insensitive substring without lower-casing the text", () => {
  it.each([
    "m-8333-84f5", "M-8333", "PUSH", "Push-12", "wherefore ART", "pubsub xmlns", "8333", "-84", "→ alice", "ünïcödé", "été",
    "(brackets)", "[x]", "a.b", "axb", "c*d", "e+f", "^g$", "{h}", "|i|", "back\\slash", "/slash/", "q?", "\"", "nothing like it", "  push  ",
  ])("%j finds what lower-casing found", (query) => {
    const q = compileQuery(query);
    for (const text of STANZAS) expect(q.test(text), text).toBe(byLowerCase(query, text));
  });

  it("an empty or blank query matches everything and says it is empty", () => {
    expect(compileQuery("   ").text).toBe("");
    expect(compileQuery("").test("anything")).toBe(true);
  });

  it("a query with no letters is read as typed (ids, numbers, punctuation)", () => {
    const q = compileQuery(" 84-5 ");
    expect(q.text).toBe("84-5");
    expect(q.test("id=84-5")).toBe(true);
    expect(q.test("id=84_5")).toBe(false);
  });
});

describe("narrowsQuery: typing more of a query only narrows its matches", () => {
  it.each([
    ["pu", "pus", true],
    ["pus", "push", true],
    ["PUS", "push", true],
    ["ush", "push", true],
    ["push", "pus", false],
    ["push", "pull", false],
    ["8", "m-8", true],
  ])("%j then %j: %s", (before, after, narrows) => {
    expect(narrowsQuery(compileQuery(before), compileQuery(after))).toBe(narrows);
  });

  it("does not compare folded queries whose lower case changes their length", () => {
    // "İ".toLowerCase() is two code units: no letter-for-letter comparison.
    expect(narrowsQuery(compileQuery("i"), compileQuery("İx"))).toBe(false);
    expect(narrowsQuery(compileQuery("İ"), compileQuery("İx"))).toBe(true);
  });
});
