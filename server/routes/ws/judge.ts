import {
  ClientId,
  CloseCode,
  formatIssues,
  JudgeClientMessage,
  PROTOCOL_VERSION,
  type JudgeServerMessage,
  type JudgeWelcome,
} from '#protocol';
import type { FastifyPluginAsync } from 'fastify';
import { errorText } from '../../protocol/messages.ts';
import { checkOrigin } from '../../plugins/origin.ts';
import { identify, identifyShortCode } from '../../plugins/auth.ts';
import type { JudgeIdentity } from '../../services/mark-writer.ts';
import type { LiveCompetition } from '../../services/live-competition.ts';
import { JUDGE_FRAMES, TokenBucket } from '../../services/flood-guard.ts';

/** A judge must say hello within this time, or the socket is closed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Malformed frames tolerated on one connection before it is closed. */
export const MAX_BAD_FRAMES = 20;

/**
 * `GET /ws/judge` — the judge tablet's socket. First frame: `judge.hello` with the token (a
 * full login token, a session token, or the short code typed on the tablet);
 * then `mark.submit` frames, each answered by `mark.ack` (after the commit) or `mark.reject`.
 * Every frame is parsed by zod; a bad one gets an `error` frame and changes nothing.
 */
const routes: FastifyPluginAsync = async (app) => {
  // Failed hellos share the server's one failed-login budget with the HTTP logins.
  const logins = app.loginGuard;
  /**
   * Tells every device of an official how many are logged in with his login now, so a judge
   * scoring on two tablets knows (the other one's marks are not his stale writes).
   */
  const tellSessions = (competitionId: number, officialId: number) => {
    const mine = [...(app.live.judges.get(competitionId) ?? [])].filter(
      ([ws, id]) => id === officialId && ws.readyState === ws.OPEN,
    );
    const frame = JSON.stringify({ type: 'judge.sessions', count: mine.length });
    for (const [ws] of mine) ws.send(frame);
  };
  app.get('/ws/judge', { websocket: true, preValidation: checkOrigin }, (socket, req) => {
    const frames = new TokenBucket(JUDGE_FRAMES.perSecond, JUDGE_FRAMES.burst, Date.now());
    let judge: JudgeIdentity | null = null;
    let live: LiveCompetition | undefined;
    let badFrames = 0;
    /** The hello being checked: writes sent right behind it wait for its answer. */
    let hello: Promise<void> | null = null;
    const send = (m: JudgeServerMessage) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(m));
    };
    const helloTimer = setTimeout(
      () => socket.close(CloseCode.authFailed, 'no hello'),
      HELLO_TIMEOUT_MS,
    );
    app.live.pending.add(socket);
    app.live.watch(socket);
    socket.on('close', () => {
      clearTimeout(helloTimer);
      app.live.pending.delete(socket);
      if (judge) {
        app.live.judges.get(judge.competitionId)?.delete(socket);
        tellSessions(judge.competitionId, judge.officialId);
      }
    });

    socket.on('message', async (data, isBinary) => {
      if (!frames.take(Date.now())) {
        // A refused write is answered by its client id, so the tablet keeps it and resends.
        const id = /"clientId"\s*:\s*"([A-Za-z0-9_-]{8,64})"/.exec(
          data.toString().slice(0, 2000),
        )?.[1];
        const message = errorText('rate/limited', {}, 'zh');
        const refusal = { code: 'rate/limited', params: {}, message } as const;
        if (id) send({ type: 'mark.reject', clientId: id, ...refusal });
        else send({ type: 'error', ...refusal });
        if (++badFrames > MAX_BAD_FRAMES) socket.close(CloseCode.rateLimited, 'message flood');
        return;
      }
      let parsed: JudgeClientMessage;
      let raw: unknown = null;
      try {
        if (isBinary) throw new Error('binary frame');
        raw = JSON.parse(data.toString());
        const r = JudgeClientMessage.safeParse(raw);
        if (!r.success) throw new Error(formatIssues(r.error.issues, { root: 'frame' }));
        parsed = r.data;
      } catch (err) {
        // The text a person reads stops at 500 characters, and so does what it quotes.
        const message = errorText(
          'protocol/bad_frame',
          { detail: (err as Error).message },
          'zh',
        ).slice(0, 500);
        const params = { detail: (err as Error).message.slice(0, 500) };
        // A write the tablet can match by its client id gets a reject it can show beside the mark.
        const clientId = (raw as { clientId?: unknown } | null)?.clientId;
        if (typeof clientId === 'string' && ClientId.safeParse(clientId).success)
          send({ type: 'mark.reject', clientId, code: 'mark/bad_frame', params, message });
        else send({ type: 'error', code: 'protocol/bad_frame', params, message });
        if (++badFrames > MAX_BAD_FRAMES)
          socket.close(CloseCode.tooManyErrors, 'too many bad frames');
        return;
      }
      switch (parsed.type) {
        case 'ping':
          send({ type: 'pong', t: parsed.t });
          return;
        case 'judge.hello': {
          if (parsed.protocol !== PROTOCOL_VERSION) {
            socket.close(CloseCode.protocolMismatch, `protocol ${PROTOCOL_VERSION} required`);
            return;
          }
          // Writes sent right behind the hello wait until it is answered (`hello`).
          let answered!: () => void;
          hello = new Promise((resolve) => (answered = resolve));
          // A full token, a session, or the short code a judge typed on the tablet, checked
          // against the one failed-login budget (flood-guard.ts `LoginGuard.check`).
          const token = parsed.token;
          const check = await logins
            .check(req.ip, async () => {
              // An official changed while his login was being checked (a token revoked or
              // replaced): check again, so no socket is let in on a login that ended meanwhile.
              let found: JudgeIdentity | null = null;
              for (let version = -1; version !== app.live.officialsVersion;) {
                version = app.live.officialsVersion;
                found = (await identify(app, token)) ?? (await identifyShortCode(app, token));
              }
              const of = found && app.live.byId(found.competitionId);
              return found && of ? { who: found, live: of } : null;
            })
            .catch(() => null);
          if (!check) {
            // The database could not answer (PostgreSQL restarting): the tablet reconnects.
            answered();
            socket.close(1011, 'login check failed; reconnect');
            return;
          }
          if (check.status !== 'ok') {
            answered();
            const code = check.status === 'wait' ? 'auth/rate_limited' : 'auth/unknown_token';
            send({ type: 'error', code, params: {}, message: errorText(code, {}, 'zh') });
            if (check.status === 'wait')
              socket.close(CloseCode.rateLimited, 'too many failed logins');
            else socket.close(CloseCode.authFailed, 'unknown token');
            return;
          }
          const who = check.who.who;
          live = check.who.live;
          clearTimeout(helloTimer);
          judge = who;
          app.live.pending.delete(socket);
          let set = app.live.judges.get(who.competitionId);
          if (!set) app.live.judges.set(who.competitionId, (set = new Map()));
          set.set(socket, who.officialId);
          answered();
          const welcome: JudgeWelcome = {
            type: 'judge.welcome',
            protocol: PROTOCOL_VERSION,
            judge: {
              id: judge.officialId,
              code: judge.code,
              name: judge.name,
              role: judge.role,
              sheets: [...judge.sheets],
              records: Object.keys(live.recorders).filter(
                (id) => live!.recorderOf(id) === who.officialId,
              ),
            },
            competition: live.summary,
            scheme: live.index.scheme,
            contestants: [...live.contestants.values()].sort((a, b) => a.drawOrder - b.drawOrder),
            marks: live.linesOf(judge.officialId, judge.sheets),
            lockedStations: live.lockedStations,
            recorders: live.recorders,
            measurements: live.panelMeasurements(judge.officialId, judge.sheets),
            voided: live.voidsOf(judge.officialId),
            rescores: live.pendingRescores(judge.officialId, judge.sheets),
          };
          send(welcome);
          tellSessions(who.competitionId, who.officialId);
          return;
        }
        case 'mark.submit':
        case 'mark.void':
        case 'attempt.rerun': {
          if (hello) await hello;
          if (!judge || !live) {
            send({
              type: 'mark.reject',
              clientId: parsed.clientId,
              code: 'auth/required',
              params: {},
              message: errorText('auth/required', {}, 'zh'),
            });
            return;
          }
          send(await app.live.writer.submit(judge, live, parsed));
          return;
        }
      }
    });
  });
};
export default routes;
