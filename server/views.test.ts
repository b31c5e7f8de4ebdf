import { indexScheme, keepView, maskName } from '#engine';
import type {
  BoardDelta,
  BoardServerMessage,
  BoardSnapshot,
  MarkAck,
  MarkSubmit,
  StandingRow,
} from '#protocol';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { plausibleValues } from '../fixtures/marks.ts';
import { listOfficials } from '../db/repositories/officials.ts';
import { mergeRows } from '../web/board-sync.ts';
import { applyCourseAction } from './services/course.ts';
import { FAN_OUT_CHUNK } from './services/fan-out.ts';
import { FRAME_PACING } from './services/frame-pacer.ts';
import { LiveCompetition } from './services/live-competition.ts';
import { identityOf } from './services/mark-writer.ts';
import {
  connectJudge,
  framesBeforeFreeze,
  framesBeforeFrozen,
  startTestServer,
  submitMark,
  TestSocket,
  tokenOf,
  type JudgeSocket,
} from './test-support.ts';

/**
 * Boards that show only the top rows (issue 14, part 4; engine/view.ts): a phone asks for a
 * view of 20, is sent those rows and then only what changes among them, and still shows
 * exactly the standings' top 20 after every frame. Real server, real sockets; the board's side
 * is the same merge and `keepView` the scoreboard applies.
 */

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

const slug = 'gaoxin-2024';
const boardAt = (query = '') =>
  new TestSocket<BoardServerMessage>(`${server.ws}/ws/board?competition=${slug}${query}`);

/** What a board holds after applying `frames` in order, as the scoreboard applies them. */
function follow(frames: BoardServerMessage[]): { rows: StandingRow[]; revisions: number[] } {
  let rows: StandingRow[] = [];
  let view: number | null = null;
  const revisions: number[] = [];
  for (const f of frames) {
    if (f.type === 'board.snapshot') {
      rows = f.rows;
      view = f.view ?? null;
    } else if (f.type === 'board.delta') {
      for (let r = f.from ?? f.revision; r <= f.revision; r++) revisions.push(r);
      rows = keepView(
        mergeRows(rows, f.rows, (r) => r),
        view,
      );
    }
  }
  return { rows, revisions };
}

/** Contestant, total and rank of each row: what a board shows. */
const shown = (rows: readonly StandingRow[]) => rows.map((r) => `${r.bib}:${r.total}:${r.rank}`);

/** The standings' first `n` rows now, from the one standings function. */
const topNow = (n: number) => server.app.live.get(slug)!.standings().slice(0, n);

/** Marks every contestant on `sheetId` (values varied by `round`), each awaited. */
async function markAll(judge: JudgeSocket, sheetId: string, round: number): Promise<MarkAck[]> {
  const sheet = indexScheme(judge.welcome.scheme).sheets.get(sheetId)!;
  const acks: MarkAck[] = [];
  for (const c of judge.welcome.contestants) {
    const ack = await submitMark(judge, {
      contestantId: c.id,
      sheetId,
      values: plausibleValues(sheet, c.id * 7 + round, ''),
      seen: null,
    });
    expect(ack.type).toBe('mark.ack');
    acks.push(ack as MarkAck);
  }
  return acks;
}

describe('a board with a view of the top rows', () => {
  it('is sent the top 20 and then only their changes, and shows the standings top 20 after every frame', async () => {
    const field = server.fixture.contestants.length;
    expect(field).toBeGreaterThan(20);
    const phone = boardAt('&view=12'); // served the smallest view that holds 12: 20
    const projector = boardAt();
    const first = await phone.next<BoardSnapshot>((m) => m.type === 'board.snapshot');
    expect(first).toMatchObject({ view: 20, total: field });
    expect(first.rows).toHaveLength(20);
    await projector.next((m) => m.type === 'board.snapshot');

    const theory = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const theoryAcks = await markAll(theory, 'theory-exam', 1);
    // A phone that opens while frames are under way starts from its view's last frame.
    const late = boardAt('&view=20');
    const sBend = await connectJudge(server.ws, tokenOf(server.fixture, 'J02'));
    await markAll(sBend, 's-bend', 2);
    // The last-placed contestant's exam corrected lower still: below the view before and after.
    const last = server.app.live.get(slug)!.standings().at(-1)!;
    const i = theory.welcome.contestants.findIndex((c) => c.id === last.contestantId);
    const low = await submitMark(theory, {
      contestantId: last.contestantId,
      sheetId: 'theory-exam',
      values: { 'theory-score': 0 },
      seen: theoryAcks[i]!.markId,
      reason: '成绩录入更正',
    });
    const top = topNow(20);

    const onPhone = await framesBeforeFreeze(server, slug, phone);
    const onLate = await framesBeforeFrozen(late);
    const onProjector = await framesBeforeFrozen(projector);
    // Exactly the top 20, ranks and totals, on both phones; every row on the projector.
    expect(shown(follow(onPhone).rows)).toEqual(shown(top));
    expect(shown(follow(onLate).rows)).toEqual(shown(top));
    expect(follow(onProjector).rows).toHaveLength(field);
    // Every revision once and in order, from the snapshot's.
    const revisions = follow(onPhone).revisions;
    expect(revisions).toEqual(
      Array.from({ length: revisions.length }, (_, i) => first.revision + 1 + i),
    );
    expect(low.type).toBe('mark.ack');
    const lowRev = (low as MarkAck).revision; // the last mark before the freeze
    expect(revisions.at(-1)).toBe(lowRev);
    // The mark below the view sent the phone nothing of that contestant.
    const carrying = onPhone.filter(
      (f): f is BoardDelta =>
        f.type === 'board.delta' && (f.from ?? f.revision) <= lowRev && f.revision >= lowRev,
    );
    expect(carrying.length).toBe(1);
    expect(carrying[0]!.rows.map((r) => r.contestantId)).not.toContain(last.contestantId);
    // The projector, which shows every row, got it.
    const toProjector = onProjector.filter(
      (f): f is BoardDelta => f.type === 'board.delta' && f.revision >= lowRev,
    );
    expect(toProjector.flatMap((f) => f.rows.map((r) => r.contestantId))).toContain(
      last.contestantId,
    );
  });
});

describe('changing the view', () => {
  const course = (body: object) =>
    fetch(`${server.url}/api/competitions/${slug}/course`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${tokenOf(server.fixture, 'O01')}`,
      },
      body: JSON.stringify(body),
    });
  const snapshots = (b: TestSocket<BoardServerMessage>) =>
    b.received.filter((m): m is BoardSnapshot => m.type === 'board.snapshot');

  it('answers "more" with a snapshot of the larger view, and every row on request', async () => {
    const field = server.fixture.contestants.length;
    const phone = boardAt('&view=20');
    await phone.next((m) => m.type === 'board.snapshot');
    phone.send({ type: 'board.view', rows: 50 });
    await phone.next((m) => m.type === 'board.snapshot' && m.view === 50);
    phone.send({ type: 'board.view', rows: null });
    await phone.barrier();
    const [twenty, fifty, all] = snapshots(phone);
    expect([twenty!.rows.length, twenty!.view]).toEqual([20, 20]);
    expect([fifty!.rows.length, fifty!.view]).toEqual([field, 50]);
    expect([all!.rows.length, all!.view]).toEqual([field, undefined]);
    // Asked nonsense: told the board is read-only, nothing changes.
    phone.send({ type: 'board.view', rows: 0 });
    phone.send({ type: 'board.view', rows: 'twenty' });
    await phone.barrier();
    expect(snapshots(phone)).toHaveLength(3);
    expect(phone.received.filter((m) => (m.type as string) === 'error')).toHaveLength(2);
  });

  it('opens with a snapshot even when it asks to resume, and a malformed view is every row', async () => {
    const phone = boardAt('&view=20&since=0');
    const snap = await phone.next<BoardSnapshot>(() => true);
    expect(snap).toMatchObject({ type: 'board.snapshot', view: 20 });
    const odd = boardAt('&view=lots');
    const all = await odd.next<BoardSnapshot>(() => true);
    expect(all.view).toBeUndefined();
    expect(all.rows).toHaveLength(server.fixture.contestants.length);
  });

  it('shows every row while frozen, its top rows again when live, and masked names when asked', async () => {
    const field = server.fixture.contestants.length;
    const phone = boardAt('&view=20');
    await phone.next((m) => m.type === 'board.snapshot');
    expect((await course({ action: 'competition.freeze' })).status).toBe(200);
    const frozen = await phone.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.state === 'frozen',
    );
    expect([frozen.rows.length, frozen.view]).toEqual([field, undefined]);
    expect((await course({ action: 'competition.unfreeze', reason: '继续比赛' })).status).toBe(200);
    const live = await phone.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.state === 'live',
    );
    expect([live.rows.length, live.view]).toEqual([20, 20]);
    expect((await course({ action: 'competition.settings', nameDisplay: 'masked' })).status).toBe(
      200,
    );
    const masked = await phone.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.nameDisplay === 'masked',
    );
    expect(masked.view).toBe(20);
    const names = new Map(server.fixture.contestants.map((c) => [c.bib, c.name]));
    for (const r of masked.rows) expect(r.name).toBe(maskName(names.get(r.bib)!));
  });
});

describe('a view asked for while a course change is on its way', () => {
  it('is not sent the change again after the snapshot of its new view', async () => {
    const { app } = server;
    const live = app.live.get(slug)!;
    // More boards than one chunk of the fan-out, so the last is written in a later turn.
    const boards = Array.from({ length: FAN_OUT_CHUNK * 2 + 1 }, () => boardAt('&view=20'));
    await Promise.all(boards.map((b) => b.next((m) => m.type === 'board.snapshot')));
    const last = boards.at(-1)!;
    const officials = await listOfficials(app.store, live.id);
    const organiser = identityOf(officials.find((o) => o.code === 'O01'))!;
    const masked = await app.live.writer.exclusive(() =>
      applyCourseAction(
        app.store,
        live,
        organiser,
        { action: 'competition.settings', nameDisplay: 'masked' },
        new Date(),
      ),
    );
    expect(masked.ok).toBe(true);
    if (masked.ok) app.live.publish(live, masked.delta);
    // The last board asks for 50 rows before its chunk of the change is written: as the
    // board.view handler does, it is given the new view's snapshot, at this revision or later
    // (here only the server's record of it).
    const lastClient = [...app.live.boards.get(live.id)!.values()].at(-1)!;
    lastClient.view = 50;
    lastClient.revision = live.revision;
    const first = await boards[0]!.next<BoardSnapshot>(
      (m) => m.type === 'board.snapshot' && m.competition.nameDisplay === 'masked',
    );
    expect(first.view).toBe(20);
    // A second change goes to every board after the first has reached them all (frames go
    // out in order): once the last board has it, every chunk of the first was written.
    const shown = await app.live.writer.exclusive(() =>
      applyCourseAction(
        app.store,
        live,
        organiser,
        { action: 'competition.settings', nameDisplay: 'full' },
        new Date(),
      ),
    );
    if (shown.ok) app.live.publish(live, shown.delta);
    await last.next((m) => m.type === 'board.snapshot' && m.view === 50);
    // The change it has in its snapshot was not sent again: an older snapshot, whole or of its
    // old view, would have taken it back to before what it holds.
    const snapshots = last.frames.filter((m): m is BoardSnapshot => m.type === 'board.snapshot');
    expect(snapshots.map((m) => [m.competition.nameDisplay, m.view])).toEqual([
      ['full', 20],
      ['full', 50],
    ]);
  });
});

describe('a view frame built while the standings are ahead of its revision', () => {
  it('does not leave a row that fell out of the view on the phone', async () => {
    const { app } = server;
    const live = app.live.get(slug)!;
    const phone = boardAt('&view=20');
    await phone.next<BoardSnapshot>((m) => m.type === 'board.snapshot');

    // Everyone gets a theory score, so the top 20 is made of distinct totals.
    const theory = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const sheet = indexScheme(theory.welcome.scheme).sheets.get('theory-exam')!;
    const acks = new Map<number, number>();
    for (const c of theory.welcome.contestants) {
      const ack = (await submitMark(theory, {
        contestantId: c.id,
        sheetId: 'theory-exam',
        values: plausibleValues(sheet, c.id * 7 + 1, ''),
        seen: null,
      })) as MarkAck;
      expect(ack.type).toBe('mark.ack');
      acks.set(c.id, ack.markId);
    }
    // Let the pacing's held frame go out: the next publish is a leading-edge frame.
    await new Promise((r) => setTimeout(r, 300));

    const standings = live.standings();
    const x = standings[2]!; // in the view; will fall out of it
    const z = standings.at(-1)!; // any other contestant
    const officials = await listOfficials(app.store, live.id);
    const j01 = identityOf(officials.find((o) => o.code === 'J01'))!;
    const j02 = identityOf(officials.find((o) => o.code === 'J02'))!;
    const sBend = indexScheme(theory.welcome.scheme).sheets.get('s-bend')!;
    // One turn, one batch: both are applied to the competition before the first is published
    // (mark-writer.ts publishes in the next turn), so the frame of revision R is built from
    // standings that already hold R+1.
    const first = app.live.writer.submit(j02, live, {
      type: 'mark.submit',
      clientId: randomUUID(),
      contestantId: z.contestantId,
      sheetId: 's-bend',
      attempt: 1,
      values: plausibleValues(sBend, z.contestantId, '') as MarkSubmit['values'],
      seen: null,
    });
    const second = app.live.writer.submit(j01, live, {
      type: 'mark.submit',
      clientId: randomUUID(),
      contestantId: x.contestantId,
      sheetId: 'theory-exam',
      attempt: 1,
      values: { 'theory-score': 0 },
      seen: acks.get(x.contestantId)!,
      reason: '成绩录入更正',
    });
    const [a, b] = (await Promise.all([first, second])) as MarkAck[];
    expect([a!.type, b!.type]).toEqual(['mark.ack', 'mark.ack']);
    expect(b!.revision).toBe(a!.revision + 1);

    const top = live.standings().slice(0, 20);
    expect(top.map((r) => r.contestantId)).not.toContain(x.contestantId);
    const frames = await framesBeforeFreeze(server, slug, phone);
    const held = follow(frames).rows;
    // The phone showed x with its old total, and the 20th contestant was missing.
    expect(held.map((r) => r.contestantId)).not.toContain(x.contestantId);
    expect(shown(held)).toEqual(shown(top));
  });
});

describe('a competition rebuilt while a frame is held', () => {
  it('sends its phones the rebuilt copy’s frames, never the old copy’s', async () => {
    await server.close();
    // Every frame after the first of a quiet spell is held for a second.
    server = await startTestServer(undefined, undefined, {
      framePacing: { ...FRAME_PACING, minMs: 1_000, maxMs: 1_000 },
    });
    const { app } = server;
    let theory = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const [a, b] = theory.welcome.contestants;
    const score = (contestantId: number, value: number) =>
      submitMark(theory, {
        contestantId,
        sheetId: 'theory-exam',
        values: { 'theory-score': value },
        seen: null,
      });
    await score(a!.id, 60); // goes out at once
    await score(b!.id, 61); // held by the pacing, with the copy it was committed on
    // Rebuilt from the database (as after a change on another instance): its boards reconnect.
    const fresh = (await LiveCompetition.load(app.store, slug))!;
    app.live.replace(fresh, 'rebuilt');
    theory = await connectJudge(server.ws, tokenOf(server.fixture, 'J01'));
    const phone = boardAt('&view=20');
    await phone.next((m) => m.type === 'board.snapshot');
    // A mark on the rebuilt copy only: the last-placed contestant to the top.
    const last = fresh.standings().at(-1)!;
    const c = (await score(last.contestantId, 99)) as MarkAck;
    // Its frame (held with the old copy's, or sent at once) reaches the phone.
    await phone.next((m) => m.type === 'board.delta' && m.revision >= c.revision, 5_000);
    const frames = await framesBeforeFreeze(server, slug, phone);
    expect(follow(frames).rows[0]?.contestantId).toBe(last.contestantId);
    expect(shown(follow(frames).rows)).toEqual(shown(topNow(20)));
  });
});
