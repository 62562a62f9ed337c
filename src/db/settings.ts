/** The settings store: values Berth generates once and every process then shares (keys, marks). */
import type { Db } from './tables.js';

/** Named string values. */
export interface SettingsStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /**
   * Store `value` unless `key` has one; resolves with the value that is stored. Processes
   * starting together each propose a value and all end up with the same one.
   */
  setIfAbsent(key: string, value: string): Promise<string>;
}

/** The settings store over `db`. */
export function settingsStore(db: Db): SettingsStore {
  const get = async (key: string) => (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  return {
    get,
    async set(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
        .execute();
    },
    async setIfAbsent(key, value) {
      await db
        .insertInto('settings')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const stored = await get(key);
      if (stored === undefined) throw new Error(`setting ${key} vanished`);
      return stored;
    },
  };
}
