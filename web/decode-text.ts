/**
 * Text of a file as Chinese organisers produce it: UTF-8 (with or without BOM), or GBK/GB18030
 * (a superset of GBK) from Excel's CSV save when the bytes are not valid UTF-8 — UTF-8 is tried
 * strictly first. The one decoding of an uploaded file: the console shows a picked score file
 * with it, the server decodes the same bytes with it before csv-parse reads them
 * (server/services/csv-file.ts readCsv).
 */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
