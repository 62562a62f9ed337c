/** What every /v2 handler receives: the request, the response, parsed path parts, dependencies. */
import type { Request, Response } from 'express';
import type { AccessController, Visibility } from '../auth/controller.js';
import type { Origin } from '../events/events.js';
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
  /** Filters the catalog by what the caller may pull (accounts on); absent: every repository. */
  visibility?: Visibility;
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
  /** Who made the request (for the events the registry announces). */
  origin: Origin;
}

/** A route handler: parse, call one service method, respond or throw. */
export type Handler = (ctx: Ctx) => Promise<void> | void;
