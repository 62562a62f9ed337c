/**
 * The built-in token server's signing key when none is configured: an EC P-256 key (ES256)
 * generated on first start and kept in the settings table, so every process and replica
 * sharing the database signs with the same key and no key file has to be made or copied.
 */
import { generateKeyPairSync } from 'node:crypto';
import { loadSigningKey, type SigningKey } from '../auth/keys.js';
import type { SettingsStore } from '../db/settings.js';

const KEY = 'token.signingkey';

/** The stored signing key, generated first when there is none. */
export async function storedSigningKey(settings: SettingsStore): Promise<SigningKey> {
  let pem = await settings.get(KEY);
  if (pem === undefined) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    pem = await settings.setIfAbsent(KEY, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return loadSigningKey(pem);
}
