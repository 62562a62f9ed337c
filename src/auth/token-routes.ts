/**
 * HTTP side of the built-in token server: `GET /token` (Basic or anonymous), `POST /token`
 * (OAuth2 password and refresh_token grants) and the signing keys as JWKS.
 */
import express, { Router, type Request } from 'express';
import { TokenRequestInvalidError } from './errors.js';
import { tokenForm } from './token-form.js';
import { clientAddress } from './controller.js';
import { toJwks, type SigningKey } from './keys.js';
import { parseBasic } from './passwords.js';
import { parseScopes } from './scope.js';
import type { TokenServer } from './token-server.js';

/** Path of the token endpoint. */
export const TOKEN_PATH = '/token';
/** Path of the JWKS document publishing the token signing keys. */
export const JWKS_PATH = '/token/jwks.json';

/** Every value of a form or query field, whether it came once or repeated. */
function values(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

function queryValues(req: Request, key: string): string[] {
  return new URL(req.originalUrl, 'http://berth.invalid').searchParams.getAll(key);
}

/** The router serving the token endpoints. */
export function tokenRouter(server: TokenServer, keys: readonly SigningKey[]): Router {
  const router = Router();
  const send = (res: express.Response, body: unknown): void => {
    // Tokens are credentials: never cached by proxies or browsers.
    res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' }).json(body);
  };

  router.get(JWKS_PATH, (_req, res) => {
    res.json(toJwks(keys));
  });

  router.get(TOKEN_PATH, async (req, res) => {
    const login = parseBasic(req.get('authorization'));
    const response = await server.handle({
      address: clientAddress(req),
      service: queryValues(req, 'service')[0],
      scopes: parseScopes(queryValues(req, 'scope')),
      login,
      offline: queryValues(req, 'offline_token')[0] === 'true',
    });
    send(res, response);
  });

  router.post(TOKEN_PATH, tokenForm(), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const grant = values(body['grant_type'])[0];
    const common = {
      address: clientAddress(req),
      service: values(body['service'])[0],
      scopes: parseScopes(values(body['scope'])),
    };
    if (grant === 'password') {
      const user = values(body['username'])[0];
      const password = values(body['password'])[0];
      if (user === undefined || password === undefined) throw new TokenRequestInvalidError('username and password are required');
      send(res, await server.handle({ ...common, login: { user, password }, offline: values(body['access_type'])[0] === 'offline' }));
    } else if (grant === 'refresh_token') {
      const refreshToken = values(body['refresh_token'])[0];
      if (refreshToken === undefined) throw new TokenRequestInvalidError('refresh_token is required');
      send(res, await server.handle({ ...common, refreshToken, offline: false }));
    } else {
      throw new TokenRequestInvalidError(`unsupported grant_type ${JSON.stringify(grant ?? '')}`);
    }
  });
  return router;
}
