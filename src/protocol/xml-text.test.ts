import { describe, expect, it } from "vitest";
import { tryParseXml } from "./stanzas/parse";
import { codePointLabel, xmlTextProblem } from "./xml-text";

describe("xmlTextProblem", () => {
  it("accepts text XML allows: tab, newline, carriage return, accents, emoji, U+FFFD, the last BMP and astral characters", () => {
    for (const text of ["hi", "", "a\tb\nc\rd", "café ☕", "😀 ok", "\uFFFD", "\uD7FF\uE000", "\u{10FFFF}", "\u0020"]) {
      expect(xmlTextProblem(text, "message body")).toBeNull();
    }
  });

  it("names the field, the character and its position for a C0 control", () => {
    expect(xmlTextProblem("ab\u0001c", "message body")).toEqual({
      field: "message body",
      codePoint: 1,
      code: "U+0001",
      position: 3,
      kind: "a control character",
      message: "the message body contains U+0001 (a control character) at character 3; XML does not allow it and the server would end the session, so remove it",
    });
  });

  it("refuses U+FFFE and U+FFFF (noncharacters) and lone surrogates", () => {
    expect(xmlTextProblem("x\uFFFF", "status text")).toMatchObject({ code: "U+FFFF", position: 2, kind: "a noncharacter" });
    expect(xmlTextProblem("\uFFFE", "node")).toMatchObject({ code: "U+FFFE", position: 1 });
    expect(xmlTextProblem("a\uD800b", "node")).toMatchObject({ code: "U+D800", position: 2, kind: "half of a surrogate pair with no other half" });
    expect(xmlTextProblem("a\uDC00", "node")).toMatchObject({ code: "U+DC00", position: 2 });
  });

  it("counts positions in characters as seen: an emoji before the bad character counts once", () => {
    expect(xmlTextProblem("😀😀\u0008", "message body")?.position).toBe(3);
  });

  it("reports the first refused character", () => {
    expect(xmlTextProblem("\u0002 and \u0003", "message body")).toMatchObject({ code: "U+0002", position: 1 });
  });

  it("refuses exactly what the strict XML parser refuses in element text", () => {
    const samples = [0x0, 0x1, 0x8, 0x9, 0xa, 0xb, 0xc, 0xd, 0x1f, 0x20, 0x7f, 0x85, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfdd0, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x10ffff];
    for (const cp of samples) {
      const ch = cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      const parserRefuses = !tryParseXml(`<a>${ch}</a>`).ok;
      expect({ cp: codePointLabel(cp), refused: xmlTextProblem(ch, "t") !== null }).toEqual({ cp: codePointLabel(cp), refused: parserRefuses });
    }
  });

  it("labels code points with at least four upper-case hex digits", () => {
    expect(codePointLabel(1)).toBe("U+0001");
    expect(codePointLabel(0xffff)).toBe("U+FFFF");
    expect(codePointLabel(0x1f600)).toBe("U+1F600");
  });
});
