import type { BoardServerMessage } from '#protocol';
import { CloseCode } from '../server/protocol/constants.ts';
import { boardSocketPath, BoardSync } from '../web/board-sync.ts';
import { LiveSocket } from '../web/live-socket.ts';
import type { StaffBoard } from './staff-board.svelte.ts';

/**
 * Decides which frames of one connection of the board socket belong to the staff view.
 *
 * Without `since`, the server opens every connection with the public snapshot, may send public
 * deltas while our `board.hello` is on its way, and answers the hello with the staff snapshot,
 * marked `staff: true`; from then on it sends this socket staff deltas only. So everything
 * before the staff snapshot is the public view (frozen, masked) and is dropped.
 *
 * The console never reconnects with `since`: the hello is answered with a whole staff snapshot
 * anyway, and the deltas a `since` brings back would be the public ones.
 */
export class StaffGate {
  #staff = false;

  /** A new connection: the next frames are public again until the staff snapshot. */
  reset(): void {
    this.#staff = false;
  }

  /** True when the frame is part of the staff view and should be applied. */
  admit(msg: { type: string; staff?: boolean }): boolean {
    if (!this.#staff && msg.type === 'board.snapshot' && msg.staff === true) this.#staff = true;
    return this.#staff;
  }
}

/**
 * Opens the staff board socket for a signed-in console and feeds `board` through the board-sync
 * core (web/board-sync.ts: batched frames; a gap starts again from a fresh staff snapshot).
 * Returns a function that closes the socket.
 */
export function openFeed(opts: {
  board: StaffBoard;
  slug: string;
  token: string;
  /** The server refused the login (token revoked or rotated): sign out. */
  onAuthFailed: () => void;
  /** The server speaks another protocol version than this page was built for: reload. */
  onOutdated: () => void;
}): () => void {
  const { board, slug, token } = opts;
  const gate = new StaffGate();
  const sync = new BoardSync(board, {
    resync: () => socket.reconnectNow(),
    admit: (msg) => gate.admit(msg),
  });

  const socket: LiveSocket<BoardServerMessage> = new LiveSocket<BoardServerMessage>({
    path: () => boardSocketPath(slug),
    onOpen: (send) => {
      gate.reset();
      sync.connected();
      send({ type: 'board.hello', token });
    },
    onMessage: (msg) => sync.receive(msg),
    onState: (state) => board.setLink(state),
    fatalCodes: [CloseCode.authFailed, CloseCode.notFound, CloseCode.protocolMismatch],
    onFatal: (code) =>
      code === CloseCode.protocolMismatch ? opts.onOutdated() : opts.onAuthFailed(),
  });
  // The socket follows online/offline itself (web/live-socket.ts).
  return () => socket.close();
}
