import { describe, expect, it } from 'vitest';
import { ScreenWake, type WakeEnv } from './wake-lock.ts';

/** A fake page: visibility the test sets, a Wake Lock API that counts and can be refused. */
function fakeEnv(opts: { supported?: boolean; refuse?: boolean } = {}) {
  const listeners: (() => void)[] = [];
  const sentinels: (EventTarget & { release(): Promise<void>; released: boolean })[] = [];
  let requests = 0;
  const env = {
    navigator:
      opts.supported === false
        ? {}
        : {
            wakeLock: {
              request: async () => {
                requests++;
                if (opts.refuse) throw new DOMException('battery saver', 'NotAllowedError');
                const s = Object.assign(new EventTarget(), {
                  released: false,
                  async release() {
                    s.released = true;
                    s.dispatchEvent(new Event('release'));
                  },
                });
                sentinels.push(s);
                return s as unknown as WakeLockSentinel;
              },
            },
          },
    document: {
      visibilityState: 'visible' as DocumentVisibilityState,
      addEventListener: (_: string, fn: () => void) => listeners.push(fn),
    },
  };
  const setVisible = async (v: DocumentVisibilityState) => {
    env.document.visibilityState = v;
    for (const l of listeners) l();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { env: env as unknown as WakeEnv, setVisible, sentinels, requests: () => requests };
}

describe('ScreenWake', () => {
  it('holds the screen while wanted and lets it go when not', async () => {
    const f = fakeEnv();
    const wake = new ScreenWake(f.env);
    await wake.set(true);
    expect(wake.held).toBe(true);
    await wake.set(true);
    expect(f.requests()).toBe(1);
    await wake.set(false);
    expect(wake.held).toBe(false);
    expect(f.sentinels[0]!.released).toBe(true);
  });

  it('asks again when the page is visible again after the browser dropped the lock', async () => {
    const f = fakeEnv();
    const wake = new ScreenWake(f.env);
    await wake.set(true);
    // Hidden: the browser releases the lock by itself; nothing is asked for while hidden.
    await f.sentinels[0]!.release();
    await f.setVisible('hidden');
    expect(wake.held).toBe(false);
    expect(f.requests()).toBe(1);
    await f.setVisible('visible');
    expect(f.requests()).toBe(2);
    expect(wake.held).toBe(true);
  });

  it('does not ask while hidden, nor when nobody wants it', async () => {
    const f = fakeEnv();
    const wake = new ScreenWake(f.env);
    await f.setVisible('hidden');
    await wake.set(true);
    expect(f.requests()).toBe(0);
    await wake.set(false);
    await f.setVisible('visible');
    expect(f.requests()).toBe(0);
  });

  it('ignores a browser without the API or one that refuses', async () => {
    const missing = new ScreenWake(fakeEnv({ supported: false }).env);
    await expect(missing.set(true)).resolves.toBeUndefined();
    expect(missing.held).toBe(false);
    const refused = fakeEnv({ refuse: true });
    const wake = new ScreenWake(refused.env);
    await expect(wake.set(true)).resolves.toBeUndefined();
    expect(wake.held).toBe(false);
    await refused.setVisible('visible');
    expect(refused.requests()).toBe(2);
  });
});
