/**
 * Every word of the set-up page, in Chinese (default) and English (`?lang=en`). Settings paths
 * are the names the systems show (Android 11+ stock names; brands differ a little, so the page
 * also says to search Settings for 证书 / "certificate").
 */
import type { Lang, Translation } from '../web/i18n.ts';
import type { Platform } from './detect.ts';

export type { Lang };

export interface PlatformText {
  title: string;
  download: string;
  /** File name shown beside the button. */
  file: string;
  steps: string[];
  /** The settings path drawn as a diagram (the last item is where it ends). */
  path: string[];
  /** A note under the steps. */
  note?: string;
  /** The last row of the diagram is a switch to turn on (iPadOS full trust). */
  toggle?: boolean;
}

export interface Dict {
  title: string;
  brand: string;
  otherLang: string;
  intro: string;
  notNeeded: string;
  inApp: (app: string) => string;
  inAppHow: string;
  checking: string;
  trusted: string;
  trustedHow: string;
  untrusted: string;
  untrustedHow: string;
  wrongHost: (link: string) => string;
  httpsOff: string;
  httpsDown: string;
  recheck: string;
  openTablet: string;
  yourDevice: string;
  otherDevices: string;
  platforms: Record<Exclude<Platform, 'other'>, PlatformText>;
  details: string;
  caName: string;
  fingerprint: string;
  validUntil: string;
  fingerprintHow: string;
  after: string;
  afterSteps: string[];
  loading: string;
  loadFailed: string;
}

const zh: Dict = {
  title: '场馆证书设置',
  brand: '匠星',
  otherLang: 'English',
  intro:
    '裁判平板等工作人员设备，先在本页安装一次场馆证书，就能通过 HTTPS 安全连接评分服务器（离线暂存、扫码登录需要 HTTPS）。',
  notNeeded: '观众用手机看成绩、大屏投影都不需要安装。',
  inApp: (app) => `请在浏览器中打开：${app}内置的浏览器不能安装证书`,
  inAppHow: '点右上角「···」，选择「在浏览器中打开」（iPad 选 Safari），再按下面的步骤安装。',
  checking: '正在检查本设备是否已信任场馆证书…',
  trusted: '本设备已信任场馆证书',
  trustedHow: 'HTTPS 已可用。现在可以打开裁判平板：',
  untrusted: '本设备尚未信任场馆证书',
  untrustedHow: '按下面的步骤安装证书，装好后回到本页点「重新检查」。',
  wrongHost: (link) => `本页的地址不在证书里，检查不会成功：请改用 ${link} 打开本页。`,
  httpsOff: '本服务器没有启用 HTTPS（HTTPS=off），不需要安装证书，平板用 HTTP 地址即可。',
  httpsDown: 'HTTPS 现在没有在监听（端口被占用？请看服务器启动时的提示），平板暂用 HTTP 地址。',
  recheck: '重新检查',
  openTablet: '打开裁判平板（HTTPS）',
  yourDevice: '本设备',
  otherDevices: '其他设备',
  platforms: {
    android: {
      title: 'Android 平板 / 手机',
      download: '下载证书（Android）',
      file: 'jiangxing-ca.crt',
      steps: [
        '点上面的按钮下载证书，文件保存在「下载」里（浏览器里直接点开不能安装，这是正常的）。',
        '打开「设置」→「安全」→「加密与凭据」→「安装证书」→「CA 证书」，点「仍然安装」。',
        '选择下载的 jiangxing-ca.crt。需要屏幕锁（图案、PIN 或密码），没有时系统会先让你设置。',
        '回到本页，点「重新检查」。',
      ],
      path: ['设置', '安全', '加密与凭据', '安装证书', 'CA 证书'],
      note: '各品牌名称略有不同（如「密码与安全」「更多安全设置」「从存储设备安装」），可在设置顶部搜索「证书」。适用于 Android 11 及以上。',
    },
    ios: {
      title: 'iPad / iPhone',
      download: '下载描述文件（iPad / iPhone）',
      file: 'jiangxing.mobileconfig',
      steps: [
        '用 Safari 打开本页，点上面的按钮，再点「允许」下载描述文件。',
        '打开「设置」→「已下载描述文件」（或「通用」→「VPN与设备管理」），点「安装」并输入密码。',
        '再打开「设置」→「通用」→「关于本机」→「证书信任设置」，打开「匠星 Jiangxing 场馆证书」的完全信任。',
        '回到本页，点「重新检查」。',
      ],
      path: ['设置', '通用', '关于本机', '证书信任设置', '匠星 Jiangxing 场馆证书'],
      toggle: true,
      note: '描述文件显示「未验证」是正常的：它是本场馆服务器自己生成的。第 3 步不做，HTTPS 仍不能用。',
    },
    windows: {
      title: 'Windows 电脑',
      download: '下载证书（Windows）',
      file: 'jiangxing-ca.cer',
      steps: [
        '点上面的按钮下载 jiangxing-ca.cer，双击打开，点「安装证书」。',
        '选「当前用户」→「将所有的证书都放入下列存储」→「浏览」→「受信任的根证书颁发机构」→「完成」，在安全警告中点「是」。',
        '关掉浏览器的所有窗口再打开（Edge、Chrome），回到本页点「重新检查」。',
      ],
      path: ['证书', '安装证书', '当前用户', '受信任的根证书颁发机构', '完成'],
    },
  },
  details: '证书信息（可与服务器屏幕上的核对）',
  caName: '名称',
  fingerprint: 'SHA-256 指纹',
  validUntil: '有效期至',
  fingerprintHow: '安装前可核对名称和指纹，与组委会电脑上显示的一致才安装。',
  after: '比赛结束后删除证书',
  afterSteps: [
    'Android：「设置」→「安全」→「加密与凭据」→「用户凭据」，选中「匠星 Jiangxing 场馆证书」→ 移除。',
    'iPad / iPhone：「设置」→「通用」→「VPN与设备管理」，选中描述文件 → 移除描述文件。',
    'Windows：运行 certmgr.msc →「受信任的根证书颁发机构」→「证书」，删除「匠星 Jiangxing 场馆证书」。',
  ],
  loading: '正在读取服务器信息…',
  loadFailed: '无法连接服务器，请确认本设备连着场馆 Wi-Fi，然后刷新本页。',
};

const en: Translation<Dict> = {
  title: 'Venue certificate set-up',
  brand: 'Jiangxing',
  otherLang: '中文',
  intro:
    'Staff devices such as judge tablets install the venue certificate once, on this page, and then reach the scoring server securely over HTTPS (offline drafts and camera login need HTTPS).',
  notNeeded: "Spectators' phones and the projector need nothing installed.",
  inApp: (app) => `Open in the browser: ${app}'s built-in browser cannot install a certificate`,
  inAppHow:
    'Tap "···" at the top right and choose "Open in browser" (Safari on an iPad), then follow the steps below.',
  checking: 'Checking whether this device trusts the venue certificate…',
  trusted: 'This device trusts the venue certificate',
  trustedHow: 'HTTPS works. Open the judge tablet:',
  untrusted: 'This device does not trust the venue certificate yet',
  untrustedHow: 'Install it with the steps below, then come back and tap "Check again".',
  wrongHost: (link) =>
    `This page's address is not in the certificate, so the check cannot succeed: open this page at ${link} instead.`,
  httpsOff:
    'This server runs without HTTPS (HTTPS=off): nothing to install, tablets use the HTTP address.',
  httpsDown:
    "HTTPS is not listening right now (port in use? see the server's start messages): tablets use the HTTP address for now.",
  recheck: 'Check again',
  openTablet: 'Open the judge tablet (HTTPS)',
  yourDevice: 'This device',
  otherDevices: 'Other devices',
  platforms: {
    android: {
      title: 'Android tablet / phone',
      download: 'Download certificate (Android)',
      file: 'jiangxing-ca.crt',
      steps: [
        'Tap the button to download the certificate; it lands in Downloads (opening it from the browser cannot install it: that is expected).',
        'Open Settings → Security → Encryption & credentials → Install a certificate → CA certificate, and tap "Install anyway".',
        'Pick the downloaded jiangxing-ca.crt. A screen lock (pattern, PIN or password) is required; Android asks you to set one first if there is none.',
        'Come back to this page and tap "Check again".',
      ],
      path: [
        'Settings',
        'Security',
        'Encryption & credentials',
        'Install a certificate',
        'CA certificate',
      ],
      note: 'Brands name these a little differently ("Passwords & security", "More security settings", "Install from storage"): search Settings for "certificate". Android 11 and later.',
    },
    ios: {
      title: 'iPad / iPhone',
      download: 'Download profile (iPad / iPhone)',
      file: 'jiangxing.mobileconfig',
      steps: [
        'Open this page in Safari, tap the button, then "Allow" to download the profile.',
        'Open Settings → Profile Downloaded (or General → VPN & Device Management), tap "Install" and enter the passcode.',
        'Then Settings → General → About → Certificate Trust Settings: turn on full trust for "匠星 Jiangxing 场馆证书".',
        'Come back to this page and tap "Check again".',
      ],
      path: [
        'Settings',
        'General',
        'About',
        'Certificate Trust Settings',
        '匠星 Jiangxing 场馆证书',
      ],
      toggle: true,
      note: '"Not Verified" on the profile is expected: the venue\'s own server made it. Without step 3, HTTPS still fails.',
    },
    windows: {
      title: 'Windows PC',
      download: 'Download certificate (Windows)',
      file: 'jiangxing-ca.cer',
      steps: [
        'Download jiangxing-ca.cer, double-click it and choose "Install Certificate".',
        '"Current User" → "Place all certificates in the following store" → "Browse" → "Trusted Root Certification Authorities" → "Finish"; answer "Yes" to the security warning.',
        'Close every window of the browser (Edge, Chrome) and open it again, then tap "Check again" here.',
      ],
      path: [
        'Certificate',
        'Install Certificate',
        'Current User',
        'Trusted Root Certification Authorities',
        'Finish',
      ],
    },
  },
  details: "Certificate (compare with the server's screen)",
  caName: 'Name',
  fingerprint: 'SHA-256 fingerprint',
  validUntil: 'Valid until',
  fingerprintHow:
    "Before installing, check that the name and fingerprint match those shown on the organiser's laptop.",
  after: 'Remove the certificate after the event',
  afterSteps: [
    'Android: Settings → Security → Encryption & credentials → User credentials, pick "匠星 Jiangxing 场馆证书" → Remove.',
    'iPad / iPhone: Settings → General → VPN & Device Management, pick the profile → Remove Profile.',
    'Windows: run certmgr.msc → Trusted Root Certification Authorities → Certificates, delete "匠星 Jiangxing 场馆证书".',
  ],
  loading: 'Asking the server…',
  loadFailed:
    'Cannot reach the server: make sure this device is on the venue Wi-Fi, then reload this page.',
};

export const DICTS: Record<Lang, Dict> = { zh, en };
