/**
 * Every migration, in order. Names sort lexically (Kysely applies them in that order), so each
 * starts with a four-digit number; a migration, once released, is never edited: a change to
 * the schema is a new file here.
 */
import type { Migration } from 'kysely/migration';
import type { DialectName } from '../database.js';
import { accounts } from './0001-accounts.js';
import { indexAudit } from './0002-index-audit.js';
import { sessions } from './0003-sessions.js';

/** The migrations for `dialect`, by name. */
export function migrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-accounts': accounts(dialect),
    '0002-index-audit': indexAudit(dialect),
    '0003-sessions': sessions(),
  };
}
