import { buildSequence } from "./build";
import { HOSTILE_LANES, hostileSession, MERMAID_BODY, XSS_BODY, XSS_RESOURCE } from "./hostile-events";
import { toMermaid } from "./mermaid";
import { LANES, longSession, walkThrough } from "./test-events";
import { mermaidText, oneLine } from "./text";

/** What Mermaid shows for a label: its entity codes `#N;` decoded. */
function decode(label: string): string {
  return label.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

const ID = "(sender|server|res\\d+|appserver)";
const STATEMENTS: RegExp[] = [
  new RegExp(`^    participant ${ID} as (?<text>.+)$`),
  new RegExp(`^    (?:    )?${ID}(?:->>|-->>|-x|--x)${ID}: (?<text>.+)$`),
  new RegExp(`^    Note over ${ID}(?:,${ID})?: (?<text>.+)$`),
  /^ {4}rect rgba\(214, 51, 132, 0\.14\)$/,
  /^ {4}end$/,
];

/**
 * Reads the text the way Mermaid's sequence lexer does where it matters: one statement per line,
 * each a known form; a label may hold no `;` or `#` (they end it or start a comment) outside an
 * entity code, no `%%`, no markup or config characters, and no `wrap:` prefix.
 */
function statements(text: string): string[] {
  const lines = text.split("\n");
  expect(lines[0]).toBe("sequenceDiagram");
  expect(lines[lines.length - 1]).toBe("");
  const labels: string[] = [];
  for (const line of lines.slice(1, -1)) {
    const match = STATEMENTS.map((re) => re.exec(line)).find((m) => m !== null);
    expect(match, line).toBeDefined();
    const label = match!.groups?.text;
    if (label === undefined) continue;
    const bare = label.replace(/#\d+;/g, "");
    expect(bare, line).not.toMatch(/[;#%<>{}`"&$\\]/);
    expect(label, line).not.toMatch(/^\s*(?:no)?wrap:/i);
    labels.push(label);
  }
  return labels;
}

describe("toMermaid", () => {
  const w = walkThrough();
  const model = buildSequence(w.events, { lanes: LANES });
  const text = toMermaid(model);

  it("starts with sequenceDiagram and declares every participant with its name", () => {
    expect(text.startsWith("sequenceDiagram\n")).toBe(true);
    const declared = text.split("\n").filter((l) => l.startsWith("    participant "));
    expect(declared).toEqual([
      "    participant sender as bob (sender)",
      "    participant server as localhost (XMPP server)",
      "    participant res1 as alice/phone (account resource)",
      "    participant res2 as alice/laptop (account resource)",
      "    participant appserver as pushsvc/sink (App Server)",
    ]);
    statements(text);
  });

  it("draws the walk-through: messages, the push highlighted, decisions as notes on the server", () => {
    const lines = text.split("\n");
    expect(lines).toContain("    sender->>server: chat “Dinner at eight?” (pushed)");
    expect(lines).toContain("    Note over server: push: all 1 receiving resources are away and registration n-3f9a has away=true [spec/all-away]");
    const push = lines.indexOf("        server->>appserver: push: publish node n-3f9a, count 1, “Dinner at eight?”");
    expect(lines.slice(push - 1, push + 3)).toEqual([
      "    rect rgba(214, 51, 132, 0.14)",
      "        server->>appserver: push: publish node n-3f9a, count 1, “Dinner at eight?”",
      "    end",
      "    appserver-->>server: publish: result",
    ]);
    expect(lines).toContain("    sender->>server: chat “Are you there?” (not pushed: alice/laptop is online (available): it gets the message)");
    expect(lines).toContain("    Note over server: no push: alice/laptop is online (available): it gets the message [spec/online-session]");
    expect(lines).toContain("    Note over res1: app killed: socket dropped without #60;/close#62;");
    expect(lines).toContain("    Note over sender,appserver: folded: 5 stream events: 5 connection steps");
    expect(lines.filter((l) => l.trim() === "end")).toHaveLength(lines.filter((l) => l.trim().startsWith("rect ")).length);
  });

  it("keeps hostile names and bodies inside their labels, shown as written", () => {
    const hostile = buildSequence(hostileSession(), { lanes: HOSTILE_LANES });
    const out = toMermaid(hostile, { title: "a;b #c %%d" });
    const labels = statements(out.replace(/^(sequenceDiagram\n) {4}title .*\n/, "$1"));
    expect(out.split("\n")[1]).toBe("    title a#59;b #35;c #37;#37;d");
    const shown = labels.map(decode);
    expect(shown).toContain(`${XSS_RESOURCE} (account resource)`);
    expect(shown).toContain("end (account resource)");
    expect(shown).toContain(`bob"; participant evil (sender)`);
    expect(shown.some((l) => l.includes(XSS_BODY))).toBe(true);
    expect(shown.some((l) => l.includes(oneLine(MERMAID_BODY).slice(0, 60)))).toBe(true);
    // One participant statement per participant: the hostile sender name declared nothing.
    expect(out.split("\n").filter((l) => l.trimStart().startsWith("participant "))).toHaveLength(hostile.participants.length);
    // The body's newline did not start a statement of its own.
    expect(out.split("\n").filter((l) => l.trimStart().startsWith("Note over server: injected"))).toEqual([]);
  });

  it("leaves out the oldest rows beyond maxRows, and says so", () => {
    const long = buildSequence(longSession(2_000), { lanes: LANES });
    const out = toMermaid(long, { maxRows: 100 });
    const lines = out.split("\n");
    expect(lines.find((l) => l.includes("earlier rows left out"))).toBe(`    Note over sender,appserver: ${long.rows.length - 100} earlier rows left out (export a selection to see them)`);
    const drawn = lines.filter((l) => /->>|-->>|-x|Note over/.test(l)).length;
    expect(drawn).toBe(101);
    statements(out);
  });
});

describe("mermaidText", () => {
  it("encodes what Mermaid reads as syntax and keeps words readable", () => {
    expect(mermaidText("a;b#c%%d")).toBe("a#59;b#35;c#37;#37;d");
    expect(mermaidText("x -->> y <br> z")).toBe("x --#62;#62; y #60;br#62; z");
    expect(mermaidText(`{"a":1} \`b\` $$c$$ &amp;`)).toBe("#123;#34;a#34;:1#125; #96;b#96; #36;#36;c#36;#36; #38;amp#59;");
    expect(mermaidText("Grüße, 你好 “x” — ok: yes")).toBe("Grüße, 你好 “x” — ok: yes");
    expect(mermaidText("wrap:long")).toBe("wrap#58;long");
    expect(mermaidText("NoWrap: x")).toBe("NoWrap#58; x");
    expect(mermaidText(":x")).toBe("#58;x");
    expect(mermaidText("line\nbreak\ttab")).toBe("line break tab");
    expect(mermaidText("   ")).toBe("#160;");
    expect(mermaidText("😀\u202E")).toBe("#128512;#8238;");
    expect(mermaidText("bell\u0007 half \uD83D pair\u0085")).toBe("bell#65533; half #65533; pair#65533;");
  });

  it("round-trips: decoding the codes gives the text back (on one line)", () => {
    for (const s of [MERMAID_BODY, XSS_BODY, XSS_RESOURCE, "n-3f9a", "a #quot; b", "emoji 😀 and 你好"]) expect(decode(mermaidText(s))).toBe(oneLine(s));
  });
});
