/**
 * The spec's JSON Schema, generated from the zod schema (input side: what
 * users write), for editors and `imago schema`.
 *
 *   const schema = specJsonSchema();   // draft 2020-12
 *
 * zod's output is adjusted where it would reject what imago accepts or name
 * things no editor knows: see `portable` below.
 */
import { z } from 'zod';
import { caseInsensitivePattern } from './case-insensitive-pattern.ts';
import { specSchema } from './schema.ts';

/** The formats draft 2020-12 defines; editors ignore or reject others. */
const standardFormats = new Set([
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
]);

type JsonSchema = { pattern?: string; format?: string; allOf?: JsonSchema[] };

/**
 * Makes one generated node mean what the zod schema means. A `pattern` has
 * no flags, so a regex with `i` (sizes: "64M", "1g") is rewritten to need
 * none. zod-only formats (`cidrv4`) are dropped: the pattern beside them
 * already says the same, and validators refuse formats they do not know.
 */
function portable(zodSchema: z.core.$ZodType, json: JsonSchema): void {
  const checks = (zodSchema._zod.def as { checks?: z.core.$ZodCheck[] }).checks ?? [];
  for (const check of checks) {
    const regex = (check._zod.def as { pattern?: unknown }).pattern;
    if (!(regex instanceof RegExp) || !regex.flags.includes('i')) continue;
    const folded = caseInsensitivePattern(regex.source);
    if (json.pattern === regex.source) json.pattern = folded;
    for (const part of json.allOf ?? []) if (part.pattern === regex.source) part.pattern = folded;
  }
  if (json.format !== undefined && !standardFormats.has(json.format) && (json.pattern !== undefined || json.allOf)) delete json.format;
}

/** The spec's JSON Schema (draft 2020-12), ready to print. */
export function specJsonSchema(): object {
  return z.toJSONSchema(specSchema, {
    io: 'input',
    target: 'draft-2020-12',
    override: ({ zodSchema, jsonSchema }) => portable(zodSchema, jsonSchema as JsonSchema),
  });
}
