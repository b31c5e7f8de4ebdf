import { and, eq } from 'drizzle-orm';
import { first, type Store } from '../store.ts';

/** A server-wide setting's JSON text, or undefined. */
export async function getSetting(s: Store, key: string): Promise<string | undefined> {
  const { settings } = s.t;
  return (await first(s.db.select().from(settings).where(eq(settings.key, key))))?.valueJson;
}

/** Stores a server-wide setting (JSON text), replacing the old value. */
export async function putSetting(s: Store, key: string, valueJson: string): Promise<void> {
  const { settings } = s.t;
  await s.db
    .insert(settings)
    .values({ key, valueJson })
    .onConflictDoUpdate({ target: settings.key, set: { valueJson } });
}

/**
 * Stores a server-wide setting only when none is stored under `key` (one statement, so of two
 * instances adding at once exactly one succeeds).
 * @returns whether this call stored it.
 */
export async function addSetting(s: Store, key: string, valueJson: string): Promise<boolean> {
  const { settings } = s.t;
  const added = await s.db
    .insert(settings)
    .values({ key, valueJson })
    .onConflictDoNothing({ target: settings.key })
    .returning({ key: settings.key });
  return added.length === 1;
}

/**
 * Removes a server-wide setting only while it still holds `valueJson` (one statement: a value
 * another instance wrote meanwhile stays).
 */
export async function deleteSettingIf(s: Store, key: string, valueJson: string): Promise<void> {
  const { settings } = s.t;
  await s.db.delete(settings).where(and(eq(settings.key, key), eq(settings.valueJson, valueJson)));
}

/** Removes a server-wide setting (nothing happens when it is not stored). */
export async function deleteSetting(s: Store, key: string): Promise<void> {
  const { settings } = s.t;
  await s.db.delete(settings).where(eq(settings.key, key));
}
