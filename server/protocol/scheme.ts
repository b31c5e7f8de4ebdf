import { z } from 'zod';
import { parseMilli } from '../engine/decimal.ts';

/**
 * The marking scheme (评分标准), version 1: modules with weights → stations → optional
 * sub-stations → criteria. Everything a contest counts is data here; the engine hard-codes
 * no trade. Criterion kinds follow WorldSkills usage: *measurement* (faults, veto, check,
 * time) and *judgement* (a scale given by a panel), plus *imported* (an exam total).
 *
 * Point values are JSON numbers with at most three decimals; the engine converts them to
 * integer milli-points. See docs/scheme.md.
 */

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, '标识只能用小写字母、数字和连字符');

/** A text shown to people, in Chinese and English. */
export const LocalText = z.object({
  zh: z.string().min(1).max(200),
  en: z.string().min(1).max(200),
});
export type LocalText = z.infer<typeof LocalText>;

const Points = z
  .number()
  .nonnegative()
  .max(1_000_000)
  .refine((x) => parseMilli(x).ok, '最多三位小数');

export const Fault = z.object({
  id: Id,
  label: LocalText,
  deduction: Points,
  /** Time penalty per occurrence (ms), added to the sheet's time where a scheme ranks on time. */
  penaltyMs: z.number().int().min(0).max(600_000).default(0),
});
export type Fault = z.infer<typeof Fault>;

/** Counted faults: `max(floor, points − min(cap, Σ count × deduction))`. */
export const FaultsCriterion = z.object({
  kind: z.literal('faults'),
  id: Id,
  label: LocalText,
  points: Points,
  floor: Points.default(0),
  /** Largest total deduction; none when absent. */
  cap: Points.optional(),
  faults: z.array(Fault).min(1),
});

/** A veto: when set, zeroes its sub-station or its whole station (red light run ⇒ station 0). */
export const VetoCriterion = z.object({
  kind: z.literal('veto'),
  id: Id,
  label: LocalText,
  scope: z.enum(['sub-station', 'station']),
});

/** A pass/fail check worth `points` when passed. */
export const CheckCriterion = z.object({
  kind: z.literal('check'),
  id: Id,
  label: LocalText,
  points: Points,
});

/**
 * A time in milliseconds (plus the sheet's fault time penalties). With `points` and a `band` it
 * scores: full points up to `fullMs`, linear to zero at `zeroMs`, zero beyond or untimed.
 * With `points: 0` it is kept for tie-breaks only.
 */
export const TimeCriterion = z.object({
  kind: z.literal('time'),
  id: Id,
  label: LocalText,
  maxMs: z.number().int().positive().default(3_600_000),
  points: Points.default(0),
  band: z
    .object({ fullMs: z.number().int().min(0), zeroMs: z.number().int().positive() })
    .optional(),
});

/** A declared degree of difficulty (diving's DD) that multiplies a judgement of the same sheet. */
export const DifficultyCriterion = z.object({
  kind: z.literal('difficulty'),
  id: Id,
  label: LocalText,
  scale: z.object({
    min: Points,
    max: Points,
    step: Points.refine((x) => x > 0, '步长须大于 0'),
  }),
});

export const AggregateRule = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('mean') }),
  z.object({ rule: z.literal('median') }),
  z.object({ rule: z.literal('trimmed-mean'), trim: z.number().int().min(1).max(5) }),
  z.object({ rule: z.literal('two-closest') }),
]);
export type AggregateRule = z.infer<typeof AggregateRule>;

/**
 * A judgement on a scale (WorldSkills 0–3 with a descriptor for each level, or 0–10 step 0.1)
 * given by a panel. The aggregate rule picks the marks kept; `result` says what they score:
 * - `scaled` (default): `points × mean(kept) / scale.max` (WorldSkills: max × mean / 3);
 * - `mean` or `sum`: the mean or sum of the kept marks × `factor` × the declared difficulty
 *   (`difficultyFrom`, a difficulty criterion of the same sheet), as judged sports do.
 * A spread (max − min of the panel) above `tolerance` flags the line for the head judge.
 * Fewer than `minJudges` marks (default: the station's panel) leave the line provisional.
 */
export const JudgementCriterion = z.object({
  kind: z.literal('judgement'),
  id: Id,
  label: LocalText,
  points: Points,
  scale: z.object({
    min: Points,
    max: Points,
    step: Points.refine((x) => x > 0, '步长须大于 0'),
    descriptors: z.array(LocalText).optional(),
  }),
  aggregate: AggregateRule,
  tolerance: Points,
  result: z.enum(['scaled', 'mean', 'sum']).default('scaled'),
  factor: Points.default(1),
  difficultyFrom: Id.optional(),
  minJudges: z.number().int().min(1).max(15).optional(),
});

/** A value imported from another system (the theory exam total), on a scale with a step. */
export const ImportedCriterion = z.object({
  kind: z.literal('imported'),
  id: Id,
  label: LocalText,
  points: Points,
  step: Points.refine((x) => x > 0, '步长须大于 0'),
});

export const Criterion = z.discriminatedUnion('kind', [
  FaultsCriterion,
  VetoCriterion,
  CheckCriterion,
  TimeCriterion,
  DifficultyCriterion,
  JudgementCriterion,
  ImportedCriterion,
]);
export type Criterion = z.infer<typeof Criterion>;

export const SubStation = z.object({
  id: Id,
  label: LocalText,
  points: Points,
  criteria: z.array(Criterion).min(1),
});
export type SubStation = z.infer<typeof SubStation>;

export const Station = z.object({
  id: Id,
  label: LocalText,
  points: Points,
  /** Judges on the panel of each of this station's sheets (1 for a measurement station, 3 for a judged one). */
  judges: z.number().int().min(1).max(15).default(1),
  /**
   * A hidden station's scores are never sent to public clients (boards, the public API and
   * exports, the ticker); they still count in the totals, and staff see them.
   */
  hidden: z.boolean().default(false),
  /** Runs per contestant and how they combine; one attempt when absent. */
  attempts: z
    .object({ count: z.number().int().min(1).max(10), rule: z.enum(['best', 'sum', 'mean']) })
    .optional(),
  criteria: z.array(Criterion).min(1).optional(),
  subStations: z.array(SubStation).min(1).optional(),
});
export type Station = z.infer<typeof Station>;

export const Module = z.object({
  id: Id,
  label: LocalText,
  /** Share of the total in whole percent; the modules' weights add up to 100. */
  weight: z.number().int().min(0).max(100),
  points: Points,
  stations: z.array(Station).min(1),
});
export type Module = z.infer<typeof Module>;

export const TieBreak = z.object({
  kind: z.enum(['module', 'station', 'criterion']),
  id: Id,
  /** 'desc': higher wins (a score); 'asc': lower wins (a time). A missing value always loses. */
  order: z.enum(['desc', 'asc']),
});
export type TieBreak = z.infer<typeof TieBreak>;

/**
 * One award of the prize list (奖项). Positional awards (`rank`: the next `count` places;
 * `share`: the next ⌊percent × ranked field / 100⌋ places) take places one after another in
 * the listed order; a `threshold` award (e.g. a skill-level certificate) goes to every ranked
 * contestant whose total reaches `min`, whatever else they hold.
 */
export const AwardRule = z.discriminatedUnion('by', [
  z.object({
    by: z.literal('rank'),
    id: Id,
    label: LocalText,
    count: z.number().int().min(1).max(100_000),
  }),
  z.object({
    by: z.literal('share'),
    id: Id,
    label: LocalText,
    percent: Points.refine((x) => x > 0 && x <= 100, '比例须大于 0 且不超过 100%'),
  }),
  z.object({ by: z.literal('threshold'), id: Id, label: LocalText, min: Points }),
]);
export type AwardRule = z.infer<typeof AwardRule>;

/**
 * The prize list. `ties` says what a tie (still tied after the tie-break chain) that
 * straddles the boundary of two positional awards gets: `higher` — all of them the higher
 * award, the places used up from the award below (并列者同奖，占用后续名额); `lower` — all of
 * them the lower award (or none past the last one).
 */
export const Awards = z.object({
  ties: z.enum(['higher', 'lower']).default('higher'),
  rules: z.array(AwardRule).min(1).max(20),
});
export type Awards = z.infer<typeof Awards>;

/**
 * Who goes on to the next round (晋级): the top `count` by rank, or every total reaching `min`.
 * At the cut, `ties: 'all-advance'` takes everyone whose published total equals the last
 * place's (the tie-break chain is not asked); `'tie-break'` takes ranks 1…count after the
 * scheme's tie-break chain (a tie the chain cannot split shares a rank and advances together).
 */
export const Advancement = z.discriminatedUnion('by', [
  z.object({
    by: z.literal('top'),
    count: z.number().int().min(1).max(100_000),
    ties: z.enum(['all-advance', 'tie-break']),
  }),
  z.object({ by: z.literal('threshold'), min: Points }),
]);
export type Advancement = z.infer<typeof Advancement>;

const SchemeShape = z.object({
  schemaVersion: z.literal(1),
  id: Id,
  label: LocalText,
  /** Decimals of every published score (stations, modules, total). */
  decimals: z.number().int().min(0).max(3).default(2),
  modules: z.array(Module).min(1),
  tieBreaks: z.array(TieBreak).max(10).default([]),
  /** The prize list of this round; none when absent. */
  awards: Awards.optional(),
  /** How contestants go on to the next round of the same event and group. */
  advancement: Advancement.optional(),
  /**
   * Carry-over (带分晋级): each contestant starts with the previous round's published total ×
   * `weight`, rounded half-up to this scheme's decimals; absent: the round starts from zero.
   */
  carry: z.object({ weight: Points.refine((x) => x > 0, '带入权重须大于 0') }).optional(),
  /**
   * Team ranking (团体): contestants of one organisation form a team; its score is the sum of
   * its `best` highest totals (all members when absent). A team with fewer ranked members than
   * `best` is listed without a rank.
   */
  teams: z.object({ best: z.number().int().min(1).max(100).optional() }).optional(),
});
export const MarkingScheme = SchemeShape.superRefine(checkScheme);
export type MarkingScheme = z.infer<typeof MarkingScheme>;
export type MarkingSchemeInput = z.input<typeof MarkingScheme>;

function criterionMax(c: Criterion): number {
  return 'points' in c ? c.points : 0;
}

function sumPoints(values: number[]): number {
  // Compare in milli-points so 0.1 + 0.2 adds up to exactly 0.3.
  return values.reduce((s, x) => s + Math.round(x * 1000), 0);
}

/** Cross-field rules zod's shapes cannot say; each issue names the JSON path it is about. */
function checkScheme(scheme: z.output<typeof SchemeShape>, ctx: z.RefinementCtx): void {
  const seen = new Map<string, string>();
  const claim = (id: string, path: (string | number)[]) => {
    const key = path.join('.');
    const prev = seen.get(id);
    if (prev) ctx.addIssue({ code: 'custom', path, message: `标识 "${id}" 重复（另见 ${prev}）` });
    else seen.set(id, key);
  };
  const weights = scheme.modules.reduce((a, m) => a + m.weight, 0);
  if (weights !== 100)
    ctx.addIssue({
      code: 'custom',
      path: ['modules'],
      message: `模块权重合计 ${weights}，应为 100`,
    });

  scheme.modules.forEach((m, mi) => {
    claim(m.id, ['modules', mi, 'id']);
    const stationSum = sumPoints(m.stations.map((st) => st.points));
    if (stationSum !== Math.round(m.points * 1000))
      ctx.addIssue({
        code: 'custom',
        path: ['modules', mi, 'points'],
        message: `各站合计 ${stationSum / 1000} 分，模块声明 ${m.points} 分`,
      });
    m.stations.forEach((st, si) => {
      const sp = ['modules', mi, 'stations', si];
      claim(st.id, [...sp, 'id']);
      if (!!st.criteria === !!st.subStations)
        ctx.addIssue({
          code: 'custom',
          path: sp,
          message: '一个站点只能有 criteria 或 subStations 之一',
        });
      const units = st.subStations ?? [
        { id: st.id, points: st.points, criteria: st.criteria ?? [] },
      ];
      const unitSum = sumPoints(units.map((u) => u.points));
      if (st.subStations && unitSum !== Math.round(st.points * 1000))
        ctx.addIssue({
          code: 'custom',
          path: [...sp, 'subStations'],
          message: `各分站合计 ${unitSum / 1000} 分，站点声明 ${st.points} 分`,
        });
      units.forEach((u, ui) => {
        const up = st.subStations ? [...sp, 'subStations', ui] : sp;
        if (st.subStations) claim(u.id, [...up, 'id']);
        const cSum = sumPoints(u.criteria.map(criterionMax));
        if (cSum !== Math.round(u.points * 1000))
          ctx.addIssue({
            code: 'custom',
            path: [...up, 'criteria'],
            message: `各评分项合计 ${cSum / 1000} 分，声明 ${u.points} 分`,
          });
        u.criteria.forEach((c, ci) => {
          const cp = [...up, 'criteria', ci];
          claim(c.id, [...cp, 'id']);
          if (c.kind === 'veto' && c.scope === 'sub-station' && !st.subStations)
            ctx.addIssue({
              code: 'custom',
              path: [...cp, 'scope'],
              message: '分站否决项只能放在分站中',
            });
          if (c.kind === 'time' && c.points > 0 && (!c.band || c.band.zeroMs <= c.band.fullMs))
            ctx.addIssue({
              code: 'custom',
              path: [...cp, 'band'],
              message: '计分的用时项需要 band，且 zeroMs 大于 fullMs',
            });
          if (
            c.kind === 'judgement' &&
            c.difficultyFrom &&
            !u.criteria.some((d) => d.id === c.difficultyFrom && d.kind === 'difficulty')
          )
            ctx.addIssue({
              code: 'custom',
              path: [...cp, 'difficultyFrom'],
              message: `本评分表没有难度项 "${c.difficultyFrom}"`,
            });
          if (c.kind === 'faults') {
            const ids = new Set<string>();
            c.faults.forEach((f, fi) => {
              if (ids.has(f.id))
                ctx.addIssue({
                  code: 'custom',
                  path: [...cp, 'faults', fi, 'id'],
                  message: `扣分项标识 "${f.id}" 重复`,
                });
              ids.add(f.id);
            });
            if (c.floor > c.points)
              ctx.addIssue({
                code: 'custom',
                path: [...cp, 'floor'],
                message: '保底分高于该项满分',
              });
          }
          if (c.kind === 'judgement') {
            const { min, max, step, descriptors } = c.scale;
            const span = Math.round(max * 1000) - Math.round(min * 1000);
            const stepM = Math.round(step * 1000);
            if (span <= 0 || span % stepM !== 0)
              ctx.addIssue({
                code: 'custom',
                path: [...cp, 'scale'],
                message: '评分尺度的最大值须比最小值大整数个步长',
              });
            else if (descriptors && descriptors.length !== span / stepM + 1)
              ctx.addIssue({
                code: 'custom',
                path: [...cp, 'scale', 'descriptors'],
                message: `${span / stepM + 1} 个等级需要同样多的描述，实际 ${descriptors.length} 个`,
              });
            else if (!descriptors && span / stepM + 1 <= 5)
              ctx.addIssue({
                code: 'custom',
                path: [...cp, 'scale', 'descriptors'],
                message: '等级较少的评价尺度须为每个等级写明描述',
              });
            const minJudges =
              c.aggregate.rule === 'two-closest'
                ? 3
                : c.aggregate.rule === 'trimmed-mean'
                  ? 2 * c.aggregate.trim + 1
                  : 1;
            if (st.judges < minJudges)
              ctx.addIssue({
                code: 'custom',
                path: [...cp, 'aggregate'],
                message: `规则 ${c.aggregate.rule} 至少需要 ${minJudges} 名裁判，本站为 ${st.judges} 名`,
              });
          }
        });
      });
    });
  });
  const awardIds = new Set<string>();
  scheme.awards?.rules.forEach((a, ai) => {
    if (awardIds.has(a.id))
      ctx.addIssue({
        code: 'custom',
        path: ['awards', 'rules', ai, 'id'],
        message: `奖项标识 "${a.id}" 重复`,
      });
    awardIds.add(a.id);
  });
  scheme.tieBreaks.forEach((t, ti) => {
    const target = seen.get(t.id);
    if (!target)
      ctx.addIssue({
        code: 'custom',
        path: ['tieBreaks', ti, 'id'],
        message: `同分排序引用了不存在的 ${t.kind} "${t.id}"`,
      });
  });
}

/**
 * Parses an unknown value as a marking scheme.
 * @returns the scheme, or a list of "path: problem" lines suitable for a person.
 */
export function parseScheme(
  input: unknown,
): { ok: true; scheme: MarkingScheme } | { ok: false; errors: string[] } {
  const r = MarkingScheme.safeParse(input);
  if (r.success) return { ok: true, scheme: r.data };
  return {
    ok: false,
    errors: r.error.issues.map(
      (i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`,
    ),
  };
}
