import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { crc32, decodeSetup, encodeSetup, fromBase64Url, MAX_FRAGMENT_CHARS, parseSetupJson, setupParam, shareUrl, toBase64Url, withoutSetup } from "./link";
import { describeSetup, isSecretField, policyOfDomain, SETUP_LIMITS, validateSetup, type Setup } from "./setup";
import { NO_FAULTS } from "../app-server/faults";
import { setupArb, walkthroughSetup } from "./test-support/arbitrary-setup";

const refused = (value: unknown) => {
  const r = validateSetup(value);
  if (r.ok) throw new Error("expected a refusal");
  return r.error;
};

function plainFragment(json: string, checksumOf = json): string {
  const bytes = new TextEncoder().encode(json);
  return `1.j${toBase64Url(bytes)}.${crc32(new TextEncoder().encode(checksumOf))}`;
}

describe("validateSetup", () => {
  it("accepts the walk-through setup as it is", () => {
    expect(validateSetup(walkthroughSetup())).toEqual({ ok: true, value: walkthroughSetup() });
  });

  it("accepts every generated setup unchanged", () => {
    fc.assert(fc.property(setupArb, (setup) => {
      expect(validateSetup(setup)).toEqual({ ok: true, value: setup });
    }), { numRuns: 150 });
  });

  it("names the first bad field's path", () => {
    const s = walkthroughSetup();
    expect(refused({ ...s, resources: [{ ...s.resources[0], name: "" }] })).toBe("resources[0].name: must not be empty");
    expect(refused({ ...s, registrations: [{ ...s.registrations[0], from: "tablet" }] })).toBe("registrations[0].from: names no resource of the setup (“tablet”)");
    expect(refused({ ...s, messages: [{ to: "tablet", kind: "chat", body: "x", count: 1 }] })).toMatch(/^messages\[0\]\.to: must be “bare” or a resource/);
    expect(refused({ ...s, messages: [{ to: "bare", kind: "chat", body: "x", count: 0 }] })).toBe("messages[0].count: must be a whole number from 1 to 50");
    expect(refused({ ...s, domain: "Local Host" })).toMatch(/^domain: must be a lower-case domain/);
    expect(refused({ ...s, sink: { ...s.sink, profile: "apns" } })).toMatch(/^sink\.profile: must be one of generic/);
    expect(refused({ ...s, sink: { ...s.sink, mode: { kind: "error", type: "wait", condition: "Bad Thing" } } })).toMatch(/^sink\.mode\.condition/);
    expect(refused({ ...s, sink: { ...s.sink, faults: { ...NO_FAULTS, errorProbability: { ...NO_FAULTS.errorProbability, p: 2 } } } })).toBe("sink.faults.errorProbability.p: must be a number from 0 to 1");
    expect(refused({ ...s, resources: [s.resources[0], s.resources[0]] })).toBe("resources: two resources are named “phone”");
    expect(refused({ ...s, password: "pass" })).toBe("setup: unknown field “password”");
    expect(refused(null)).toBe("setup: must be an object");
    expect(refused([])).toBe("setup: must be an object");
  });

  it("refuses a newer format with its own message, and a wrong one", () => {
    expect(refused({ ...walkthroughSetup(), v: 2 })).toMatch(/^v: this setup was made by a newer version of the playground \(format 2\)/);
    expect(refused({ ...walkthroughSetup(), v: "1" })).toBe("v: must be 1");
  });

  it("enforces the limits", () => {
    const s = walkthroughSetup();
    const many = Array.from({ length: SETUP_LIMITS.resources + 1 }, (_, i) => ({ name: `r${i}`, presence: null, end: "online" }));
    expect(refused({ ...s, resources: many, registrations: [], messages: [] })).toBe(`resources: at most ${SETUP_LIMITS.resources} entries (got ${SETUP_LIMITS.resources + 1})`);
    expect(refused({ ...s, messages: [{ to: "bare", kind: "chat", body: "x".repeat(SETUP_LIMITS.textChars + 1), count: 1 }] })).toMatch(/^messages\[0\]\.body: at most 500 characters/);
  });

  it("never carries a credential in publish-options", () => {
    const s = walkthroughSetup();
    expect(isSecretField("secret")).toBe(true);
    expect(isSecretField("device_token")).toBe(true);
    expect(isSecretField("priority")).toBe(false);
    expect(refused({ ...s, registrations: [{ ...s.registrations[0], publishOptions: [{ var: "secret", value: "x" }] }] })).toMatch(/looks like a credential/);
    expect(refused({ ...s, registrations: [{ ...s.registrations[0], credentialFields: ["app"] }] })).toBe("registrations[0].credentialFields[0]: “app” is not a credential field: it belongs in publishOptions");
    expect(validateSetup({ ...s, registrations: [{ ...s.registrations[0], credentialFields: ["secret"] }] }).ok).toBe(true);
  });

  it("keeps a node named __proto__ as a plain key", () => {
    const s = walkthroughSetup();
    const json = `{"v":1,"domain":"localhost","resources":[],"registrations":[],"messages":[],"sink":{"profile":"generic","mode":{"kind":"result"},"faults":null,"faultsByNode":{"__proto__":${JSON.stringify(NO_FAULTS)}}}}`;
    const r = parseSetupJson(json);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.getPrototypeOf(r.value.sink.faultsByNode)).toBe(Object.prototype);
      expect(Object.keys(r.value.sink.faultsByNode)).toEqual(["__proto__"]);
    }
    expect(s.v).toBe(1);
  });

  it("describes a setup in words, names kept as text", () => {
    const s: Setup = { ...walkthroughSetup(), domain: "prosody.localhost" };
    expect(describeSetup(s)).toEqual([
      "Virtual host prosody.localhost (prosody policy)",
      "Resource phone: online, away",
      "Resource laptop: connects, then disconnects",
      "Push enabled from phone, node walkthrough-node, with away='true'",
      "Sink plays generic, answering result",
      "bob sends “Lunch at noon?” to the bare JID",
    ]);
    expect(policyOfDomain("localhost")).toBe("spec");
    expect(policyOfDomain("example.org")).toBe("example.org's own");
  });
});

describe("share link", () => {
  it("round-trips every generated setup through the fragment", async () => {
    await fc.assert(
      fc.asyncProperty(setupArb, async (setup) => {
        const fragment = await encodeSetup(setup);
        expect(fragment).toMatch(/^setup=1\.[jz][A-Za-z0-9_-]+\.[0-9a-f]{8}$/);
        expect(await decodeSetup(setupParam(`#${fragment}`)!)).toEqual({ ok: true, value: setup });
      }),
      { numRuns: 60 },
    );
  });

  it("compresses when that is shorter, and a plain link still opens", async () => {
    const setup = walkthroughSetup();
    const fragment = await encodeSetup({ ...setup, messages: Array.from({ length: 10 }, () => setup.messages[0]!) });
    expect(fragment).toMatch(/^setup=1\.z/);
    expect(await decodeSetup(plainFragment(JSON.stringify(setup)))).toEqual({ ok: true, value: setup });
  });

  it("finds the setup among other fragment parameters and puts it on a page URL", async () => {
    expect(setupParam("#tab=push&setup=abc")).toBe("abc");
    expect(setupParam("#tab=push")).toBeNull();
    expect(setupParam("")).toBeNull();
    expect(withoutSetup("https://example.org/p/#tab=push&setup=1.jx.00000000")).toBe("https://example.org/p/#tab=push");
    expect(withoutSetup("https://example.org/p/?a=1#setup=1.jx.00000000")).toBe("https://example.org/p/?a=1");
    const url = await shareUrl("https://example.org/play/?x=1#old", walkthroughSetup());
    expect(url).toMatch(/^https:\/\/example\.org\/play\/\?x=1#setup=1\./);
  });

  it("refuses damaged links, each with its own reason", async () => {
    const good = (await encodeSetup(walkthroughSetup())).slice("setup=".length);
    const [format, payload, checksum] = good.split(".") as [string, string, string];
    const reason = async (param: string) => {
      const r = await decodeSetup(param);
      if (r.ok) throw new Error("expected a refusal");
      return r.error;
    };
    expect(await reason(`${format}.${payload}`)).toMatch(/cut short or malformed: expected format\.payload\.checksum, found 2 parts/);
    expect(await reason(`${format}.${payload}.${checksum.slice(0, 5)}`)).toMatch(/checksum is missing or cut short/);
    expect(await reason(`${format}.${payload.slice(0, -6)}.${checksum}`)).toMatch(/compressed data is corrupt or cut short|checksum does not match|not valid base64url/);
    expect(await reason(`2.${payload}.${checksum}`)).toMatch(/newer version of the playground \(format 2\)/);
    expect(await reason(`x.${payload}.${checksum}`)).toMatch(/format “x” is not a number/);
    expect(await reason(`${format}.j!!!.${checksum}`)).toMatch(/not valid base64url/);
    expect(await reason(`${format}.q${payload.slice(1)}.${checksum}`)).toMatch(/not valid base64url/);
    expect(await reason(`${format}.${payload}.${checksum === "00000000" ? "00000001" : "00000000"}`)).toBe("the checksum does not match: the link was changed or cut short after it was made");
    expect(await reason("%E0%A4%A")).toBe("the link has a broken %-escape");
    expect(await reason("x".repeat(MAX_FRAGMENT_CHARS + 1))).toMatch(/too long/);
    expect(await reason(plainFragment("{not json"))).toMatch(/^not JSON/);
    expect(await reason(plainFragment(JSON.stringify({ ...walkthroughSetup(), domain: 5 })))).toBe("domain: must be text");
  });

  it("refuses a tampered body whose checksum was not updated", async () => {
    const json = JSON.stringify(walkthroughSetup());
    const tampered = json.replace("Lunch at noon?", "Dinner at six");
    const r = await decodeSetup(plainFragment(tampered, json));
    expect(r).toEqual({ ok: false, error: "the checksum does not match: the link was changed or cut short after it was made" });
  });

  it("stops inflating a deflate bomb", async () => {
    const huge = new TextEncoder().encode(" ".repeat(2_000_000));
    const stream = new Blob([huge]).stream().pipeThrough(new CompressionStream("deflate"));
    const z = new Uint8Array(await new Response(stream).arrayBuffer());
    const r = await decodeSetup(`1.z${toBase64Url(z)}.00000000`);
    expect(r).toEqual({ ok: false, error: "the data inflates to more than 64000 bytes" });
  });

  it("keeps hostile names as data", async () => {
    const xss = `<img src=x onerror="alert(1)">`;
    const setup: Setup = { ...walkthroughSetup(), title: xss, messages: [{ to: "bare", kind: "chat", body: xss, count: 1 }] };
    const back = await decodeSetup((await encodeSetup(setup)).slice("setup=".length));
    expect(back).toEqual({ ok: true, value: setup });
  });

  it("base64url round-trips any bytes and refuses bad text", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      expect(Array.from(fromBase64Url(toBase64Url(bytes)) ?? [-1])).toEqual(Array.from(bytes));
    }));
    expect(fromBase64Url("a")).toBeNull();
    expect(fromBase64Url("a+b/")).toBeNull();
  });
});
