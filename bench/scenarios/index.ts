/** Every scenario, in the order they run (pull-large reads what push-large wrote). */
import { authScenario } from './auth.js';
import { dockerScenario } from './docker.js';
import { catalog, tagsList } from './listing.js';
import { headBlob } from './head.js';
import { manifestGet, manifestPut } from './manifests.js';
import { mixed } from './mixed.js';
import { pullLarge } from './pull.js';
import { pushChunked, pushLarge, pushSmall } from './push.js';
import type { Scenario } from './types.js';
import { workersScenario } from './workers.js';

/** The scenario list; `dockerStateDir` is the private dockerd's state folder. */
export function allScenarios(dockerStateDir: string): Scenario[] {
  return [
    pushLarge,
    pushChunked,
    pushSmall,
    pullLarge,
    headBlob,
    manifestPut,
    manifestGet,
    tagsList,
    catalog,
    mixed,
    workersScenario,
    authScenario,
    dockerScenario(dockerStateDir),
  ];
}
