/**
 * Every refusal in words, in Chinese and English: one text per code of the closed error table
 * (`errors.ts`), filled from the code's parameters ({@link ErrorParams}). The server fills an
 * answer's `message` from here in Chinese (for curl users and logs); the pages word the code
 * and parameters in their own language, so an English judge reads an English rejection.
 * Zod-free and engine-free: the judge tablet loads it lazily, the console and the board as is.
 */
import type { Bilingual, BodyProblem, ErrorCode, ErrorParams, MissingPart } from './errors.ts';

/** The languages the pages are in. */
export type Lang = 'zh' | 'en';

/** A code's text in one language, made from its parameters. */
type Text<C extends ErrorCode> = (p: ErrorParams[C]) => string;

/** A few bibs: `1号、3号、7号 等 12 位` / `#1, #3, #7 (12 contestants)`. */
function someBibs(lang: Lang, bibs: readonly string[], contestants: number): string {
  if (lang === 'zh') {
    const list = bibs.map((b) => `${b}号`).join('、');
    return contestants > bibs.length ? `${list} 等 ${contestants} 位` : list;
  }
  const list = bibs.map((b) => `#${b}`).join(', ');
  return contestants > bibs.length ? `${list} (${contestants} contestants)` : list;
}

const BODY: Record<BodyProblem, Bilingual> = {
  json: { zh: '请求正文不是有效的 JSON', en: 'The body is not valid JSON' },
  empty_json: {
    zh: '请求正文是空的，却声明为 JSON（Content-Type: application/json）',
    en: 'The body is empty but declared as JSON (Content-Type: application/json)',
  },
  media_type: {
    zh: '这里不接受这种内容类型（Content-Type）',
    en: 'This Content-Type is not accepted here',
  },
  content_length: {
    zh: 'Content-Length 与请求正文的长度不符',
    en: 'Content-Length does not match the body',
  },
  too_large: { zh: '请求正文过大', en: 'The body is too large' },
};

const MISSING: Record<MissingPart, Bilingual> = {
  login: {
    zh: '请填写比赛和密码，或登录码',
    en: 'Enter the competition and password, or a login code',
  },
  switch_target: { zh: '请指明要切换到的比赛', en: 'Say which competition to switch to' },
  void_reason: {
    zh: '请填写撤销原因（至少 2 个字）',
    en: 'Give a reason for the void (at least 2 characters)',
  },
  rerun_fields: {
    zh: '请填写选手、站点、轮次和原因',
    en: 'Give the contestant, station, run and reason',
  },
  rescore_fields: { zh: '请填写选手、评分项和原因', en: 'Give the contestant, sheet and reason' },
  seed: { zh: 'seed 须为非负整数', en: 'seed must be a whole number, 0 or more' },
  award_or_bib: {
    zh: 'award 或 bib 参数格式不正确',
    en: 'The award or bib parameter is malformed',
  },
};

const NOT_READY: Record<ErrorParams['advance/not_ready']['why'], (round: string) => Bilingual> = {
  no_rule: () => ({ zh: '本轮没有晋级规则', en: 'This round has no advancement rule' }),
  no_next: () => ({
    zh: '没有下一轮（同一工种、同一组别的后续轮次）',
    en: 'There is no next round (a later round of the same event and group)',
  }),
  advanced: (r) => ({ zh: `已晋级到${r}`, en: `Already advanced to ${r}` }),
  next_has_field: (r) => ({ zh: `${r}已有选手名单`, en: `${r} already has its contestants` }),
  not_final: () => ({
    zh: '本轮成绩公布为正式成绩后才能晋级',
    en: 'Contestants advance once this round’s results are published as official',
  }),
};

/**
 * One refusal's text per code and language. A mapped type over {@link ErrorCode}: a code
 * without its text (or a text for no code) does not type-check.
 */
export const MESSAGES: { [C in ErrorCode]: { zh: Text<C>; en: Text<C> } } = {
  'auth/rate_limited': {
    zh: () => '登录失败次数过多，请一分钟后再试',
    en: () => 'Too many failed logins; try again in a minute',
  },
  'auth/required': {
    zh: (p) =>
      p.why === 'login_invalid'
        ? '请先登录（登录码无效或已停用）'
        : p.why === 'sheet'
          ? '评分表仅限组委会和裁判长'
          : p.why === 'audit'
            ? '审计日志仅限组委会和裁判长'
            : '请先登录',
    en: (p) =>
      p.why === 'login_invalid'
        ? 'Log in first (the login code is invalid or revoked)'
        : p.why === 'sheet'
          ? 'Score sheets are for the organisers and the head judge only'
          : p.why === 'audit'
            ? 'The audit log is for the organisers and the head judge only'
            : 'Log in first',
  },
  'auth/throttled': {
    zh: () => '登录失败次数过多，请稍后再试',
    en: () => 'Too many failed logins; try again later',
  },
  'import/not_written': {
    zh: () => '服务器未能保存，未写入任何成绩，请重试',
    en: () => 'The server could not save: no score was written. Try again',
  },
  'rate/limited': {
    zh: () => '请求过于频繁，请稍后再试',
    en: () => 'Too many requests; try again shortly',
  },
  'server/commit_failed': {
    zh: (p) => `服务器保存失败，请稍后重发（${p.detail}）`,
    en: (p) => `The server could not save; send again shortly (${p.detail})`,
  },
  'server/backup_elsewhere': {
    zh: () => '本服务器的数据在 PostgreSQL 中：请由管理员用 pg_dump 备份（见 docs/deployment.md）',
    en: () =>
      "This server's data is in PostgreSQL: the administrator backs it up with pg_dump (docs/deployment.md)",
  },
  'server/storage_unavailable': {
    zh: () =>
      '数据库暂时不可用（磁盘已满、只读、繁忙或数据库服务器在重启），本次操作未做任何更改，请稍后重试',
    en: () =>
      'The database is not available right now (disk full, read-only, busy, or its server restarting); nothing was changed. Try again later',
  },
  'advance/not_ready': {
    zh: (p) => NOT_READY[p.why](p.round?.zh ?? '').zh,
    en: (p) => NOT_READY[p.why](p.round?.en ?? '').en,
  },
  'auth/bad_password': { zh: () => '密码不正确', en: () => 'Wrong password' },
  'auth/forbidden': {
    zh: (p) =>
      p.why === 'not_staff'
        ? '您不是本场比赛的工作人员'
        : p.why === 'head_judge_void'
          ? '只有裁判长可以撤销评分'
          : p.why === 'head_judge_rerun'
            ? '只有裁判长可以准予重赛'
            : p.why === 'audit'
              ? '审计日志仅限组委会和裁判长'
              : '您没有权限执行此操作',
    en: (p) =>
      p.why === 'not_staff'
        ? 'You are not an official of this competition'
        : p.why === 'head_judge_void'
          ? 'Only the head judge can void a mark'
          : p.why === 'head_judge_rerun'
            ? 'Only the head judge can grant a re-run'
            : p.why === 'audit'
              ? 'The audit log is for the organisers and the head judge only'
              : 'You are not allowed to do this',
  },
  'auth/no_organiser': {
    zh: (p) => (p.other ? '那场比赛没有组委会账号' : '本场比赛没有组委会账号'),
    en: (p) =>
      p.other
        ? 'That competition has no organiser login'
        : 'This competition has no organiser login',
  },
  'auth/unknown_code': {
    zh: () => '登录码无效或已停用，请核对后重试',
    en: () => 'The login code is invalid or revoked; check it and try again',
  },
  'auth/unknown_token': {
    zh: () => '登录码无效或已停用，请联系组委会',
    en: () => 'The login code is invalid or revoked; ask the organisers',
  },
  'board/read_only': {
    zh: () => '大屏连接是只读的',
    en: () => 'The board connection is read-only',
  },
  'competition/invalid': {
    zh: (p) => p.issues ?? '无效的 slug',
    en: (p) => (p.issues === undefined ? 'Invalid slug' : `Invalid competition file: ${p.issues}`),
  },
  'competition/not_found': {
    zh: (p) => (p.inFestival ? '本技能节没有这场比赛' : '没有这场比赛'),
    en: (p) =>
      p.inFestival ? 'This festival has no such competition' : 'There is no such competition',
  },
  'competition/slug_taken': {
    zh: (p) => `已有比赛使用 “${p.slug}”，请用 ?slug= 另取一个`,
    en: (p) => `A competition already uses “${p.slug}”; choose another with ?slug=`,
  },
  'contestant/not_found': {
    zh: (p) => `没有 ${p.bib} 号选手`,
    en: (p) => `There is no contestant #${p.bib}`,
  },
  'course/all_revealed': { zh: () => '已全部揭晓', en: () => 'Every place is revealed' },
  'course/already_locked': {
    zh: (p) => `${p.station.zh} 已锁定`,
    en: (p) => `${p.station.en} is already locked`,
  },
  'course/final': {
    zh: () => '成绩已正式公布，不能再更改',
    en: () => 'The results are official; nothing can change',
  },
  'course/flagged_lines': {
    zh: (p) => `${p.station.zh} 仍有评分分歧待处理：${someBibs('zh', p.bibs, p.contestants)}`,
    en: (p) =>
      `${p.station.en} still has disagreements to resolve: ${someBibs('en', p.bibs, p.contestants)}`,
  },
  'course/not_frozen': {
    zh: (p) => (p.reveal ? '请先封榜，再开始颁奖揭晓' : '比赛未封榜'),
    en: (p) =>
      p.reveal ? 'Freeze the standings before the reveal' : 'The standings are not frozen',
  },
  'course/not_live': {
    zh: () => '只有进行中的比赛可以封榜',
    en: () => 'Only a live competition can be frozen',
  },
  'course/not_locked': {
    zh: (p) => `${p.station.zh} 未锁定`,
    en: (p) => `${p.station.en} is not locked`,
  },
  'course/open_lines': {
    zh: (p) =>
      `${p.station.zh} 还有 ${p.lines} 项评分未完成（${someBibs('zh', p.bibs, p.contestants)}）；如确认锁定，请填写原因`,
    en: (p) =>
      `${p.station.en} has ${p.lines} unfinished ${p.lines === 1 ? 'mark' : 'marks'} (${someBibs('en', p.bibs, p.contestants)}); to lock it anyway, give a reason`,
  },
  'course/stations_unlocked': {
    zh: (p) => `以下站点尚未锁定（签核）：${p.stations.map((s) => s.zh).join('、')}`,
    en: (p) =>
      `These stations are not locked (signed off): ${p.stations.map((s) => s.en).join(', ')}`,
  },
  'course/unknown_station': {
    zh: (p) => `没有站点 “${p.station}”`,
    en: (p) => `There is no station “${p.station}”`,
  },
  'draw/marks_exist': {
    zh: () => '已开始评分，不能重新抽签',
    en: () => 'Marking has begun; the draw cannot be redone',
  },
  'festival/invalid': { zh: (p) => p.issues, en: (p) => `Invalid festival file:\n${p.issues}` },
  'festival/not_found': { zh: () => '没有这个技能节', en: () => 'There is no such festival' },
  'festival/slug_taken': {
    zh: (p) => `已被使用的标识：${p.slugs.join('、')}，请在文件中改名后再导入`,
    en: (p) => `Already in use: ${p.slugs.join(', ')}; rename them in the file and import again`,
  },
  'https/off': {
    zh: () => '本服务器未启用 HTTPS（HTTPS=off），没有场馆证书',
    en: () => 'This server runs without HTTPS (HTTPS=off): there is no venue certificate',
  },
  'import/advanced_field': {
    zh: () => '本轮选手由上一轮晋级产生（含带入成绩），不能用名单替换',
    en: () =>
      'This round’s contestants advanced from the previous round (with carried scores); a list cannot replace them',
  },
  'import/bad_criterion': {
    zh: (p) => `“${p.criterion}” 不是可导入的成绩项`,
    en: (p) => `“${p.criterion}” is not a score that can be imported`,
  },
  'import/bad_type': {
    zh: (p) =>
      p.scores ? '请上传 CSV 文本（text/csv）或 JSON {csv, seen}' : '请上传 CSV 或 XLSX 文件',
    en: (p) =>
      p.scores ? 'Send CSV text (text/csv) or JSON {csv, seen}' : 'Upload a CSV or XLSX file',
  },
  'import/conflict': {
    zh: (p) =>
      `${p.lines} 行的成绩${p.previewed ? '在预览之后被修改' : '已经存在'}，请逐行选择保留现有成绩或以文件覆盖（须填写原因）`,
    en: (p) =>
      `${p.lines} ${p.lines === 1 ? 'line' : 'lines'} ${p.previewed ? (p.lines === 1 ? 'was changed after the preview' : 'were changed after the preview') : p.lines === 1 ? 'already has a score' : 'already have a score'}: for each, keep the current score or overwrite it from the file (with a reason)`,
  },
  'import/marks_exist': {
    zh: () => '已开始评分，不能再替换选手名单',
    en: () => 'Marking has begun; the contestant list cannot be replaced',
  },
  'import/partly_written': {
    zh: (p) => `服务器只写入了部分成绩：${p.lines} 行未写入，请核对后重新导入`,
    en: (p) =>
      `The server wrote only part of the scores: ${p.lines} ${p.lines === 1 ? 'line was' : 'lines were'} not written. Check and import again`,
  },
  'import/too_large': {
    zh: (p) =>
      p.why === 'not_zip'
        ? '文件不是有效的 XLSX（无法读取压缩目录）'
        : p.why === 'entries'
          ? `XLSX 内部文件过多（${p.count} 个）`
          : p.why === 'unpacked'
            ? `XLSX 解压后过大（${p.mb} MB，上限 ${p.maxMb} MB）`
            : p.rows === undefined
              ? `文件行数过多（上限 ${p.maxRows} 行）`
              : `表格行数过多（${p.rows} 行，上限 ${p.maxRows} 行）`,
    en: (p) =>
      p.why === 'not_zip'
        ? 'Not a valid XLSX file (its zip directory cannot be read)'
        : p.why === 'entries'
          ? `The XLSX holds too many files (${p.count})`
          : p.why === 'unpacked'
            ? `The XLSX is too big unpacked (${p.mb} MB, at most ${p.maxMb} MB)`
            : p.rows === undefined
              ? `The file has too many lines (at most ${p.maxRows})`
              : `The sheet has too many rows (${p.rows}, at most ${p.maxRows})`,
  },
  'import/unreadable': {
    zh: (p) => `无法读取文件：${p.detail}`,
    en: (p) => `The file cannot be read: ${p.detail}`,
  },
  'mark/bad_frame': {
    zh: (p) => `无法识别的消息：${p.detail}`,
    en: (p) => `Unrecognised message: ${p.detail}`,
  },
  'mark/bad_value': {
    zh: (p) => `${p.criterion.zh}：扣分次数格式错误`,
    en: (p) => `${p.criterion.en}: the fault counts are malformed`,
  },
  'mark/client_id_reused': {
    zh: () => '该记录编号已被使用，请刷新后重新提交',
    en: () => 'This entry’s id is already used; reload and submit again',
  },
  'mark/competition_closed': {
    zh: (p) =>
      p.state === 'final'
        ? p.import
          ? '比赛成绩已正式公布，不能再导入成绩'
          : '比赛成绩已正式公布，不能再评分'
        : p.import
          ? '比赛尚未开始，不能导入成绩'
          : '比赛尚未开始',
    en: (p) =>
      p.state === 'final'
        ? p.import
          ? 'The results are official; scores can no longer be imported'
          : 'The results are official; marking is closed'
        : p.import
          ? 'The competition has not started; scores cannot be imported yet'
          : 'The competition has not started',
  },
  'mark/contestant_inactive': {
    zh: (p) => `${p.bib}号 ${p.name} 已${p.status === 'withdrawn' ? '退赛' : '被取消资格'}`,
    en: (p) =>
      `#${p.bib} ${p.name} has ${p.status === 'withdrawn' ? 'withdrawn' : 'been disqualified'}`,
  },
  'mark/empty': {
    zh: (p) => `${p.criterion.zh}：请输入分数`,
    en: (p) => `${p.criterion.en}: enter a score`,
  },
  'mark/missing_value': {
    zh: (p) => `${p.criterion.zh}：${p.ask === 'yes_no' ? '请选择是或否' : '请输入分数'}`,
    en: (p) => `${p.criterion.en}: ${p.ask === 'yes_no' ? 'choose yes or no' : 'enter a score'}`,
  },
  'mark/no_attempts': {
    zh: (p) => `${p.station.zh} 不分轮次，不能准予重赛；如需作废评分，请撤销该评分`,
    en: (p) =>
      `${p.station.en} has no runs, so no re-run can be granted; to cancel a mark, void it`,
  },
  'mark/no_recorder': {
    zh: (p) => `${p.sheet.zh} 的测量项（扣分、计时等）尚未指定记录裁判，请联系组委会在分工中指定`,
    en: (p) =>
      `No recorder is named for the measurements (faults, times…) of ${p.sheet.en}; ask the organisers to name one`,
  },
  'mark/no_such_attempt': {
    zh: (p) =>
      'allowed' in p
        ? `${p.sheet.zh} 只有 ${p.allowed} 次机会`
        : `${p.station.zh} 没有第 ${p.attempt} 次`,
    en: (p) =>
      'allowed' in p
        ? `${p.sheet.en} has only ${p.allowed} ${p.allowed === 1 ? 'run' : 'runs'}`
        : `${p.station.en} has no run ${p.attempt}`,
  },
  'mark/not_a_number': {
    zh: (p) => `${p.criterion.zh}：“${p.input}” 不是有效数字`,
    en: (p) => `${p.criterion.en}: “${p.input}” is not a number`,
  },
  'mark/not_assigned': {
    zh: (p) => (p.sheet ? `您未被分配到 ${p.sheet.zh}，不能为该项评分` : '您不是本场比赛的裁判'),
    en: (p) =>
      p.sheet
        ? `You are not assigned to ${p.sheet.en} and cannot mark it`
        : 'You are not a judge of this competition',
  },
  'mark/not_current': {
    zh: () => '该评分已被更正或撤销',
    en: () => 'That mark has been corrected or voided',
  },
  'mark/not_recorder': {
    zh: (p) =>
      `${p.sheet.zh} 的测量项由记录裁判填写，您只需评判分（多余的项：${p.extra.map((c) => c.zh).join('、')}）`,
    en: (p) =>
      `The recorder enters the measurements of ${p.sheet.en}; give only your judgement (not: ${p.extra.map((c) => c.en).join(', ')})`,
  },
  'mark/off_scale': {
    zh: (p) =>
      p.unit === 'count'
        ? `${p.criterion.zh}：次数须为 ${p.min}–${p.max} 的整数`
        : p.unit === 'seconds'
          ? `${p.criterion.zh}：用时须为 ${p.min}–${p.max} 秒`
          : `${p.criterion.zh}：${p.value ?? ''} 超出范围 ${p.min}–${p.max}`,
    en: (p) =>
      p.unit === 'count'
        ? `${p.criterion.en}: the count must be a whole number from ${p.min} to ${p.max}`
        : p.unit === 'seconds'
          ? `${p.criterion.en}: the time must be ${p.min}–${p.max} s`
          : `${p.criterion.en}: ${p.value ?? ''} is outside ${p.min}–${p.max}`,
  },
  'mark/off_step': {
    zh: (p) => `${p.criterion.zh}：${p.value} 不符合步长 ${p.step}`,
    en: (p) => `${p.criterion.en}: ${p.value} is not on the ${p.step} step`,
  },
  'mark/reason_required': {
    zh: (p) => `您已为 ${p.bib}号 提交过 ${p.sheet.zh} 的评分，更正需填写原因`,
    en: (p) => `You already marked #${p.bib} on ${p.sheet.en}; a correction needs a reason`,
  },
  'mark/stale': {
    zh: (p) =>
      p.by
        ? `${p.bib}号 的 ${p.sheet.zh} 已有新的评分（${p.by === 'you' ? '您' : '其他裁判'}提交），请查看后再更正`
        : `${p.bib}号 的 ${p.sheet.zh} 的评分已被撤销，请重新评分`,
    en: (p) =>
      p.by
        ? `#${p.bib} on ${p.sheet.en} has a newer mark (by ${p.by === 'you' ? 'you' : 'another judge'}); look at it before correcting`
        : `The mark of #${p.bib} on ${p.sheet.en} was voided; mark it again`,
  },
  'mark/station_locked': {
    zh: (p) =>
      p.reopen
        ? `${p.station ? `${p.station.zh} ` : '该站点'}已锁定，请先重新开放`
        : `${p.station ? `${p.station.zh} ` : '该站点'}已由裁判长锁定，如需更正请联系裁判长`,
    en: (p) =>
      p.reopen
        ? `${p.station?.en ?? 'The station'} is locked; re-open it first`
        : `${p.station?.en ?? 'The station'} is locked by the head judge; ask the head judge for a correction`,
  },
  'mark/too_large': {
    zh: (p) => `${p.criterion.zh}：“${p.input}” 数值过大`,
    en: (p) => `${p.criterion.en}: “${p.input}” is too large`,
  },
  'mark/too_precise': {
    zh: (p) => `${p.criterion.zh}：“${p.input}” 小数位过多（最多 3 位）`,
    en: (p) => `${p.criterion.en}: “${p.input}” has too many decimals (at most 3)`,
  },
  'mark/unknown_contestant': {
    zh: (p) => `没有编号为 ${p.id} 的选手`,
    en: (p) => `There is no contestant with id ${p.id}`,
  },
  'mark/unknown_criterion': {
    zh: (p) =>
      'sheet' in p
        ? `评分项 “${p.criterion}” 不属于 ${p.sheet.zh}`
        : `${p.criterion.zh}：没有扣分项 “${p.fault}”`,
    en: (p) =>
      'sheet' in p
        ? `“${p.criterion}” is not a criterion of ${p.sheet.en}`
        : `${p.criterion.en}: there is no fault “${p.fault}”`,
  },
  'mark/unknown_mark': {
    zh: (p) => `本场比赛没有编号为 ${p.id} 的评分`,
    en: (p) => `This competition has no mark with id ${p.id}`,
  },
  'mark/unknown_sheet': {
    zh: (p) =>
      'station' in p ? `评分标准中没有站点 “${p.station}”` : `评分标准中没有 “${p.sheet}”`,
    en: (p) =>
      'station' in p
        ? `The marking scheme has no station “${p.station}”`
        : `The marking scheme has no “${p.sheet}”`,
  },
  'official/code_taken': {
    zh: (p) => `编号 ${p.code} 已被 ${p.name} 使用`,
    en: (p) => `Code ${p.code} is already used by ${p.name}`,
  },
  'official/not_found': {
    zh: (p) => (p.code === undefined ? '没有这位工作人员' : `没有编号为 ${p.code} 的工作人员`),
    en: (p) =>
      p.code === undefined
        ? 'There is no such official'
        : `There is no official with code ${p.code}`,
  },
  'official/recorder': { zh: (p) => p.detail, en: (p) => `Recorders: ${p.detail}` },
  'official/self': {
    zh: () => '不能停用自己的登录码',
    en: () => 'You cannot revoke your own login code',
  },
  'official/unknown_sheet': {
    zh: (p) => `评分标准中没有：${p.sheets.join('、')}`,
    en: (p) => `The marking scheme has no: ${p.sheets.join(', ')}`,
  },
  'origin/forbidden': {
    zh: () => '拒绝来自其他网站的连接',
    en: () => 'Connections from other sites are refused',
  },
  'protocol/bad_frame': {
    zh: (p) => `无法识别的消息：${p.detail}`,
    en: (p) => `Unrecognised message: ${p.detail}`,
  },
  'request/invalid': {
    zh: (p) =>
      'issues' in p
        ? p.request
          ? `请求格式错误：${p.issues}`
          : p.issues
        : 'missing' in p
          ? MISSING[p.missing].zh
          : 'timeZone' in p
            ? `timeZone: 未知时区 “${p.timeZone}”`
            : 'strayBib' in p
              ? `文件中没有号码 ${p.strayBib}，不能保留或覆盖`
              : 'body' in p
                ? BODY[p.body].zh
                : p.detail,
    en: (p) =>
      'issues' in p
        ? `Malformed request: ${p.issues}`
        : 'missing' in p
          ? MISSING[p.missing].en
          : 'timeZone' in p
            ? `timeZone: unknown time zone “${p.timeZone}”`
            : 'strayBib' in p
              ? `The file has no bib ${p.strayBib} to keep or overwrite`
              : 'body' in p
                ? BODY[p.body].en
                : p.detail,
  },
  'request/not_found': {
    zh: (p) => `没有这个地址：${p.route}`,
    en: (p) => `There is nothing at ${p.route}`,
  },
  'rescore/not_found': {
    zh: () => '没有这位选手或这个评分项',
    en: () => 'There is no such contestant or sheet',
  },
  'server/error': { zh: () => '服务器内部错误', en: () => 'Internal server error' },
  'teams/none': {
    zh: () => '本项没有团体排名',
    en: () => 'This competition has no team standings',
  },
};

/**
 * A refusal in words: the code's text in `lang`, filled from `params`.
 * @example errorText('contestant/not_found', {bib: '12'}, 'en') // "There is no contestant #12"
 */
export function errorText<C extends ErrorCode>(
  code: C,
  params: ErrorParams[C],
  lang: Lang,
): string {
  return MESSAGES[code][lang](params);
}

/**
 * A rule's refusal (`{code, params}`, engine/refusal.ts) in words: what the server puts in
 * `message` (Chinese) beside the code and parameters a page words itself. Here, not in the
 * engine: the engine is in the judge tablet's first load, and this table must stay out of it
 * (the tablet loads it lazily, judge-tablet/refusal-words.ts).
 */
export function refusalText(
  r: { code: ErrorCode; params: ErrorParams[ErrorCode] },
  lang: Lang,
): string {
  // The code and its parameters were built together (engine `refuse`): they correspond.
  return MESSAGES[r.code][lang](r.params as never);
}

/**
 * What a page shows for a refusal it received (an HTTP error body, a `mark.reject` or `error`
 * frame): the code worded in `lang` when the code is in the table and parameters came with it;
 * otherwise the server's own `message` (an older server, a newer code, parameters that do not
 * fit), and `fallback` when there is none.
 */
export function describeError(
  e: { error?: unknown; code?: unknown; params?: unknown; message?: unknown },
  lang: Lang,
  fallback = '',
): string {
  const code = e.error ?? e.code;
  const message = typeof e.message === 'string' ? e.message : fallback;
  if (typeof code !== 'string' || !Object.hasOwn(MESSAGES, code)) return message;
  if (!e.params || typeof e.params !== 'object') return message;
  try {
    return MESSAGES[code as ErrorCode][lang](e.params as never) || message;
  } catch {
    return message;
  }
}
