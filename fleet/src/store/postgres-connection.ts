/**
 * Reads the `connection` of a PostgreSQL fleet (fleet.json storage) into pg's
 * settings. Two forms: libpq's `key=value` words (`host=127.0.0.1 port=5432
 * dbname=fleet user=imago`), which name no URL scheme, and the URL form pg
 * itself understands, passed through as it is.
 */
import type { ClientConfig } from 'pg';

const keys: Record<string, (config: ClientConfig, value: string) => void> = {
  host: (c, v) => (c.host = v),
  port: (c, v) => (c.port = Number(v)),
  dbname: (c, v) => (c.database = v),
  user: (c, v) => (c.user = v),
  password: (c, v) => (c.password = v),
  application_name: (c, v) => (c.application_name = v),
  connect_timeout: (c, v) => (c.connectionTimeoutMillis = Number(v) * 1000),
};

export function parsePostgresConnection(connection: string): ClientConfig {
  if (connection.includes('://')) return { connectionString: connection };
  const config: ClientConfig = {};
  for (const word of connection.trim().split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    const set = keys[key];
    if (eq <= 0 || !set) throw new Error(`fleet.json: storage.connection: "${word}": expected key=value with a key among ${Object.keys(keys).join(', ')}`);
    if (key === 'port' && !/^\d+$/.test(value)) throw new Error(`fleet.json: storage.connection: port: expected a number, got "${value}"`);
    set(config, value);
  }
  return config;
}
