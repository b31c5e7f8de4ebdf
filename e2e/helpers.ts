/**
 * The old home of the e2e helpers, kept only for the two tablet test files another change is
 * rewriting (judge-tablet.test.ts, judge-tablet-offline.test.ts): import from e2e/support/.
 */
export { ARTIFACTS, launchChromium } from './support/browser.ts';
export { byTestId } from './support/dom.ts';
export { startTestServer as startServer } from '../server/test-support.ts';
