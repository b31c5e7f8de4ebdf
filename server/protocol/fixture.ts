import { z } from 'zod';
import { LocalText, MarkingScheme } from './scheme.ts';

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
  /** Login token (≥ 128 bits, hex). Stored only as a hash. */
  token: z.string().regex(/^[0-9a-f]{32,128}$/, '登录令牌须为至少 32 位十六进制（128 位）'),
});
export type OfficialInput = z.infer<typeof OfficialInput>;

export const CompetitionInfo = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
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
  });
export type CompetitionFixture = z.infer<typeof CompetitionFixture>;

export const FestivalInfo = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/),
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
