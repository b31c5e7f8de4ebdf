import qrcode from 'qrcode-generator';

/** A QR code as an SVG path: one `h1v1h-1z` square per dark module, plus its side in modules. */
export interface QrPath {
  /** Modules per side, without the quiet zone. */
  size: number;
  d: string;
}

/**
 * Encodes `text` (UTF-8, error correction M, the smallest version that holds it) with
 * Kazuhiko Arase's qrcode-generator, locally: nothing is fetched. One path keeps the DOM small
 * and the code sharp at any size.
 */
export function qrPath(text: string): QrPath {
  const qr = qrcode(0, 'M');
  qr.addData(utf8Bytes(text), 'Byte');
  qr.make();
  const size = qr.getModuleCount();
  let d = '';
  for (let r = 0; r < size; r++)
    for (let c = 0; c < size; c++) if (qr.isDark(r, c)) d += `M${c} ${r}h1v1h-1z`;
  return { size, d };
}

/**
 * The text as a string of UTF-8 bytes (one char per byte): qrcode-generator's byte mode writes
 * each char's low 8 bits, so a non-ASCII address must be encoded first.
 */
function utf8Bytes(text: string): string {
  let out = '';
  for (const b of new TextEncoder().encode(text)) out += String.fromCharCode(b);
  return out;
}
