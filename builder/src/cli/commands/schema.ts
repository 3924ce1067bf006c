import { specJsonSchema } from '../../spec/json-schema.ts';

export { specJsonSchema };

/** `imago schema`: prints the spec's JSON Schema, for editors. */
export function schemaCommand(): void {
  process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
}
