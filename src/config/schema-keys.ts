/**
 * Whether a configuration schema has a key at a path, found by walking the zod schema itself,
 * so the registry:2 translation never drops a key that Berth has learnt to honour.
 */
import { z, type ZodTypeAny } from 'zod';

/** The schema found at `path` inside `schema`, or undefined when no such key exists. */
export function schemaAt(schema: ZodTypeAny, path: readonly string[]): ZodTypeAny | undefined {
  let node: ZodTypeAny | undefined = schema;
  for (const key of path) {
    node = unwrap(node);
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, ZodTypeAny>)[key];
    else if (node instanceof z.ZodRecord) node = node.valueSchema as ZodTypeAny;
    else if (node instanceof z.ZodArray && /^\d+$/.test(key)) node = node.element as ZodTypeAny;
    else if (node instanceof z.ZodUnion) node = firstAt(node.options as ZodTypeAny[], key);
    else return undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/** True when the schema has a key at `path`. */
export function knowsKey(schema: ZodTypeAny, path: readonly string[]): boolean {
  return schemaAt(schema, path) !== undefined;
}

function firstAt(options: ZodTypeAny[], key: string): ZodTypeAny | undefined {
  for (const option of options) {
    const found = schemaAt(option, [key]);
    if (found) return found;
  }
  return undefined;
}

/** Look through defaults, optionals, nullables, effects (refine, transform, preprocess) and pipes. */
function unwrap(node: ZodTypeAny): ZodTypeAny {
  for (;;) {
    if (node instanceof z.ZodDefault) node = node._def.innerType as ZodTypeAny;
    else if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as ZodTypeAny;
    else if (node instanceof z.ZodEffects) node = node._def.schema as ZodTypeAny;
    else if (node instanceof z.ZodPipeline) node = node._def.in as ZodTypeAny;
    else return node;
  }
}
