/**
 * A refusal from the server in the judge's language. The server words every refusal in
 * Chinese (`message`) and sends its code and parameters beside it; an English tablet words the
 * code from the one table of texts (server/protocol/messages.ts). That table is a chunk of its
 * own (the service worker precaches it), loaded at start on an English page only: the Chinese
 * page has the server's words, and the first load stays under its budget. Until the table is
 * in (or if it cannot be loaded), and for a code it lacks, the judge reads the server's message.
 */
import type { describeError } from '../server/protocol/messages.ts';
import { lang } from './i18n.ts';

let describe: typeof describeError | undefined;

if (lang === 'en')
  import('../server/protocol/messages.ts').then(
    (m) => (describe = m.describeError),
    () => undefined,
  );

/**
 * What the judge reads of a refusal (`mark.reject`, an `error` frame): its code worded in the
 * page's language, else the server's message.
 */
export function refusalWords(m: { code: string; params?: unknown; message: string }): string {
  return describe ? describe(m, lang) : m.message;
}
