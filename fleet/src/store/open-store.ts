/**
 * Opens the store a fleet folder's settings name. The backends load on demand
 * so a SQLite fleet never loads `pg` and a PostgreSQL one never opens a file.
 */
import { isAbsolute, join } from 'node:path';
import type { FleetStorage } from '../config/fleet-config.ts';
import type { FleetStore } from './store.ts';

/** The store for `storage`, migrated; a relative SQLite file is inside `dir`. */
export async function openStore(storage: FleetStorage, dir: string): Promise<FleetStore> {
  let store: FleetStore;
  if (storage.kind === 'sqlite') {
    const { openSqliteStore } = await import('./sqlite-store.ts');
    store = await openSqliteStore(isAbsolute(storage.file) ? storage.file : join(dir, storage.file));
  } else {
    const { openPostgresStore } = await import('./postgres-store.ts');
    store = await openPostgresStore(storage.connection);
  }
  await store.migrate();
  return store;
}
