import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DraftStore,
  MAX_DRAFT_AGE_MS,
  parseDraft,
  parseFormState,
  type DraftContent,
  type KeyValueStore,
} from './drafts.ts';

/** localStorage as a Map, shared by the "tabs" of one test; `full` refuses writes. */
function memoryStorage() {
  const map = new Map<string, string>();
  const storage = {
    full: false,
    get length() {
      return map.size;
    },
    key: (i: number) => [...map.keys()][i] ?? null,
    getItem: (k: string) => map.get(k) ?? null,
    setItem(k: string, v: string) {
      if (storage.full) throw new DOMException('quota', 'QuotaExceededError');
      map.set(k, v);
    },
    removeItem: (k: string) => void map.delete(k),
  };
  return { storage: storage as KeyValueStore & { full: boolean }, map };
}

/** A tab: its own store over the shared storage, visible or not as the test says. */
function tab(storage: KeyValueStore, owner = 'abcd1234') {
  const state = { visible: true };
  const store = new DraftStore(owner, { storage, visible: () => state.visible });
  return { store, state };
}

const line = { contestantId: 7, sheetId: 'bridge', attempt: 1 };

function content(taps: number, extra: Partial<DraftContent> = {}): DraftContent {
  return {
    form: {
      counts: { 'bridge-faults': { 'foot-down': taps } },
      flags: { 'bridge-fell': false },
      texts: {},
      log: [],
      clocks: {},
    },
    reason: '',
    submitted: null,
    ...extra,
  };
}

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2024, 9, 12, 9, 30) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('DraftStore', () => {
  it('writes nothing before the restore, then every tap at once', () => {
    const { storage, map } = memoryStorage();
    const { store } = tab(storage);
    expect(store.save(line, content(1))).toBeNull();
    store.setOpen(line);
    expect(map.size).toBe(0);

    expect(store.restore()).toEqual({ drafts: [], open: null });
    const first = store.save(line, content(1))!;
    const second = store.save(line, content(2))!;
    expect(second.version).toBeGreaterThan(first.version);
    store.setOpen(line);

    // A reload: a new store reads what the last tap wrote.
    const after = tab(storage).store.restore();
    expect(after.open).toEqual(line);
    expect(after.drafts).toHaveLength(1);
    expect(after.drafts[0]!.form.counts['bridge-faults']).toEqual({ 'foot-down': 2 });
    expect(after.drafts[0]!.savedAt).toBe(Date.now());
  });

  it('keeps drafts per judge, contestant, sheet and attempt', () => {
    const { storage } = memoryStorage();
    const a = tab(storage, 'aaaa0000').store;
    const b = tab(storage, 'bbbb0000').store;
    a.restore();
    b.restore();
    a.save(line, content(1));
    a.save({ ...line, attempt: 2 }, content(2));
    a.save({ ...line, sheetId: 's-bend' }, content(3));
    b.save(line, content(4));
    expect(a.all()).toHaveLength(3);
    expect(b.all()).toHaveLength(1);
    expect(a.load({ ...line, attempt: 2 })!.form.counts['bridge-faults']).toEqual({
      'foot-down': 2,
    });
    expect(b.load(line)!.form.counts['bridge-faults']).toEqual({ 'foot-down': 4 });
  });

  it('lets a hidden tab never overwrite the visible one, and hands it the newer draft', () => {
    const { storage } = memoryStorage();
    const first = tab(storage);
    first.store.restore();
    first.store.save(line, content(1));
    // A second tab opens (visible); the first goes to the background.
    first.state.visible = false;
    const second = tab(storage);
    second.store.restore();
    expect(second.store.load(line)!.form.counts['bridge-faults']).toEqual({ 'foot-down': 1 });
    second.store.save(line, content(2));
    // The hidden tab does not write, by a tap or by anything else.
    expect(first.store.save(line, content(9))).toBeNull();
    expect(first.store.remove(line)).toBe(false);
    first.store.setOpen(null);
    // Nor by a flush: the line changed elsewhere since it last wrote it.
    expect(first.store.save(line, content(9), { flush: true })).toBeNull();
    expect(second.store.load(line)!.form.counts['bridge-faults']).toEqual({ 'foot-down': 2 });

    // Visible again: it takes the newer draft, once.
    first.state.visible = true;
    second.state.visible = false;
    const newer = first.store.changed(line);
    expect(newer!.form.counts['bridge-faults']).toEqual({ 'foot-down': 2 });
    expect(first.store.changed(line)).toBeUndefined();
    // Its next tap writes over it with a newer stamp; the other tab then takes that.
    const third = first.store.save(line, content(3))!;
    expect(third.version).toBeGreaterThan(newer!.version);
    second.state.visible = true;
    expect(second.store.changed(line)!.version).toBe(third.version);
  });

  it('flushes a tab being hidden when nothing changed elsewhere', () => {
    const { storage } = memoryStorage();
    const t = tab(storage);
    t.store.restore();
    t.store.save(line, content(1));
    t.state.visible = false;
    expect(t.store.save(line, content(2))).toBeNull();
    expect(t.store.save(line, content(2), { flush: true })).not.toBeNull();
  });

  it('tells a tab that becomes visible when another tab removed the draft', () => {
    const { storage } = memoryStorage();
    const first = tab(storage);
    first.store.restore();
    first.store.save(line, content(1));
    first.state.visible = false;
    const second = tab(storage);
    second.store.restore();
    second.store.remove(line);
    first.state.visible = true;
    expect(first.store.changed(line)).toBeNull();
    expect(first.store.changed(line)).toBeUndefined();
  });

  it('clears a draft when the mark sent from it is acknowledged, not one changed since', () => {
    const { storage } = memoryStorage();
    const { store } = tab(storage);
    store.restore();
    store.save(line, content(2, { submitted: 'client-aaaa' }));
    store.save({ ...line, contestantId: 8 }, content(1, { submitted: 'client-bbbb' }));
    // A tap after the send: the draft holds more than that mark.
    store.save({ ...line, contestantId: 8 }, content(2));
    expect(store.clearSubmitted('client-aaaa')).toEqual([
      expect.objectContaining({ contestantId: 7 }),
    ]);
    expect(store.clearSubmitted('client-bbbb')).toEqual([]);
    expect(store.all().map((d) => d.contestantId)).toEqual([8]);
  });

  it('forgets drafts untouched for a week', () => {
    const { storage } = memoryStorage();
    const t = tab(storage);
    t.store.restore();
    t.store.save(line, content(1));
    vi.advanceTimersByTime(MAX_DRAFT_AGE_MS + 1);
    t.store.save({ ...line, contestantId: 8 }, content(1));
    const { drafts } = tab(storage).store.restore();
    expect(drafts.map((d) => d.contestantId)).toEqual([8]);
  });

  it('says so when the browser refuses to store', () => {
    const { storage } = memoryStorage();
    const { store } = tab(storage);
    store.restore();
    storage.full = true;
    expect(store.save(line, content(1))).toBeNull();
    expect(store.ok).toBe(false);
    storage.full = false;
    expect(store.save(line, content(1))).not.toBeNull();
    expect(store.ok).toBe(true);
  });

  it('works without storage at all', () => {
    const store = new DraftStore('abcd1234', { storage: null, visible: () => true });
    expect(store.restore()).toEqual({ drafts: [], open: null });
    expect(store.save(line, content(1))).toBeNull();
  });
});

describe('parseDraft', () => {
  it('keeps the well-formed parts of a stored draft', () => {
    const d = parseDraft({
      contestantId: 7,
      sheetId: 'bridge',
      version: 3,
      savedAt: 5,
      form: {
        counts: { f: { a: 2, b: -1, c: 1.5, d: '3' }, g: 'x' },
        flags: { v: true, w: null, x: 'yes' },
        texts: { t: '12.5', u: 12 },
        log: [
          { seq: 1, criterionId: 'f', faultId: 'a', delta: 1, runMs: 1200, at: 9 },
          { seq: 2, criterionId: 'f', faultId: 'a', delta: 2, runMs: null, at: 9 },
        ],
        clocks: { t: { ms: 1200, at: 99, uncertain: true }, u: { ms: -5, at: null } },
      },
    });
    expect(d).toEqual({
      contestantId: 7,
      sheetId: 'bridge',
      attempt: 1,
      reason: '',
      submitted: null,
      version: 3,
      savedAt: 5,
      form: {
        counts: { f: { a: 2 }, g: {} },
        flags: { v: true, w: null },
        texts: { t: '12.5' },
        log: [{ seq: 1, criterionId: 'f', faultId: 'a', delta: 1, runMs: 1200, at: 9 }],
        clocks: { t: { ms: 1200, at: 99, uncertain: true, typed: false } },
      },
    });
  });

  it('refuses what is not a draft', () => {
    expect(parseDraft(null)).toBeNull();
    expect(parseDraft({ contestantId: '7', sheetId: 'bridge', version: 1, savedAt: 1 })).toBeNull();
    expect(parseDraft({ contestantId: 7, sheetId: 'bridge' })).toBeNull();
    expect(parseFormState('x')).toEqual({ counts: {}, flags: {}, texts: {}, log: [], clocks: {} });
  });
});
