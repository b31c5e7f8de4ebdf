import { build } from 'vite';

/** Builds the SPAs once before the browser tests, exactly as `npm run build` does. */
export default async function setup() {
  await build({ logLevel: 'warn' });
}
