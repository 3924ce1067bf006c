/**
 * `imago fleet serve DIR`: loads the fleet, builds the web console, opens the
 * store, serves until SIGINT/SIGTERM, then closes both.
 */
import { formatHostPort, parseHostPort } from '../config/host-port.ts';
import { loadFleet } from '../load-fleet.ts';
import { startFleetServer } from '../server/fleet-server.ts';
import { openStore } from '../store/open-store.ts';
import { buildConsole } from '../console/build-console.ts';
import { gzipBytes } from '../console/console-files.ts';

export async function serveCommand(dir: string, flags: { listen?: string }): Promise<void> {
  const fleet = await loadFleet(dir);
  const listen = parseHostPort(flags.listen ?? fleet.config.listen, flags.listen ? '--listen' : `${dir}/fleet.json: listen`);
  const consoleFiles = await buildConsole();
  process.stdout.write(`fleet: web console: ${[...consoleFiles.keys()].join(' ')}: ${(gzipBytes(consoleFiles) / 1024).toFixed(1)} KiB gzipped\n`);
  const store = await openStore(fleet.config.storage, fleet.dir);
  const server = await startFleetServer({ fleet, store, listen, consoleFiles }).catch(async (error: NodeJS.ErrnoException) => {
    await store.close();
    throw new (await import('../errors.ts')).FleetError(`cannot listen on ${formatHostPort(listen)}: ${error.code ?? error.message}`, { cause: error });
  });
  process.stdout.write(`fleet: serving ${fleet.dir} on ${formatHostPort({ host: listen.host, port: server.port })}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await server.close();
  await store.close();
}
