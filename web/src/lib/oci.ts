/**
 * Reading an artifact's manifest and image config (as the API returns them: the stored JSON)
 * for the artifact page: layers, an index's children, annotations, and the config's fields
 * with each history step matched to the layer it made. Every value read is checked for its
 * type first: the JSON is whatever a client pushed, and the page shows it as text.
 */

/** A descriptor: a layer, or an index's child. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: string;
  artifactType?: string;
}

/** One step of an image's history and the size of the layer it made (null when it made none or it is unknown). */
export interface HistoryStep {
  created?: string;
  createdBy: string;
  comment?: string;
  emptyLayer: boolean;
  layerSize: number | null;
}

/** An image config, in the fields the page shows. */
export interface ImageConfig {
  created?: string;
  platform: string;
  env: string[];
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir?: string;
  user?: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  history: HistoryStep[];
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);

/** A map of strings (labels, annotations); other values are shown as their JSON. */
export function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(obj(v))) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function descriptor(v: unknown): Descriptor {
  const d = obj(v);
  const p = obj(d['platform']);
  const platform = [str(p['os']), str(p['architecture']), str(p['variant'])].filter(Boolean).join('/');
  return {
    mediaType: str(d['mediaType']) ?? '',
    digest: str(d['digest']) ?? '',
    size: typeof d['size'] === 'number' ? d['size'] : 0,
    ...(platform ? { platform } : {}),
    ...(str(d['artifactType']) ? { artifactType: str(d['artifactType']) } : {}),
  };
}

/** A manifest's layers (an image), children (an index) and annotations. */
export function readManifest(manifest: unknown): { layers: Descriptor[]; children: Descriptor[]; annotations: Record<string, string> } {
  const m = obj(manifest);
  return {
    layers: Array.isArray(m['layers']) ? m['layers'].map(descriptor) : [],
    children: Array.isArray(m['manifests']) ? m['manifests'].map(descriptor) : [],
    annotations: stringMap(m['annotations']),
  };
}

/** An image config's fields; `layers` gives each non-empty history step its layer's size. */
export function readConfig(config: unknown, layers: readonly Descriptor[]): ImageConfig {
  const c = obj(config);
  const inner = obj(c['config']);
  let layer = 0;
  const history = (Array.isArray(c['history']) ? c['history'] : []).map((h): HistoryStep => {
    const step = obj(h);
    const emptyLayer = step['empty_layer'] === true;
    const size = emptyLayer ? null : (layers[layer++]?.size ?? null);
    return {
      created: str(step['created']),
      createdBy: str(step['created_by']) ?? '',
      comment: str(step['comment']),
      emptyLayer,
      layerSize: size,
    };
  });
  return {
    created: str(c['created']),
    platform: [str(c['os']), str(c['architecture']), str(c['variant'])].filter(Boolean).join('/'),
    env: strings(inner['Env']) ?? [],
    entrypoint: strings(inner['Entrypoint']),
    cmd: strings(inner['Cmd']),
    workingDir: str(inner['WorkingDir']) || undefined,
    user: str(inner['User']) || undefined,
    labels: stringMap(inner['Labels']),
    exposedPorts: Object.keys(obj(inner['ExposedPorts'])),
    history,
  };
}
