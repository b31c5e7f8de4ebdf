import { BoardQuery, CloseCode } from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import { checkOrigin } from '../../plugins/origin.ts';

/**
 * `GET /ws/board?competition=SLUG&since=REV` — read-only board socket.
 * On open: the deltas after `since` when the server still holds them, otherwise a snapshot;
 * then every delta as it is committed. Clients may send `{"type":"ping"}`; anything else is
 * ignored. See docs/protocol.md.
 */
const routes: FastifyPluginAsync = async (app) => {
  app.get('/ws/board', { websocket: true, preValidation: checkOrigin }, (socket, req) => {
    const q = BoardQuery.safeParse(req.query);
    const live = q.success ? app.live.get(q.data.competition) : undefined;
    if (!q.success || !live) {
      socket.close(CloseCode.notFound, 'competition not found');
      return;
    }
    const missed = q.data.since === undefined ? null : live.deltasSince(q.data.since);
    if (missed) for (const d of missed) socket.send(JSON.stringify(d));
    else socket.send(JSON.stringify(live.snapshot()));
    let set = app.live.boards.get(live.id);
    if (!set) app.live.boards.set(live.id, (set = new Set()));
    set.add(socket);
    socket.on('message', (data) => {
      if (data.toString().length < 200 && data.toString().includes('"ping"'))
        socket.send('{"type":"pong"}');
    });
    socket.on('close', () => set.delete(socket));
  });
};
export default routes;
