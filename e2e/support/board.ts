import type { Page } from 'playwright-core';
import type { BoardServerMessage } from '../../server/protocol/index.ts';

/** One row as the board draws it, in screen order. */
export interface ShownRow {
  bib: string | undefined;
  rank: string | undefined;
  total: string | undefined;
}

/**
 * The public board's page (scoreboard/), with every board frame it received (pongs left out:
 * they say nothing about standings) and every URL it requested. Made before `goto`, so nothing
 * is missed.
 */
export class BoardPage {
  readonly frames: string[] = [];
  readonly requests: string[] = [];
  readonly sockets: string[] = [];

  constructor(readonly page: Page) {
    page.on('request', (r) => this.requests.push(r.url()));
    page.on('websocket', (ws) => {
      this.sockets.push(ws.url());
      if (!ws.url().includes('/ws/board')) return;
      ws.on('framereceived', (f) => {
        const text = String(f.payload);
        if (!text.includes('"type":"pong"')) this.frames.push(text);
      });
    });
  }

  /** Opens `/scoreboard/<query>` and waits until its socket is open. */
  async open(server: string, query = ''): Promise<this> {
    await this.page.goto(`${server}/scoreboard/${query}`);
    await this.page.waitForSelector('[data-testid="live-status"][data-state="open"]');
    return this;
  }

  /** The frames received since index `from`, parsed. */
  messagesSince(from: number): BoardServerMessage[] {
    return this.frames.slice(from).map((f) => JSON.parse(f) as BoardServerMessage);
  }

  /** What the board shows, row by row in screen order. */
  rows(): Promise<ShownRow[]> {
    return this.page.$$eval('[data-testid="board-row"]', (els) =>
      els.map((e) => ({
        bib: (e as HTMLElement).dataset.bib,
        rank: (e as HTMLElement).dataset.rank,
        total: (e.querySelector('[data-testid="row-total"]') as HTMLElement).dataset.total,
      })),
    );
  }

  /** `data-state` of the connection badge: connecting, open or closed. */
  liveState(): Promise<string | null> {
    return this.page.getAttribute('[data-testid="live-status"]', 'data-state');
  }
}
