/**
 * The login code from what a person pasted: the code itself, or a login link carrying
 * `#token=…` / `?token=…`. Codes are lower-case hex; the spaces a printed card groups them
 * with are dropped. Returns '' when nothing is left.
 */
export function extractToken(input: string): string {
  const text = input.trim();
  const m = /[#?&]token=([^&#\s]+)/.exec(text);
  return (m ? m[1]! : text).replace(/[\s-]/g, '').toLowerCase();
}
