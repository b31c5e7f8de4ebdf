import type { Page } from 'playwright-core';
import { byTestId } from './dom.ts';

/** The judge tablet's page (judge-tablet/), as a judge works it. */
export class TabletPage {
  constructor(readonly page: Page) {}

  /** The tablet's address signed in by link: the token stays in the fragment. */
  static url(server: string, token: string, query = ''): string {
    return `${server}/judge-tablet/${query}#token=${token}`;
  }

  /** Waits until the tablet is signed in and its socket is ready. */
  async ready(): Promise<this> {
    await byTestId(this.page, 'connection-state', { state: 'ready' }).waitFor({ timeout: 20_000 });
    return this;
  }

  /** Calls a contestant up by keypad; the form opens. */
  async typeBib(bib: string): Promise<void> {
    for (const k of bib) await byTestId(this.page, 'bib-key', { key: k }).click();
    await byTestId(this.page, 'bib-key', { key: 'ok' }).click();
    await byTestId(this.page, 'review').waitFor();
  }

  /** Chooses a level of a judgement criterion, reviews and confirms; waits for "saved". */
  async judge(criterionId: string, value: string, reason?: string): Promise<void> {
    await byTestId(this.page, 'judgement-level', { 'criterion-id': criterionId, value }).click();
    await byTestId(this.page, 'review').click();
    if (reason !== undefined) await byTestId(this.page, 'reason-input').fill(reason);
    await byTestId(this.page, 'confirm-submit').click();
    await byTestId(this.page, 'mark-status', { status: 'saved' }).waitFor();
  }
}
