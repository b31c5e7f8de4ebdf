import { BoardQuery, CloseCode } from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { identify } from '../../plugins/auth.ts';
import { checkOrigin } from '../../plugins/origin.ts';
import type { BoardClient } from '../../plugins/live.ts';

const BoardClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), t: z.number().optional() }),
  z.object({ type: z.literal('board.hello'), token: z.string().max(200) }),
]);

/**
 * `GET /ws/board?competition=SLUG&since=REV` — the board socket, read-only.
 * On open: the deltas after `since` when the server still holds them and the public may see
 * them (while live), otherwise a snapshot; then every delta as it is committed. A public board
 * never receives what the course hides (frozen marks, unrevealed rows) nor full names when
 * masked. A staff board (console) sends `board.hello` with an organiser or head-judge token
 * and then sees everything live. Clients may send `ping`; nothing a board sends changes state.
 */
const routes: FastifyPluginAsync = async (app) => {
  app.get('/ws/board', { websocket: true, preValidation: checkOrigin }, (socket, req) => {
    const q = BoardQuery.safeParse(req.query);
    const live = q.success ? app.live.get(q.data.competition) : undefined;
    if (!q.success || !live) {
      socket.close(CloseCode.notFound, 'competition not found');
      return;
    }
    app.live.watch(socket);
    const client: BoardClient = { staff: false, revision: 0 };
    const missed =
      q.data.since === undefined || live.row.state !== 'live'
        ? null
        : live.deltasSince(q.data.since);
    // Replay, then subscribe: the board has everything up to `client.revision`, and live frames
    // skip what it has, so no revision reaches it twice.
    if (missed) {
      for (const d of missed) socket.send(JSON.stringify(live.publicDelta(d)));
      client.revision = missed.at(-1)?.revision ?? q.data.since!;
    } else {
      const snapshot = live.publicSnapshot();
      socket.send(JSON.stringify(snapshot));
      client.revision = live.revision;
    }
    let set = app.live.boards.get(live.id);
    if (!set) app.live.boards.set(live.id, (set = new Map()));
    set.set(socket, client);
    socket.on('message', (data) => {
      const r =
        data.toString().length < 1000
          ? BoardClientMessage.safeParse(safeJson(data.toString()))
          : null;
      if (!r?.success) {
        socket.send(
          JSON.stringify({ type: 'error', code: 'board/read_only', message: '大屏连接是只读的' }),
        );
        return;
      }
      if (r.data.type === 'ping') socket.send(JSON.stringify({ type: 'pong', t: r.data.t }));
      else {
        const who = identify(app, r.data.token);
        if (!who || who.competitionId !== live.id || who.role === 'judge') {
          socket.close(CloseCode.authFailed, 'staff login refused');
          return;
        }
        client.staff = true;
        client.officialId = who.officialId;
        client.revision = live.revision;
        socket.send(JSON.stringify({ ...live.snapshot(), staff: true }));
      }
    });
    socket.on('close', () => set.delete(socket));
  });
};

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export default routes;
