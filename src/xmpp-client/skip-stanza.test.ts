import { describe, expect, it } from "vitest";
import { presenceFrameFrom } from "./skip-stanza";

describe("presenceFrameFrom", () => {
  it("reads `from` of one presence stanza, empty or with children, in either quote style", () => {
    expect(presenceFrameFrom(`<presence xmlns='jabber:client' from='alice@example.org/r2' to='alice@example.org/r1'/>`)).toBe("alice@example.org/r2");
    expect(presenceFrameFrom(`<presence from="alice@example.org/r2" xmlns="jabber:client"><show>away</show><priority>0</priority></presence>`)).toBe("alice@example.org/r2");
    expect(presenceFrameFrom(`<presence from='a@b/c' type='unavailable'></presence>\n`)).toBe("a@b/c");
    expect(presenceFrameFrom(`<presence to='x@y' from='a@b/it&apos;s'/>`)).toBeNull();
  });

  it("leaves to the parser whatever it cannot vouch for", () => {
    for (const frame of [
      `<message from='a@b/c'><body>hi</body></message>`,
      `<presence xmlns='jabber:client'/>`,
      `<presence from=''/>`,
      `<presence xmlns='jabber:server' from='a@b/c'/>`,
      `<presence from='a@b/c'><status>1</status></presence><presence from='a@b/d'></presence>`,
      `<presence from='a@b/c'/><presence from='a@b/d'/>`,
      `<presence from='a@b/c'><status>open`,
      `<presencex from='a@b/c'/>`,
      `<presence from='a@b/c' status='a<b'/>`,
      `<iq from='a@b/c' type='get'><presence from='a@b/c'/></iq>`,
    ]) {
      expect(presenceFrameFrom(frame), frame).toBeNull();
    }
  });
});
