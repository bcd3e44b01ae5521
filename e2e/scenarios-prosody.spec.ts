import { expect, test, type Locator, type Page } from "@playwright/test";
import { collectPageErrors, PlaygroundPage } from "./support/playground-page";

// The Scenarios panel against real Prosody (e2e/real-servers/servers.sh start). CI sets
// REAL_SERVERS=1 with Prosody running; elsewhere there is no Prosody to talk to.
test.skip(!process.env.REAL_SERVERS, "needs Prosody on ws://127.0.0.1:5280/xmpp-websocket: run `e2e/real-servers/servers.sh start` and set REAL_SERVERS=1");

const PROSODY = { service: "ws://127.0.0.1:5280/xmpp-websocket", domain: "localhost", password: "pass" };
/** Scenarios that apply to Prosody (and C7 tells it apart from ejabberd), plus one it is n/a for. */
const PASSING = ["C1", "C3", "C4", "C7", "C19"];
const NOT_APPLICABLE = "C8"; // needs tigase:push:away:0, which Prosody does not advertise

async function useProsody(playground: PlaygroundPage): Promise<void> {
  const panel = await playground.tool("Connection");
  const fill = (label: string, value: string) => panel.getByLabel(label, { exact: true }).fill(value);
  await fill("WebSocket URL", PROSODY.service);
  await fill("Domain", PROSODY.domain);
  await fill("Account username", "alice");
  await fill("Account password", PROSODY.password);
  await fill("Sender username", "bob");
  await fill("Sender password", PROSODY.password);
  await fill("Sink username", "pushsvc");
  await fill("Sink password", PROSODY.password);
}

async function showScenarios(page: Page): Promise<Locator> {
  const tab = page.getByRole("tablist", { name: "Views" }).getByRole("tab", { name: /^Scenarios/ });
  await tab.click();
  await expect(tab).toHaveAttribute("aria-selected", "true");
  return page.getByRole("region", { name: "Conformance scenarios" });
}

test("the Scenarios panel runs scenarios against Prosody and identifies it", async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectPageErrors(page);
  const playground = new PlaygroundPage(page);
  await playground.goto();
  await useProsody(playground);

  const panel = await showScenarios(page);
  for (const id of [...PASSING, NOT_APPLICABLE]) await panel.getByRole("checkbox", { name: `Select ${id}`, exact: true }).check();
  await panel.getByRole("button", { name: `Run selected (${PASSING.length + 1})` }).click();

  const progress = panel.getByRole("progressbar", { name: "Scenario progress" });
  await expect(progress).toHaveAttribute("aria-valuemax", String(PASSING.length + 1));
  await expect(panel.getByRole("button", { name: "Run all" })).toBeDisabled();
  await expect(progress).toHaveAttribute("aria-valuenow", String(PASSING.length + 1), { timeout: 200_000 });
  await expect(panel.getByRole("button", { name: "Run all" })).toBeEnabled();

  // Prosody names itself in its disco#info, so the run is judged under the prosody policy.
  await expect(panel.getByText(/^Server: Prosody/)).toContainText("Judged under prosody");
  for (const id of PASSING) {
    const row = panel.getByRole("row", { name: new RegExp(`^${id} `) });
    await expect(row, `${id}: ${await row.innerText()}`).toHaveAttribute("data-verdict", "pass");
  }
  const na = panel.getByRole("row", { name: new RegExp(`^${NOT_APPLICABLE} `) });
  await expect(na).toHaveAttribute("data-verdict", "n/a");
  await expect(na).toContainText("tigase:push:away:0");
  await expect(panel.getByTestId("scenarios-identification")).toHaveText(/^behaves like prosody: \d+\/\d+/);

  // A row links to where its scenario starts on the timeline.
  await panel.getByRole("button", { name: "Show C4 in timeline" }).click();
  const timeline = page.getByRole("region", { name: "Timeline", exact: true });
  await expect(timeline.getByRole("option", { selected: true })).toContainText("C4 ");

  // The report downloads as Markdown.
  await showScenarios(page);
  const [download] = await Promise.all([page.waitForEvent("download"), panel.getByRole("button", { name: "Export Markdown" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^xmpp-push-scenarios-.*\.md$/);
  expect(errors).toEqual([]);
});
