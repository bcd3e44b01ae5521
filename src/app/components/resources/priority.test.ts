import { describe, expect, it } from "vitest";
import { parsePriority } from "./priority";

describe("parsePriority", () => {
  it.each([
    ["0", 0],
    ["-128", -128],
    ["127", 127],
    ["+5", 5],
    [" 7 ", 7],
    ["-0", -0],
    ["010", 10],
  ])("reads %j as %d", (text, value) => {
    expect(parsePriority(text)).toBe(value);
  });

  it.each(["", " ", "0x10", "1e1", "1.0", "1.5", "128", "-129", "1000", "Infinity", "NaN", "--1", "1_0", "٣"])("refuses %j", (text) => {
    expect(parsePriority(text)).toBeNull();
  });
});
