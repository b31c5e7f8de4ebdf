import type { LocalText, OfficialName } from '#protocol';
import { fill, parseLang, pick, type Lang, type Translation } from '../web/i18n.ts';

/**
 * The tablet's words, on the pages' one i18n mechanism (web/i18n.ts). Chinese by default;
 * English when the URL carries `?lang=en` (those words are loaded apart, {@link loadLanguage}).
 * Words are flat keys read by {@link t} with `{name}` placeholders: the English chunk is plain
 * strings swapped in after start. Messages the server writes (mark.reject, error frames) are
 * Chinese only and are shown as sent.
 */
export type { Lang };

/** Read once at start: the language does not change while the page runs. */
export const lang: Lang = typeof location !== 'undefined' ? parseLang(location.search) : 'zh';

const zh = {
  'app.name': '匠星 · 裁判评分',
  'login.heading': '裁判登录',
  'login.hint': '用平板相机扫描登录卡上的二维码即可登录；也可以在下面输入登录码或粘贴登录链接。',
  'login.placeholder': '登录码或登录链接',
  'login.submit': '登录',
  'login.empty': '请输入登录码',
  'login.connecting': '正在连接服务器并登录…',
  'login.invalid': '登录码无效或已停用，请联系组委会',
  'login.protocol': '页面版本与服务器不一致，请刷新页面',
  'login.reload': '刷新页面',
  logout: '退出登录',
  'logout.confirmUnsent':
    '还有 {n} 条评分未发送到服务器。退出后它们仍保存在本机，用同一登录码再次登录时会自动发送。确定退出？',
  'conn.ready': '在线',
  'conn.connecting': '连接中…',
  'conn.reconnecting': '重连中…',
  unsent: '未发送',
  'sheet.choose': '评分项目',
  'sheet.pick': '请选择要评分的项目',
  'sheet.none': '您没有被分配评分项目，请联系组委会',
  'sheet.staff': '这是组委会或裁判长的登录码，请在组委会控制台使用：',
  'keypad.placeholder': '输入参赛号',
  'keypad.ok': '确定',
  'keypad.back': '删除',
  'queue.next': '下一位待评',
  'queue.allDone': '本项目的选手都已评完',
  'queue.notFound': '没有 {bib} 号选手',
  'queue.inactive': '{bib}号 {name} 已退赛或被取消资格',
  'queue.progress': '已保存 {done} / {total}',
  'queue.title': '选手名单（抽签顺序）',
  'queue.draw': '抽签',
  'queue.bib': '号',
  'state.todo': '待评',
  'state.pending': '待确认',
  'state.saved': '已保存 ✓',
  'state.locked': '站点已锁定',
  'state.inactive': '已退赛',
  'state.rejected': '被退回',
  'state.rescore': '待重评',
  'form.back': '‹ 名单',
  'form.score': '本项得分',
  'form.scoreHint': '按您的评分计算',
  'form.missing': '还有 {n} 项未填',
  'form.review': '检查并提交',
  'form.veto': '否决：{label}，本项 0 分',
  'form.vetoStation': '否决：{label}，整个站点 0 分',
  'form.savedNote': '您已提交过该选手本项评分，修改后提交将作为更正（需填写原因）。',
  'form.pendingNote': '该评分尚未被服务器确认；再次提交将作为更正（需填写原因）。',
  'form.savedByOther': '{who} 已为该选手本项评分，提交将作为更正（需填写原因）。',
  'form.rejected': '服务器退回了上次提交：{message}',
  'form.fixErrors': '请先完成标红的项目',
  'unit.points': '{n} 分',
  'attempt.label': '第 {n} 次',
  'fault.undo': '撤销上一次',
  'fault.undone': '撤销',
  'fault.log': '扣分记录',
  'fault.logEmpty': '每次失误点一下对应按钮；计时中点击会记录时刻。',
  'fault.logEmptyNoTimer': '每次失误点一下对应按钮。',
  'fault.total': '扣 {pts} 分',
  'fault.none': '未扣分',
  'veto.no': '未发生',
  'veto.yes': '已发生 → 0 分',
  'check.pass': '通过',
  'check.fail': '未通过',
  'check.unanswered': '请选择通过或未通过',
  'time.start': '开始',
  'time.stop': '停止',
  'time.reset': '清零',
  'time.resume': '继续',
  'time.manual': '用时（秒，可手动修改）',
  'time.notTimed': '未计时',
  'time.bad': '请输入 0–{max} 秒之间的数字',
  'time.running': '计时中…',
  'time.typedNote': '已手动输入用时：点「继续」从这个时间接着计时，点「清零」从 0 重新计时。',
  'time.uncertainTitle': '用时不确定，请输入用时',
  'time.uncertain':
    '计时期间设备时钟发生了跳变（或平板曾休眠），秒表读数不可靠。请按备用计时在下方输入用时（秒）。',
  'time.uncertainRunning':
    '计时期间设备时钟发生了跳变（或平板曾休眠），秒表读数不可靠。停止后请按备用计时输入用时（秒）。',
  'time.uncertainError': '请输入用时：设备时钟跳变，秒表读数不可靠',
  'draft.restored': '已恢复 {time} 未提交的记录',
  'draft.discard': '放弃记录',
  'draft.discardConfirm': '放弃这位选手本项未提交的记录（扣分、计时、评分）并重新开始？',
  'draft.chip': '草稿',
  'banner.draftStorage': '本机存储不可用：未提交的记录在刷新后会丢失',
  'sessions.other': '本账号已在另一台设备登录',
  'sessions.detail': '共 {n} 台设备正在使用此登录码。如不是您本人，请立即联系组委会。',
  'stale.other':
    '{bib}号 {sheet} 已有新的评分：另一台设备或其他工作人员更改了这一项，请查看后再更正',
  'stale.mine': '{bib}号 {sheet} 已有新的评分（本平板此前提交），请查看后再更正',
  'judgement.custom': '输入分数（{min}–{max}，步长 {step}）',
  'imported.hint': '满分 {max}，步长 {step}',
  'input.required': '请输入分数',
  'review.title': '确认评分',
  'review.reason': '更正原因',
  'review.reasonHint': '该选手本项已有您的评分，更正必须填写原因',
  'review.reasonPlaceholder': '例如：误点扣分',
  'review.reasonRequired': '请填写更正原因',
  'review.submit': '确认提交',
  'review.back': '返回修改',
  'value.noFaults': '无扣分',
  'value.fault': '{label} ×{n}（−{pts}）',
  'status.pending': '待确认：正在等待服务器保存…',
  'status.pendingOffline': '待确认：网络已断开，恢复后自动发送',
  'status.saved': '已保存到服务器 ✓',
  'status.duplicate': '（此前已保存过，未重复记录）',
  'status.stationScore': '{station} 当前得分 {score}',
  'status.next': '下一位待评',
  'status.back': '返回名单',
  'banner.open': '打开',
  'banner.storage': '本机存储已满或不可用：未发送的评分在刷新后会丢失',
  'rescore.banner': '裁判长请求重新评分：{bib}号 {name} · {sheet} — 原因：{reason}',
  'rescore.go': '去评分',
  'rescore.dismiss': '关闭提醒',
  'rescore.note': '裁判长请求重新评分 — 原因：{reason}',
  'rescore.reasonPrefix': '裁判长要求重评：',
  'lock.message': '本站点已由裁判长锁定，如需更正请联系裁判长',
  'lock.short': '已锁定',
  'closed.final': '比赛成绩已正式公布，不能再评分',
  'closed.draft': '比赛尚未开始，暂不能评分',
  'stale.current': '服务器上的当前评分',
  'stale.voided': '该评分已被撤销，服务器上现在没有评分',
  'stale.reopen': '按当前评分重新填写',
  'stale.kept': '下方保留了您刚才的输入；提交将更正当前评分（需填写原因）。',
  'tab.queue': '选手名单',
  'tab.history': '我的评分记录',
  'history.empty': '您在本项目还没有已保存的评分',
  'history.superseded': '已更正',
  'history.current': '当前',
  'history.correct': '更正',
  'history.hint': '点一条记录即可更正，更正须填写原因',
  'history.voided': '已撤销',
  'history.by': '由 {who} 更正',
  'history.byOther': '由其他工作人员更正',
  'official.other': '其他工作人员',
  'form.scoreHintPanel': '按您的评分和记录裁判的测量项计算',
  'recorded.title': '测量项（记录裁判填写）',
  'recorded.by': '由 {who} 记录',
  'recorded.none': '尚未记录',
  'recorded.noRecorder': '尚未指定记录裁判',
  'recorded.noRecorderNote':
    '本站点的测量项尚未指定记录裁判，评分会被服务器退回。请联系组委会在裁判分工中指定。',
  'recorded.judgementOnly':
    '您只需评判分。测量项（扣分、计时等）由 {who} 记录，提交后这里自动更新。',
  'recorded.recorder': '您是本站点的记录裁判：扣分、计时等测量项由您填写，其他裁判只评判分。',
  'recorded.tag': '记录裁判',
  'void.title': '裁判长撤销了您的评分：{reason}',
  'void.line': '{bib}号 {name} · {sheet}',
  'void.by': '{who} · {time}',
  'void.restored': '现恢复为此前的评分：{values}（本项得分 {score}）',
  'void.none': '该项需重新评分',
  'void.go': '去评分',
  'void.dismiss': '关闭此提醒',
  'offline.ready': '可离线',
  'offline.readyTitle': '本页已存入平板：断网时刷新也能打开，评分在恢复网络后自动发送',
  'offline.installing': '正在离线缓存…',
  'offline.unavailable': '不可离线刷新',
  'offline.unavailableTitle':
    '本页没有离线缓存（需要先安装场馆证书并用 HTTPS 打开）：断网时不要刷新页面，已录入的评分仍保存在本机',
  'offline.failed': '离线缓存失败',
  'https.offer':
    '本设备已信任场馆证书：可切换到 HTTPS，断网时刷新也能打开本页，并可用相机扫码登录。',
  'https.go': '切换到 HTTPS',
  'https.wait':
    '本设备已信任场馆证书。请先让未发送的评分和未提交的草稿处理完，再切换到 HTTPS（切换后本页的数据不随之带过去）。',
  'https.later': '以后再说',
  'scan.open': '用相机扫码登录',
  'scan.title': '把登录卡上的二维码对准取景框',
  'scan.cancel': '取消，手动输入',
  'scan.starting': '正在打开相机…',
  'scan.loading': '正在加载识别程序…',
  'scan.denied': '无法使用相机（未授权或被其他应用占用）。请手动输入登录码。',
  'scan.notLogin': '这不是登录卡的二维码，请扫描登录卡',
} as const;

export type MessageKey = keyof typeof zh;
/** The words of one language: every key of the Chinese ones (the English must have exactly those). */
export type Dict = Translation<typeof zh>;

let dict: Dict = zh;

/**
 * Loads the English words when the page is in English (a chunk of its own, i18n-en.ts: the
 * Chinese first load does not carry them). main.ts awaits it before anything is drawn; until
 * then, and if the chunk cannot be loaded, {@link t} answers in Chinese.
 */
export async function loadLanguage(): Promise<void> {
  if (lang !== 'en') return;
  try {
    dict = (await import('./i18n-en.ts')).en;
  } catch {
    // Chinese words rather than no page.
  }
}

/** Looks a message up in the page's language and fills `{name}` placeholders ({@link fill}). */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return fill(dict[key], params);
}

/** Picks the page's language from a scheme text. */
export function L(text: LocalText): string {
  return pick(text, lang);
}

/** "J08 程玉兰". */
export const officialText = (o: OfficialName) => `${o.code} ${o.name}`.trim();
