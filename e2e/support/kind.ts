/**
 * A browser test file: under e2e/, driving Chromium. Browser files take turns and have longer
 * timeouts than unit files (e2e/support/turn.ts); the sequencer in vitest.config.ts spreads the
 * unit files between them.
 */
export const isBrowserFile = (path: string): boolean => /[\\/]e2e[\\/]/.test(path);
