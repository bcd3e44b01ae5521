import { describe, expect, it } from "vitest";
import { checkJid, formatJid, isParsedJid } from "./jid-check";

describe("checkJid", () => {
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
