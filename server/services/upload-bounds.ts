import type unzipper from 'unzipper';
import type { ErrorParams } from '../protocol/errors.ts';

/**
 * Bounds on an uploaded spreadsheet, checked before it is parsed, so that a small file that
 * unpacks to hundreds of MB (a zip bomb) or lists millions of rows is refused quickly and
 * never blocks the event loop. A contestant list of 100,000 rows is a few MB of XML.
 */
export const UPLOAD_BOUNDS = {
  /** Rows a contestant list or score file may hold. */
  maxRows: 100_000,
  /** Bytes an XLSX may unpack to, all its parts together. */
  maxUnpackedBytes: 32 * 1024 * 1024,
  /** Parts an XLSX may hold (a workbook has a dozen). */
  maxEntries: 500,
} as const;

/**
 * Largest competition or festival file (JSON) accepted, bytes. Only an organiser's upload is
 * read at all (identity is checked first); 16 MB holds a field of 100,000 (9 MB), which JSON.parse
 * reads in about 0.2 s on the 2-core machine.
 */
export const MAX_COMPETITION_FILE_BYTES = 16 * 1024 * 1024;

/** Which bound a file passed, as the parameters of `import/too_large` (worded by protocol/messages.ts). */
export type BoundsError = { ok: false; params: ErrorParams['import/too_large'] };

/**
 * Checks an XLSX's zip directory (read without unpacking anything: unzipper reads the central
 * directory) and its first sheet's declared dimension (`<dimension ref="A1:D20001"/>`, in the
 * first bytes of the sheet, unpacked alone) against {@link UPLOAD_BOUNDS}.
 * @returns ok, or which bound the file passed.
 */
export async function checkXlsxBounds(
  bytes: Uint8Array,
  bounds = UPLOAD_BOUNDS,
): Promise<{ ok: true } | BoundsError> {
  let dir: Awaited<ReturnType<typeof unzipper.Open.buffer>>;
  // Loaded on the first XLSX upload, not at every server start.
  const { default: unzip } = await import('unzipper');
  try {
    dir = await unzip.Open.buffer(Buffer.from(bytes));
  } catch {
    return { ok: false, params: { why: 'not_zip' } };
  }
  if (dir.files.length > bounds.maxEntries)
    return { ok: false, params: { why: 'entries', count: dir.files.length } };
  const unpacked = dir.files.reduce((n, f) => n + (f.uncompressedSize ?? 0), 0);
  if (unpacked > bounds.maxUnpackedBytes)
    return {
      ok: false,
      params: {
        why: 'unpacked',
        mb: Math.ceil(unpacked / 1024 / 1024),
        maxMb: bounds.maxUnpackedBytes / 1024 / 1024,
      },
    };
  const sheet = dir.files
    .filter((f) => /^xl\/worksheets\/sheet\d+\.xml$/.test(f.path))
    .sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }))[0];
  if (sheet) {
    const head = await firstBytes(sheet.stream(), 4096);
    const ref = /<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"/.exec(head);
    if (ref && Number(ref[1]) > bounds.maxRows + 1)
      return { ok: false, params: { why: 'rows', rows: Number(ref[1]), maxRows: bounds.maxRows } };
  }
  return { ok: true };
}

/** The rows of a text file, counted without parsing, against {@link UPLOAD_BOUNDS}. */
export function checkTextRows(text: string, bounds = UPLOAD_BOUNDS): { ok: true } | BoundsError {
  let rows = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1))
    if (++rows > bounds.maxRows + 1)
      return { ok: false, params: { why: 'rows', maxRows: bounds.maxRows } };
  return { ok: true };
}

/** The first `n` bytes of a stream as text (latin1 is enough for a tag), then stops it. */
function firstBytes(stream: NodeJS.ReadableStream & { destroy?: () => void }, n: number) {
  return new Promise<string>((resolve) => {
    let text = '';
    const done = () => {
      stream.removeAllListeners('data');
      stream.destroy?.();
      resolve(text);
    };
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.length >= n) done();
    });
    stream.on('end', done);
    stream.on('error', done);
  });
}
