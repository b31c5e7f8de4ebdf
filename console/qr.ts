import qrcode from 'qrcode-generator';

/** A QR code as an SVG path: one `h1v1h-1z` square per dark module, and its side in modules. */
export interface QrPath {
  /** Modules per side, without the quiet zone. */
  size: number;
  d: string;
}

/**
 * Encodes `text` (UTF-8, error correction M, the smallest version that holds it) locally with
 * qrcode-generator: nothing is fetched. One path per code keeps a sheet of cards light and
 * sharp on paper at any size.
 */
export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  let bytes = '';
  // qrcode-generator's byte mode writes each char's low 8 bits: encode UTF-8 first.
  for (const b of new TextEncoder().encode(text)) bytes += String.fromCharCode(b);
  qr.addData(bytes, 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
  return { size, d };
}

/** True for an address only this machine can open (a tablet scanning it would reach itself). */
export function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '[::1]' || /^127\./.test(h);
  } catch {
    return false;
  }
}
