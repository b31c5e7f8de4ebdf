import type { ErrorCode, ErrorParams } from '../protocol/errors.ts';
import { errorText, type Lang } from '../protocol/messages.ts';

/**
 * A rule's refusal as a value (STYLE.md, habit 2): a code of the closed error table
 * (`server/protocol/errors.ts`) and the parameters its text needs (`ErrorParams`, worded by
 * `server/protocol/messages.ts` in each page's language). Nothing was written when a rule
 * refuses.
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

/**
 * A refusal in words (protocol/messages.ts): what the server puts in `message` (Chinese, for
 * curl users and logs) beside the code and parameters a page words itself.
 */
export function refusalText(r: Refusal, lang: Lang): string {
  // The code and its parameters were built together by `refuse`: they correspond.
  return errorText(r.code, r.params as never, lang);
}
