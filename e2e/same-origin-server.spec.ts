import { expect, test } from "@playwright/test";

// `npm start`/`vite preview` serve the page and the reference server on one origin.
test("the page loads and the reference server answers XMPP over WebSocket on the same origin", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveTitle(/XMPP Push Playground/);

  const reply = await page.evaluate(
    () =>
      new Promise<{ protocol: string; frame: string }>((resolve, reject) => {
        const url = new URL("/xmpp-websocket", location.href);
        url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
        const ws = new WebSocket(url, "xmpp");
        const timer = setTimeout(() => reject(new Error("no <open/> within 5 s")), 5000);
        ws.onopen = () =>
          ws.send("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost' version='1.0'/>");
        ws.onmessage = (ev) => {
          clearTimeout(timer);
          resolve({ protocol: ws.protocol, frame: String(ev.data) });
          ws.close();
        };
        ws.onerror = () => reject(new Error("websocket error"));
      }),
  );
  expect(reply.protocol).toBe("xmpp");
  expect(reply.frame).toMatch(/^<open [^>]*xmlns=['"]urn:ietf:params:xml:ns:xmpp-framing['"]/);
  expect(reply.frame).toMatch(/from=['"]localhost['"]/);
});
