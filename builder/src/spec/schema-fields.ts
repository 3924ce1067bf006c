import type { z } from 'zod';

type AnySchema = z.core.$ZodType;

/** Unwraps optional, default, pipe and transform wrappers to the schema that holds the structure. */
function unwrap(schema: AnySchema): AnySchema {
  let current = schema;
  for (let i = 0; i < 16; i++) {
    const def = current._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
    if ((def.type === 'optional' || def.type === 'default' || def.type === 'nullable') && def.innerType) current = def.innerType;
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

/**
 * The field names a schema allows in the mapping at `path` (list indexes are
 * stepped through), for "did you mean" hints. Empty when the path is not a mapping.
 */
export function fieldsAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return [];
    const def = current._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === 'array' && typeof part === 'number') current = def.element && unwrap(def.element);
    else if (def.type === 'object' && typeof part === 'string') current = def.shape?.[part] && unwrap(def.shape[part]);
    else return [];
  }
  const def = current?._zod.def as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
