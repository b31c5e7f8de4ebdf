import type { Translation } from '../../web/i18n.ts';

/** What follows a round: advancement to the next, the prizes, team standings and carried points. */
export const zh = {
  advancement: {
    title: '晋级',
    hint: '按本轮规则计算，正式发布成绩后才能执行。',
    rule: '晋级规则',
    noRule: '本轮没有晋级规则',
    lastRound: '本轮是最后一轮，没有下一轮',
    topAllAdvance: (n: number) => `前 ${n} 名晋级，并列同分全部晋级`,
    topTieBreak: (n: number) => `前 ${n} 名晋级，并列同分按同分排序规则决定`,
    threshold: (min: string) => `总分达到 ${min} 晋级`,
    next: '下一轮',
    carry: (w: string) => `带入本轮成绩 ×${w}`,
    noCarry: '下一轮从零分开始',
    advancedN: (n: number) => `晋级 ${n} 人`,
    extraAtCut: (n: number) => `含因末位同分多晋级的 ${n} 人`,
    outAtCut: '同分未晋级',
    outAtCutN: (n: number) => `${n} 人与末位同分但未晋级（同分排序规则决定）`,
    atCut: '末位',
    none: '暂无晋级选手',
    run: '执行晋级',
    runTitle: (next: string) => `把晋级选手带入「${next}」？`,
    runBody: (n: number) => `${n} 位选手将成为下一轮的参赛选手（按本轮名次排序）。执行后不能撤销。`,
    runDone: (n: number, next: string) => `已将 ${n} 位选手带入「${next}」`,
    done: '晋级已执行，下一轮已有本轮选手。',
    blocked: '暂不能执行',
    byOrganiser: '晋级由组委会执行',
    rank: '名次',
    total: '总分',
    unavailable: '晋级信息未能载入',
  },

  awards: {
    title: '获奖名单',
    hint: '按奖项规则在实时成绩上计算；成绩正式发布前为暂定。',
    provisional: '成绩尚未正式发布，名单为暂定',
    holdersN: (n: number) => `${n} 人`,
    nobody: '暂无',
    printAll: '打印证书',
    printOne: '打印本奖证书',
    printHint: 'A4 证书，每人每个奖项一张，在新窗口打开后打印。',
    certificates: '证书',
    topN: (n: number) => `名额 ${n} 名`,
    share: (p: string) => `名额 ${p}%`,
    atLeast: (min: string) => `总分 ≥ ${min}`,
    award: '奖项',
    ties: { higher: '跨奖项并列者同获较高奖项', lower: '跨奖项并列者同获较低奖项' },
  },

  teams: {
    title: '团体排名',
    hint: (best: number | null) =>
      best === null ? '每个单位全部选手的总分之和' : `每个单位成绩最好的 ${best} 位选手总分之和`,
    team: '团体',
    members: '队员',
    counted: '计入团体成绩',
    notCounted: '不计入',
    unranked: '人数不足',
    provisional: '暂定',
    unavailable: '团体排名未能载入',
  },

  carry: {
    roundTotal: '本轮',
    carried: '带入',
    split: (round: string, carried: string) => `本轮 ${round} + 带入 ${carried}`,
  },
};

/** The same words in English: exactly the keys of {@link zh}, checked by the compiler. */
export const en: Translation<typeof zh> = {
  advancement: {
    title: 'Advancement',
    hint: 'Computed under this round’s rule; it runs once the results are official.',
    rule: 'Rule',
    noRule: 'This round has no advancement rule',
    lastRound: 'This is the last round; there is no next one',
    topAllAdvance: (n) => `The top ${n} advance; everyone tied at the cut advances`,
    topTieBreak: (n) => `The top ${n} advance; a tie at the cut is decided by the tie-break rules`,
    threshold: (min) => `A total of ${min} or more advances`,
    next: 'Next round',
    carry: (w) => `Carries this round’s total ×${w}`,
    noCarry: 'The next round starts from zero',
    advancedN: (n) => `${n} advance`,
    extraAtCut: (n) => `including ${n} more for a tie at the cut`,
    outAtCut: 'Tied, out',
    outAtCutN: (n) => `${n} tied with the last place but out (decided by the tie-break rules)`,
    atCut: 'At the cut',
    none: 'Nobody advances yet',
    run: 'Run advancement',
    runTitle: (next) => `Move the advancing contestants into “${next}”?`,
    runBody: (n) =>
      `${n} contestants become the next round’s field (in this round’s order). This cannot be undone.`,
    runDone: (n, next) => `${n} contestants moved into “${next}”`,
    done: 'Advancement has run: the next round holds this round’s contestants.',
    blocked: 'Cannot run yet',
    byOrganiser: 'The organiser runs advancement',
    rank: 'Rank',
    total: 'Total',
    unavailable: 'Advancement could not be loaded',
  },

  awards: {
    title: 'Awards',
    hint: 'Computed under the prize list on the live standings; provisional until the results are official.',
    provisional: 'The results are not official yet: the list is provisional',
    holdersN: (n) => (n === 1 ? '1 holder' : `${n} holders`),
    nobody: 'None yet',
    printAll: 'Print certificates',
    printOne: 'Print this award',
    printHint: 'A4 certificates, one per award held, in a new window to print.',
    certificates: 'Certificates',
    topN: (n) => `${n} places`,
    share: (p) => `${p}% of the field`,
    atLeast: (min) => `Total ≥ ${min}`,
    award: 'Award',
    ties: {
      higher: 'A tie across two awards gets the higher one',
      lower: 'A tie across two awards gets the lower one',
    },
  },

  teams: {
    title: 'Team ranking',
    hint: (best) =>
      best === null
        ? 'Sum of every member’s total, per organisation'
        : `Sum of the best ${best} members’ totals, per organisation`,
    team: 'Team',
    members: 'Members',
    counted: 'Counts for the team',
    notCounted: 'Not counted',
    unranked: 'Too few members',
    provisional: 'Provisional',
    unavailable: 'The team ranking could not be loaded',
  },

  carry: {
    roundTotal: 'Round',
    carried: 'Carried',
    split: (round, carried) => `Round ${round} + carried ${carried}`,
  },
};
