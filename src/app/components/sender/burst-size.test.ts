import { describe, expect, it } from "vitest";
import { MAX_BURST } from "../../model";
import { burstSize } from "./use-sender";

describe("burstSize", () => {
  it("reads a whole number from 1 to MAX_BURST", () => {
    expect(burstSize("1")).toBe(1);
    expect(burstSize(String(MAX_BURST))).toBe(MAX_BURST);
  });

  it("is null for empty, zero, fractional, too large or non-numeric input", () => {
    for (const typed of ["", "0", "-1", "2.5", String(MAX_BURST + 1), "abc"]) expect(burstSize(typed)).toBeNull();
  });
});
