import { eq } from 'drizzle-orm';
import type { Db } from '../client.ts';
import { settings } from '../schema.ts';

/** A server-wide setting's JSON text, or undefined. */
export function getSetting(db: Db, key: string): string | undefined {
  return db.select().from(settings).where(eq(settings.key, key)).get()?.valueJson;
}

/** Stores a server-wide setting (JSON text), replacing the old value. */
export function putSetting(db: Db, key: string, valueJson: string): void {
  db.insert(settings)
    .values({ key, valueJson })
    .onConflictDoUpdate({ target: settings.key, set: { valueJson } })
    .run();
}

/** Removes a server-wide setting (nothing happens when it is not stored). */
export function deleteSetting(db: Db, key: string): void {
  db.delete(settings).where(eq(settings.key, key)).run();
}
