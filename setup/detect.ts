/**
 * What the set-up page needs to know about the device it is on, from the user agent alone
 * (pure, tested in detect.test.ts): which system's steps to show first, and whether it is an
 * app's built-in browser (WeChat, QQ, Alipay…), which cannot install a certificate.
 */

export type Platform = 'android' | 'ios' | 'windows' | 'other';

/** The system the page shows first. iPadOS 13+ says "Macintosh" but has a touch screen. */
export function detectPlatform(ua: string, maxTouchPoints = 0): Platform {
  if (/Android/i.test(ua)) return 'android';
  if (/iPhone|iPad|iPod/i.test(ua) || (/Macintosh/i.test(ua) && maxTouchPoints > 1)) return 'ios';
  if (/Windows/i.test(ua)) return 'windows';
  return 'other';
}

/** Apps whose built-in browser cannot install a certificate, with how people call them. */
const IN_APP: { test: RegExp; zh: string; en: string }[] = [
  { test: /wxwork/i, zh: '企业微信', en: 'WeCom' },
  { test: /MicroMessenger/i, zh: '微信', en: 'WeChat' },
  { test: /\sQQ\/\d/i, zh: 'QQ', en: 'QQ' },
  { test: /AlipayClient|AliApp\(AP/i, zh: '支付宝', en: 'Alipay' },
  { test: /AliApp\(TB|TaoBao/i, zh: '淘宝', en: 'Taobao' },
  { test: /DingTalk/i, zh: '钉钉', en: 'DingTalk' },
  { test: /Lark\/|Feishu/i, zh: '飞书', en: 'Lark' },
  { test: /Weibo/i, zh: '微博', en: 'Weibo' },
  { test: /aweme|BytedanceWebview|musical_ly|ByteLocale/i, zh: '抖音', en: 'Douyin/TikTok' },
  { test: /baiduboxapp/i, zh: '百度', en: 'Baidu' },
  { test: /FBAN|FBAV|Instagram|\bLine\//i, zh: '社交应用', en: 'a social app' },
];

/** The app whose built-in browser shows the page, or null in a real browser. */
export function inAppBrowser(ua: string): { zh: string; en: string } | null {
  const hit = IN_APP.find((a) => a.test.test(ua));
  return hit ? { zh: hit.zh, en: hit.en } : null;
}

/** The HTTPS origin of this same host: `https://192.168.1.5:3443`. */
export function httpsOrigin(hostname: string, port: number): string {
  return `https://${hostname}:${port}`;
}

/** Whether the certificate holds the host the page was opened with (else HTTPS cannot match). */
export function hostCovered(hostname: string, ips: string[], dnsNames: string[]): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return ips.some((ip) => ip.toLowerCase() === h) || dnsNames.some((d) => d.toLowerCase() === h);
}

export type Trust = 'trusted' | 'untrusted';

/**
 * Asks the HTTPS origin's /healthz in 'cors' mode: it answers only when this device trusts the
 * certificate (the server sends CORS for the page's own HTTP origin). Any answer means trusted,
 * a 503 too (the database away says nothing about the certificate). A TypeError (certificate
 * not trusted, or nothing listening) or no answer within `timeoutMs` means not trusted.
 */
export async function checkTrust(
  origin: string,
  fetcher: typeof fetch = fetch,
  timeoutMs = 6_000,
): Promise<Trust> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    await fetcher(`${origin}/healthz`, {
      mode: 'cors',
      cache: 'no-store',
      credentials: 'omit',
      signal: abort.signal,
    });
    return 'trusted';
  } catch {
    return 'untrusted';
  } finally {
    clearTimeout(timer);
  }
}
