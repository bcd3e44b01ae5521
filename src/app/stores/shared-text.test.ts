import { describe, expect, it } from "vitest";
import { createTextSharing } from "./shared-text";

describe("createTextSharing: one string for equal stanza texts seen close together", () => {
  it("answers an equal text with the string seen first, and a different one with itself", () => {
    const sharing = createTextSharing();
    const frame = ["<message to='a@b'>", "<body>hi</body>", "</message>"].join("");
    expect(sharing.share(frame)).toBe(frame);
    const serialised = `<message to='a@b'>${"<body>hi</body>"}</message>`;
    expect(sharing.share(serialised)).toBe(frame);
    expect(sharing.share("<r xmlns='urn:xmpp:sm:3'/>")).toBe("<r xmlns='urn:xmpp:sm:3'/>");
    expect(sharing.hits).toBe(1);
  });

  it("remembers only the last `window` texts", () => {
    const sharing = createTextSharing(3);
    for (const t of ["a", "b", "c", "d"]) sharing.share(t);
    sharing.share("a");
    expect(sharing.hits).toBe(0);
    sharing.share("d");
    expect(sharing.hits).toBe(1);
  });
});
