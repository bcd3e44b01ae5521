// The README table: rendering, reading back, splicing between the markers, comparing, and the
// cross-checks the table script makes (identification, reference vs real verdicts).
import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios/catalogue";
import {
  BEHAVES_LIKE_ROW,
  TABLE_END,
  TABLE_START,
  addColumn,
  checkIdentified,
  compareTables,
  compareVerdicts,
  emptyGrid,
  extractTable,
  keepColumns,
  parseTable,
  renderTable,
  spliceTable,
} from "./table";
import { scenarioReport, suiteReport } from "./test-support/fixtures";
import type { SuiteReport } from "./types";

function prosodyLike(name: string): SuiteReport {
  return suiteReport(name, [
    scenarioReport("C1", "fail", { matches: ["prosody", "ejabberd"] }),
    scenarioReport("C2", "n/a"),
    scenarioReport("C4", "pass", { matches: ["spec", "tigase", "prosody", "ejabberd"] }),
    scenarioReport("C21", "fail", { level: "SHOULD", matches: ["prosody"] }),
  ]);
}

function specLike(name: string): SuiteReport {
  return suiteReport(name, [scenarioReport("C1", "pass", { matches: ["spec", "tigase"] }), scenarioReport("C2", "pass", { matches: ["spec", "tigase", "prosody", "ejabberd"] })]);
}

describe("renderTable / parseTable", () => {
  it("renders one row per catalogue scenario and a 'behaves like' row, in the canonical column order", () => {
    const grid = emptyGrid();
    addColumn(grid, "Prosody", prosodyLike("Prosody"));
    addColumn(grid, "reference/spec", specLike("reference/spec"));
    const table = renderTable(grid);
    const lines = table.split("\n");
    expect(lines[0]).toBe(TABLE_START);
    expect(lines.at(-1)).toBe(TABLE_END);
    expect(table).toContain("| Scenario | Level | reference/spec | Prosody |");
    expect(table).toContain("| C1 Disco features | MUST | pass | **fail** |");
    expect(table).toContain("| C2 Enable with away | MUST | pass | n/a |");
    expect(table).toContain("| C21 Permanent error disables | SHOULD | – | **fail** |");
    expect(table).toContain(`| ${BEHAVES_LIKE_ROW} | | spec or tigase 2/2 | prosody 3/3 |`);
    expect(lines.filter((l) => /^\| C\d+ /.test(l))).toHaveLength(SCENARIOS.length);
  });

  it("reads its own output back cell for cell", () => {
    const grid = emptyGrid();
    addColumn(grid, "reference/prosody", prosodyLike("reference/prosody"));
    addColumn(grid, "ejabberd", specLike("ejabberd"));
    const parsed = parseTable(renderTable(grid));
    expect(parsed.columns).toEqual(["reference/prosody", "ejabberd"]);
    expect(parsed.cells.get("C21")?.get("reference/prosody")).toBe("**fail**");
    expect(parsed.cells.get("C21")?.get("ejabberd")).toBe("–");
    expect(parsed.cells.get(BEHAVES_LIKE_ROW)?.get("reference/prosody")).toBe("prosody 3/3");
    expect(renderTable(parsed)).toBe(renderTable(grid));
  });
});

describe("extractTable / spliceTable", () => {
  const readme = `# Title\n\nIntro.\n\n## Conformance\n\n${TABLE_START}\nold\n${TABLE_END}\n\n## After\n`;

  it("replaces only what is between the markers", () => {
    const grid = emptyGrid();
    addColumn(grid, "reference/spec", specLike("reference/spec"));
    const updated = spliceTable(readme, renderTable(grid));
    expect(updated.startsWith("# Title\n\nIntro.\n\n## Conformance\n\n<!-- conformance:start -->\nVerdicts under")).toBe(true);
    expect(updated.endsWith(`${TABLE_END}\n\n## After\n`)).toBe(true);
    expect(extractTable(updated)).toBe(renderTable(grid));
    expect(updated).not.toContain("\nold\n");
  });

  it("refuses a README without markers", () => {
    expect(extractTable("# no table\n")).toBeNull();
    expect(() => spliceTable("# no table\n", "x")).toThrow(/no <!-- conformance:start -->/);
  });
});

describe("compareTables / keepColumns", () => {
  it("reports each measured cell that differs from the README, and ignores columns not measured", () => {
    const written = emptyGrid();
    addColumn(written, "reference/prosody", prosodyLike("reference/prosody"));
    addColumn(written, "Prosody", prosodyLike("Prosody"));
    const readme = parseTable(renderTable(written));

    const changed = prosodyLike("reference/prosody");
    changed.scenarios[3] = scenarioReport("C21", "pass", { level: "SHOULD", matches: ["spec", "tigase", "ejabberd"] });
    changed.identification = { ...changed.identification, best: "ejabberd", candidates: ["ejabberd"] };
    const measured = emptyGrid();
    addColumn(measured, "reference/prosody", changed);
    expect(compareTables(readme, measured)).toEqual([
      "C21 × reference/prosody: the README says **fail**, measured pass",
      `${BEHAVES_LIKE_ROW} × reference/prosody: the README says prosody 3/3, measured ejabberd 2/3`,
    ]);

    const same = emptyGrid();
    addColumn(same, "reference/prosody", prosodyLike("reference/prosody"));
    expect(compareTables(readme, same)).toEqual([]);
    addColumn(same, "ejabberd", specLike("ejabberd"));
    expect(compareTables(readme, same)).toEqual(["column ejabberd: missing from the README table"]);
  });

  it("keeps the README's columns that were not measured now", () => {
    const readme = emptyGrid();
    addColumn(readme, "Prosody", prosodyLike("Prosody"));
    addColumn(readme, "reference/spec", specLike("old"));
    const measured = emptyGrid();
    addColumn(measured, "reference/spec", prosodyLike("new"));
    keepColumns(measured, parseTable(renderTable(readme)));
    expect(measured.columns).toEqual(["reference/spec", "Prosody"]);
    expect(measured.cells.get("C1")?.get("reference/spec")).toBe("**fail**");
    expect(measured.cells.get("C21")?.get("Prosody")).toBe("**fail**");
  });
});

describe("compareVerdicts / checkIdentified", () => {
  it("lists the scenarios where the reference policy and the real server disagree", () => {
    const reference = prosodyLike("reference/prosody");
    const real = prosodyLike("Prosody");
    expect(compareVerdicts(reference, real)).toEqual([]);
    real.scenarios[3] = scenarioReport("C21", "pass", { level: "SHOULD", detail: "as expected" });
    expect(compareVerdicts(reference, real)).toEqual(["C21: reference/prosody gives fail, Prosody gives pass (Prosody: as expected)"]);
  });

  it("also compares the ungated results of scenarios run although not advertised", () => {
    const ungated = (verdict: "pass" | "fail", matches: ("prosody" | "ejabberd" | "spec")[]) => ({ verdict, matched: verdict === "pass", detail: `ungated ${verdict}`, mismatches: [], matches });
    const reference = prosodyLike("reference/prosody");
    const real = prosodyLike("Prosody");
    reference.scenarios[1] = scenarioReport("C2", "n/a", { ungated: ungated("pass", ["prosody", "ejabberd"]) });
    real.scenarios[1] = scenarioReport("C2", "n/a", { ungated: ungated("pass", ["prosody", "ejabberd"]) });
    expect(compareVerdicts(reference, real)).toEqual([]);
    real.scenarios[1] = scenarioReport("C2", "n/a", { ungated: ungated("pass", ["spec"]) });
    expect(compareVerdicts(reference, real)).toEqual(["C2 (run although not advertised): reference/prosody behaves like prosody, ejabberd, Prosody like spec"]);
    real.scenarios[1] = scenarioReport("C2", "n/a", { ungated: ungated("fail", []) });
    expect(compareVerdicts(reference, real)).toEqual(["C2 (run although not advertised): reference/prosody gives pass, Prosody gives fail (Prosody: ungated fail)"]);
  });

  it("accepts only a unique best match with the expected policy", () => {
    expect(checkIdentified(prosodyLike("Prosody"), "prosody")).toBeNull();
    expect(checkIdentified(prosodyLike("Prosody"), "ejabberd")).toBe("Prosody behaves like prosody 3/3, expected ejabberd");
    expect(checkIdentified(specLike("reference/spec"), "spec")).toBe("reference/spec behaves like spec or tigase (cannot tell apart) 2/2, expected spec");
  });
});
