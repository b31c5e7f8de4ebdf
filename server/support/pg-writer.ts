/**
 * One writer instance as its own process, for the fault tests of issue 14
 * (server/two-instances.test.ts): it opens the PostgreSQL database `argv[2]`, loads the
 * competition `argv[3]` and runs the product's MarkWriter on it. It reads one write a line on
 * stdin (`{code, msg}`: the judge's code and the `mark.submit` frame) and prints one line per
 * answer on stdout (the `mark.ack` or `mark.reject`), as a judge's socket would get it; a test
 * can SIGKILL it at any moment, as a machine dies.
 */
import type { LogWrite } from '#protocol';
import { createInterface } from 'node:readline';
import { openPgDatabase, pgStore } from '../../db/pg/client.ts';
import { readStoredCompetition } from '../../db/repositories/stored.ts';
import { LiveCompetition } from '../services/live-competition.ts';
import { identityOf, MarkWriter } from '../services/mark-writer.ts';

const [url, slug] = process.argv.slice(2) as [string, string];
const store = pgStore(await openPgDatabase(url, 4));
const stored = (await readStoredCompetition(store, slug))!;
const live = LiveCompetition.fromStored(stored);
const writer = new MarkWriter(store.markLog, () => {});
const judges = new Map(stored.officials.map((o) => [o.code, identityOf(o)!]));
createInterface({ input: process.stdin }).on('line', (line) => {
  const { code, msg } = JSON.parse(line) as { code: string; msg: LogWrite };
  void writer
    .submit(judges.get(code)!, live, msg)
    .then((answer) => process.stdout.write(`${JSON.stringify(answer)}\n`));
});
process.stdout.write('ready\n');
