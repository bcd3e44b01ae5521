import { describe, expect, it } from "vitest";
import { flattenedReads, flattenStrings } from "./flat-strings";

describe("flattenStrings", () => {
  it("reads every string field of every record once, and leaves the values as they were", () => {
    const records = [{ id: "a", text: "<message/>", n: 3 }, { id: "b", summary: "" }];
    const before = flattenedReads();
    flattenStrings(records);
    expect(flattenedReads()).toBe((before + "a".charCodeAt(0) + "<".charCodeAt(0) + "b".charCodeAt(0)) | 0);
    expect(records).toEqual([{ id: "a", text: "<message/>", n: 3 }, { id: "b", summary: "" }]);
  });
});
