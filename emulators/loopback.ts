// What every emulator's HTTP server shares: reading a bounded body, and listening on loopback.
import type { IncomingMessage, Server } from 'node:http';

/** A started emulator server. */
export interface RunningServer {
  port: number;
  /** Closes the server and every open connection (delayed responses included). */
  close(): Promise<void>;
}

/** The request body, or undefined when it is over `maxBytes` or the request broke. */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    req.on('error', () => resolve(undefined));
  });
}

/** Listens on 127.0.0.1 on a free port. */
export function listenOnLoopback(server: Server, name: string): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`${name}: no TCP address`));
        return;
      }
      resolve({
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
