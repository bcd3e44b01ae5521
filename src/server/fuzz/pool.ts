/**
 * Bound streams outlive a case that leaves them up (an accept or a stanza error), so the next case
 * runs on a stream that has already seen traffic, and the fuzzer does not pay a SASL + bind for
 * most inputs. A stream is retired after `maxUses` cases.
 */
import type { FuzzConnection, FuzzTransport } from "./transport";

export interface BoundStream {
  conn: FuzzConnection;
  jid: { full: string; bare: string };
  uses: number;
}

export class BoundStreamPool {
  private readonly idle: BoundStream[] = [];
  private created = 0;

  constructor(
    private readonly transport: FuzzTransport,
    private readonly maxUses: number,
    private readonly accounts = 16,
  ) {}

  async take(): Promise<BoundStream> {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) {
      if (!s.conn.isClosed()) return s;
    }
    const n = ++this.created;
    const username = `fz${n % this.accounts}`;
    const resource = `r${n}`;
    const conn = await this.transport.connect("bound", { username, resource });
    return { conn, jid: { full: `${username}@localhost/${resource}`, bare: `${username}@localhost` }, uses: 0 };
  }

  /** Back to the pool if the stream is still up and has uses left; closed otherwise. */
  give(stream: BoundStream, reusable: boolean): void {
    stream.uses++;
    if (reusable && stream.uses < this.maxUses && !stream.conn.isClosed()) this.idle.push(stream);
    else stream.conn.close();
  }

  closeAll(): void {
    for (const s of this.idle.splice(0)) s.conn.close();
  }
}
