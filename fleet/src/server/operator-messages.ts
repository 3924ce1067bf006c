/**
 * The operator API's request bodies (only the server and `imago fleet` speak
 * it, so it lives here, not in the contract), parsed like the contract's:
 * a ProtocolError naming the field.
 */
import { ProtocolError } from '../../../contract/index.ts';

export interface CreateBatchRequest {
  name?: string;
  /** Devices that may activate; absent when `serials` lists them. */
  count?: number;
  serials?: string[];
  /** `7d`, `12h`, `30m`. */
  expires: string;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError(`${where}: expected an object`);
  return value as Record<string, unknown>;
}

export function parseCreateBatchRequest(value: unknown): CreateBatchRequest {
  const o = object(value, 'batch');
  const request: CreateBatchRequest = { expires: '' };
  if (typeof o.expires !== 'string' || o.expires.length > 16) throw new ProtocolError('batch.expires: expected a duration such as 7d');
  request.expires = o.expires;
  if (o.name !== undefined) {
    if (typeof o.name !== 'string' || o.name.length > 64) throw new ProtocolError('batch.name: expected a name');
    request.name = o.name;
  }
  if (o.count !== undefined) {
    if (typeof o.count !== 'number' || !Number.isInteger(o.count) || o.count < 1 || o.count > 1_000_000) throw new ProtocolError('batch.count: expected a whole number from 1 to 1000000');
    request.count = o.count;
  }
  if (o.serials !== undefined) {
    if (!Array.isArray(o.serials) || o.serials.length === 0 || o.serials.length > 100_000 || !o.serials.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 256)) {
      throw new ProtocolError('batch.serials: expected a list of 1 to 100000 serials (each 1 to 256 characters)');
    }
    request.serials = o.serials as string[];
  }
  if ((request.count === undefined) === (request.serials === undefined)) throw new ProtocolError('batch: expected either count or serials');
  return request;
}

export function parseUpdateRequest(value: unknown): { sha256: string } {
  const o = object(value, 'update');
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) throw new ProtocolError('update.sha256: expected a sha256 in lower-case hex');
  return { sha256: o.sha256 };
}
