/**
 * A JSON request body through one of the contract's parsers: anything the
 * parser refuses (or that is not JSON) is a 400 naming the field.
 */
import type { IncomingMessage } from 'node:http';
import { maxMessageBytes, parseJson, ProtocolError } from '../../../contract/index.ts';
import { HttpError, readText } from './http-io.ts';

export async function readMessage<T>(req: IncomingMessage, where: string, parse: (value: unknown) => T, limit = maxMessageBytes): Promise<T> {
  const text = await readText(req, limit);
  try {
    return parse(parseJson(text, where));
  } catch (error) {
    if (error instanceof ProtocolError) throw new HttpError(400, error.message);
    throw error;
  }
}
