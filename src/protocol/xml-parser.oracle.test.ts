import { SaxesParser, type SaxesTagNS } from "saxes";
import { describe, expect, it } from "vitest";
import { parseElement } from "./stanzas/parse";

// The saxes-based frame parser this project used before (the oracle).
function oracle(text: string): { ok: boolean; condition?: string; reason?: string } {
  const parser = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let root = false;
  class R extends Error {
    constructor(readonly condition: string, m: string) {
      super(m);
    }
  }
  parser.on("doctype", () => {
    throw new R("restricted-xml", "dtd");
  });
  parser.on("comment", () => {
    throw new R("restricted-xml", "comment");
  });
  parser.on("processinginstruction", () => {
    throw new R("restricted-xml", "pi");
  });
  parser.on("xmldecl", (decl) => {
    if (decl.version !== undefined && decl.version !== "1.0") throw new R("not-well-formed", "version");
    if (decl.encoding !== undefined && decl.encoding.toUpperCase() !== "UTF-8") throw new R("unsupported-encoding", "enc");
  });
  parser.on("opentagstart", () => {
    if (depth + 1 > 128) throw new R("policy-violation", "depth");
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (Object.keys(tag.attributes).length > 128) throw new R("policy-violation", "attrs");
    root = true;
    depth++;
  });
  parser.on("closetag", () => depth--);
  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof R) return { ok: false, condition: err.condition, reason: err.message };
    const message = err instanceof Error ? err.message : String(err);
    return { ok: false, condition: /unbound namespace prefix|xmlns/i.test(message) ? "bad-namespace-prefix" : "not-well-formed", reason: message };
  }
  return root ? { ok: true } : { ok: false, condition: "not-well-formed", reason: "no root" };
}

const SEEDS = [
  "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>",
  "<message xmlns='jabber:client' to='bob@localhost' type='chat' id='m1'><body>hi &amp; &lt;bye&gt; &#x263A; &#65;</body><active xmlns='http://jabber.org/protocol/chatstates'/></message>",
  "<?xml version='1.0' encoding='UTF-8'?><iq xmlns='jabber:client' type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>r1</resource></bind></iq>",
  "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>",
  "<a xmlns:p='urn:p' p:x='1' y=\"2\" xml:lang='en'><p:b><![CDATA[<raw> & ]]></p:b>\n\t<c xmlns=''/> text </a>",
  "<iq xmlns='jabber:client' type='set' id='e'><enable xmlns='urn:xmpp:push:0' jid='push@localhost' node='n'><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field></x></enable></iq>",
  "<r xmlns='urn:xmpp:sm:3'/>",
  "<presence xmlns='jabber:client'><show>away</show><priority>-1</priority><status>Gone fishin' &quot;now&quot;</status></presence>",
];
const TOKENS = ["<", ">", "/", "&", ";", "'", '"', "=", " ", ":", "x:", "xmlns", "xmlns:x='u'", "<!--", "-->", "<?", "?>", "]]>", "<![CDATA[", "&#0;", "&#x1F600;", "&bogus;", "\u0001", "\u0085", "\uffff", "\ud800", "é", "</a>", "<a>", "<!DOCTYPE a>", "\r\n", "1", "-", ".", "xml:", "xmlns:xml='u'", "&#xD800;"];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const op = random();
    if (op < 0.5) out = out.slice(0, at) + TOKENS[Math.floor(random() * TOKENS.length)] + out.slice(at);
    else if (op < 0.8) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 3));
    else out = out.slice(0, at) + out.slice(at, at + 5) + out.slice(at);
  }
  return out;
}

/** Lone surrogates: saxes lets them through, we do not (they are not XML characters). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Both parsers reject, for different first faults: we refuse a comment or processing instruction as
 * soon as it starts (saxes first reads to its end), and saxes' conditions for malformed qualified
 * names came from the old frame parser's regex matching "xmlns" anywhere in the message.
 */
function knownDifference(ours: { condition: string; reason: string }, saxes: { reason?: string }): boolean {
  return ours.condition === "restricted-xml" || /malformed name/.test(saxes.reason ?? "");
}

describe("the strict parser agrees with saxes (the parser it replaced)", () => {
  it("on every seed and 20,000 mutations of them: same acceptance, and the same condition but for known differences", () => {
    const random = rng(7622);
    const mismatches: string[] = [];
    const inputs = [...SEEDS];
    for (let i = 0; i < 20_000; i++) inputs.push(mutate(SEEDS[i % SEEDS.length] ?? "", random));
    let rejected = 0;
    let sameCondition = 0;
    for (const input of inputs) {
      const ours = parseElement(input, { maxDepth: 128, maxAttributes: 128 });
      if (LONE_SURROGATE.test(input)) {
        expect(ours.ok).toBe(false);
        continue;
      }
      const theirs = oracle(input);
      if (!ours.ok) rejected++;
      if (!ours.ok && ours.condition === theirs.condition) sameCondition++;
      const same = ours.ok === theirs.ok && (ours.ok || ours.condition === theirs.condition || knownDifference(ours, theirs));
      if (!same) mismatches.push(`${JSON.stringify(input)}\n  ours: ${ours.ok ? "ok" : `${ours.condition} ${ours.reason}`}\n  saxes: ${theirs.ok ? "ok" : `${theirs.condition} ${theirs.reason}`}`);
    }
    expect(mismatches.slice(0, 40).join("\n")).toBe("");
    // The mutations must exercise both outcomes, and most rejections must agree on the condition.
    expect(rejected).toBeGreaterThan(10_000);
    expect(inputs.length - rejected).toBeGreaterThan(1_000);
    expect(sameCondition / rejected).toBeGreaterThan(0.95);
  });
});
