/**
 * Stream-parse an uploaded CSV (csv-parse) into records with the physical line each starts on.
 * Bytes are decoded as they arrive (UTF-8 by default, refusing invalid sequences rather than
 * turning accents into U+FFFD; windows-1252 on request for Excel's legacy "CSV" format). A BOM
 * is dropped, CRLF / LF / CR line endings are all accepted, quotes inside unquoted fields are
 * tolerated. Line numbers are counted here: csv-parse's own counter double-counts CRLF inside
 * quoted fields.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';

export type ImportEncoding = 'utf-8' | 'windows-1252';

export interface CsvRecord {
  line: number;
  cells: string[];
}

/** The file cannot be read as a whole: nothing from it is imported. */
export class ImportFileError extends Error {
  constructor(
    readonly line: number | null,
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

const LINE_BREAKS = /\r\n|\r|\n/g;

function breaksIn(cells: string[]): number {
  let n = 0;
  for (const c of cells) if (c.includes('\n') || c.includes('\r')) n += c.match(LINE_BREAKS)?.length ?? 0;
  return n;
}

function parseProblem(err: CsvError, line: number): ImportFileError {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportFileError(line, `line ${line}: a quoted field is never closed (a stray " character?)`);
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new ImportFileError(line, `line ${line}: a closing quote is followed by more text in the same field`);
    default:
      return new ImportFileError(line, `line ${line}: ${err.message}`);
  }
}

export interface ReadOptions {
  encoding: ImportEncoding;
  maxBytes: number;
}

export async function* readCsv(input: AsyncIterable<Buffer | string>, options: ReadOptions): AsyncGenerator<CsvRecord> {
  const decoder = new TextDecoder(options.encoding, { fatal: true });
  let bytes = 0;
  let line = 1;
  async function* decoded(): AsyncGenerator<string> {
    for await (const chunk of input) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      bytes += buf.length;
      if (bytes > options.maxBytes) {
        throw new ImportFileError(null, `the file is larger than ${Math.round(options.maxBytes / 1_048_576)} MB; split it`, true);
      }
      try {
        yield decoder.decode(buf, { stream: true });
      } catch {
        throw new ImportFileError(
          line,
          `the file is not valid UTF-8 (near line ${line}); save it as "CSV UTF-8", or send it with charset=windows-1252`,
        );
      }
    }
    try {
      const tail = decoder.decode();
      if (tail) yield tail;
    } catch {
      throw new ImportFileError(line, 'the file ends in the middle of a UTF-8 character');
    }
  }

  // The line a parse error is reported at is counted as the parser goes (on_record runs for each
  // record as it is parsed), not as records are consumed: when the whole upload arrives in one
  // chunk the parser can fail before the loop below has taken the records before the bad one.
  let parsedLine = 1;
  const parser = parse({
    bom: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: false,
    on_record: (cells: string[]) => {
      parsedLine += 1 + breaksIn(cells);
      return cells;
    },
  });
  const feeding = pipeline(Readable.from(decoded()), parser);
  // Errors surface through the parser's iterator below; this only prevents an unhandled rejection.
  feeding.catch(() => undefined);
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      const at = line;
      line += 1 + breaksIn(cells);
      yield { line: at, cells };
    }
    await feeding;
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    if (err instanceof CsvError) throw parseProblem(err, parsedLine);
    const code = (err as { code?: string }).code;
    if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted') {
      throw new ImportFileError(line, `the upload was interrupted after line ${line - 1}`);
    }
    throw err;
  } finally {
    if (!parser.destroyed) parser.destroy();
  }
}
