import { z } from 'zod';
import { specSchema } from '../../spec/schema.ts';

/** The spec's JSON Schema, generated from the zod schema (input side: what users write). */
export function specJsonSchema(): object {
  return z.toJSONSchema(specSchema, { io: 'input', target: 'draft-2020-12' });
}

export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
}
