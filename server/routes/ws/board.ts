import { BoardClientMessage, BoardQuery, CloseCode, PROTOCOL_VERSION } from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import { resumesWithDeltas } from '../../engine/public-view.ts';
import { viewSize } from '../../engine/view.ts';
import { checkBearer } from '../../plugins/auth.ts';
import { checkOrigin } from '../../plugins/origin.ts';
import {
  BOARD_FRAMES,
  BOARD_SOCKETS_PER_ADDRESS,
  MAX_BOARD_BAD_FRAMES,
  MAX_BOARD_FRAME_BYTES,
  TokenBucket,
} from '../../services/flood-guard.ts';
import type { BoardClient } from '../../plugins/live.ts';
import { errorText } from '../../protocol/messages.ts';

/** The one answer to a frame a board may not send: a code, no parameters, its Chinese text. */
const READ_ONLY = JSON.stringify({
  type: 'error',
  code: 'board/read_only',
  params: {},
  message: errorText('board/read_only', {}, 'zh'),
});

/**
 * `GET /ws/board?competition=SLUG&protocol=VERSION&since=REV` — the board socket, read-only.
 * A page built for another protocol version is closed with `CloseCode.protocolMismatch` before
 * anything is sent (protocol/board.ts `BoardQuery`).
 * On open: the deltas after `since` when the server still holds them and the public may see
 * them (while live), otherwise a snapshot; then every delta as it is committed. A public board
 * never receives what the course hides (frozen marks, unrevealed rows) nor full names when
 * masked. A public board that asks for a view (`view=N` in the URL, or `board.view` later: a
 * phone's top rows) is sent, while live, only those top rows and then only what changes among
 * them (engine/view.ts); it always opens with a snapshot. A staff board (console) sends
 * `board.hello` with an organiser or head-judge token and then sees everything live. Clients
 * may send `ping`; nothing a board sends changes state.
 */
const routes: FastifyPluginAsync<{
  boardSocketsPerAddress?: number;
  countLoopback?: boolean;
}> = async (app, opts) => {
  const perAddress = new Map<string, number>();
  const cap = opts.boardSocketsPerAddress ?? BOARD_SOCKETS_PER_ADDRESS;
  app.get('/ws/board', { websocket: true, preValidation: checkOrigin }, (socket, req) => {
    // Anonymous means hostile: one address cannot hold the server's sockets, and a board that
    // floods or sends junk is closed before it costs the judges anything.
    const address = req.ip;
    const counted = opts.countLoopback || !isLoopback(address);
    if (counted) {
      const open = perAddress.get(address) ?? 0;
      if (open >= cap) {
        socket.close(CloseCode.rateLimited, 'too many boards from this address');
        return;
      }
      perAddress.set(address, open + 1);
      socket.on('close', () => {
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    }
    const q = BoardQuery.safeParse(req.query);
    if (q.success && q.data.protocol !== undefined && q.data.protocol !== PROTOCOL_VERSION) {
      socket.close(CloseCode.protocolMismatch, `protocol ${PROTOCOL_VERSION} required`);
      return;
    }
    const live = q.success ? app.live.get(q.data.competition) : undefined;
    if (!q.success || !live) {
      socket.close(CloseCode.notFound, 'competition not found');
      return;
    }
    const frames = new TokenBucket(BOARD_FRAMES.perSecond, BOARD_FRAMES.burst, Date.now());
    let badFrames = 0;
    app.live.watch(socket);
    const client: BoardClient = { staff: false, revision: 0, view: viewSize(q.data.view) };
    /** The public view now: a view's top rows while live, else everything the public may see. */
    const publicSnapshot = () =>
      client.view !== null && resumesWithDeltas(live.row.state)
        ? app.live.viewSnapshot(live, client.view)
        : live.publicSnapshot();
    // A board with a view holds only its top rows; deltas from `since` cannot complete them.
    const missed =
      q.data.since === undefined || !resumesWithDeltas(live.row.state) || client.view !== null
        ? null
        : live.deltasSince(q.data.since);
    // Replay, then subscribe: the board has everything up to `client.revision`, and live frames
    // skip what it has, so no revision reaches it twice.
    if (missed) {
      for (const d of missed) socket.send(JSON.stringify(live.publicDelta(d)));
      client.revision = missed.at(-1)?.revision ?? q.data.since!;
    } else {
      const snapshot = publicSnapshot();
      socket.send(JSON.stringify(snapshot));
      client.revision = snapshot.revision;
    }
    let set = app.live.boards.get(live.id);
    if (!set) app.live.boards.set(live.id, (set = new Map()));
    set.set(socket, client);
    socket.on('message', async (data: Buffer, isBinary: boolean) => {
      if (!frames.take(Date.now())) {
        socket.close(CloseCode.rateLimited, 'message flood');
        return;
      }
      const r =
        !isBinary && data.length <= MAX_BOARD_FRAME_BYTES
          ? BoardClientMessage.safeParse(safeJson(data.toString()))
          : null;
      if (!r?.success) {
        if (++badFrames > MAX_BOARD_BAD_FRAMES) {
          socket.close(CloseCode.tooManyErrors, 'too many bad frames');
          return;
        }
        socket.send(READ_ONLY);
        return;
      }
      if (r.data.type === 'ping') socket.send(JSON.stringify({ type: 'pong', t: r.data.t }));
      else if (r.data.type === 'board.view') {
        // A staff board sees every row; a public one gets its new view from a fresh snapshot.
        if (client.staff) return;
        client.view = viewSize(r.data.rows);
        const snapshot = publicSnapshot();
        socket.send(JSON.stringify(snapshot));
        client.revision = snapshot.revision;
      } else {
        // The same failed-auth budget as every other credential path (plugins/auth.ts).
        // A database that cannot answer (PostgreSQL restarting) ends the socket, which reconnects.
        const c = await checkBearer(app, `Bearer ${r.data.token}`, address).catch(() => null);
        if (!c) {
          socket.close(1011, 'login check failed; reconnect');
          return;
        }
        if (c.status === 'wait') {
          socket.close(CloseCode.rateLimited, 'too many failed logins');
          return;
        }
        const who = c.status === 'ok' ? c.who : null;
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

/** Whether an address is this machine's own (127.0.0.0/8, ::1, IPv4-mapped loopback). */
export function isLoopback(address: string): boolean {
  return /^(127\.|::ffff:127\.)/.test(address) || address === '::1';
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export default routes;
