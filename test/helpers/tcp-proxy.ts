/**
 * A TCP proxy in front of the PostgreSQL server that a drill can cut: `terminate()` ends every
 * backend the proxied clients hold (pg_terminate_backend, as a server restart or a failover
 * does: the clients get FATAL 57P01, then a dead socket), `outage(ms)` also refuses every new
 * connection for a while (the database unreachable). Only this proxy's own backends are touched,
 * never other users of the shared server: they are found by the proxy's outbound ports.
 */
import net from 'node:net';

export class PgProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private down = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  private accept(client: net.Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target.port, this.target.host);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** The outbound ports of the proxied connections: the backends' client_port. */
  ports(): number[] {
    return [...this.pairs].map((p) => p.upstream.localPort).filter((p): p is number => typeof p === 'number');
  }

  /** Cuts every proxied connection without a word (a network partition). */
  cut(): void {
    for (const p of [...this.pairs]) {
      p.client.destroy();
      p.upstream.destroy();
    }
  }

  /** New connections are refused (closed at once) for `ms`, and the open ones are cut. */
  outage(ms: number): Promise<void> {
    this.down = true;
    this.cut();
    return new Promise((resolve) =>
      setTimeout(() => {
        this.down = false;
        resolve();
      }, ms),
    );
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
