/** "Copy as Markdown": the card's layout, and hostile names that must stay inert text. */
import { describe, expect, it } from "vitest";
import { POLICIES } from "../policy";
import { available, chat, input, registration } from "../test-support/policy-fixtures";
import { explain } from "./card";
import { counterfactuals } from "./counterfactuals";
import { escapeMarkdown, explanationMarkdown } from "./markdown";

/** Pipes not escaped by a backslash: the ones that delimit table cells. */
const cellPipes = (line: string) => (line.match(/(?<!\\)\|/g) ?? []).length;

describe("escapeMarkdown", () => {
  it.each([
    ["<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"],
    ["`rm -rf /`", "\\`rm -rf /\\`"],
    ["a|b", "a\\|b"],
    ["two\nlines\r\nhere", "two lines here"],
    ["*bold* _em_ ~~gone~~", "\\*bold\\* \\_em\\_ \\~\\~gone\\~\\~"],
    ["[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))"],
    ["# heading", "\\# heading"],
    ["- item", "\\- item"],
    ["1. first", "1\\. first"],
    ["back\\slash", "back\\\\slash"],
    ['Tom & "Jerry"', "Tom &amp; &quot;Jerry&quot;"],
    ["n-3f9 stays readable", "n-3f9 stays readable"],
  ])("%j → %j", (raw, escaped) => {
    expect(escapeMarkdown(raw)).toBe(escaped);
  });
});

describe("explanationMarkdown", () => {
  it("lays out the walk-through's card with its counterfactuals", () => {
    const inp = input({ sessions: [available("phone", "away"), available("laptop")], registrations: [registration("n-3f9", { away: true, by: "phone" })] });
    const card = explain(inp, POLICIES.spec.decide(inp), { source: "decision-record", messageId: "m-1" });
    expect(explanationMarkdown(card, counterfactuals(inp, "spec"))).toBe(
      [
        "### Not pushed: laptop is online (available), so spec pushes nothing.",
        "",
        "*Decided by the reference server under the spec policy, message m-1*",
        "",
        "**Rule:** spec/online-session: a resource is online: nothing is pushed  ",
        "**Reason:** resource laptop is online (available), so nothing is pushed  ",
        "**Message:** chat message with a body from bob@localhost/pc to alice@localhost (bare JID), delivered to phone, laptop; body: “Wherefore art thou?”",
        "",
        "| Resource | Connection | Receiving | Presence | Standing | Enabled |",
        "| --- | --- | --- | --- | --- | --- |",
        "| phone | connected | yes | away (priority 0) | away | n-3f9 |",
        "| laptop **(decided)** | connected | yes | available (priority 0) | online | – |",
        "",
        "| Registration | Service JID | Away | Errors | Enabled by | Outcome |",
        "| --- | --- | --- | --- | --- | --- |",
        "| n-3f9 | pushsvc@localhost/sink | true | 0 | phone (connected) | not pushed: resource laptop is online (available) |",
        "",
        "**What would have changed it**",
        "",
        "- would have been pushed to n-3f9 if laptop had been away instead of available (or xa, unavailable and available at priority -1)",
        "- would have been pushed to n-3f9 if laptop had disconnected",
        "- would have been pushed to n-3f9 if the app on laptop had been killed (its session hibernated by stream management)",
        "",
      ].join("\n"),
    );
  });

  it("says so when nobody was connected and nothing was registered, and marks a prediction", () => {
    const inp = input({ sessions: [], registrations: [] });
    const md = explanationMarkdown(explain(inp, POLICIES.tigase.decide(inp)));
    expect(md).toContain("*Predicted with the tigase policy (not the server's own record)*");
    expect(md).toContain("No resource of alice@localhost was connected.");
    expect(md).toContain("No push registration was in force.");
    expect(md).toContain("> A prediction of the tigase policy from the state the playground observed, not the server's own record.");
  });

  it("shows where the policy counts a resource differently", () => {
    const inp = input({ sessions: [available("laptop", "chat")], registrations: [registration("n-1", { away: true })] });
    const md = explanationMarkdown(explain(inp, POLICIES.tigase.decide(inp)));
    expect(md).toContain("| laptop **(decided)** | connected | yes | chat (priority 0) | online (tigase counts it away) | – |");
  });

  it("reports the App Server's answer with the outcome", () => {
    const inp = input({ sessions: [], registrations: [registration("n-1")] });
    const publishes = [{ key: { jid: inp.registrations[0]?.jid ?? "", node: "n-1" }, outcome: { kind: "timeout" as const }, reaction: { action: "keep" as const, errorCount: 0, why: "kept" } }];
    const md = explanationMarkdown(explain(inp, POLICIES.spec.decide(inp), { publishes }));
    expect(md).toContain("**pushed**: no session is receiving, so every registration is pushed; App Server: no reply by the timeout, registration kept |");
  });

  describe("with hostile names from the wire", () => {
    const IMG = "<img src=x onerror=alert(1)>";
    const TICKS = "`x`|y";
    const NEWLINES = "evil\n# owned\n- item\n| a | b |";
    const inp = input({
      sessions: [available(IMG, "away"), available(TICKS)],
      registrations: [registration(`node|${NEWLINES}`, { away: true, by: IMG, jid: "sink@x/`pwn`" })],
      message: chat({ body: `<script>alert(1)</script>\n\n${NEWLINES}`, from: "bob@localhost/<b>" }),
    });
    const card = explain(inp, POLICIES.spec.decide(inp), { messageId: "m|`1`" });
    const md = explanationMarkdown(card, counterfactuals(inp, "spec"));
    const lines = md.split("\n");

    it("keeps them in the card as they are (it is plain data)", () => {
      expect(card.headline).toBe("Not pushed: `x`|y is online (available), so spec pushes nothing.");
      expect(card.resources.map((r) => r.resource)).toEqual([IMG, TICKS]);
    });

    it("lets no HTML through", () => {
      expect(md).not.toMatch(/<(img|script|b)\b/i);
      expect(md).toContain("&lt;img src=x onerror=alert(1)&gt;");
      expect(md).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    });

    it("lets no backtick open a code span", () => {
      expect(md).not.toMatch(/(?<!\\)`/);
    });

    it("keeps every table row to its six cells", () => {
      const rows = lines.filter((l) => l.startsWith("|"));
      expect(rows).toHaveLength(2 + 2 + 2 + 1);
      for (const row of rows) expect(cellPipes(row)).toBe(7);
    });

    it("lets no line break start a heading, list item or table", () => {
      expect(lines.filter((l) => l.startsWith("#"))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith("- ")).every((l) => l.startsWith("- would "))).toBe(true);
      // Line breaks collapse to spaces, so a "#" or "-" from the text is mid-line, plain text.
      expect(md).toContain("evil # owned - item \\| a \\| b \\|");
    });
  });
});
