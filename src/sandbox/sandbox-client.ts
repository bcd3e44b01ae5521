/**
 * The page's side of the sandbox's control channel: starts the Worker on first use (so the server
 * core is fetched only when someone chooses the sandbox), opens streams and reads the decision log.
 */
import type { ControlReply, ControlRequest, LogReply } from "./protocol";

/** The page's end of the control channel: a Worker, or a MessagePort in tests. */
export interface ControlPort {
  postMessage(message: ControlRequest, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<unknown>) => void): void;
  addEventListener(type: "error", listener: (event: Event) => void): void;
  start?(): void;
}

const REQUEST_TIMEOUT_MS = 10_000;

type Pending = { resolve: (reply: ControlReply) => void; reject: (err: Error) => void; timer: ReturnType<typeof setTimeout> };

export class SandboxClient {
  private port: ControlPort | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  constructor(private readonly createPort: () => ControlPort) {}

  /** Opens a stream to the sandbox server; resolves with the page's end of its MessagePort. */
  async connect(protocols: string[]): Promise<MessagePort> {
    const channel = new MessageChannel();
    const id = this.nextId++;
    await this.request({ type: "connect", id, protocols, port: channel.port2 }, [channel.port2]);
    return channel.port1;
  }

  /** `GET /xmpp-push/log?…` of the sandbox server: the same validation, the same body. */
  async queryLog(search: string): Promise<LogReply> {
    const reply = await this.request({ type: "log", id: this.nextId++, search }, []);
    if (reply.type !== "log") throw new Error(`sandbox: unexpected answer ${reply.type} to a log request`);
    return reply.reply;
  }

  private ensurePort(): ControlPort {
    if (this.failure) throw this.failure;
    if (this.port) return this.port;
    const port = this.createPort();
    port.addEventListener("message", (event) => this.onReply(event.data));
    port.addEventListener("error", (event) => {
      const detail = (event as ErrorEvent).message;
      this.failure = new Error(`the sandbox server could not start${detail ? `: ${detail}` : ""}`);
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(this.failure);
        this.pending.delete(id);
      }
    });
    port.start?.();
    this.port = port;
    return port;
  }

  private request(message: ControlRequest, transfer: Transferable[]): Promise<ControlReply> {
    let port: ControlPort;
    try {
      port = this.ensurePort();
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return new Promise<ControlReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(message.id);
        reject(new Error(`the sandbox server did not answer a ${message.type} request within ${REQUEST_TIMEOUT_MS / 1000} s`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(message.id, { resolve, reject, timer });
      port.postMessage(message, transfer);
    });
  }

  private onReply(data: unknown): void {
    const reply = data as Partial<ControlReply> | null;
    if (typeof reply?.id !== "number") return;
    const p = this.pending.get(reply.id);
    if (!p) return;
    this.pending.delete(reply.id);
    clearTimeout(p.timer);
    if (reply.type === "error") p.reject(new Error(`sandbox server: ${(reply as { message?: string }).message ?? "error"}`));
    else p.resolve(reply as ControlReply);
  }
}

let shared: SandboxClient | null = null;

/** The page's one sandbox server (a module Worker, started on first use). */
export function pageSandbox(): SandboxClient {
  shared ??= new SandboxClient(
    () => new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "xmpp-sandbox-server" }) as unknown as ControlPort,
  );
  return shared;
}

/** Tests: use this client as the page's sandbox (null: back to the Worker). */
export function setPageSandbox(client: SandboxClient | null): void {
  shared = client;
}
