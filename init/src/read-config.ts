/** Reads and checks the init's configuration file. */
import { configVersion, type InitConfig } from '../../contract/index.ts';
import type { Sys } from './sys/sys.ts';

export function readConfig(sys: Sys, path: string): InitConfig {
  const text = sys.readText(path);
  if (text === undefined) throw new Error(`unable to read ${path}`);
  const config = JSON.parse(text) as InitConfig;
  if (config.version !== configVersion) throw new Error(`${path}: config version ${config.version}, this init reads ${configVersion}`);
  return config;
}
