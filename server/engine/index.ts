/**
 * The pure scoring core: no I/O, no clock, no randomness, browser-safe (the judge tablet
 * previews station scores with it and the scoreboard ranks with it).
 */
export * from '../protocol/decimal.ts';
export * from './rational.ts';
export * from './scheme-index.ts';
export * from './values.ts';
export * from './scoring.ts';
export * from './standings.ts';
export * from './log.ts';
export * from './incremental.ts';
export * from './judge-stats.ts';
export * from './imports.ts';
export * from './privacy.ts';
export * from './rounds.ts';
export * from './awards.ts';
export * from './teams.ts';
export * from './clock.ts';
export * from './open-lines.ts';
export * from './view.ts';
