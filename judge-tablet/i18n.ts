import type { LocalText, OfficialName } from '#protocol';
import { parseLang, pick, type Lang, type Translation } from '../web/i18n.ts';

/**
 * The tablet's words, on the pages' one i18n mechanism (web/i18n.ts): one dictionary per
 * language, read as `t.group.word` or `t.group.word(params)` like the console, the board and
 * the set-up page. Chinese by default and in the first load; English when the URL carries
 * `?lang=en`, a chunk of its own ({@link loadLanguage}) put in place of the Chinese before the
 * page is drawn. A refusal from the server is worded by refusal-words.ts.
 */
export type { Lang };

/** A word's parameter: a number or a text, written as `String` writes it. */
type Arg = string | number;

/** Read once at start: the language does not change while the page runs. */
export const lang: Lang = typeof location !== 'undefined' ? parseLang(location.search) : 'zh';

const zh = {
  app: {
    name: '匠星 · 裁判评分',
  },
  login: {
    heading: '裁判登录',
    hint: '用平板相机扫描登录卡上的二维码即可登录；也可以在下面输入登录码或粘贴登录链接。',
    placeholder: '登录码或登录链接',
    submit: '登录',
    empty: '请输入登录码',
    connecting: '正在连接服务器并登录…',
    invalid: '登录码无效或已停用，请联系组委会',
    protocol: '页面版本与服务器不一致，请刷新页面',
    reload: '刷新页面',
  },
  logout: {
    action: '退出登录',
    confirmUnsent: (n: Arg) =>
      `还有 ${n} 条评分未发送到服务器。退出后它们仍保存在本机，用同一登录码再次登录时会自动发送。确定退出？`,
  },
  conn: {
    ready: '在线',
    connecting: '连接中…',
    reconnecting: '重连中…',
  },
  unsent: '未发送',
  sheet: {
    choose: '评分项目',
    pick: '请选择要评分的项目',
    none: '您没有被分配评分项目，请联系组委会',
    staff: '这是组委会或裁判长的登录码，请在组委会控制台使用：',
  },
  keypad: {
    placeholder: '输入参赛号',
    ok: '确定',
    back: '删除',
  },
  queue: {
    next: '下一位待评',
    allDone: '本项目的选手都已评完',
    notFound: (bib: Arg) => `没有 ${bib} 号选手`,
    inactive: (bib: Arg, name: Arg) => `${bib}号 ${name} 已退赛或被取消资格`,
    progress: (done: Arg, total: Arg) => `已保存 ${done} / ${total}`,
    title: '选手名单（抽签顺序）',
    draw: '抽签',
    bib: '号',
  },
  state: {
    todo: '待评',
    pending: '待确认',
    saved: '已保存 ✓',
    locked: '站点已锁定',
    inactive: '已退赛',
    rejected: '被退回',
    rescore: '待重评',
  },
  form: {
    back: '‹ 名单',
    score: '本项得分',
    scoreHint: '按您的评分计算',
    missing: (n: Arg) => `还有 ${n} 项未填`,
    review: '检查并提交',
    veto: (label: Arg) => `否决：${label}，本项 0 分`,
    vetoStation: (label: Arg) => `否决：${label}，整个站点 0 分`,
    savedNote: '您已提交过该选手本项评分，修改后提交将作为更正（需填写原因）。',
    pendingNote: '该评分尚未被服务器确认；再次提交将作为更正（需填写原因）。',
    savedByOther: (who: Arg) => `${who} 已为该选手本项评分，提交将作为更正（需填写原因）。`,
    rejected: (message: Arg) => `服务器退回了上次提交：${message}`,
    fixErrors: '请先完成标红的项目',
    scoreHintPanel: '按您的评分和记录裁判的测量项计算',
  },
  unit: {
    points: (n: Arg) => `${n} 分`,
  },
  attempt: {
    label: (n: Arg) => `第 ${n} 次`,
  },
  fault: {
    undo: '撤销上一次',
    undone: '撤销',
    log: '扣分记录',
    logEmpty: '每次失误点一下对应按钮；计时中点击会记录时刻。',
    logEmptyNoTimer: '每次失误点一下对应按钮。',
    total: (pts: Arg) => `扣 ${pts} 分`,
    none: '未扣分',
  },
  veto: {
    no: '未发生',
    yes: '已发生 → 0 分',
  },
  check: {
    pass: '通过',
    fail: '未通过',
    unanswered: '请选择通过或未通过',
  },
  time: {
    start: '开始',
    stop: '停止',
    reset: '清零',
    resume: '继续',
    manual: '用时（秒，可手动修改）',
    notTimed: '未计时',
    bad: (max: Arg) => `请输入 0–${max} 秒之间的数字`,
    running: '计时中…',
    typedNote: '已手动输入用时：点「继续」从这个时间接着计时，点「清零」从 0 重新计时。',
    uncertainTitle: '用时不确定，请输入用时',
    uncertain:
      '计时期间设备时钟发生了跳变（或平板曾休眠），秒表读数不可靠。请按备用计时在下方输入用时（秒）。',
    uncertainRunning:
      '计时期间设备时钟发生了跳变（或平板曾休眠），秒表读数不可靠。停止后请按备用计时输入用时（秒）。',
    uncertainError: '请输入用时：设备时钟跳变，秒表读数不可靠',
  },
  draft: {
    restored: (time: Arg) => `已恢复 ${time} 未提交的记录`,
    discard: '放弃记录',
    discardConfirm: '放弃这位选手本项未提交的记录（扣分、计时、评分）并重新开始？',
    chip: '草稿',
  },
  banner: {
    draftStorage: '本机存储不可用：未提交的记录在刷新后会丢失',
    open: '打开',
    storage: '本机存储已满或不可用：未发送的评分在刷新后会丢失',
  },
  sessions: {
    other: '本账号已在另一台设备登录',
    detail: (n: Arg) => `共 ${n} 台设备正在使用此登录码。如不是您本人，请立即联系组委会。`,
  },
  stale: {
    other: (bib: Arg, sheet: Arg) =>
      `${bib}号 ${sheet} 已有新的评分：另一台设备或其他工作人员更改了这一项，请查看后再更正`,
    mine: (bib: Arg, sheet: Arg) =>
      `${bib}号 ${sheet} 已有新的评分（本平板此前提交），请查看后再更正`,
    current: '服务器上的当前评分',
    voided: '该评分已被撤销，服务器上现在没有评分',
    reopen: '按当前评分重新填写',
    kept: '下方保留了您刚才的输入；提交将更正当前评分（需填写原因）。',
  },
  judgement: {
    custom: (min: Arg, max: Arg, step: Arg) => `输入分数（${min}–${max}，步长 ${step}）`,
  },
  imported: {
    hint: (max: Arg, step: Arg) => `满分 ${max}，步长 ${step}`,
  },
  input: {
    required: '请输入分数',
  },
  review: {
    title: '确认评分',
    reason: '更正原因',
    reasonHint: '该选手本项已有您的评分，更正必须填写原因',
    reasonPlaceholder: '例如：误点扣分',
    reasonRequired: '请填写更正原因',
    submit: '确认提交',
    back: '返回修改',
  },
  value: {
    noFaults: '无扣分',
    fault: (label: Arg, n: Arg, pts: Arg) => `${label} ×${n}（−${pts}）`,
  },
  status: {
    pending: '待确认：正在等待服务器保存…',
    pendingOffline: '待确认：网络已断开，恢复后自动发送',
    saved: '已保存到服务器 ✓',
    duplicate: '（此前已保存过，未重复记录）',
    stationScore: (station: Arg, score: Arg) => `${station} 当前得分 ${score}`,
    next: '下一位待评',
    back: '返回名单',
  },
  rescore: {
    banner: (bib: Arg, name: Arg, sheet: Arg, reason: Arg) =>
      `裁判长请求重新评分：${bib}号 ${name} · ${sheet} — 原因：${reason}`,
    go: '去评分',
    dismiss: '关闭提醒',
    note: (reason: Arg) => `裁判长请求重新评分 — 原因：${reason}`,
    reasonPrefix: '裁判长要求重评：',
  },
  lock: {
    message: '本站点已由裁判长锁定，如需更正请联系裁判长',
    short: '已锁定',
  },
  closed: {
    final: '比赛成绩已正式公布，不能再评分',
    draft: '比赛尚未开始，暂不能评分',
  },
  tab: {
    queue: '选手名单',
    history: '我的评分记录',
  },
  history: {
    empty: '您在本项目还没有已保存的评分',
    superseded: '已更正',
    current: '当前',
    correct: '更正',
    hint: '点一条记录即可更正，更正须填写原因',
    voided: '已撤销',
    by: (who: Arg) => `由 ${who} 更正`,
    byOther: '由其他工作人员更正',
  },
  official: {
    other: '其他工作人员',
  },
  recorded: {
    title: '测量项（记录裁判填写）',
    by: (who: Arg) => `由 ${who} 记录`,
    none: '尚未记录',
    noRecorder: '尚未指定记录裁判',
    noRecorderNote:
      '本站点的测量项尚未指定记录裁判，评分会被服务器退回。请联系组委会在裁判分工中指定。',
    judgementOnly: (who: Arg) =>
      `您只需评判分。测量项（扣分、计时等）由 ${who} 记录，提交后这里自动更新。`,
    recorder: '您是本站点的记录裁判：扣分、计时等测量项由您填写，其他裁判只评判分。',
    tag: '记录裁判',
  },
  void: {
    title: (reason: Arg) => `裁判长撤销了您的评分：${reason}`,
    line: (bib: Arg, name: Arg, sheet: Arg) => `${bib}号 ${name} · ${sheet}`,
    by: (who: Arg, time: Arg) => `${who} · ${time}`,
    restored: (values: Arg, score: Arg) => `现恢复为此前的评分：${values}（本项得分 ${score}）`,
    none: '该项需重新评分',
    go: '去评分',
    dismiss: '关闭此提醒',
  },
  offline: {
    ready: '可离线',
    readyTitle: '本页已存入平板：断网时刷新也能打开，评分在恢复网络后自动发送',
    installing: '正在离线缓存…',
    unavailable: '不可离线刷新',
    unavailableTitle:
      '本页没有离线缓存（需要先安装场馆证书并用 HTTPS 打开）：断网时不要刷新页面，已录入的评分仍保存在本机',
    failed: '离线缓存失败',
  },
  https: {
    offer: '本设备已信任场馆证书：可切换到 HTTPS，断网时刷新也能打开本页，并可用相机扫码登录。',
    go: '切换到 HTTPS',
    wait: '本设备已信任场馆证书。请先让未发送的评分和未提交的草稿处理完，再切换到 HTTPS（切换后本页的数据不随之带过去）。',
    later: '以后再说',
  },
  scan: {
    open: '用相机扫码登录',
    title: '把登录卡上的二维码对准取景框',
    cancel: '取消，手动输入',
    starting: '正在打开相机…',
    loading: '正在加载识别程序…',
    denied: '无法使用相机（未授权或被其他应用占用）。请手动输入登录码。',
    notLogin: '这不是登录卡的二维码，请扫描登录卡',
  },
};

/** The words of one language: every key of the Chinese ones (the English must have exactly those). */
export type Dict = Translation<typeof zh>;

/** The Chinese words, which the English chunk (i18n-en.ts) must match key for key. */
export { zh };

/**
 * The page's words: the Chinese ones, or the English ones once {@link loadLanguage} has put
 * them in. Read where a word is shown (never kept in a variable of one's own), so that every
 * word drawn after the English is in is English.
 */
export let t: Dict = zh;

/**
 * Loads the English words when the page is in English (a chunk of its own, i18n-en.ts: the
 * Chinese first load does not carry them). main.ts awaits it before anything is drawn; until
 * then, and if the chunk cannot be loaded, {@link t} is Chinese.
 */
export async function loadLanguage(): Promise<void> {
  if (lang !== 'en') return;
  try {
    t = (await import('./i18n-en.ts')).en;
  } catch {
    // Chinese words rather than no page.
  }
}

/** Picks the page's language from a scheme text. */
export function L(text: LocalText): string {
  return pick(text, lang);
}

/** "J08 程玉兰". */
export const officialText = (o: OfficialName) => `${o.code} ${o.name}`.trim();
