/**
 * The test harness's own promise: a test's end never hangs on a connection a client left
 * open mid-request (a browser's half-sent request, an export still streaming). A request
 * whose headers never finish is such a connection: Node cannot call it idle, so a plain
 * `app.close()` waits on it for good. And a run's temporary folders do not outlive the run.
 */
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { expect, it } from 'vitest';
import { closeApp, startTestServer } from './test-support.ts';

it('closeApp ends a connection left mid-request and resolves', async () => {
  const server = await startTestServer();
  const { port } = new URL(server.url);
  const socket = connect(Number(port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // no blank line: not finished
  const ended = once(socket, 'close');
  await closeApp(server.app, 200);
  await ended;
  expect(socket.destroyed).toBe(true);
  expect(server.app.server.listening).toBe(false);
});

it('makes temporary folders inside the run’s own folder, which e2e/global-setup.ts removes', () => {
  expect(tmpdir()).toMatch(/[\\/]jx-test-run-[^\\/]+$/);
  expect(process.env.TMPDIR).toBe(tmpdir());
});
