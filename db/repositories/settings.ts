import { eq } from 'drizzle-orm';
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

/** Removes a server-wide setting (nothing happens when it is not stored). */
export async function deleteSetting(s: Store, key: string): Promise<void> {
  const { settings } = s.t;
  await s.db.delete(settings).where(eq(settings.key, key));
}
