import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A loopback TCP proxy between a runner and the bot, so tests can cut the network (both ends see
 * the connection die) or freeze it (bytes stop flowing, sockets stay open) like a real one.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;
  cuts = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: () => number): Promise<TcpProxy> {
    const proxy: { current?: TcpProxy } = {};
    const server = createServer((client) => proxy.current?.accept(client, targetPort()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxy.current = new TcpProxy(server, (server.address() as AddressInfo).port);
    return proxy.current;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: Socket, port: number): void {
    const upstream = connect(port, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    if (this.frozen) {
      client.pause();
      upstream.pause();
    }
    const end = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  }

  /** Kills every connection through the proxy at once, as a network cut would. */
  cut(): void {
    this.cuts++;
    for (const [client, upstream] of this.pairs) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    this.pairs.clear();
  }

  /** Stops reading from both ends (a hung peer that keeps its sockets open), or resumes. */
  freeze(frozen: boolean): void {
    this.frozen = frozen;
    for (const [client, upstream] of this.pairs) {
      for (const socket of [client, upstream]) {
        if (frozen) socket.pause();
        else socket.resume();
      }
    }
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
