/** A TCP port for tests: one free on the host's loopback right now. */
import { createServer } from 'node:net';

/** Asks the kernel for a free loopback port and releases it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
