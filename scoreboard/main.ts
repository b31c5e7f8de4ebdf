import '../web/base.css';
import './awards.css';
import type {
  BoardServerMessage,
  CompetitionSummary,
  CompetitionsResponse,
  FestivalSummary,
} from '#protocol';
import { mount } from 'svelte';
import { CloseCode } from '../server/protocol/constants.ts';
import { boardSocketPath, BoardSync } from '../web/board-sync.ts';
import { LiveSocket } from '../web/live-socket.ts';
import App from './App.svelte';
import { BoardState } from './board-state.svelte.ts';
import { BoardSet } from './board-set.svelte.ts';
import { htmlLang, parseLocale, textLang, type Lang } from '../web/i18n.ts';
import { altDict, DICTS } from './i18n.ts';
import { PHONE_QUERY, PHONE_ROWS, positiveParam, ROWS_PER_PAGE } from './paging.ts';
import { isRotation, parseRotation, ROTATION_SECONDS, rotationSlugs } from './rotation.ts';
import { isLoopback } from '../web/qr/loopback.ts';
import { shareUrl } from './share.ts';

/** Wait between attempts to learn the competition (or festival) when the server is not reachable yet. */
const LIST_RETRY_MS = 2_000;

/**
 * The public board (projector and phones). It follows one competition (`?competition=`, or the
 * first one the server lists) or, as a rotation, several: `?festival=SLUG` (the festival's
 * board list and seconds from `GET /api/festivals/SLUG`), `?show=a,b` and `?seconds=N` (which
 * override them; `?competition=` then names the one it starts on). Every competition followed
 * has its own socket and BoardState (see {@link follow}), so a turn of the rotation is instant
 * and no mark is missed while another competition is on screen.
 * Query: `lang=en|both`, `page=N` (pin page N), `rows=N` (rows per page below the podium),
 * `share=URL` (the address the QR code gives phones, e.g. the server's LAN address).
 */
async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const locale = parseLocale(location.search);
  const lang = textLang(locale);
  document.documentElement.lang = htmlLang(lang);
  const query = parseRotation(params);
  const set = new BoardSet(isRotation(query));
  const share = await shareAddress(params.get('share'));

  mount(App, {
    target: document.getElementById('app')!,
    props: {
      set,
      lang,
      t: DICTS[lang],
      alt: altDict(locale),
      pinnedPage: positiveParam(params, 'page'),
      rowsPerPage: positiveParam(params, 'rows') ?? ROWS_PER_PAGE,
      share,
      shareLoopback: share !== null && isLoopback(share),
    },
  });

  // The competitions the server lists say whether the festival has more than this one to
  // place it among (a contest of one shows no "公开组 · 决赛").
  const listed = listCompetitions().then((list) => {
    set.know(list.map((c) => c.placement));
    return list;
  });
  if (!set.rotating) {
    const board = new BoardState();
    set.show([{ slug: query.start ?? '', board }]);
    follow(query.start ?? (await firstCompetition(listed, set)), board, lang);
    return;
  }
  const festival = query.festival ? await loadFestival(query.festival) : null;
  if (query.festival && !festival) {
    set.fail(DICTS[lang].festivalNotFound(query.festival));
    return;
  }
  const followed = rotationSlugs(festival, query.show).map((slug) => {
    const board = new BoardState();
    follow(slug, board, lang);
    return { slug, board };
  });
  set.show(followed, {
    seconds: query.seconds ?? festival?.board.seconds ?? ROTATION_SECONDS,
    start: query.start,
    festival,
  });
}

/**
 * Follows one competition into `board` over `/ws/board` through the board-sync core
 * (web/board-sync.ts): a snapshot first, then deltas in revision order. After a plain drop it
 * asks only for what came after the last applied revision; after a gap, or when it needs the
 * whole public view again (see `BoardState.applyDelta`'s `resync`), for a snapshot.
 */
function follow(slug: string, board: BoardState, lang: Lang): LiveSocket<BoardServerMessage> {
  // Frames are applied in batches (a burst after a network cut renders once); a missed
  // revision, or a public view that changed as a whole, starts again from a snapshot.
  const sync = new BoardSync(board, { resync: () => socket.reconnectNow() });
  /** The view the connection asked for in its URL. */
  let asked: number | null = null;
  // A phone follows only its top rows from its first frame (App.svelte keeps it up to date).
  board.want(matchMedia(PHONE_QUERY).matches ? PHONE_ROWS : null);
  const socket: LiveSocket<BoardServerMessage> = new LiveSocket<BoardServerMessage>({
    // After a plain drop the server sends only what came after our revision (or a snapshot
    // when it no longer holds it); after a gap, during the reveal, or for a view of the top
    // rows, a snapshot.
    path: () => boardSocketPath(slug, sync.resumeFrom(), (asked = board.wanted)),
    onOpen: () => {
      sync.connected();
      // The page asked for another view while this connection was opening.
      if (board.wanted !== asked) socket.send({ type: 'board.view', rows: board.wanted });
    },
    onMessage: (msg) => sync.receive(msg),
    onState: (state) => board.setLink(state),
    fatalCodes: [CloseCode.notFound, CloseCode.protocolMismatch],
    onFatal: (code) =>
      board.fail(
        code === CloseCode.protocolMismatch ? DICTS[lang].reload : DICTS[lang].notFound(slug),
      ),
  });
  // A phone that asks for more rows (or turns into a projector) says so on the open socket;
  // the answer is a snapshot of the new view. Closed: the next connection asks in its URL.
  board.onWant = (rows) => socket.send({ type: 'board.view', rows });
  // The socket itself drops the link at once when the OS says the network is gone (the badge
  // tells the hall) and connects as soon as it returns.
  return socket;
}

/** How long the board waits for the server's LAN address before showing its own. */
const SERVER_INFO_MS = 1_500;

/**
 * The address the QR code gives phones: `?share=` when given; else this page's own, unless
 * it is this machine's loopback (the projector is often the server laptop itself), in which
 * case the server's first LAN address from `GET /api/server-info` (`{lanUrls: string[]}`),
 * when the server offers it; else the loopback address, flagged on screen for the operator.
 */
async function shareAddress(param: string | null): Promise<string | null> {
  const page = new URL(location.href);
  if (param) return shareUrl(page, param);
  const own = shareUrl(page);
  if (!own || !isLoopback(own)) return own;
  try {
    const res = await fetch('/api/server-info', {
      cache: 'no-store',
      signal: AbortSignal.timeout(SERVER_INFO_MS),
    });
    if (res.ok) {
      const body = (await res.json()) as { lanUrls?: unknown };
      const lan = Array.isArray(body.lanUrls)
        ? body.lanUrls.find((u) => typeof u === 'string')
        : null;
      if (typeof lan === 'string') return shareUrl(page, lan) ?? own;
    }
  } catch {
    // Not offered (or not reachable yet): show our own address.
  }
  return own;
}

/** The competitions the server lists (`GET /api/competitions`); retries until the server answers. */
async function listCompetitions(): Promise<CompetitionSummary[]> {
  for (;;) {
    try {
      const res = await fetch('/api/competitions', { cache: 'no-store' });
      if (res.ok) return ((await res.json()) as CompetitionsResponse).competitions;
    } catch {
      // Not reachable yet (venue Wi-Fi); try again.
    }
    await new Promise((r) => setTimeout(r, LIST_RETRY_MS));
  }
}

/** Slug of the first competition the server lists (`listed`, asked again until there is one). */
async function firstCompetition(
  listed: Promise<CompetitionSummary[]>,
  set: BoardSet,
): Promise<string> {
  let list = await listed;
  while (!list[0]) {
    await new Promise((r) => setTimeout(r, LIST_RETRY_MS));
    list = await listCompetitions();
    set.know(list.map((c) => c.placement));
  }
  return list[0].slug;
}

/**
 * The festival of a rotation board (`GET /api/festivals/:slug`); null when the server does not
 * know it (404). Retries until the server answers.
 */
async function loadFestival(slug: string): Promise<FestivalSummary | null> {
  for (;;) {
    try {
      const res = await fetch(`/api/festivals/${encodeURIComponent(slug)}`, { cache: 'no-store' });
      if (res.ok) return (await res.json()) as FestivalSummary;
      if (res.status === 404) return null;
    } catch {
      // Not reachable yet (venue Wi-Fi); try again.
    }
    await new Promise((r) => setTimeout(r, LIST_RETRY_MS));
  }
}

void main();
