import '../web/base.css';
import type { BoardServerMessage, CompetitionSummary } from '#protocol';
import { mount } from 'svelte';
import { CloseCode } from '../server/protocol/constants.ts';
import { LiveSocket } from '../web/live-socket.ts';
import App from './App.svelte';
import { BoardState } from './board-state.svelte.ts';
import { DICTS, type Lang } from './i18n.ts';
import { positiveParam, ROWS_PER_PAGE } from './paging.ts';

/** Wait between attempts to learn the competition when the server is not reachable yet. */
const LIST_RETRY_MS = 2_000;

/**
 * The projector board: learns the competition (`?competition=` or the first one the server
 * lists), then follows `/ws/board` — a snapshot first, then deltas in revision order. On a
 * reconnect it asks only for what came after the last applied revision.
 * Query: `lang=en`, `page=N` (pin page N), `rows=N` (rows per page below the podium).
 */
async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const lang: Lang = params.get('lang') === 'en' ? 'en' : 'zh';
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  const board = new BoardState();

  mount(App, {
    target: document.getElementById('app')!,
    props: {
      board,
      lang,
      pinnedPage: positiveParam(params, 'page'),
      rowsPerPage: positiveParam(params, 'rows') ?? ROWS_PER_PAGE,
    },
  });

  const slug = params.get('competition') ?? (await firstCompetition());

  /**
   * Frames are applied in batches, once per animation frame: a burst (catching up after a
   * network cut, a whole panel submitting at once) renders once instead of once per mark.
   */
  const inbox: BoardServerMessage[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const msg of inbox.splice(0)) {
      if (msg.type === 'board.snapshot') board.applySnapshot(msg);
      else if (msg.type === 'board.delta') {
        const r = board.applyDelta(msg);
        if (!r.ok && r.error === 'board/gap') {
          // A missed revision: drop what is queued and resume from the last one applied (the
          // server answers with the missing deltas, or a snapshot when it no longer holds them).
          inbox.length = 0;
          socket.reconnectNow();
          return;
        }
      }
    }
  };
  const socket: LiveSocket<BoardServerMessage> = new LiveSocket<BoardServerMessage>({
    path: () => {
      const q = new URLSearchParams({ competition: slug });
      if (board.revision !== null) q.set('since', String(board.revision));
      return `/ws/board?${q}`;
    },
    onMessage: (msg) => {
      inbox.push(msg);
      if (scheduled) return;
      scheduled = true;
      // A hidden page gets no animation frames; it must still keep up.
      if (document.hidden) setTimeout(flush, 50);
      else requestAnimationFrame(flush);
    },
    onState: (state) => board.setLink(state),
    fatalCodes: [CloseCode.notFound],
    onFatal: () => board.fail(DICTS[lang].notFound(slug)),
  });
  // The OS knows about a dropped network before a silent socket does: drop the link at once
  // (the badge tells the hall) and start again from the shortest backoff when it returns.
  addEventListener('offline', () => socket.reconnectNow());
  addEventListener('online', () => socket.reconnectNow());
}

/** Slug of the first competition the server lists; retries until the server answers. */
async function firstCompetition(): Promise<string> {
  for (;;) {
    try {
      const res = await fetch('/api/competitions', { cache: 'no-store' });
      if (res.ok) {
        const body = (await res.json()) as { competitions: CompetitionSummary[] };
        const first = body.competitions[0];
        if (first) return first.slug;
      }
    } catch {
      // Not reachable yet (venue Wi-Fi); try again.
    }
    await new Promise((r) => setTimeout(r, LIST_RETRY_MS));
  }
}

void main();
