/**
 * A share link never carries text the playground would refuse to send: the link's check is the
 * actions' own (src/protocol/xml-text.ts), so a replay cannot end the sender's session.
 */
import { describe, expect, it } from "vitest";
import { xmlTextProblem } from "../../protocol/xml-text";
import { validateSend } from "../playground/actions";
import { crc32, decodeSetup, toBase64Url } from "./link";
import { validateSetup, type Setup } from "./setup";
import { walkthroughSetup } from "./test-support/arbitrary-setup";

function plainFragment(json: string): string {
  const bytes = new TextEncoder().encode(json);
  return `1.j${toBase64Url(bytes)}.${crc32(bytes)}`;
}

function withBody(body: string): Setup {
  const s = walkthroughSetup();
  return { ...s, messages: [{ to: "bare", kind: "chat", body, count: 1 }] };
}

describe("share links and XML text", () => {
  it.each([
    ["U+0001", "hi\u0001", 3, "a control character"],
    ["U+FFFF", "a\uFFFF", 2, "a noncharacter"],
    ["U+FFFE", "\uFFFE", 1, "a noncharacter"],
    ["U+D800", "x\uD800y", 2, "half of a surrogate pair with no other half"],
  ])("refuses a link whose message body holds %s, naming the path, the character and its position", async (code, body, position, kind) => {
    const expected = `messages[0].body: contains ${code} (${kind}) at character ${position}, which XML does not allow: replaying it would end the session`;
    // JSON.stringify escapes a lone surrogate (\ud800), so it survives the link's UTF-8 bytes.
    expect(await decodeSetup(plainFragment(JSON.stringify(withBody(body))))).toEqual({ ok: false, error: expected });
    expect(validateSetup(withBody(body))).toEqual({ ok: false, error: expected });
  });

  it("refuses the same characters in a status, a node and a publish-option value", () => {
    const s = walkthroughSetup();
    const phone = s.resources[0]!;
    const reg = s.registrations[0]!;
    expect(validateSetup({ ...s, resources: [{ ...phone, presence: { show: "away", priority: 0, status: "out\u0007" } }, ...s.resources.slice(1)] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^resources\[0\]\.presence\.status: contains U\+0007 \(a control character\) at character 4,/) as unknown,
    });
    expect(validateSetup({ ...s, registrations: [{ ...reg, node: "n\uFFFF" }] })).toMatchObject({ ok: false, error: expect.stringMatching(/^registrations\[0\]\.node: contains U\+FFFF/) as unknown });
    expect(validateSetup({ ...s, registrations: [{ ...reg, publishOptions: [{ var: "pushModule", value: "\uDFFF" }] }] })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^registrations\[0\]\.publishOptions\[0\]\.value: contains U\+DFFF/) as unknown,
    });
  });

  it("accepts exactly the bodies the send action accepts", () => {
    for (const body of ["plain", "café 😀", "tab\there", "\uFFFD", "a\u0001", "b\uFFFF", "c\uD800", "\u{10FFFF}"]) {
      const link = validateSetup(withBody(body)).ok;
      const send = validateSend(() => "alice@localhost", { to: "bare", kind: "chat", body }).ok;
      expect({ body, link }).toEqual({ body, link: send });
      expect(link).toBe(xmlTextProblem(body, "message body") === null);
    }
  });
});
