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

/** The branch of a union that is a list or a mapping (`build: true` or `build: { config }`); other schemas unchanged. */
function unionBranch(schema: AnySchema, kind: 'array' | 'object'): AnySchema {
  const def = schema._zod.def as { type: string; options?: AnySchema[] };
  if (def.type !== 'union' || !def.options) return schema;
  return def.options.map(unwrap).find((option) => option._zod.def.type === kind) ?? schema;
}

/**
 * The field names a schema allows in the mapping at `path` (list indexes are
 * stepped through), for "did you mean" hints. Empty when the path is not a mapping.
 */
export function fieldsAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  let current: AnySchema | undefined = unwrap(schema);
  for (const part of path) {
    if (!current) return [];
    current = unionBranch(current, typeof part === 'number' ? 'array' : 'object');
    const def = current._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema };
    if (def.type === 'array' && typeof part === 'number') current = def.element && unwrap(def.element);
    else if (def.type === 'object' && typeof part === 'string') current = def.shape?.[part] && unwrap(def.shape[part]);
    else return [];
  }
  const def = (current && unionBranch(current, 'object'))?._zod.def as { type: string; shape?: Record<string, AnySchema> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
