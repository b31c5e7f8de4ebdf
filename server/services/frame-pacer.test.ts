import { describe, expect, it } from 'vitest';
import { FRAME_PACING, FramePacer, frameInterval } from './frame-pacer.ts';

describe('frame interval', () => {
  it('is one display frame at a venue: a projector and a few dozen phones, cheap frames', () => {
    expect(frameInterval(0, 0)).toBe(FRAME_PACING.minMs);
    expect(frameInterval(40, 0.4)).toBe(FRAME_PACING.minMs);
  });

  it('grows with the audience, so all boards together get at most 20,000 writes a second', () => {
    expect(frameInterval(1000, 0)).toBe(50);
    expect(frameInterval(1500, 0.5)).toBe(75);
  });

  it('grows with what a frame costs, so frames take at most a quarter of the event loop', () => {
    expect(frameInterval(10, 3)).toBe(12);
    expect(frameInterval(10, 6.5)).toBe(26);
  });

  it('never exceeds ten frames a second per viewer, however many there are', () => {
    expect(frameInterval(2000, 0)).toBe(FRAME_PACING.maxMs);
    expect(frameInterval(10, 40)).toBe(FRAME_PACING.maxMs);
    expect(frameInterval(10, Infinity)).toBe(FRAME_PACING.maxMs);
  });

  it('reads a negative or NaN input as zero', () => {
    expect(frameInterval(-5, Number.NaN)).toBe(FRAME_PACING.minMs);
  });
});

describe('FramePacer', () => {
  it('starts from the first cost and follows later ones by a moving average', () => {
    const pacer = new FramePacer();
    expect(pacer.intervalMs(1)).toBe(FRAME_PACING.minMs);
    pacer.record(5);
    expect(pacer.costMs).toBe(5);
    expect(pacer.intervalMs(1)).toBe(20);
    pacer.record(0);
    expect(pacer.costMs).toBeCloseTo(4);
    for (let i = 0; i < 30; i++) pacer.record(0.2);
    expect(pacer.intervalMs(1)).toBe(FRAME_PACING.minMs);
  });

  it('ignores a cost that is not a duration', () => {
    const pacer = new FramePacer();
    pacer.record(-1);
    pacer.record(Number.NaN);
    expect(pacer.costMs).toBe(0);
  });
});
