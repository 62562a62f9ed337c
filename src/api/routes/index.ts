/**
 * The management API: every route of /api/v1, one table. Adding an endpoint is adding an
 * entry (usually in its resource's file): the router, the authorization and the OpenAPI
 * document all read this list.
 */
import type { ApiRoute } from '../route.js';
import { artifactWriteRoutes } from './artifact-writes.js';
import { auditRoutes } from './audit.js';
import { gcRoutes } from './gc.js';
import { importRoutes } from './import.js';
import { meRoutes } from './me.js';
import { memberRoutes } from './members.js';
import { projectRoutes } from './projects.js';
import { referrerRoutes } from './referrers.js';
import { repositoryRoutes } from './repositories.js';
import { robotRoutes } from './robots.js';
import { sessionRoutes } from './session.js';
import { systemRoutes } from './system.js';
import { userRoutes } from './users.js';

/** Every route of /api/v1, in the order the OpenAPI document lists them. */
export const API_ROUTES: readonly ApiRoute[] = [
  ...sessionRoutes,
  ...meRoutes,
  ...userRoutes,
  ...projectRoutes,
  ...memberRoutes,
  ...robotRoutes,
  ...repositoryRoutes,
  ...referrerRoutes,
  ...artifactWriteRoutes,
  ...auditRoutes,
  ...importRoutes,
  ...systemRoutes,
  ...gcRoutes,
];
