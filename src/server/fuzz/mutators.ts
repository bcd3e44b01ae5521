/**
 * Mutations of one stanza model, each with the answers a correct server may give to it on a bound
 * stream (RFC 6120 §4.9.3 for stream errors, §8.3 for stanza errors).
 */
import fc from "fast-check";
import { DEFAULT_FRAME_LIMITS } from "../stream/frame-parser";
import { HARMLESS, HARMLESS_OR, ONLY_STREAM_ERROR, type Allowed } from "./fuzz-case";
import { BARE, ME, type StanzaModel } from "./stanzas";
import { badReference, goodReference, safeText } from "./xml-text";

export interface Mutated {
  model: StanzaModel;
  allowed: Allowed;
  label: string;
}

type Mutator = fc.Arbitrary<(m: StanzaModel) => Mutated>;

const setAttr = (m: StanzaModel, key: string, value: string): StanzaModel => ({
  ...m,
  attrs: [...m.attrs.filter(([k]) => k !== key), [key, value]],
});

const keep: Mutator = fc.constant((model) => ({ model, allowed: HARMLESS, label: "valid" }));

const attrValue: Mutator = fc
  .tuple(fc.constantFrom("to", "type", "id", "xml:lang", "foo"), fc.oneof(safeText(), goodReference))
  .map(([key, value]) => (m) => ({ model: setAttr(m, key, value), allowed: HARMLESS, label: "attr-value" }));

const dropAttr: Mutator = fc.constantFrom("to", "type", "id", "xmlns").map((key) => (m) => ({
  model: { ...m, attrs: m.attrs.filter(([k]) => k !== key) },
  // Without xmlns the stanza is in no namespace: not a jabber:client stanza.
  allowed: key === "xmlns" ? HARMLESS_OR("unsupported-stanza-type", "invalid-namespace") : HARMLESS,
  label: `drop-${key}`,
}));

/** `from` of the session itself is fine; anyone else's is invalid-from (RFC 6120 §8.1.2.1). */
const from: Mutator = fc.constantFrom(ME, BARE, "", "victim@localhost/x", "localhost", "nobody@remote.example").map((value) => (m) => {
  if (value === ME) return { model: setAttr(m, "from", value), allowed: HARMLESS, label: "from-own" };
  // A bare or empty from is the server's call (stamp the full JID, or refuse).
  if (value === BARE || value === "") return { model: setAttr(m, "from", value), allowed: HARMLESS_OR("invalid-from"), label: "from-bare" };
  return { model: setAttr(m, "from", value), allowed: ONLY_STREAM_ERROR("invalid-from"), label: "from-spoofed" };
});

const namespace: Mutator = fc.constantFrom("jabber:server", "jabber:component:accept", "urn:example:fuzz", "urn:ietf:params:xml:ns:xmpp-framing", "http://etherx.jabber.org/streams").map((ns) => (m) => ({
  model: setAttr(m, "xmlns", ns),
  allowed: ONLY_STREAM_ERROR("unsupported-stanza-type", "invalid-namespace", "invalid-xml"),
  label: "namespace",
}));

const unboundPrefix: Mutator = fc.constantFrom("x", "stream", "jc").map((p) => (m) => ({
  model: { ...m, name: `${p}:${m.name}` },
  allowed: ONLY_STREAM_ERROR("bad-namespace-prefix", "not-well-formed"),
  label: "unbound-prefix",
}));

const duplicateAttr: Mutator = fc.constant((m) => ({
  model: { ...m, attrs: [...m.attrs, ["id", "dup"], ["id", "dup"]] },
  allowed: ONLY_STREAM_ERROR("not-well-formed"),
  label: "duplicate-attr",
}));

const { maxBytes, maxAttributes, maxDepth } = DEFAULT_FRAME_LIMITS;

/** Near a limit either answer is right (the stanza's own attributes and depth count too). */
function nearLimit(value: number, limit: number, slack: number): Allowed {
  if (value > limit + slack) return ONLY_STREAM_ERROR("policy-violation");
  if (value < limit - slack) return HARMLESS;
  return HARMLESS_OR("policy-violation");
}

const hugeAttr: Mutator = fc.constantFrom(1_000, 60_000, maxBytes - 4_000, maxBytes + 10, 300 * 1024).map((size) => (m) => ({
  model: setAttr(m, "x-big", "v".repeat(size)),
  allowed: nearLimit(size, maxBytes, 2_000),
  label: "huge-attr",
}));

const manyAttrs: Mutator = fc.integer({ min: 1, max: 400 }).map((n) => (m) => ({
  model: { ...m, attrs: [...m.attrs, ...Array.from({ length: n }, (_, i): [string, string] => [`a${i}`, "x"])] },
  allowed: nearLimit(n, maxAttributes, 8),
  label: "many-attrs",
}));

const deepNesting: Mutator = fc.oneof(fc.integer({ min: 1, max: 200 }), fc.constant(5_000)).map((depth) => (m) => ({
  model: { ...m, inner: `${"<d xmlns='urn:example:deep'>".repeat(depth)}${"</d>".repeat(depth)}${m.inner}` },
  allowed: nearLimit(depth, maxDepth, 3),
  label: "deep-nesting",
}));

const references: Mutator = fc.tuple(fc.boolean(), goodReference, badReference).map(([good, ok, bad]) => (m) => ({
  model: { ...m, inner: `${m.inner}<x xmlns='urn:example:ref'>${good ? ok : bad}</x>` },
  allowed: good ? HARMLESS : ONLY_STREAM_ERROR("not-well-formed", "restricted-xml"),
  label: good ? "entity-predefined" : "entity-bad",
}));

/** RFC 6120 §11.1: comments, processing instructions and DTDs are restricted XML. */
const restricted: Mutator = fc.constantFrom("<!-- c -->", "<?pi data?>", "<!DOCTYPE x>", `<!DOCTYPE x [<!ENTITY e "v">]>`).map((bit) => (m) => ({
  model: { ...m, inner: `${bit}${m.inner}` },
  allowed: ONLY_STREAM_ERROR("restricted-xml", "not-well-formed"),
  label: "restricted-xml",
}));

const cdata: Mutator = safeText().map((t) => (m) => ({
  model: { ...m, inner: `${m.inner}<x xmlns='urn:example:cdata'><![CDATA[${t}<]]></x>` },
  allowed: HARMLESS_OR("restricted-xml"),
  label: "cdata",
}));

const controlChar: Mutator = fc.constantFrom("\u0001", "\u0000", "\u001b", "\uFFFE").map((c) => (m) => ({
  model: setAttr(m, "id", `a${c}b`),
  allowed: ONLY_STREAM_ERROR("not-well-formed"),
  label: "control-char",
}));

export const mutator: Mutator = fc.oneof(
  { weight: 10, arbitrary: keep },
  { weight: 3, arbitrary: attrValue },
  { weight: 2, arbitrary: dropAttr },
  { weight: 2, arbitrary: from },
  { weight: 1, arbitrary: namespace },
  { weight: 1, arbitrary: unboundPrefix },
  { weight: 1, arbitrary: duplicateAttr },
  { weight: 1, arbitrary: hugeAttr },
  { weight: 1, arbitrary: manyAttrs },
  { weight: 1, arbitrary: deepNesting },
  { weight: 2, arbitrary: references },
  { weight: 1, arbitrary: restricted },
  { weight: 1, arbitrary: cdata },
  { weight: 1, arbitrary: controlChar },
);
