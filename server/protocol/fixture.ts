import { z } from 'zod';
import { SLUG_PATTERN } from './constants.ts';
import { LocalText, MarkingScheme } from './scheme.ts';

/** A competition's or festival's slug ({@link SLUG_PATTERN}). */
export const Slug = z.string().regex(SLUG_PATTERN);

export const Bib = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,12}$/, '号码须为 1–12 位字母、数字或连字符');

export const ContestantStatus = z.enum(['active', 'withdrawn', 'disqualified']);

export const ContestantInput = z.object({
  bib: Bib,
  drawOrder: z.number().int().min(1).max(1_000_000),
  name: z.string().trim().min(1).max(60),
  organisation: z.string().trim().max(80).default(''),
  status: ContestantStatus.default('active'),
});
export type ContestantInput = z.infer<typeof ContestantInput>;

export const OfficialRole = z.enum(['judge', 'head-judge', 'organiser']);
export type OfficialRole = z.infer<typeof OfficialRole>;

export const OfficialInput = z.object({
  code: z.string().regex(/^[A-Z0-9]{2,8}$/),
  name: z.string().trim().min(1).max(60),
  role: OfficialRole,
  /** Sheet ids (stations, or sub-stations) this judge scores. */
  sheets: z.array(z.string()).default([]),
  /**
   * Station ids whose panel measurements (faults, veto, checks, times) this judge records: one
   * recorder per panel station that has measurements; the panel's other judges give judgements.
   */
  records: z.array(z.string()).default([]),
  /** Login token (≥ 128 bits, hex). Stored only as a hash. */
  token: z.string().regex(/^[0-9a-f]{32,128}$/, '登录令牌须为至少 32 位十六进制（128 位）'),
});
export type OfficialInput = z.infer<typeof OfficialInput>;

/**
 * What is wrong with who records a scheme's panel measurements (docs/scheme.md, "Measurements
 * on a panel"): a station whose panel sheets (judges > 1) have measurements (criteria other
 * than judgements) needs exactly one recorder among the judges assigned to those sheets, once
 * any judge is assigned; a recorder must be assigned to the station; `records` names stations.
 * @param requireRecorder false while an organiser is still assigning (the API): only a second
 *   recorder or a recorder off the panel is wrong then.
 * @returns issues with the path of the official (index into `officials`) and a message.
 */
export function recorderIssues(
  scheme: MarkingScheme,
  officials: readonly { code: string; sheets: readonly string[]; records: readonly string[] }[],
  requireRecorder = true,
): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const panels = new Map<string, { label: string; sheets: Set<string> }>();
  const stations = new Set<string>();
  for (const m of scheme.modules)
    for (const st of m.stations) {
      stations.add(st.id);
      const sheets = st.subStations
        ? st.subStations.map((u) => ({ id: u.id, criteria: u.criteria }))
        : [{ id: st.id, criteria: st.criteria ?? [] }];
      const measured = sheets.filter((sh) => sh.criteria.some((c) => c.kind !== 'judgement'));
      if (st.judges > 1 && measured.length)
        panels.set(st.id, { label: st.label.zh, sheets: new Set(measured.map((x) => x.id)) });
    }
  officials.forEach((o, i) =>
    o.records.forEach((id, j) => {
      const path = ['officials', i, 'records', j];
      const panel = panels.get(id);
      if (!stations.has(id)) out.push({ path, message: `评分标准中没有站点 "${id}"` });
      else if (!panel)
        out.push({ path, message: `站点 ${id} 没有评分组共同评分的测量项，无需指定记录裁判` });
      else if (!o.sheets.some((sh) => panel.sheets.has(sh)))
        out.push({ path, message: `${o.code} 未被分配到 ${panel.label}，不能担任其记录裁判` });
    }),
  );
  for (const [id, p] of panels) {
    const recorders = officials.filter((o) => o.records.includes(id));
    const assigned = officials.some((o) => o.sheets.some((sh) => p.sheets.has(sh)));
    if (recorders.length > 1)
      out.push({
        path: ['officials', officials.indexOf(recorders[1]!), 'records'],
        message: `${p.label} 只能有一名记录裁判（${recorders.map((o) => o.code).join('、')}）`,
      });
    else if (!recorders.length && assigned && requireRecorder)
      out.push({
        path: ['officials'],
        message: `${p.label} 由评分组共同评分且有测量项（扣分、计时等），须指定一名记录裁判（records）`,
      });
  }
  return out;
}

export const CompetitionInfo = z.object({
  slug: Slug,
  title: LocalText,
  venue: z.string().max(120).default(''),
  date: z.iso.date(),
  timeZone: z.string().default('Asia/Shanghai'),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export type CompetitionInfo = z.infer<typeof CompetitionInfo>;

const PlaceId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, '标识只能用小写字母、数字和连字符');

/**
 * A competition as a file: what the default contest ships as and what the organiser can load.
 * `event`, `group` and `round` place it in a festival; absent, it is the one event (named by
 * its title), the open group and the final. Cross-checks bibs, draw orders, official codes
 * and sheet assignments.
 */
export const CompetitionFixture = z
  .object({
    competition: CompetitionInfo,
    event: z.object({ id: PlaceId, label: LocalText }).optional(),
    group: z.object({ id: PlaceId, label: LocalText }).optional(),
    round: z
      .object({ id: PlaceId, label: LocalText, order: z.number().int().min(1).max(20) })
      .optional(),
    scheme: MarkingScheme,
    contestants: z.array(ContestantInput).max(100_000),
    officials: z.array(OfficialInput).max(1000),
  })
  .superRefine((f, ctx) => {
    const sheetIds = new Set<string>();
    for (const m of f.scheme.modules)
      for (const st of m.stations)
        if (st.subStations) st.subStations.forEach((u) => sheetIds.add(u.id));
        else sheetIds.add(st.id);
    const dup = <T>(items: T[], key: (t: T) => string, path: string, what: string) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        const k = key(it);
        if (seen.has(k))
          ctx.addIssue({ code: 'custom', path: [path, i], message: `${what} ${k} 重复` });
        seen.add(k);
      });
    };
    dup(f.contestants, (c) => c.bib, 'contestants', '号码');
    dup(f.contestants, (c) => String(c.drawOrder), 'contestants', '抽签顺序');
    dup(f.officials, (o) => o.code, 'officials', '人员编号');
    dup(f.officials, (o) => o.token, 'officials', '登录令牌');
    f.officials.forEach((o, i) =>
      o.sheets.forEach((s, j) => {
        if (!sheetIds.has(s))
          ctx.addIssue({
            code: 'custom',
            path: ['officials', i, 'sheets', j],
            message: `评分标准中没有评分表 "${s}"`,
          });
      }),
    );
    for (const issue of recorderIssues(f.scheme, f.officials))
      ctx.addIssue({ code: 'custom', ...issue });
  });
export type CompetitionFixture = z.infer<typeof CompetitionFixture>;

export const FestivalInfo = z.object({
  slug: Slug,
  title: LocalText,
  venue: z.string().max(120).default(''),
  date: z.iso.date(),
  /** The projector rotation: competition slugs shown in turn (empty: all), seconds each. */
  board: z
    .object({
      show: z.array(z.string()).max(50).default([]),
      seconds: z.number().int().min(5).max(600).default(20),
    })
    .default({ show: [], seconds: 20 }),
});
export type FestivalInfo = z.infer<typeof FestivalInfo>;

/**
 * A festival as a file (技能节): several events, groups and rounds, each a competition with its
 * own scheme, contestants and officials. Slugs, tokens and placements must be unique, and a
 * later round starts empty (its contestants come by advancement) unless it lists them.
 */
export const FestivalFixture = z
  .object({
    festival: FestivalInfo,
    competitions: z.array(CompetitionFixture).min(1).max(100),
  })
  .superRefine((f, ctx) => {
    const slugs = new Set<string>();
    const places = new Set<string>();
    const tokens = new Set<string>();
    f.competitions.forEach((c, i) => {
      if (slugs.has(c.competition.slug))
        ctx.addIssue({
          code: 'custom',
          path: ['competitions', i, 'competition', 'slug'],
          message: `比赛标识 ${c.competition.slug} 重复`,
        });
      slugs.add(c.competition.slug);
      const place = `${c.event?.id ?? 'main'}/${c.group?.id ?? 'all'}/${c.round?.order ?? 1}`;
      if (places.has(place))
        ctx.addIssue({
          code: 'custom',
          path: ['competitions', i],
          message: `两场比赛处于同一工种/组别/轮次 ${place}`,
        });
      places.add(place);
      c.officials.forEach((o, j) => {
        if (tokens.has(o.token))
          ctx.addIssue({
            code: 'custom',
            path: ['competitions', i, 'officials', j, 'token'],
            message: '同一登录令牌在技能节中用了两次',
          });
        tokens.add(o.token);
      });
    });
    // Rounds must make sense together: a carry needs an earlier round of the same group to
    // carry from, and an advancement a later one to send contestants to.
    const orders = (c: CompetitionFixture) =>
      f.competitions
        .filter(
          (o) =>
            (o.event?.id ?? 'main') === (c.event?.id ?? 'main') &&
            (o.group?.id ?? 'all') === (c.group?.id ?? 'all'),
        )
        .map((o) => o.round?.order ?? 1);
    // Named rounds (scheme version 2: `advancement.on`, `carry.rounds`) must be rounds of the
    // same event and group: a cut may name this round and earlier ones, a carry earlier ones.
    const roundsOf = (c: CompetitionFixture) =>
      new Map(
        f.competitions
          .filter(
            (o) =>
              (o.event?.id ?? 'main') === (c.event?.id ?? 'main') &&
              (o.group?.id ?? 'all') === (c.group?.id ?? 'all'),
          )
          .map((o) => [o.round?.id ?? 'final', o.round?.order ?? 1] as const),
      );
    const named = (
      c: CompetitionFixture,
      i: number,
      ids: readonly string[],
      path: (string | number)[],
      allowSelf: boolean,
    ) => {
      const rounds = roundsOf(c);
      const order = c.round?.order ?? 1;
      ids.forEach((id, j) => {
        const o = rounds.get(id);
        if (o === undefined || o > order || (o === order && !allowSelf))
          ctx.addIssue({
            code: 'custom',
            path: ['competitions', i, 'scheme', ...path, j],
            message: `同一工种、组别中没有${allowSelf ? '本轮或更早' : '更早'}的轮次 "${id}"（轮次按 round.id 命名）`,
          });
      });
    };
    f.competitions.forEach((c, i) => {
      const on = c.scheme.advancement?.on;
      if (on) named(c, i, on.rounds, ['advancement', 'on', 'rounds'], true);
      const carry = c.scheme.carry;
      if (carry && 'rounds' in carry)
        named(
          c,
          i,
          carry.rounds.map((r) => r.round),
          ['carry', 'rounds'],
          false,
        );
    });
    f.competitions.forEach((c, i) => {
      const order = c.round?.order ?? 1;
      if (c.scheme.carry && !orders(c).some((o) => o < order))
        ctx.addIssue({
          code: 'custom',
          path: ['competitions', i, 'scheme', 'carry'],
          message: '设置了带分（carry），但同一工种、组别没有更早的轮次',
        });
      if (c.scheme.advancement && !orders(c).some((o) => o > order))
        ctx.addIssue({
          code: 'custom',
          path: ['competitions', i, 'scheme', 'advancement'],
          message: '设置了晋级规则，但同一工种、组别没有后续轮次',
        });
    });
    f.festival.board.show.forEach((s, i) => {
      if (!slugs.has(s))
        ctx.addIssue({
          code: 'custom',
          path: ['festival', 'board', 'show', i],
          message: `技能节中没有比赛 ${s}`,
        });
    });
  });
export type FestivalFixture = z.infer<typeof FestivalFixture>;

/** A competition file read as what it is: a festival of one competition, named after it. */
export function festivalOfOne(f: CompetitionFixture): FestivalFixture {
  const c = f.competition;
  return {
    festival: {
      slug: c.slug,
      title: c.title,
      venue: c.venue,
      date: c.date,
      board: { show: [], seconds: 20 },
    },
    competitions: [f],
  };
}
