import { expect, test, type Locator } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// The Scenarios report at a laptop size (1440×900) against the reference server: it gets the whole
// width, so the Expected column is on screen in full and rows stay short; "Show side panels" brings
// the resources and tools back. The screenshot is kept with the test results for a look.
const VIEWPORT = { width: 1440, height: 900 };
const RUN = ["C1", "C3", "C8"];

test.use({ viewport: VIEWPORT });

async function box(locator: Locator) {
  const b = await locator.boundingBox();
  expect(b, "the element is laid out").not.toBeNull();
  return b!;
}

test("the scenarios report is full-width at 1440×900, with the Expected column in view", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  await pg.useAccounts(freshAccounts("layout"));

  const tab = page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Scenarios/ });
  await tab.click();
  const panel = page.getByRole("region", { name: "Conformance scenarios" });
  await panel.getByLabel("Accounts").selectOption("fresh");
  for (const id of RUN) await panel.getByRole("checkbox", { name: `Select ${id}`, exact: true }).check();
  await panel.getByRole("button", { name: `Run selected (${RUN.length})` }).click();
  const progress = panel.getByRole("progressbar", { name: "Scenario progress" });
  await expect(progress).toHaveAttribute("aria-valuenow", String(RUN.length), { timeout: 90_000 });
  for (const id of RUN) await expect(panel.getByRole("row", { name: new RegExp(`^${id} `) })).toHaveAttribute("data-verdict", /^(pass|n\/a)$/);

  await page.screenshot({ path: testInfo.outputPath("scenarios-1440x900.png") });

  const table = panel.getByRole("table");
  const expected = table.getByRole("columnheader", { name: "Expected" });
  // What is on screen: the viewport, clipped by the table's scroll box (a cell scrolled out of it
  // still has a bounding box, so both count).
  const wrap = panel.locator(".scenarios-table-wrap");
  const clip = await box(wrap);
  const left = Math.max(0, clip.x);
  const right = Math.min(VIEWPORT.width, clip.x + clip.width);
  const header = await box(expected);
  expect(header.x).toBeGreaterThanOrEqual(left);
  expect(header.x + header.width).toBeLessThanOrEqual(right);
  const column = (await table.getByRole("columnheader").allTextContents()).indexOf("Expected");
  expect(column).toBeGreaterThan(0);
  for (const id of RUN) {
    const row = table.getByRole("row", { name: new RegExp(`^${id} `) });
    const cell = row.locator("td, th").nth(column);
    const b = await box(cell);
    expect(b.x, `${id}: Expected starts on screen`).toBeGreaterThanOrEqual(left);
    expect(b.x + b.width, `${id}: Expected ends on screen`).toBeLessThanOrEqual(right);
    // A readable row, not a column of one or two words per line.
    expect((await box(row)).height, `${id}: row height`).toBeLessThan(200);
  }
  // Nothing of the table hides behind a horizontal scroll.
  expect(await wrap.evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true);

  // The side columns are out of the way while the report is shown.
  await expect(page.getByRole("complementary", { name: "Simulated resources" })).toBeHidden();
  await expect(page.getByRole("complementary", { name: "Tools and detail" })).toBeHidden();

  // The way back: the side panels return, and the report can go full-width again.
  await panel.getByRole("button", { name: "Show side panels" }).click();
  await expect(page.getByRole("complementary", { name: "Tools and detail" })).toBeVisible();
  await expect(page.getByRole("complementary", { name: "Simulated resources" })).toBeVisible();
  await panel.getByRole("button", { name: "Show side panels" }).click();
  await expect(page.getByRole("complementary", { name: "Tools and detail" })).toBeHidden();
  // Leaving the Scenarios view brings the columns back.
  await page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Timeline/ }).click();
  await expect(page.getByRole("complementary", { name: "Tools and detail" })).toBeVisible();
  expect(errors).toEqual([]);
});
