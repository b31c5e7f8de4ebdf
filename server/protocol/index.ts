/** The wire contract: zod schemas and message types shared by the server and the SPAs. */
export * from './constants.ts';
export * from './errors.ts';
export * from './decimal.ts';
export * from './scheme.ts';
export * from './fixture.ts';
export * from './export.ts';
export * from './judge.ts';
export * from './board.ts';
export * from './standings.ts';
export * from './http.ts';
export * from './course.ts';
export * from './api.ts';
export * from './venue.ts';
