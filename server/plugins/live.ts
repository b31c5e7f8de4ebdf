import { CloseCode, SERVER_HEARTBEAT, type BoardDelta, type BoardSnapshot } from '#protocol';
import fp from 'fastify-plugin';
import type { WebSocket } from 'ws';
import { listCompetitions } from '../../db/repositories/competitions.ts';
import { officialsById, type OfficialRow } from '../../db/repositories/officials.ts';
import { readStoredCompetition } from '../../db/repositories/stored.ts';
import type { CompetitionState } from '../engine/acceptance.ts';
import { publicNews, resumesWithDeltas } from '../engine/public-view.ts';
import { LiveCompetition, type PublicView } from '../services/live-competition.ts';
import { MarkWriter, StaleCompetitionError } from '../services/mark-writer.ts';
import { FanOutQueue } from '../services/fan-out.ts';
import { FRAME_PACING, FramePacer, type FramePacing } from '../services/frame-pacer.ts';
import { readMarksAfter, type MarkRow } from '../../db/repositories/marks.ts';
import { RevisionFollower } from '../services/revision-follower.ts';
import { RevisionHints } from '../services/revision-hints.ts';

/**
 * Longest gap the frame pacing ever keeps between two frames to one board, ms (at least ten
 * frames a second per viewer); the gap itself follows the audience and what frames cost
 * (services/frame-pacer.ts).
 */
export const BOARD_FRAME_MS = FRAME_PACING.maxMs;

/**
 * Merges consecutive deltas into one frame: the latest row of each contestant that changed (in
 * order of last change), every event newest first, and the revision range `from`…`revision`.
 */
export function mergeDeltas(deltas: BoardDelta[]): BoardDelta {
  if (deltas.length === 1) return deltas[0]!;
  const rows = new Map<number, BoardDelta['rows'][number]>();
  for (const d of deltas)
    for (const r of d.rows) {
      rows.delete(r.contestantId);
      rows.set(r.contestantId, r);
    }
  const events = deltas
    .filter((d) => d.event)
    .map((d) => ({ ...d.event!, revision: d.revision }))
    .reverse();
  const last = deltas[deltas.length - 1]!;
  return {
    type: 'board.delta',
    from: deltas[0]!.from ?? deltas[0]!.revision,
    revision: last.revision,
    rows: [...rows.values()],
    event: last.event,
    events,
  };
}

/** Ticker events a frame to a board with a view carries at most (a phone shows the newest). */
export const VIEW_EVENTS = 4;

/** One view as its last frame left it, at that frame's revision (see the live plugin's `views`). */
interface ViewState extends PublicView {
  revision: number;
}

/** Options of a text frame written from bytes already encoded (UTF-8 JSON). */
const TEXT = { binary: false } as const;

/** A board message as the UTF-8 bytes of its JSON, encoded once for every socket it goes to. */
function encode(message: BoardDelta | BoardSnapshot): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** A connected board: the public projector and phones, or a staff view (console) that sees everything live. */
export interface BoardClient {
  staff: boolean;
  /** The official of a staff board, so revoking the token closes it at once. */
  officialId?: number;
  /**
   * The last revision this board has: set by the replay or snapshot it opened with, raised by
   * every frame. A frame it already has is never sent again (a delta committed while it
   * connected is both in its replay and in the outbox).
   */
  revision: number;
  /**
   * How many top rows a public board is sent while live (engine/view.ts `viewSize`); null:
   * every row (projectors, staff boards).
   */
  view: number | null;
}

/** Live state of every competition, the sockets watching each, and the mark writer. */
export interface Live {
  get(slug: string): LiveCompetition | undefined;
  byId(id: number): LiveCompetition | undefined;
  all(): LiveCompetition[];
  /** Loads (or reloads) a competition from the database, e.g. after it was created. */
  load(slug: string): Promise<LiveCompetition | undefined>;
  /**
   * Puts `fresh` (a competition just rebuilt from the database) in place of the copy of the
   * same competition and asks its boards and tablets to reconnect (close 4009), so each gets
   * the new state in a fresh snapshot or welcome.
   */
  replace(fresh: LiveCompetition, why: string): void;
  /**
   * Moves on whenever an official's login may have changed (revoked, replaced, re-assigned),
   * here or on another instance: a login check that began before the change checks again.
   */
  officialsVersion: number;
  writer: MarkWriter;
  /** Board sockets per competition id. */
  boards: Map<number, Map<WebSocket, BoardClient>>;
  /** Judge sockets per competition id (after login) with the official each belongs to. */
  judges: Map<number, Map<WebSocket, number>>;
  /** Sockets not yet logged in, closed on shutdown too. */
  pending: Set<WebSocket>;
  /** Sends a committed delta to every board (public ones see what the course allows) and judge. */
  publish(live: LiveCompetition, delta: BoardDelta): void;
  /**
   * The snapshot a public board with a view of `n` rows opens with while live: the view's rows
   * as its last frame left them, so the frames that follow apply (see `views`).
   */
  viewSnapshot(live: LiveCompetition, n: number): BoardSnapshot;
  /** Puts a socket under the server heartbeat (terminated when silent for a whole sweep). */
  watch(socket: WebSocket): void;
  /** Open sockets by kind, for /healthz. */
  counts(): { judges: number; boards: number; pending: number };
}

declare module 'fastify' {
  interface FastifyInstance {
    live: Live;
  }
}

/**
 * The part of a merged delta after revision `after` (its rows are the latest state of the
 * contestants it names, so they stay; its events are cut to the ones after `after`).
 */
export function trimDelta(delta: BoardDelta, after: number): BoardDelta {
  const events = delta.events?.filter((e) => e.revision > after);
  return {
    ...delta,
    from: after + 1,
    ...(events ? { events } : {}),
    event: events ? (events[0] ?? null) : delta.event,
  };
}

/**
 * Builds the live registry from the database at boot. Publishing serialises each frame once
 * per audience and writes the same string to every socket of that audience, a chunk of
 * sockets per turn of the event loop (services/fan-out.ts).
 */
export default fp(
  async (
    app,
    opts: {
      heartbeatMs?: number;
      framePacing?: FramePacing;
      /** PostgreSQL: listen for the revisions other instances commit (issue 14). */
      databaseUrl?: string;
    },
  ) => {
    const bySlug = new Map<string, LiveCompetition>();
    const boards = new Map<number, Map<WebSocket, BoardClient>>();
    const judges = new Map<number, Map<WebSocket, number>>();
    /** Each competition's frames on their way to its boards, in revision order. */
    const fanOuts = new Map<number, FanOutQueue<[WebSocket, BoardClient]>>();
    /**
     * Per competition, per view size (engine/view.ts): the top rows as the last frame built
     * for that view left them, and its revision. A board that opens with that view is sent
     * these rows (its snapshot is at that revision), so every frame built after applies to
     * what it holds. A view is kept while boards use it.
     */
    const views = new Map<number, Map<number, ViewState>>();
    const viewsOf = (live: LiveCompetition) => {
      let m = views.get(live.id);
      if (!m) views.set(live.id, (m = new Map()));
      return m;
    };
    /** A view's state now: its last frame's, or the current top when it has none yet. */
    const viewState = (live: LiveCompetition, n: number, revision = live.revision) => {
      const m = viewsOf(live);
      let v = m.get(n);
      if (!v) m.set(n, (v = { ...live.publicTop(n), revision }));
      return v;
    };
    /**
     * Writes `delta` to the boards (FAN_OUT_CHUNK boards a turn, services/fan-out.ts). `state`:
     * the competition's state when the delta was committed; a delta the pacing held keeps it
     * when a change of course flushes the delta (a mark committed while live reaches public
     * boards before they freeze). `done` gets what building and writing the frame took, ms.
     */
    const send = (
      live: LiveCompetition,
      delta: BoardDelta,
      state = live.row.state,
      done?: (costMs: number) => void,
    ) => {
      const started = performance.now();
      const set = boards.get(live.id);
      if (set?.size) {
        // Each frame is encoded once and the same bytes written to every socket of its audience.
        const staffFrame = encode(delta);
        let publicFrame: Buffer | null = null;
        // Public boards: deltas only while live; on a change of course, the new public view.
        const news = publicNews(state, {
          course: delta.competition !== undefined,
          rows: delta.rows.length,
        });
        // Built now, from the state of this frame's revision: a chunk written turns later must
        // not show what was committed since (a freeze, a hidden station's mark).
        const publicDelta = news === 'delta' ? live.publicDelta(delta) : null;
        if (publicDelta) publicFrame = encode(publicDelta);
        else if (news === 'snapshot') publicFrame = encode(live.publicSnapshot());
        // Boards with a view get their view's frame: the changes among its top rows.
        const viewFrames = new Map<number, { delta: BoardDelta | null; text: Buffer }>();
        const used = new Set<number>();
        for (const c of set.values()) if (!c.staff && c.view !== null) used.add(c.view);
        const kept = viewsOf(live);
        for (const n of kept.keys()) if (!used.has(n) || news !== 'delta') kept.delete(n);
        for (const n of used) {
          if (publicDelta) {
            const v = viewState(live, n);
            const { delta: d, view } = live.viewDelta(publicDelta, v, n, VIEW_EVENTS);
            kept.set(n, { ...view, revision: delta.revision });
            viewFrames.set(n, { delta: d, text: encode(d) });
          } else if (news === 'snapshot' && resumesWithDeltas(live.row.state)) {
            // Live again (or the public view changed as a whole): the view starts afresh.
            const v = viewState(live, n, delta.revision);
            const text = encode(live.viewSnapshot(v.rows, v.revision, n));
            viewFrames.set(n, { delta: null, text });
          }
        }
        const last = delta.revision;
        const built = performance.now() - started;
        let queue = fanOuts.get(live.id);
        if (!queue) fanOuts.set(live.id, (queue = new FanOutQueue()));
        queue.push({
          targets: [...set],
          write([ws, client]) {
            if (ws.readyState !== ws.OPEN) return;
            const view = client.staff || client.view === null ? null : viewFrames.get(client.view);
            const frame = client.staff ? staffFrame : (view?.text ?? publicFrame);
            if (!frame) return;
            // Only what is past what it has: a board that got a snapshot after this frame was
            // built (it opened, asked for another view, or said hello as staff) holds it already.
            if (last <= client.revision) return;
            if (!delta.competition && (delta.from ?? last) <= client.revision) {
              // Straddles what its replay gave it: send the part it has not seen.
              const sent = client.staff ? delta : (view?.delta ?? publicDelta!);
              ws.send(JSON.stringify(trimDelta(sent, client.revision)));
            } else ws.send(frame, TEXT);
            client.revision = Math.max(client.revision, last);
          },
          done: (costMs) => done?.(built + costMs),
        });
      } else {
        views.delete(live.id);
        done?.(performance.now() - started);
      }
      if (delta.competition) {
        const notice = JSON.stringify({
          type: 'judge.update',
          competition: delta.competition,
          lockedStations: live.lockedStations,
        });
        for (const ws of judges.get(live.id)?.keys() ?? [])
          if (ws.readyState === ws.OPEN) ws.send(notice);
      }
    };
    // Frame coalescing: a delta goes out at once when the boards have had no frame for an
    // interval (leading edge); deltas arriving faster are merged into one frame per interval.
    // The interval follows the audience and what a frame costs (FramePacer): a few ms
    // at a venue, up to BOARD_FRAME_MS when a thousand and more watch.
    const outboxes = new Map<
      number,
      {
        pending: BoardDelta[];
        /** The state the pending deltas were committed under (a change of course flushes them). */
        pendingState: CompetitionState;
        timer: NodeJS.Timeout | null;
        lastSent: number;
        pacer: FramePacer;
      }
    >();
    /** Sends one frame and records what it cost into the competition's pacing. */
    const sendPaced = (
      live: LiveCompetition,
      delta: BoardDelta,
      pacer: FramePacer,
      state = live.row.state,
    ) => send(live, delta, state, (costMs) => pacer.record(costMs));
    /** Whether a frame of the competition is still on its way to some of its boards. */
    const fanningOut = (live: LiveCompetition) => (fanOuts.get(live.id)?.pending ?? 0) > 0;
    /**
     * Sends the held deltas as one frame. Unless `now` (a change of course, shutdown), while
     * the last frame is still being written it waits another interval and keeps merging: a
     * fan-out slower than the interval never piles frames up.
     */
    const flush = (live: LiveCompetition, now = false) => {
      const box = outboxes.get(live.id);
      if (!box) return;
      if (box.timer) clearTimeout(box.timer);
      box.timer = null;
      if (!box.pending.length) return;
      if (!now && fanningOut(live)) {
        const interval = box.pacer.intervalMs(boards.get(live.id)?.size ?? 0);
        box.timer = setTimeout(() => flush(live), interval);
        return;
      }
      const merged = mergeDeltas(box.pending);
      box.pending = [];
      box.lastSent = performance.now();
      sendPaced(live, merged, box.pacer, box.pendingState);
    };
    const publish = (live: LiveCompetition, delta: BoardDelta) => {
      let box = outboxes.get(live.id);
      if (!box)
        outboxes.set(
          live.id,
          (box = {
            pending: [],
            pendingState: live.row.state,
            timer: null,
            lastSent: -Infinity,
            pacer: new FramePacer(opts.framePacing),
          }),
        );
      if (delta.competition) {
        // A change of course keeps its order after the marks before it, and goes at once:
        // first the marks committed ahead of it whose deltas wait for the next turn.
        registry.writer.publishDeferred();
        flush(live, true);
        sendPaced(live, delta, box.pacer);
        return;
      }
      const now = performance.now();
      const interval = box.pacer.intervalMs(boards.get(live.id)?.size ?? 0);
      if (!box.timer && now - box.lastSent >= interval && !fanningOut(live)) {
        box.lastSent = now;
        sendPaced(live, delta, box.pacer);
        return;
      }
      if (!box.pending.length) box.pendingState = live.row.state;
      box.pending.push(delta);
      box.timer ??= setTimeout(() => flush(live), Math.max(0, interval - (now - box.lastSent)));
    };
    /**
     * What a committed entry tells particular judges: a void, the author of the voided mark
     * ("the head judge voided your mark: …"); a recorder's mark on a panel, the panel's other
     * judges (their read-only measurements).
     */
    const tellJudges = (live: LiveCompetition, row: MarkRow) => {
      const sockets = judges.get(live.id);
      if (!sockets?.size) return;
      const to = (officialId: number, frame: string) => {
        for (const [ws, id] of sockets)
          if (id === officialId && ws.readyState === ws.OPEN) ws.send(frame);
      };
      if (row.kind === 'void') {
        const v = live.voidNotice(row.id);
        if (v) to(v.authorId, JSON.stringify({ type: 'judge.voided', notice: v.notice }));
      }
      // A recorder's mark, or a void (of a recorder's mark, maybe): the panel's read-only
      // measurements may have changed.
      const sheet = row.sheetId ? live.index.sheets.get(row.sheetId) : undefined;
      const measuring = row.kind === 'void' || row.measures || row.rules === 1;
      if (!sheet || sheet.judges === 1 || !measuring) return;
      const told = new Set<number>();
      for (const id of sockets.values()) {
        if (told.has(id) || id === row.officialId || !live.sheetsOf(id).has(sheet.id)) continue;
        told.add(id);
        const items = live.panelMeasurements(id, new Set([sheet.id]), row.contestantId);
        const scope = { contestantId: row.contestantId, sheetId: sheet.id };
        if (items.length || row.kind === 'void')
          to(id, JSON.stringify({ type: 'judge.measurements', items, scope }));
      }
    };
    const alive = new WeakMap<WebSocket, boolean>();
    const watch = (socket: WebSocket) => {
      alive.set(socket, true);
      const beat = () => alive.set(socket, true);
      socket.on('pong', beat);
      socket.on('message', beat);
    };
    const everySocket = () => [
      ...[...boards.values()].flatMap((m) => [...m.keys()]),
      ...[...judges.values()].flatMap((m) => [...m.keys()]),
      ...pending,
    ];
    // One sweep (ws's own pattern): terminate what stayed silent since the last one, ping the
    // rest. terminate() ends a dead peer at once, where close() would wait for its handshake.
    const sweep = setInterval(() => {
      for (const ws of everySocket()) {
        if (!alive.has(ws)) continue;
        if (!alive.get(ws)) {
          ws.terminate();
          continue;
        }
        alive.set(ws, false);
        if (ws.readyState === ws.OPEN) ws.ping();
      }
    }, opts.heartbeatMs ?? SERVER_HEARTBEAT.sweepMs);
    sweep.unref();
    const pending = new Set<WebSocket>();
    /** Each competition's officials as last read, to tell what changed at a resync. */
    const officialRows = new Map<number, Map<number, OfficialRow>>();
    /** A competition rebuilt from the database (not yet in place). */
    const read = async (slug: string) => {
      const stored = await readStoredCompetition(app.store, slug);
      if (!stored) return undefined;
      officialRows.set(stored.row.id, new Map(stored.officials.map((o) => [o.id, o])));
      return LiveCompetition.fromStored(stored);
    };
    const load = async (slug: string) => {
      const live = await read(slug);
      if (live) bySlug.set(slug, live);
      return live;
    };
    for (const row of await listCompetitions(app.store)) await load(row.slug);
    const replace = (fresh: LiveCompetition, why: string) => {
      bySlug.set(fresh.slug, fresh);
      views.delete(fresh.id);
      // Deltas the pacing holds belong to the old copy and go nowhere: its boards reconnect.
      const box = outboxes.get(fresh.id);
      if (box?.timer) clearTimeout(box.timer);
      outboxes.delete(fresh.id);
      for (const ws of boards.get(fresh.id)?.keys() ?? []) ws.close(CloseCode.serverShutdown, why);
      for (const ws of judges.get(fresh.id)?.keys() ?? []) ws.close(CloseCode.serverShutdown, why);
    };
    /**
     * An official changed on another instance: his row is read again, and his open tablets and
     * staff boards here reconnect, so a revoked or replaced login ends on every instance and
     * new sheets reach his tablets.
     */
    const refreshOfficial = async (competitionId: number, officialId: number | null) => {
      registry.officialsVersion++;
      const live = [...bySlug.values()].find((l) => l.id === competitionId);
      if (!live) return;
      const before = officialRows.get(competitionId) ?? new Map<number, OfficialRow>();
      const now = await officialsById(app.store, competitionId);
      officialRows.set(competitionId, now);
      live.setOfficials(now.values());
      registry.officialsVersion++;
      // Every official named, or (after a resync) every one whose login or sheets changed.
      const changed = (id: number) => {
        if (officialId !== null) return id === officialId;
        const [a, b] = [before.get(id), now.get(id)];
        return (
          !a ||
          !b ||
          a.revoked !== b.revoked ||
          a.tokenHash !== b.tokenHash ||
          a.sheetsJson !== b.sheetsJson ||
          a.recordsJson !== b.recordsJson
        );
      };
      for (const [ws, id] of judges.get(competitionId) ?? [])
        if (changed(id)) ws.close(CloseCode.serverShutdown, 'official changed');
      for (const [ws, client] of boards.get(competitionId) ?? [])
        if (client.officialId !== undefined && changed(client.officialId))
          ws.close(CloseCode.serverShutdown, 'official changed');
    };
    let follower: RevisionFollower | null = null;
    const writer = new MarkWriter(
      app.store.markLog,
      (l, d, row) => {
        publish(l, d);
        tellJudges(l, row);
      },
      { onStale: (id) => void follower?.follow(id) },
    );
    const registry: Live = {
      get: (slug) => bySlug.get(slug),
      byId: (id) => [...bySlug.values()].find((l) => l.id === id),
      all: () => [...bySlug.values()],
      load,
      replace,
      writer,
      officialsVersion: 0,
      boards,
      judges,
      pending,
      publish,
      viewSnapshot: (live, n) => {
        const v = viewState(live, n);
        return live.viewSnapshot(v.rows, v.revision, n);
      },
      watch,
      counts: () => ({
        judges: [...judges.values()].reduce((n, m) => n + m.size, 0),
        boards: [...boards.values()].reduce((n, m) => n + m.size, 0),
        pending: pending.size,
      }),
    };
    app.decorate('live', registry);
    if (opts.databaseUrl) {
      // Several instances share the database: marks committed elsewhere are applied in order,
      // any other change rebuilds the competition (services/revision-follower.ts).
      follower = new RevisionFollower(
        () => bySlug.values(),
        writer,
        {
          readAfter: (id, revision) => readMarksAfter(app.store, id, revision),
          reload: async (stale) => (await read(stale.slug)) ?? stale,
        },
        (fresh) => replace(fresh, 'changed on another instance'),
      );
      // A change refused because this copy was out of date (services/course.ts): rebuild it.
      app.addHook('onError', async (_req, _reply, err) => {
        if (err instanceof StaleCompetitionError) void follower?.follow(err.competitionId);
      });
      const following = follower;
      const hints = new RevisionHints(opts.databaseUrl, {
        onHint: (hint) => following.onHint(hint),
        onResync: () => {
          following.onResync();
          // An official's hint sent while the listener was away is not sent again.
          for (const live of bySlug.values()) void refreshOfficial(live.id, null).catch(() => {});
        },
        onOfficial: (hint) => {
          if (hint.origin !== app.store.instance)
            void refreshOfficial(hint.competitionId, hint.officialId).catch(() => {});
        },
        onCompetition: (hint) => {
          if (hint.origin !== app.store.instance && !bySlug.has(hint.slug))
            void load(hint.slug).catch(() => {});
        },
        onLoginFailure: (hint) => {
          if (hint.origin !== app.store.instance)
            app.loginGuard.failedElsewhere(hint.address, hint.at);
        },
      });
      await hints.start();
      app.addHook('onClose', () => hints.stop());
    }
    app.addHook('preClose', async () => {
      clearInterval(sweep);
      await registry.writer.flush();
      // What the boards have not been sent yet goes before the sockets close: the last marks'
      // deltas, the frames the pacing held, the chunks still to write.
      registry.writer.publishDeferred();
      for (const l of bySlug.values()) flush(l, true);
      for (const queue of fanOuts.values()) queue.drain();
      const all = [
        ...[...boards.values()].flatMap((m) => [...m.keys()]),
        ...[...judges.values()].flatMap((m) => [...m.keys()]),
        ...registry.pending,
      ];
      for (const ws of all) ws.close(4009, 'server shutting down');
    });
  },
  { name: 'live', dependencies: ['db'] },
);
