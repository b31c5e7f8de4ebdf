/**
 * Reading a login card's QR code from the camera (issue 20, point 5). The browser's own
 * `BarcodeDetector` where it reads QR codes (Chrome on Android, Safari 17+ on some systems);
 * else jsQR, a pure-JavaScript decoder (no WebAssembly, so no CSP exception and nothing to
 * fetch at run time), imported only here, when the camera is opened: it is a chunk of its
 * own, never part of the tablet's first load.
 */

/** Reads one frame; resolves to the QR code's text, or null when none is seen. */
export type FrameReader = (video: HTMLVideoElement) => Promise<string | null>;

/** The frame is scaled to at most this many pixels on its long side before jsQR reads it. */
const MAX_SIDE = 800;

interface Detector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
interface DetectorClass {
  new (opts: { formats: string[] }): Detector;
  getSupportedFormats?(): Promise<string[]>;
}

/**
 * Picks the reader: `BarcodeDetector` when it lists `qr_code`, else jsQR. `which` says which
 * was taken (shown on the scanner as data-reader, for tests and support).
 */
export async function qrReader(): Promise<{ read: FrameReader; which: 'native' | 'jsqr' }> {
  const Native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  const formats: string[] = (await Native?.getSupportedFormats?.().catch(() => [])) ?? [];
  if (Native && formats.includes('qr_code')) {
    const detector = new Native({ formats: ['qr_code'] });
    return {
      which: 'native',
      read: async (video) => (await detector.detect(video).catch(() => []))[0]?.rawValue ?? null,
    };
  }
  const { default: jsQR } = await import('jsqr');
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    which: 'jsqr',
    read: async (video) => {
      const { videoWidth: w, videoHeight: h } = video;
      if (!ctx || !w || !h) return null;
      const k = Math.min(1, MAX_SIDE / Math.max(w, h));
      canvas.width = Math.round(w * k);
      canvas.height = Math.round(h * k);
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      return (
        jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' })?.data ?? null
      );
    },
  };
}

/**
 * The login token in a scanned QR code: a login card holds the tablet's link with the token
 * in its fragment (`http://192.168.1.5:3000/judge-tablet/#token=<hex>`, console/login-code.ts
 * loginUrl). A bare full login code (hex, 32+ characters) is taken too; anything else (a
 * product code, a Wi-Fi QR) is not a login card: null.
 */
export function scannedToken(text: string): string | null {
  const s = text.trim();
  const m = /[#?&]token=([0-9a-fA-F]{32,128})(?:[&#\s]|$)/.exec(s);
  if (m) return m[1]!.toLowerCase();
  return /^[0-9a-fA-F]{32,128}$/.test(s) ? s.toLowerCase() : null;
}
