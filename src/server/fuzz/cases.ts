/** The fuzz case arbitrary: for each stream phase, the inputs that make sense to try there. */
import fc from "fast-check";
import { NS } from "../../protocol/ns";
import { DEFAULT_FRAME_LIMITS } from "../stream/frame-parser";
import { combine, HARMLESS, HARMLESS_OR, ONLY_STREAM_ERROR, type Allowed, type FuzzCase } from "./fuzz-case";
import { frameFault, tcpWriteFault } from "./frames";
import { mutator } from "./mutators";
import { serialize, stanza } from "./stanzas";
import type { Phase } from "./transport";
import { escapeXml, safeText, unknownNamespace } from "./xml-text";
import { tcpInput } from "../tcp/test-support/tcp-socket";

interface Draft {
  kind: string;
  frames: readonly string[];
  allowed: Allowed;
}

const F = NS.framing;
const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");

/** The frames any phase may get wrong in the same way: restricted XML before a frame's element. */
const RESTRICTED_PREFIX = fc.constantFrom("<!-- hi -->", "<?php echo 1; ?>", "<!DOCTYPE open>", `<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>`, `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>`);

const mutatedStanzas: fc.Arbitrary<Draft> = fc.array(fc.tuple(stanza, mutator), { minLength: 1, maxLength: 3 }).map((items) => {
  const mutated = items.map(([m, mutate]) => mutate(m));
  return {
    kind: `stanza/${mutated.map((m) => m.label).find((l) => l !== "valid") ?? "valid"}`,
    frames: mutated.map((m) => serialize(m.model)),
    allowed: mutated.map((m) => m.allowed).reduce(combine),
  };
});

const boundOnly: fc.Arbitrary<Draft> = fc.oneof(
  fc.constant({ kind: "bound/second-open", frames: [`<open xmlns='${F}' to='localhost' version='1.0'/>`], allowed: ONLY_STREAM_ERROR("invalid-xml") }),
  fc.constant({ kind: "bound/sasl-after-bind", frames: [`<auth xmlns='${NS.sasl}' mechanism='PLAIN'>${b64("\0fzprobe\0pass")}</auth>`], allowed: ONLY_STREAM_ERROR("unsupported-stanza-type") }),
  fc.tuple(fc.constantFrom("bogus", "stream", "features"), unknownNamespace).map(([n, ns]) => ({ kind: "bound/unknown-element", frames: [`<${n} xmlns='${ns}'/>`], allowed: ONLY_STREAM_ERROR("unsupported-stanza-type", "invalid-namespace") })),
);

/** SASL attempts that can never succeed (the probe account exists with password `pass`). */
const failingAuth = fc.oneof(
  fc.constantFrom("PLAIN", "SCRAM-SHA-1").chain((mech) =>
    fc.constantFrom("!!not*base64!!", b64("alice:pass"), b64("\0fzprobe\0wrong"), b64("mallory@localhost\0victim\0pass"), b64("hello"), b64("p=tls-unique,,n=x,r=abc"), "=").map((p) => `<auth xmlns='${NS.sasl}' mechanism='${mech}'>${p}</auth>`),
  ),
  fc.constantFrom("DIGEST-MD5", "ANONYMOUS", "", "X-OAUTH2").map((mech) => `<auth xmlns='${NS.sasl}' mechanism='${mech}'/>`),
  fc.constant(`<response xmlns='${NS.sasl}'>${b64("x")}</response>`),
);

const openedOnly: fc.Arbitrary<Draft> = fc.oneof(
  fc.array(failingAuth, { minLength: 1, maxLength: 3 }).map((frames) => ({ kind: "opened/sasl-failure", frames, allowed: { streamErrors: [], stanzaError: true, accept: false } })),
  mutatedStanzas.map((d) => ({ ...d, kind: "opened/before-auth", allowed: combine(d.allowed, ONLY_STREAM_ERROR("not-authorized")) })),
  fc.constant({ kind: "opened/second-open", frames: [`<open xmlns='${F}' to='localhost' version='1.0'/>`], allowed: ONLY_STREAM_ERROR("invalid-xml") }),
  unknownNamespace.map((ns) => ({ kind: "opened/unknown-element", frames: [`<foo xmlns='${ns}'/>`], allowed: ONLY_STREAM_ERROR("unsupported-stanza-type", "invalid-namespace") })),
);

const HOSTS = ["localhost", "tigase.localhost", "prosody.localhost", "ejabberd.localhost"];

/** `<open/>` with each attribute possibly wrong; the allowed answers follow from which are. */
const mutatedOpen: fc.Arbitrary<Draft> = fc
  .record({
    name: fc.constantFrom("open", "open", "open", "stream:stream"),
    xmlns: fc.constantFrom(F, F, F, "jabber:client", NS.streams, ""),
    to: fc.option(fc.constantFrom(...HOSTS, "example.org", "", "LOCALHOST", "localhost."), { nil: undefined, freq: 6 }),
    version: fc.option(fc.constantFrom("1.0", "1.0", "1.0", "2.0", "0.9", "1.1", "x"), { nil: undefined, freq: 6 }),
    extra: fc.option(fc.tuple(fc.constantFrom("xml:lang", "from", "id", "foo"), safeText(12)), { nil: undefined }),
  })
  .map((r) => {
    const attrs = [["xmlns", r.xmlns], ["to", r.to], ["version", r.version], r.extra ?? ["", undefined]].filter((a): a is [string, string] => a[0] !== "" && a[1] !== undefined);
    const faults: Allowed[] = [];
    if (r.name !== "open" || r.xmlns !== F) faults.push(ONLY_STREAM_ERROR("invalid-namespace", "bad-namespace-prefix"));
    if (r.to === undefined || !HOSTS.includes(r.to)) faults.push(r.to === "LOCALHOST" || r.to === "localhost." ? HARMLESS_OR("host-unknown") : ONLY_STREAM_ERROR("host-unknown"));
    if (r.version !== "1.0") faults.push(r.version === "1.1" ? HARMLESS_OR("unsupported-version") : ONLY_STREAM_ERROR("unsupported-version"));
    const frame = `<${r.name}${attrs.map(([k, v]) => ` ${k}='${escapeXml(v)}'`).join("")}/>`;
    return { kind: faults.length === 0 ? "open/valid" : "open/mutated", frames: [frame], allowed: faults.reduce(combine, HARMLESS) };
  });

const VALID_OPEN = `<open xmlns='${F}' to='localhost' version='1.0'/>`;

const noneOnly: fc.Arbitrary<Draft> = fc.oneof(
  { weight: 4, arbitrary: mutatedOpen },
  {
    weight: 1,
    arbitrary: fc.constantFrom("<?xml version='1.0'?>", `<?xml version="1.0" encoding="UTF-8"?>`).map((decl) => ({ kind: "open/xml-declaration", frames: [`${decl}${VALID_OPEN}`], allowed: HARMLESS_OR("restricted-xml") })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "open/other-encoding", frames: [`<?xml version='1.0' encoding='ISO-8859-1'?>${VALID_OPEN}`], allowed: ONLY_STREAM_ERROR("unsupported-encoding", "restricted-xml") }) },
  { weight: 1, arbitrary: mutatedStanzas.map((d) => ({ ...d, kind: "none/before-open", allowed: combine(d.allowed, ONLY_STREAM_ERROR("not-authorized", "unsupported-stanza-type", "invalid-namespace")) })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: "binary" }).map((junk) => ({ kind: "none/garbage", frames: [junk], allowed: ONLY_STREAM_ERROR("not-well-formed", "restricted-xml", "invalid-namespace", "bad-namespace-prefix", "not-authorized", "unsupported-stanza-type", "host-unknown", "unsupported-version") })) },
);

/** The same draft with restricted XML in front of one of its frames (a DOCTYPE, comment or PI). */
const withRestrictedPrefix = (draft: fc.Arbitrary<Draft>): fc.Arbitrary<Draft> =>
  fc.tuple(draft, RESTRICTED_PREFIX, fc.nat()).map(([d, prefix, which]) => {
    const i = which % d.frames.length;
    return {
      kind: "xml/restricted",
      frames: d.frames.map((f, j) => (j === i ? prefix + f : f)),
      allowed: combine(d.allowed, ONLY_STREAM_ERROR("restricted-xml")),
    };
  });

const DRAFTS: Record<Phase, fc.Arbitrary<Draft>> = {
  none: noneOnly,
  opened: openedOnly,
  bound: fc.oneof({ weight: 8, arbitrary: mutatedStanzas }, { weight: 1, arbitrary: boundOnly }),
};

function finish(phase: Phase, draft: fc.Arbitrary<Draft>, faults = frameFault): fc.Arbitrary<FuzzCase> {
  const withXmlTricks = fc.oneof({ weight: 9, arbitrary: draft }, { weight: 1, arbitrary: withRestrictedPrefix(draft) });
  return fc.tuple(withXmlTricks, faults).map(([d, fault]) => {
    const framed = fault(d.frames);
    let allowed = combine(d.allowed, framed.allowed);
    // A frame over the size limit is refused before it is parsed.
    const oversized = framed.frames.some((f) => ("text" in f ? Buffer.byteLength(f.text) : f.bytes.length) > DEFAULT_FRAME_LIMITS.maxBytes);
    if (oversized) allowed = combine(allowed, ONLY_STREAM_ERROR("policy-violation"));
    return { kind: framed.label ? `frame/${framed.label}` : d.kind, phase, frames: framed.frames, allowed };
  });
}

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 6, arbitrary: finish("bound", DRAFTS.bound) },
  { weight: 2, arbitrary: finish("opened", DRAFTS.opened) },
  { weight: 2, arbitrary: finish("none", DRAFTS.none) },
);

/**
 * Over TCP: the opened (after STARTTLS) and bound phases, with write faults instead of frame faults.
 * The `none` phase is left out: its drafts are WebSocket `<open/>` variants, and the TCP header's
 * own faults are covered case by case in src/server/stream/malformed-input.test.ts.
 */
export const tcpFuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 6, arbitrary: finish("bound", overTcp(DRAFTS.bound), tcpWriteFault) },
  { weight: 2, arbitrary: finish("opened", overTcp(DRAFTS.opened), tcpWriteFault) },
);

/** A draft as TCP input: `<open/>` as the stream header (before any write is cut). */
function overTcp(draft: fc.Arbitrary<Draft>): fc.Arbitrary<Draft> {
  return draft.map((d) => {
    const frames = d.frames.map(tcpInput);
    // The TCP header binds the `stream:` prefix: `<stream:iq>` is an element of the streams
    // namespace there (unsupported-stanza-type), not an unbound prefix as over WebSocket.
    const streamsElement = frames.some((f) => /<stream:(?!stream[\s>/])/.test(f));
    const allowed = streamsElement ? { ...d.allowed, streamErrors: [...d.allowed.streamErrors, "unsupported-stanza-type"] } : d.allowed;
    return { ...d, frames, allowed };
  });
}
