import { describe, expect, it } from 'vitest';
import { checkTrust, detectPlatform, hostCovered, inAppBrowser } from './detect.ts';

const UA = {
  androidChrome:
    'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  ipad: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  wechatAndroid:
    'Mozilla/5.0 (Linux; Android 12; M2102J2SC Build/SKQ1.211006.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5023 MMWEBSDK/20230504 MMWEBID/1234 MicroMessenger/8.0.37.2380(0x2800255B) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64',
  wechatIos:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 16_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.38(0x1800262c) NetType/WIFI Language/zh_CN',
  qq: 'Mozilla/5.0 (Linux; Android 11; V2046A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/89.0.4389.72 MQQBrowser/6.2 TBS/046011 Mobile Safari/537.36 V1_AND_SQ_8.8.68_2538_YYB_D QQ/8.8.68.7265 NetType/WIFI WebP/0.3.0 Pixel/1080',
  qqBrowser:
    'Mozilla/5.0 (Linux; U; Android 12; zh-cn; PEHM00 Build/SKQ1.210216.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/98.0.4758.102 MQQBrowser/13.2 Mobile Safari/537.36',
  alipay:
    'Mozilla/5.0 (Linux; U; Android 10; zh-CN; V1938CT Build/QP1A.190711.020) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/69.0.3497.100 UWS/3.22.0.36 Mobile Safari/537.36 AlipayChannelId/5136 UCBS/3.22.0.36_200602175035 NebulaSDK/1.8.100112 Nebula AlipayDefined(nt:WIFI,ws:360|0|3.0) AliApp(AP/10.1.95.7000) AlipayClient/10.1.95.7000 Language/zh-Hans useStatusBar/true isConcaveScreen/true',
  dingtalk:
    'Mozilla/5.0 (Linux; U; Android 9; zh-CN; MI 8 Build/PKQ1.180729.001) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/57.0.2987.108 UCBrowser/11.9.4.974 UWS/2.13.2.74 Mobile Safari/537.36 AliApp(DingTalk/4.6.29) com.alibaba.android.rimet/11388461 Channel/10002068 language/zh-CN',
};

describe('the set-up page reads the device', () => {
  it('shows each system its own steps first (an iPad that says Macintosh has a touch screen)', () => {
    expect(detectPlatform(UA.androidChrome)).toBe('android');
    expect(detectPlatform(UA.iphone)).toBe('ios');
    expect(detectPlatform(UA.ipad, 5)).toBe('ios');
    expect(detectPlatform(UA.ipad, 0)).toBe('other'); // a Mac
    expect(detectPlatform(UA.windows)).toBe('windows');
  });

  it('names the app whose built-in browser cannot install a certificate', () => {
    expect(inAppBrowser(UA.wechatAndroid)?.zh).toBe('微信');
    expect(inAppBrowser(UA.wechatIos)?.en).toBe('WeChat');
    expect(inAppBrowser(UA.qq)?.zh).toBe('QQ');
    expect(inAppBrowser(UA.alipay)?.zh).toBe('支付宝');
    expect(inAppBrowser(UA.dingtalk)?.zh).toBe('钉钉');
    // Real browsers, QQ's own standalone browser included, are not flagged.
    for (const ua of [UA.androidChrome, UA.iphone, UA.ipad, UA.windows, UA.qqBrowser])
      expect(inAppBrowser(ua)).toBeNull();
  });

  it('knows whether the certificate holds the address the page was opened with', () => {
    expect(hostCovered('192.168.1.5', ['127.0.0.1', '192.168.1.5'], ['localhost'])).toBe(true);
    expect(hostCovered('[::1]', ['::1'], [])).toBe(true);
    expect(hostCovered('Venue.local', [], ['venue.local'])).toBe(true);
    expect(hostCovered('203.0.113.9', ['192.168.1.5'], ['localhost'])).toBe(false);
  });
});

describe('checkTrust', () => {
  it('takes any answer as a trusted certificate, a 503 while the database is away too', async () => {
    const answering = (status: number) => async () => new Response('{}', { status });
    expect(await checkTrust('https://10.0.0.2:3443', answering(200))).toBe('trusted');
    expect(await checkTrust('https://10.0.0.2:3443', answering(503))).toBe('trusted');
    const refusing = async () => {
      throw new TypeError('Failed to fetch');
    };
    expect(await checkTrust('https://10.0.0.2:3443', refusing)).toBe('untrusted');
  });
});
