import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

function Placeholder() {
  return (
    <main>
      <h1>XMPP Push Playground</h1>
      <p>The reference server answers XMPP over WebSocket at <code>/xmpp-websocket</code> on this origin.</p>
    </main>
  );
}

const root = document.getElementById("root");
if (root) createRoot(root).render(<StrictMode><Placeholder /></StrictMode>);
