/**
 * Ids the store makes: a short prefix says what the id names (d- device,
 * c- command, s- log stream), 12 hex characters of crypto randomness make it
 * unguessable, so a device cannot name another device's command or stream.
 */
import { randomBytes } from 'node:crypto';

function newId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export const newDeviceId = (): string => newId('d');
export const newCommandId = (): string => newId('c');
export const newStreamId = (): string => newId('s');
