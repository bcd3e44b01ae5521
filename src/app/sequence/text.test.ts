import { domainOf, oneLine, quote, resourceOf, truncate } from "./text";

describe("text helpers", () => {
  it("truncates with an ellipsis and never splits a surrogate pair", () => {
    expect(truncate("short", 10)).toBe("short");
    expect(truncate("exactly10!", 10)).toBe("exactly10!");
    expect(truncate("a longer sentence", 8)).toBe("a longe…");
    expect(truncate("ab😀cd", 4)).toBe("ab…");
    expect(truncate("abc😀d", 5)).toBe("abc…");
    expect(truncate("abc😀de", 6)).toBe("abc😀…");
  });

  it("quotes a body on one line, cut to its length, whatever the body's size", () => {
    expect(quote("hello\n  world")).toBe("“hello world”");
    expect(quote("x".repeat(1_000_000), 10)).toBe(`“${"x".repeat(9)}…”`);
    expect(quote(`${" ".repeat(100)}a`, 10)).toBe("“…”");
  });

  it("puts any text on one line", () => {
    expect(oneLine(" a\tb\r\nc  ")).toBe("a b c");
    expect(oneLine("already one line")).toBe("already one line");
    expect(oneLine("two  spaces")).toBe("two spaces");
    expect(oneLine(" lead")).toBe("lead");
    expect(oneLine("trail ")).toBe("trail");
    expect(oneLine("no\u00A0break\u2028separator")).toBe("no break separator");
  });

  it("reads the resource and the domain of a JID", () => {
    expect(resourceOf("alice@localhost/phone/with/slash")).toBe("phone/with/slash");
    expect(resourceOf("alice@localhost")).toBe("alice@localhost");
    expect(domainOf("alice@example.org/phone")).toBe("example.org");
    expect(domainOf("example.org")).toBe("example.org");
  });
});
