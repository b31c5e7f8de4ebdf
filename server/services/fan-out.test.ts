import { describe, expect, it } from 'vitest';
import { FanOutQueue } from './fan-out.ts';

/** A queue whose deferred chunks run when the test says (one turn of the event loop each). */
function harness(chunk: number) {
  const turns: (() => void)[] = [];
  const got = new Map<number, string[]>();
  const queue = new FanOutQueue<number>(chunk, (run) => turns.push(run));
  const frame = (name: string, targets: number[], done?: (ms: number) => void) =>
    queue.push({
      targets,
      write: (t) => got.set(t, [...(got.get(t) ?? []), name]),
      ...(done ? { done } : {}),
    });
  const turn = () => turns.shift()!();
  return { queue, got, frame, turn, turns };
}

const boards = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('fan-out in chunks', () => {
  it('writes the first chunk at once and one chunk per turn after it', () => {
    const h = harness(16);
    h.frame('A', boards(40));
    expect(h.got.size).toBe(16);
    h.turn();
    expect(h.got.size).toBe(32);
    h.turn();
    expect(h.got.size).toBe(40);
    expect(h.turns).toHaveLength(0);
    expect(h.queue.pending).toBe(0);
  });

  it('a few boards get the whole frame in the caller’s turn, as without chunks', () => {
    const h = harness(16);
    let cost = -1;
    h.frame('A', boards(3), (ms) => (cost = ms));
    expect([...h.got.values()]).toEqual([['A'], ['A'], ['A']]);
    expect(cost).toBeGreaterThanOrEqual(0);
    expect(h.turns).toHaveLength(0);
  });

  it('every board gets every frame, in order, however the chunks fall', () => {
    const h = harness(7);
    h.frame('A', boards(20));
    h.frame('B', boards(20)); // waits for A to reach all 20
    expect(h.got.get(19)).toBeUndefined();
    h.turn();
    h.frame('C', boards(25)); // five boards opened since
    while (h.turns.length) h.turn();
    for (const b of boards(20)) expect(h.got.get(b)).toEqual(['A', 'B', 'C']);
    for (const b of [20, 21, 22, 23, 24]) expect(h.got.get(b)).toEqual(['C']);
  });

  it('a frame is done only when its last board has it', () => {
    const h = harness(10);
    const done: string[] = [];
    h.frame('A', boards(25), () => done.push('A'));
    h.frame('B', boards(5), () => done.push('B'));
    expect(done).toEqual([]);
    h.turn();
    expect(done).toEqual([]);
    h.turn(); // A's last 5 and all of B fit in this chunk
    expect(done).toEqual(['A', 'B']);
  });

  it('drain writes everything queued now (shutdown)', () => {
    const h = harness(4);
    h.frame('A', boards(30));
    h.frame('B', boards(30));
    h.queue.drain();
    for (const b of boards(30)) expect(h.got.get(b)).toEqual(['A', 'B']);
    expect(h.queue.pending).toBe(0);
  });
});
