/** What every /v2 handler receives: the request, the response, parsed path parts, dependencies. */
import type { Request, Response } from 'express';
import type { AccessController } from '../auth/controller.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ProxyService } from '../proxy/proxy-service.js';
import type { Registry } from '../registry/registry.js';

/** Dependencies handed to the routers (no globals). */
export interface Deps {
  config: Config;
  registry: Registry;
  log: Logger;
  /** Decides whether a request may have the access its route needs. */
  auth: AccessController;
  /** The pull-through cache, when enabled. */
  proxy?: ProxyService;
}

/** Parsed path parameters of a matched route. */
export interface Params {
  /** Repository name, already checked against the grammar. */
  name: string;
  /** The last path segment: a reference, digest or upload id, not yet parsed. */
  ref: string;
}

/** One request's view for a handler. */
export interface Ctx {
  req: Request;
  res: Response;
  params: Params;
  deps: Deps;
}

/** A route handler: parse, call one service method, respond or throw. */
export type Handler = (ctx: Ctx) => Promise<void> | void;
