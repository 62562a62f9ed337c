/**
 * Names for the generated schema's shapes, read off `paths` (schema.gen.ts), so a page can say
 * "a row of GET /projects" without writing the type out by hand.
 */
import type { paths } from './schema.gen.js';

type Json<R> = R extends { content: { 'application/json': infer J } } ? J : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;

/** The JSON body of a successful (200 or 201) `M` request on path `P`. */
export type Answer<P extends keyof paths, M extends keyof paths[P] = 'get' & keyof paths[P]> =
  Json<Responses<P, M>[200 & keyof Responses<P, M>]> | Json<Responses<P, M>[201 & keyof Responses<P, M>]>;

/** One item of a paged list answer (`{ items, total }`). */
export type Item<P extends keyof paths> = Answer<P> extends { items: readonly (infer I)[] } ? I : never;
