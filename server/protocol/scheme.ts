import { z } from 'zod';
import { formatIssues } from './errors.ts';
import { formatMilli, parseMilli, toMilli } from './decimal.ts';

/**
 * The marking scheme (评分标准), version 1 or 2: modules with weights → stations → optional
 * sub-stations → criteria. Version 2 adds what a sport's own totals need (issue 19): a
 * `basis` (weighted or plain points), sheets whose points are a maximum or nominal and whose
 * floor at 0 is declared, declared `rounding`, and cuts and carries over named rounds. A
 * version 1 scheme parses to exactly the object it always did (no field is added to it), and
 * the engine reads every absent version 2 field as today's rule (see `schemeRules`). Everything a contest counts is data here; the engine hard-codes
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

/**
 * Counted faults: `max(floor, points − min(cap, Σ count × deduction))`. Version 2 allows a
 * negative floor (a penalty that takes points off the rest of the sheet: `points: 0,
 * floor: -10`); the sheet's own `floorAtZero` then says whether the sheet may end below 0.
 */
export const FaultsCriterion = z.object({
  kind: z.literal('faults'),
  id: Id,
  label: LocalText,
  points: Points,
  floor: z
    .number()
    .min(-1_000_000)
    .max(1_000_000)
    .refine((x) => parseMilli(x).ok, '最多三位小数')
    .default(0),
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

/**
 * What a sheet's `points` are (version 2): `maximum` — no value above them can be scored, which
 * is checked when the scheme is loaded (a judgement `mean`/`sum` × factor × difficulty, or
 * attempts summed, that could go beyond is refused), so nothing is ever cut at scoring time;
 * `nominal` — the usual size, for progress and "x / 12" labels only: a total above it counts
 * in full (a diving dive, a weightlifting total). Absent: `maximum` in version 2; a version 1
 * scheme keeps its old rule (a sheet is cut at its points).
 */
export const PointsAre = z.enum(['maximum', 'nominal']);
export type PointsAre = z.infer<typeof PointsAre>;

/** Sheet fields of version 2 (a station with criteria, or a sub-station). */
const sheetRules = {
  pointsAre: PointsAre.optional(),
  /** Whether the sheet's total stops at 0 (absent: true, as in version 1). */
  floorAtZero: z.boolean().optional(),
};

export const SubStation = z.object({
  id: Id,
  label: LocalText,
  points: Points,
  ...sheetRules,
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
  /**
   * Version 2. On a station with criteria: its sheet's rules. On a station with sub-stations:
   * `pointsAre` bounds the station's total (attempts summed) and is the default of its
   * sub-stations; `floorAtZero` is each sub-station's default.
   */
  ...sheetRules,
  criteria: z.array(Criterion).min(1).optional(),
  subStations: z.array(SubStation).min(1).optional(),
});
export type Station = z.infer<typeof Station>;

export const Module = z.object({
  id: Id,
  label: LocalText,
  /**
   * Share of the total in whole percent; the modules' weights add up to 100. Required on the
   * `weighted` basis, refused on the `points` basis (where it would mean nothing).
   */
  weight: z.number().int().min(0).max(100).optional(),
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
 * Version 2: what a cut ranks on when it is not this round's total — the sum of the
 * contestant's own totals (each round's, without its carry) of the named rounds of the same
 * event and group, this round included when named (cut on preliminary + semifinal). Rounds
 * are named by their `round.id` in the competition file.
 */
export const RunningTotal = z.object({
  rounds: z.array(Id).min(1).max(20),
});
export type RunningTotal = z.infer<typeof RunningTotal>;

/**
 * Who goes on to the next round (晋级): the top `count` by rank, or every total reaching `min`.
 * At the cut, `ties: 'all-advance'` takes everyone whose published total equals the last
 * place's (the tie-break chain is not asked); `'tie-break'` takes ranks 1…count after the
 * scheme's tie-break chain (a tie the chain cannot split shares a rank and advances together).
 * `on` (version 2): the cut ranks on a running total of named rounds instead (then the
 * tie-break chain of this round); absent: on this round's ranked total (with any carry).
 */
export const Advancement = z.discriminatedUnion('by', [
  z.object({
    by: z.literal('top'),
    count: z.number().int().min(1).max(100_000),
    ties: z.enum(['all-advance', 'tie-break']),
    on: RunningTotal.optional(),
  }),
  z.object({ by: z.literal('threshold'), min: Points, on: RunningTotal.optional() }),
]);
export type Advancement = z.infer<typeof Advancement>;

/**
 * Carry-over (带分晋级), either shape:
 * - `{weight}`: the previous round's published total (with its own carry) × weight;
 * - `{rounds: [{round, weight}]}` (version 2): Σ of the named earlier rounds' own totals
 *   (each without its carry) × their weights, so a final can carry the semifinal but not the
 *   preliminary the cut was also ranked on.
 * Rounded once to this scheme's decimals, in its rounding mode.
 */
export const Carry = z.union([
  z.object({ weight: Points.refine((x) => x > 0, '带入权重须大于 0') }),
  z.object({
    rounds: z
      .array(z.object({ round: Id, weight: Points.refine((x) => x > 0, '带入权重须大于 0') }))
      .min(1)
      .max(20),
  }),
]);
export type Carry = z.infer<typeof Carry>;

/**
 * When published values are rounded (version 2), to `decimals` places:
 * - `attempt`: each run's score, then every stage sums or takes the rounded values;
 * - `station` (default, version 1's rule): each station; a module is the exact sum of its
 *   published stations, so the parts shown add up to what is shown;
 * - `module`: stations are shown rounded but a module rounds the exact sum of its stations;
 * - `total`: only the total rounds the exact sum; stations and modules are shown rounded.
 * `mode`: `half-up` (四舍五入, default) or `truncate` (toward zero, where a sport's rules cut
 * the extra decimals). On the weighted basis the total is rounded again after weighting, as
 * in version 1.
 */
export const Rounding = z.object({
  stage: z.enum(['attempt', 'station', 'module', 'total']).default('station'),
  mode: z.enum(['half-up', 'truncate']).default('half-up'),
});
export type Rounding = z.infer<typeof Rounding>;

const SchemeShape = z.object({
  schemaVersion: z.union([z.literal(1), z.literal(2)]),
  id: Id,
  label: LocalText,
  /** Decimals of every published score (stations, modules, total). */
  decimals: z.number().int().min(0).max(3).default(2),
  /**
   * Version 2: `weighted` (default) — total = Σ weight% × module / module points, out of 100;
   * `points` — total = the plain sum of the modules' points, of any size (a weightlifting
   * total, a shooting match of 654.3), and modules carry no weight.
   */
  basis: z.enum(['weighted', 'points']).optional(),
  /** Version 2: where and how values are rounded; absent: per station, half-up. */
  rounding: Rounding.optional(),
  modules: z.array(Module).min(1),
  tieBreaks: z.array(TieBreak).max(10).default([]),
  /** The prize list of this round; none when absent. */
  awards: Awards.optional(),
  /** How contestants go on to the next round of the same event and group. */
  advancement: Advancement.optional(),
  /** What each contestant of this round starts with from earlier rounds; absent: zero. */
  carry: Carry.optional(),
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

const MILLION = 1_000_000n;

/** How many marks an aggregate rule keeps of a full panel of `n` (engine/scoring.ts keptCount). */
function keptOf(n: number, rule: AggregateRule): number {
  switch (rule.rule) {
    case 'mean':
      return n;
    case 'median':
      return n % 2 ? 1 : 2;
    case 'trimmed-mean':
      return n > 2 * rule.trim ? n - 2 * rule.trim : n;
    case 'two-closest':
      return n === 3 ? 2 : n;
  }
}

/**
 * The most a sheet can score, in millionths of a milli-point (exact, BigInt: a scale maximum
 * × factor × difficulty is a product of three milli values). Judgements `mean`/`sum` reach
 * scale.max × factor × the largest difficulty (× the marks a full panel keeps, for `sum`);
 * every other criterion its points (a fault floor below 0 never raises the maximum).
 */
function sheetReach(criteria: readonly Criterion[], judges: number): bigint {
  let reach = 0n;
  for (const c of criteria) {
    if (c.kind === 'judgement' && c.result !== 'scaled') {
      const dd = c.difficultyFrom
        ? criteria.find((d) => d.id === c.difficultyFrom && d.kind === 'difficulty')
        : undefined;
      const ddMax = dd?.kind === 'difficulty' ? toMilli(dd.scale.max) : 1000;
      const kept = c.result === 'sum' ? keptOf(judges, c.aggregate) : 1;
      reach +=
        BigInt(toMilli(c.scale.max)) * BigInt(toMilli(c.factor)) * BigInt(ddMax) * BigInt(kept);
    } else if ('points' in c) reach += BigInt(toMilli(c.points)) * MILLION;
  }
  return reach;
}

/** A reach (millionths of a milli-point) as a decimal for a message, at most 3 places shown. */
function formatReach(reach: bigint): string {
  const milli = reach / MILLION;
  return formatMilli(Number(milli)) + (reach % MILLION ? '…' : '');
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
  const v2 = scheme.schemaVersion === 2;
  /** A version 2 field in a version 1 scheme: refused, so no rule is silently ignored. */
  const needsV2 = (present: unknown, path: (string | number)[], field: string) => {
    if (!v2 && present !== undefined)
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${field} 是第 2 版评分标准的字段：请写 "schemaVersion": 2`,
      });
  };
  needsV2(scheme.basis, ['basis'], 'basis');
  needsV2(scheme.rounding, ['rounding'], 'rounding');
  needsV2(scheme.advancement?.on, ['advancement', 'on'], 'advancement.on');
  needsV2(
    scheme.carry && 'rounds' in scheme.carry ? scheme.carry.rounds : undefined,
    ['carry', 'rounds'],
    'carry.rounds',
  );
  if (scheme.basis === 'points')
    scheme.modules.forEach((m, mi) => {
      if (m.weight !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['modules', mi, 'weight'],
          message:
            '按分数合计（basis: points）时总分是各模块得分之和，模块不能有权重：删除 weight，或改用 basis: weighted',
        });
    });
  else {
    scheme.modules.forEach((m, mi) => {
      if (m.weight === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['modules', mi, 'weight'],
          message: '按权重合计时每个模块须写 weight（整数百分比，合计 100）',
        });
    });
    const weights = scheme.modules.reduce((a, m) => a + (m.weight ?? 0), 0);
    if (weights !== 100)
      ctx.addIssue({
        code: 'custom',
        path: ['modules'],
        message: `模块权重合计 ${weights}，应为 100`,
      });
  }
  const listed = (ids: readonly string[], path: (string | number)[]) => {
    const seenIds = new Set<string>();
    ids.forEach((id, i) => {
      if (seenIds.has(id))
        ctx.addIssue({ code: 'custom', path: [...path, i], message: `轮次 "${id}" 重复` });
      seenIds.add(id);
    });
  };
  if (scheme.advancement?.on) listed(scheme.advancement.on.rounds, ['advancement', 'on', 'rounds']);
  if (scheme.carry && 'rounds' in scheme.carry)
    listed(
      scheme.carry.rounds.map((r) => r.round),
      ['carry', 'rounds'],
    );

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
      needsV2(st.pointsAre, [...sp, 'pointsAre'], 'pointsAre');
      needsV2(st.floorAtZero, [...sp, 'floorAtZero'], 'floorAtZero');
      const stationRule = st.pointsAre ?? 'maximum';
      if (v2 && stationRule === 'maximum' && st.attempts?.rule === 'sum' && st.attempts.count > 1)
        ctx.addIssue({
          code: 'custom',
          path: [...sp, 'pointsAre'],
          message: `本站 ${st.attempts.count} 次试跳按 sum 相加，最高可得 ${formatMilli(st.attempts.count * toMilli(st.points))} 分，超过声明的 ${st.points} 分：声明 "pointsAre": "nominal"（名义分，不截断），或改 points`,
        });
      const units: {
        id: string;
        points: number;
        pointsAre?: PointsAre | undefined;
        floorAtZero?: boolean | undefined;
        criteria: Criterion[];
      }[] = st.subStations ?? [
        {
          id: st.id,
          points: st.points,
          pointsAre: st.pointsAre,
          floorAtZero: st.floorAtZero,
          criteria: st.criteria ?? [],
        },
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
        if (st.subStations) {
          needsV2(u.pointsAre, [...up, 'pointsAre'], 'pointsAre');
          needsV2(u.floorAtZero, [...up, 'floorAtZero'], 'floorAtZero');
          if (v2 && stationRule === 'maximum' && u.pointsAre === 'nominal')
            ctx.addIssue({
              code: 'custom',
              path: [...up, 'pointsAre'],
              message: '分站的分数是名义分（nominal）时，站点不能声明为上限（maximum）',
            });
        }
        if (v2 && (u.pointsAre ?? stationRule) === 'maximum') {
          const reach = sheetReach(u.criteria, st.judges);
          if (reach > BigInt(toMilli(u.points)) * MILLION)
            ctx.addIssue({
              code: 'custom',
              path: [...up, 'points'],
              message: `本评分表最高可得 ${formatReach(reach)} 分（评价项的平均或合计 × 系数 × 难度），超过声明的上限 ${u.points} 分：改大 points，或声明 "pointsAre": "nominal"（名义分，不截断）`,
            });
        }
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
          if (c.kind === 'faults' && c.floor < 0 && !v2)
            ctx.addIssue({
              code: 'custom',
              path: [...cp, 'floor'],
              message: '负的保底分是第 2 版评分标准的规则：请写 "schemaVersion": 2',
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
    errors: r.error.issues.map((i) => formatIssues([i], { root: '(root)' })),
  };
}
