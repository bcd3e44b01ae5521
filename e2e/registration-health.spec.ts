import { expect, test } from "@playwright/test";
import { collectPageErrors, freshAccounts, PlaygroundPage } from "./support/playground-page";

// Registration health (issue 10) on the reference server's ejabberd host: the sink answers the
// push with cancel/item-not-found, ejabberd removes the registration at once, and the Registrations
// table says so with the answer that caused it. The enable form's linter is checked on the way.
test("ejabberd: a cancel error removes the registration, and the table says why", async ({ page }) => {
  const errors = collectPageErrors(page);
  const pg = new PlaygroundPage(page);
  await pg.goto();
  await pg.useAccounts(freshAccounts("health"));
  const connection = await pg.tool("Connection");
  await connection.getByLabel("Domain", { exact: true }).fill("ejabberd.localhost");
  await pg.connectAll();

  const push = await pg.tool("Push");
  const check = push.getByRole("group", { name: "Enable check before sending" });
  await expect(check).toContainText("All four policies (spec, tigase, prosody, ejabberd) would accept it.");
  const node = await pg.enable({ from: "r1", away: false });
  await pg.disconnect("r1");
  await pg.disconnect("r2");

  const sink = await pg.tool("Sink");
  await sink.getByRole("radio", { name: "error", exact: true }).check();
  await pg.sendMessage("will this push?");

  const table = await pg.tool("Push");
  const row = pg.registrationRow(table, node);
  await expect(row).toContainText("removed by the server after cancel/item-not-found: ejabberd removes on the first non-wait error");
  await expect(row).toContainText("1 of 1 error");
  await expect(row).toContainText("last answer: error cancel/item-not-found");
  await expect(table.getByRole("columnheader", { name: "health (ejabberd)" })).toBeVisible();
  expect(errors).toEqual([]);
});
