/** `imago fleet init DIR`: prints what it made and how to go on. */
import { join } from 'node:path';
import { initFleet } from '../init-fleet.ts';

export async function initCommand(dir: string, flags: { address?: string[]; listen: string; postgres?: string }): Promise<void> {
  const config = await initFleet(dir, { addresses: flags.address ?? [], listen: flags.listen, postgres: flags.postgres });
  const storage = config.storage.kind === 'sqlite' ? `SQLite ${join(dir, config.storage.file)}` : 'PostgreSQL';
  process.stdout.write(`${dir}: new fleet (CA, server certificate for ${[...config.addresses, '127.0.0.1', 'localhost'].join(', ')}; ${storage})\nnext: imago fleet operator add NAME --fleet ${dir}; imago fleet serve ${dir}\n`);
}
