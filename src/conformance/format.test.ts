// Markdown and JSON export of a suite report, and the CLI's progress line.
import { describe, expect, it } from "vitest";
import { escapeMarkdown, progressLine, toJson, toMarkdown } from "./format";
import { scenarioReport, suiteReport } from "./test-support/fixtures";
import type { SuiteReport } from "./types";

function sample(): SuiteReport {
  return suiteReport("Prosody", [
    scenarioReport("C1", "fail", {
      name: "Disco features",
      mismatches: ["features: tigase:push:away:0 is missing"],
      detail: "features: tigase:push:away:0 is missing",
      hint: "Prosody: mod_cloud_notify lists urn:xmpp:push:0 but never tigase:push:away:0",
      notes: ["features: urn:xmpp:push:0"],
      matches: ["prosody", "ejabberd"],
    }),
    scenarioReport("C2", "n/a", { detail: "the server does not advertise tigase:push:away:0 on the account's disco#info" }),
    scenarioReport("C8", "n/a", { detail: "the server does not advertise tigase:push:away:0 on the account's disco#info" }),
    scenarioReport("C4", "pass", { name: "Offline baseline", drainedMessages: 2 }),
    scenarioReport("C25", "info", {
      level: "INFO",
      name: "IQ <type> | checks",
      matched: false,
      detail: "differs: iq enable-get: expected error bad-request, got error cancel/<script>alert(1)</script>",
      mismatches: ["iq enable-get: expected error bad-request, got error cancel/<script>alert(1)</script>"],
      housekeeping: ["cleanup: no answer to disabling pushsvc@localhost/sink-c25-abc"],
    }),
  ]);
}

describe("toMarkdown", () => {
  const md = toMarkdown(sample());

  it("heads the report with target, server, policy, counts and the policy it behaves like", () => {
    expect(md).toContain("# XMPP push conformance: Prosody\n");
    expect(md).toContain("- Service: `ws://127.0.0.1:5280/xmpp-websocket`, domain `localhost`, account `alice@localhost`");
    expect(md).toContain('- Server: Prosody (disco identity "Prosody")');
    expect(md).toContain("- Judged under policy `spec` (chosen)");
    expect(md).toContain("- Result: 1 pass, 1 fail (MUST: C1), 1 info, 2 n/a");
    expect(md).toMatch(/- Observed behaviour: behaves like prosody: 3\/3 \(/);
  });

  it("has one table row per scenario with level, verdict, matching policies and detail", () => {
    expect(md).toContain("| # | Scenario | Level | Verdict | Matches | Detail |");
    expect(md).toContain("| C1 | Disco features | MUST | **fail** | prosody, ejabberd | features: tigase:push:away:0 is missing |");
    expect(md).toContain("| C4 | Offline baseline | MUST | pass | prosody | as expected |");
    expect(md).toContain("| C2 | scenario C2 | MUST | n/a | – |");
  });

  it("groups n/a scenarios by reason and gives each difference its mismatches, hint and notes", () => {
    expect(md).toContain("Not applicable: C2, C8: the server does not advertise tigase:push:away:0 on the account's disco#info.");
    expect(md).toContain("### C1 Disco features (MUST): fail\n\n- Differs: features: tigase:push:away:0 is missing\n- Hint: Prosody: mod_cloud_notify");
    expect(md).toContain("- Seen: features: urn:xmpp:push:0");
    expect(md).toContain("- Housekeeping: cleanup: no answer to disabling pushsvc@localhost/sink-c25-abc");
    expect(md).not.toMatch(/^### C4 /m);
    expect(md).not.toMatch(/^### C2 /m);
    expect(md).toMatch(/^### C25 /m);
  });

  it("never passes server-provided text through as HTML or table syntax", () => {
    expect(md).not.toContain("<script>");
    expect(md).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(md).toContain("| C25 | IQ &lt;type&gt; \\| checks | INFO | info |");
  });

  it("says why a run could not start", () => {
    const fatal = toMarkdown(suiteReport("x", [], { fatal: "the account cannot log in: not-authorized" }));
    expect(fatal).toContain("- **Could not run**: the account cannot log in: not-authorized");
    expect(fatal).not.toContain("| # |");
  });
});

describe("toMarkdown with runUnsupported", () => {
  it("adds what the n/a scenarios did when run anyway", () => {
    const report = sample();
    report.runUnsupported = true;
    report.scenarios[1] = { ...report.scenarios[1]!, ungated: { verdict: "pass", matched: true, detail: "as expected", mismatches: [], matches: ["prosody", "ejabberd"] } };
    const md = toMarkdown(report);
    expect(md).toContain("| # | Scenario | Level | Verdict | Matches | Detail | Run anyway |");
    expect(md).toContain("| C2 | scenario C2 | MUST | n/a | – | the server does not advertise tigase:push:away:0 on the account's disco#info | pass (prosody, ejabberd) |");
    expect(md).toContain("| C4 | Offline baseline | MUST | pass | prosody | as expected |  |");
  });
});

describe("toJson", () => {
  it("round-trips the whole report, observations included", () => {
    const report = sample();
    expect(JSON.parse(toJson(report))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(toJson(report).endsWith("}\n")).toBe(true);
  });

  it("can leave the observations out", () => {
    const parsed = JSON.parse(toJson(sample(), { observations: false })) as SuiteReport;
    expect(parsed.scenarios).toHaveLength(5);
    for (const s of parsed.scenarios) expect(s).not.toHaveProperty("observation");
    expect(parsed.scenarios[0]?.hint).toMatch(/^Prosody:/);
  });
});

describe("escapeMarkdown", () => {
  it("neutralises HTML, pipes and newlines", () => {
    expect(escapeMarkdown("a|b\n<c> & d")).toBe("a\\|b &lt;c&gt; &amp; d");
  });
});

describe("progressLine", () => {
  it("adds housekeeping notes", () => {
    const c25 = sample().scenarios[4];
    expect(progressLine(c25!, 24, 25).split("\n").at(-1)).toBe("      note: cleanup: no answer to disabling pushsvc@localhost/sink-c25-abc");
  });

  it("names position, scenario, level, verdict and duration, with detail and hint below a non-pass", () => {
    const [c1, , , c4] = sample().scenarios;
    expect(progressLine(c4!, 3, 25)).toBe("[ 4/25] C4   Offline baseline                 MUST   PASS (1.2 s)");
    expect(progressLine(c1!, 0, 25).split("\n")).toEqual([
      "[ 1/25] C1   Disco features                   MUST   FAIL (1.2 s)",
      "      features: tigase:push:away:0 is missing",
      "      hint: Prosody: mod_cloud_notify lists urn:xmpp:push:0 but never tigase:push:away:0",
    ]);
  });
});
