import type { ErrorCode, ErrorParams } from '../protocol/errors.ts';

/**
 * A rule's refusal as a value (STYLE.md, habit 2): a code of the closed error table
 * (`server/protocol/errors.ts`) and the parameters its text needs (`ErrorParams`, worded by
 * `server/protocol/messages.ts` in each page's language; its `refusalText` words a refusal).
 * Nothing was written when a rule refuses. This file does not import the words: the engine is
 * in the judge tablet's first load and the table of words must not be.
 */
export interface Refusal<C extends ErrorCode = ErrorCode> {
  ok: false;
  code: C;
  params: ErrorParams[C];
}

/** Builds a {@link Refusal}: the code and exactly its parameters. */
export function refuse<C extends ErrorCode>(code: C, params: ErrorParams[C]): Refusal<C> {
  return { ok: false, code, params };
}
