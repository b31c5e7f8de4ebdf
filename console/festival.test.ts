import type { CompetitionSummary, Placement } from '#protocol';
import { describe, expect, it } from 'vitest';
import { boardUrl, festivalBoardUrl, groupCompetitions, switcherItems } from './festival.ts';

const L = (zh: string, en = zh) => ({ zh, en });
const FESTIVAL = { slug: 'city-festival-2025', title: L('2025 城市技能节', '2025 City Festival') };

function comp(slug: string, event: string, group: string, round: string, order: number) {
  const placement: Placement = {
    festival: FESTIVAL,
    event: { id: event, label: L(`工种${event}`, `Event ${event}`) },
    group: { id: group, label: L(`组${group}`, `Group ${group}`) },
    round: { id: round, label: L(`轮${round}`, `Round ${round}`), order },
  };
  return {
    slug,
    title: L(`比赛 ${slug}`),
    venue: '',
    date: '2025-05-01',
    timeZone: 'Asia/Shanghai',
    locale: 'zh-CN',
    state: 'live',
    decimals: 2,
    revision: 0,
    nameDisplay: 'full',
    frozenAt: null,
    revealed: null,
    placement,
  } satisfies CompetitionSummary;
}

describe('festival tree', () => {
  it('groups by event, then group, rounds in order whatever order they come in', () => {
    const tree = groupCompetitions([
      comp('riders-a', 'riders', 'a', 'final', 1),
      comp('couriers-final', 'couriers', 'open', 'final', 2),
      comp('riders-b', 'riders', 'b', 'final', 1),
      comp('couriers-pre', 'couriers', 'open', 'pre', 1),
    ]);
    expect(tree.map((e) => e.id)).toEqual(['riders', 'couriers']);
    expect(tree[0]!.groups.map((g) => [g.id, g.rounds.map((r) => r.slug)])).toEqual([
      ['a', ['riders-a']],
      ['b', ['riders-b']],
    ]);
    expect(tree[1]!.groups[0]!.rounds.map((r) => r.slug)).toEqual([
      'couriers-pre',
      'couriers-final',
    ]);
    expect(tree[1]!.label.zh).toBe('工种couriers');
  });

  it('is empty for no competitions', () => {
    expect(groupCompetitions([])).toEqual([]);
  });
});

describe('board links', () => {
  it('links the public boards', () => {
    expect(boardUrl('riders-a')).toBe('/scoreboard/?competition=riders-a');
    expect(festivalBoardUrl('city-festival-2025')).toBe('/scoreboard/?festival=city-festival-2025');
  });
});

describe('competition switcher', () => {
  const other = { slug: 'gaoxin-2024', title: L('2024 技能比赛') };
  const alone = (slug: string) => {
    const c = comp(slug, 'main', 'open', 'final', 1);
    return { ...c, title: L('2024 技能比赛'), placement: { ...c.placement, festival: other } };
  };
  const list = [alone('gaoxin-2024'), comp('a', '1', 'g', 'r', 1), alone('gaoxin-rerun')];
  // The copy is a festival of its own: same title, told apart by slug.
  list[2]!.placement = { ...list[2]!.placement, festival: { ...other, slug: 'gaoxin-rerun' } };

  it('puts the current festival first and says how each competition is reached', () => {
    const items = switcherItems(
      list,
      list[1]!,
      { organiser: true, remembers: (slug) => slug === 'gaoxin-rerun' },
      'zh',
    );
    expect(items.map((i) => [i.competition.slug, i.reach])).toEqual([
      ['a', 'current'],
      ['gaoxin-2024', 'elsewhere'],
      ['gaoxin-rerun', 'switch'],
    ]);
    expect(items[0]!.placement).toBe('工种1 · 组g · 轮r');
  });

  it('lets the organiser switch within the festival, and anyone back to a login the tab holds', () => {
    const fest = [comp('x', '1', 'g', 'r', 1), comp('y', '1', 'g', 's', 2)];
    const reach = (organiser: boolean) =>
      switcherItems(fest, fest[0]!, { organiser, remembers: () => false }, 'en').map(
        (i) => i.reach,
      );
    expect(reach(true)).toEqual(['current', 'switch']);
    expect(reach(false)).toEqual(['current', 'elsewhere']);
  });
});
