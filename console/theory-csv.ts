/**
 * Text of a file as Chinese organisers produce it: UTF-8 (with or without BOM), or GBK/GB18030
 * from Excel's CSV save when the bytes are not valid UTF-8. The console shows a picked score
 * file with it; the server reads and checks the file itself (server/services/csv-file.ts).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
