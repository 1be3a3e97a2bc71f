/**
 * The column pass: tables whose header names a sensitive type. In
 *
 *     Patient name,DOB,MRN
 *     Jane Doe,1987-03-14,00473921
 *
 * no cell has a label beside it, so no rule finds the date or the number; the header says what
 * every cell under it is. The pass reads CSV (with quoted cells), TSV, `;`-separated, Markdown and
 * pipe tables, line by line, in one forward walk.
 *
 * A line is a header when it splits into two or more short cells and one of them names a column
 * kind (`DOB`, `MRN`, `Patient name`, `SSN`, `Address`, see `COLUMN_DEFINITIONS`). The lines after
 * it with the same number of cells are its rows, until a blank line, a line of another shape, or
 * {@link TABLE_REACH_CHARACTERS} from the header. A cell under a typed column is a finding when its
 * whole text is a value of the type: a date under `DOB`, a record number under `MRN`.
 *
 * Every line that qualifies as a header starts a new table, even inside another: which table a
 * row belongs to is then decided by the nearest header above it, so a scan that starts part-way
 * (a stream, with the header in its look-behind) reads every row the way a scan of the whole text
 * does.
 */
import { COLUMN_DEFINITIONS, PERSONAL_COLUMN_HEADER, type ColumnHeader } from './patterns';
import type { Extent } from './person';
import { compileWholeMatcher } from './re2';
import { MASK_MINIMUM_RUN, PLACEHOLDER_OPENING } from './types';

/** How far below the start of its header a row still belongs to the table: a stream keeps the header this long. */
export const TABLE_REACH_CHARACTERS = 8192;
/** Header cells are labels; a longer cell is prose with commas in it. */
const MAX_HEADER_CELL_CHARACTERS = 48;
/** The longest label of the vocabulary, normalized, is shorter. */
const MAX_LABEL_CHARACTERS = 32;
/** A longer line is no header. */
export const MAX_HEADER_LINE_CHARACTERS = 1024;
/** Longer cells are notes, not values: they are left to the rules. */
const MAX_VALUE_CELL_CHARACTERS = 120;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
/** The shortest mask a masking redactor writes. */
const MASK = '*'.repeat(MASK_MINIMUM_RUN);
const PIPE = 124;
const TAB = 9;
const COMMA = 44;
const SEMICOLON = 59;
const QUOTE = 34;
const NEWLINE = 10;
const RETURN = 13;
/** Tried in this order: a Markdown row has commas inside its cells, a CSV row rarely has pipes. */
const DELIMITERS = [PIPE, TAB, COMMA, SEMICOLON];
/**
 * Not a character but a kind of table: an SQL `INSERT INTO t (columns) VALUES` and its rows of
 * tuples, one a line, `(1, 'Jane Doe', '1987-03-14'),`, as `mysqldump` and `pg_dump --inserts` write them.
 */
const SQL_VALUES = -1;
const OPEN_PARENTHESIS = 40;
const CLOSE_PARENTHESIS = 41;
const APOSTROPHE = 39;
const BACKSLASH = 92;
/** `INSERT INTO`, any case, at a line's start: then the line is read as an SQL header. */
const SQL_INSERT = /[ \t]*insert[ \t]+into[ \t]/iy;

/** A cell found under a typed column. */
export interface TableCell extends Extent {
  readonly type: string;
}

/** Where a table starts (its header line) and where it ends (`Infinity` while it may go on). */
export interface TableExtent {
  readonly headerStart: number;
  readonly end: number;
}

export interface ColumnScan {
  readonly cells: TableCell[];
  readonly tables: TableExtent[];
  /** Start of the last line when it is unfinished and may hold cells; otherwise `Infinity`. */
  readonly earliestOpen: number;
}

export interface ColumnPass {
  /**
   * RE2 source for the detector's prefilter set, implied by every header the pass accepts: a label
   * that is a whole cell. A text without one has no table to read.
   */
  readonly prefilter: string;
  /**
   * Finds typed cells that start at or after `fromIndex`. With `open`, the last line is unfinished
   * (a stream): it is judged only once it ends. `lineStartAtZero` says whether `text` starts at the
   * start of a line, which a stream's look-behind may not. `opaque` are the other findings: a line
   * that one of them spans a line break of is no part of a table (see `untabularExtents`).
   */
  find(
    text: string,
    fromIndex: number,
    open: boolean,
    lineStartAtZero: boolean,
    opaque?: readonly Extent[],
  ): ColumnScan;
}

interface Column {
  readonly type: string;
  readonly isValue: (value: string) => boolean;
  readonly needsPersonalColumn: boolean;
}

interface Table {
  readonly delimiter: number;
  readonly cellCount: number;
  /** The typed column at each cell index, or undefined. */
  readonly columns: ReadonlyArray<Column | undefined>;
  readonly headerStart: number;
}

/**
 * Compiles the column pass for the selected types, or returns undefined when none of them has a
 * column kind.
 */
export function compileColumnPass(selected: ReadonlySet<string>): ColumnPass | undefined {
  const definitions = COLUMN_DEFINITIONS.filter((definition) => selected.has(definition.type));
  if (definitions.length === 0) return undefined;
  // A header cell is looked up by its key (`Date of Birth:` → `dateofbirth`), then confirmed against
  // the labels' own spelling, which is what the prefilter matches.
  const candidatesByKey = new Map<number, Array<{ column: Column | 'personal'; header: ColumnHeader }>>();
  const addLabels = (column: Column | 'personal', header: ColumnHeader) => {
    for (const key of header.keys) {
      const candidates = candidatesByKey.get(keyHash(key)) ?? [];
      if (!candidates.some((candidate) => candidate.column === column)) candidates.push({ column, header });
      candidatesByKey.set(keyHash(key), candidates);
    }
  };
  definitions.forEach((definition, index) => {
    const matches = compileWholeMatcher(definition.value, `column value ${definition.type} #${index}`);
    const accept = definition.accept;
    const column: Column = {
      type: definition.type,
      isValue: accept === undefined ? matches : (value) => matches(value) && accept(value),
      needsPersonalColumn: definition.needsPersonalColumn === true,
    };
    addLabels(column, definition.header);
  });
  addLabels('personal', PERSONAL_COLUMN_HEADER);
  const labels = definitions.map((definition) => definition.header.source).join('|');
  const prefilter = `(?m:(?:^|[|,;\\t])(?:${labels})(?:[|,;\\t\\r]|$))|(?i:insert\\s+into\\s)`;

  /**
   * Whether some piece of the line between two `delimiter`s has a label's key: a quick test, with
   * no quotes handled, before a line is split into cells.
   */
  function hasLabelBetween(text: string, start: number, end: number, delimiter: number): boolean {
    let pieceStart = start;
    let seen = false;
    for (let index = start; index <= end; index++) {
      if (index < end && text.charCodeAt(index) !== delimiter) continue;
      if (index < end) seen = true;
      if (index - pieceStart <= MAX_HEADER_CELL_CHARACTERS && isKey(labelKey(text, pieceStart, index)))
        return seen || includes(text, index, end, delimiter);
      pieceStart = index + 1;
    }
    return false;
  }

  const isKey = (key: number) => key !== -1 && candidatesByKey.has(key);

  function columnOf(text: string, start: number, end: number): Column | 'personal' | undefined {
    const key = labelKey(text, start, end);
    const candidates = key === -1 ? undefined : candidatesByKey.get(key);
    if (candidates === undefined) return undefined;
    const cell = text.slice(start, end);
    return candidates.find((candidate) => candidate.header.isLabel(cell))?.column;
  }

  /** The columns a list of header cells (extents, in pairs) names, or undefined when it names none. */
  function columnsOf(text: string, cells: readonly number[]): Array<Column | undefined> | undefined {
    const found: Array<Column | undefined> = [];
    // A bare `Name` column lists people only beside another column of personal data.
    let personal = false;
    for (let index = 0; index < cells.length; index += 2) {
      const column = columnOf(text, cells[index] as number, cells[index + 1] as number);
      if (column === 'personal' || (column !== undefined && !column.needsPersonalColumn)) personal = true;
      found.push(column === 'personal' ? undefined : column);
    }
    const columns = personal
      ? found
      : found.map((column) => (column?.needsPersonalColumn === true ? undefined : column));
    return columns.some((column) => column !== undefined) ? columns : undefined;
  }

  /**
   * An SQL header: `INSERT INTO customers (id, full_name, dob) VALUES`, names quoted or not, with the
   * first tuple on the same line or not. Undefined when the line is none, or names no typed column.
   */
  function readSqlHeader(text: string, start: number, end: number): Table | undefined {
    // Most lines start with no `i`: one comparison rules them out.
    let first = start;
    while (first < end && isBlank(text.charCodeAt(first))) first++;
    if ((text.charCodeAt(first) | 0x20) !== 0x69) return undefined;
    SQL_INSERT.lastIndex = start;
    if (!SQL_INSERT.test(text)) return undefined;
    // Searched within the line only: `indexOf` would read on to the end of the text on every line.
    const open = indexIn(text, OPEN_PARENTHESIS, start, end);
    const close = open === -1 ? -1 : indexIn(text, CLOSE_PARENTHESIS, open, end);
    if (close === -1) return undefined;
    const cells = splitCells(text, open + 1, close, COMMA);
    if (cells === undefined || cells.length < 4 || !areShort(cells)) return undefined;
    const columns = columnsOf(text, cells);
    return columns === undefined
      ? undefined
      : { delimiter: SQL_VALUES, cellCount: cells.length / 2, columns, headerStart: start };
  }

  function readHeader(text: string, start: number, end: number): Table | undefined {
    if (end - start > MAX_HEADER_LINE_CHARACTERS || end - start < 3) return undefined;
    const sql = readSqlHeader(text, start, end);
    if (sql !== undefined) return sql;
    for (const delimiter of DELIMITERS) {
      if (!hasLabelBetween(text, start, end, delimiter)) continue;
      const cells = splitCells(text, start, end, delimiter);
      if (cells === undefined || cells.length < 4 || !areShort(cells)) continue;
      const columns = columnsOf(text, cells);
      if (columns !== undefined) return { delimiter, cellCount: cells.length / 2, columns, headerStart: start };
    }
    return undefined;
  }

  function find(
    text: string,
    fromIndex: number,
    open: boolean,
    lineStartAtZero: boolean,
    opaque: readonly Extent[] = [],
  ): ColumnScan {
    const cells: TableCell[] = [];
    const tables: TableExtent[] = [];
    let earliestOpen = Infinity;
    const untabular = untabularExtents(text, opaque);
    let nextUntabular = 0;
    // A header that a row at or after `fromIndex` belongs to starts at a line within reach before it.
    let lineStart = lineStartAtOrAfter(text, Math.max(0, fromIndex - TABLE_REACH_CHARACTERS), lineStartAtZero);
    let table: Table | undefined;
    // Only a stream asks where tables are, to keep their headers in view.
    const close = (end: number) => {
      if (table !== undefined && open && end > fromIndex) tables.push({ headerStart: table.headerStart, end });
      table = undefined;
    };
    while (lineStart < text.length) {
      const newline = text.indexOf('\n', lineStart);
      if (newline === -1 && open) {
        // An unfinished last line within reach of a header may still become one of its rows: it is
        // held, and the table stays open.
        if (table !== undefined && text.length - table.headerStart <= TABLE_REACH_CHARACTERS) {
          earliestOpen = lineStart;
          tables.push({ headerStart: table.headerStart, end: Infinity });
        }
        return { cells, tables, earliestOpen };
      }
      const lineEnd = newline === -1 ? text.length : newline;
      const contentEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === RETURN ? lineEnd - 1 : lineEnd;
      while (nextUntabular < untabular.length && (untabular[nextUntabular + 1] as number) <= lineStart)
        nextUntabular += 2;
      const untabularLine = nextUntabular < untabular.length && (untabular[nextUntabular] as number) <= lineEnd;
      const header = untabularLine ? undefined : readHeader(text, lineStart, contentEnd);
      if (untabularLine) close(lineStart);
      else if (header !== undefined) {
        close(lineStart);
        table = header;
        // `INSERT INTO t (…) VALUES (…);` on one line: its tuple is a row.
        if (header.delimiter === SQL_VALUES) {
          const values = indexIn(text, CLOSE_PARENTHESIS, lineStart, contentEnd) + 1;
          const row = splitCells(text, values, contentEnd, SQL_VALUES);
          if (row?.length === header.cellCount * 2) readRow(text, row, header, fromIndex, cells);
        }
      } else if (table !== undefined) {
        const row =
          contentEnd - table.headerStart <= TABLE_REACH_CHARACTERS
            ? splitCells(text, lineStart, contentEnd, table.delimiter)
            : undefined;
        if (row?.length !== table.cellCount * 2) close(lineStart);
        else if (!(table.delimiter === PIPE && isMarkdownRule(text, row))) readRow(text, row, table, fromIndex, cells);
      }
      if (newline === -1) break;
      lineStart = newline + 1;
    }
    close(open ? Infinity : text.length);
    return { cells, tables, earliestOpen };
  }

  return { prefilter, find };
}

/**
 * Where no line may be part of a table, as sorted start/end pairs: placeholders and masks, and the
 * other findings that span a line break. Redaction joins the lines such a finding spans and puts a
 * placeholder in them, so a second pass would read other tables there; reading none in either pass
 * keeps redaction idempotent.
 */
function untabularExtents(text: string, opaque: readonly Extent[]): number[] {
  const extents: Array<[number, number]> = [];
  for (const extent of opaque) {
    if (
      extent.spansLines === true ||
      includes(text, Math.max(0, extent.start), Math.min(text.length, extent.end), NEWLINE)
    )
      extents.push([extent.start, extent.end]);
  }
  for (let at = text.indexOf(PLACEHOLDER_OPENING); at !== -1; at = text.indexOf(PLACEHOLDER_OPENING, at + 1))
    extents.push([at, at + PLACEHOLDER_OPENING.length]);
  for (let at = text.indexOf(MASK); at !== -1; at = text.indexOf(MASK, at + MASK.length))
    extents.push([at, at + MASK.length]);
  extents.sort((left, right) => left[0] - right[0]);
  return extents.flat();
}

/**
 * Whether the unfinished line `text[start, end)` may still become a header: it is no longer than a
 * header line and, for some delimiter in it, every piece before the last is short enough to be a
 * label. A stream keeps such a line in view until it ends, though it releases its text, so that a
 * header longer than the hold-back is still read whole.
 */
export function mayBecomeHeader(text: string, start: number, end: number): boolean {
  if (end - start > MAX_HEADER_LINE_CHARACTERS) return false;
  for (const delimiter of DELIMITERS) {
    let pieceStart = start;
    let pieces = 0;
    let short = true;
    for (let index = start; index < end && short; index++) {
      if (text.charCodeAt(index) !== delimiter) continue;
      short = trimmedLength(text, pieceStart, index) <= MAX_HEADER_CELL_CHARACTERS;
      pieces++;
      pieceStart = index + 1;
    }
    if (short && pieces > 0) return true;
  }
  return false;
}

/** The length of `text[start, end)` without the blanks around it. */
function trimmedLength(text: string, start: number, end: number): number {
  let from = start;
  let to = end;
  while (from < to && isBlank(text.charCodeAt(from))) from++;
  while (to > from && isBlank(text.charCodeAt(to - 1))) to--;
  return to - from;
}

/** Pushes the cells of `row` (extents, in pairs) that are values of their column. */
function readRow(text: string, row: readonly number[], table: Table, fromIndex: number, out: TableCell[]): void {
  for (let index = 0; index < table.columns.length; index++) {
    const column = table.columns[index];
    if (column === undefined) continue;
    const start = row[index * 2] as number;
    const end = row[index * 2 + 1] as number;
    if (start < fromIndex || end - start === 0 || end - start > MAX_VALUE_CELL_CHARACTERS) continue;
    if (column.isValue(text.slice(start, end))) out.push({ start, end, type: column.type });
  }
}

/** The first line start at or after `position`. */
function lineStartAtOrAfter(text: string, position: number, lineStartAtZero: boolean): number {
  if (position === 0 && lineStartAtZero) return 0;
  if (position > 0 && text.charCodeAt(position - 1) === NEWLINE) return position;
  const newline = text.indexOf('\n', position);
  return newline === -1 ? text.length : newline + 1;
}

/**
 * The cells of one line as extents (start, end pairs), trimmed of spaces and of the quotes around
 * a quoted CSV cell; undefined when a quoted cell is unclosed or has text after its closing quote
 * (`"first_name":"Ubul"` is JSON, not a CSV cell). A `|` table's outer pipes are not cell separators.
 */
function splitCells(text: string, start: number, end: number, delimiter: number): number[] | undefined {
  if (delimiter === SQL_VALUES) return splitTuple(text, start, end);
  const extents: number[] = [];
  let position = start;
  let last = end;
  if (delimiter === PIPE) {
    while (position < last && isBlank(text.charCodeAt(position))) position++;
    while (last > position && isBlank(text.charCodeAt(last - 1))) last--;
    if (text.charCodeAt(position) === PIPE) position++;
    if (last > position && text.charCodeAt(last - 1) === PIPE) last--;
  }
  for (;;) {
    while (position < last && isBlank(text.charCodeAt(position))) position++;
    let cellStart = position;
    let cellEnd: number;
    if (delimiter !== PIPE && text.charCodeAt(position) === QUOTE) {
      // A quoted cell: delimiters inside it are text, and `""` is one quote.
      cellStart = position + 1;
      position = cellStart;
      while (position < last) {
        if (text.charCodeAt(position) === QUOTE) {
          if (text.charCodeAt(position + 1) === QUOTE) position += 2;
          else break;
        } else position++;
      }
      if (position >= last) return undefined;
      cellEnd = position;
      position++;
      while (position < last && isBlank(text.charCodeAt(position))) position++;
      if (position < last && text.charCodeAt(position) !== delimiter) return undefined;
    } else {
      while (position < last && text.charCodeAt(position) !== delimiter) position++;
      cellEnd = position;
      while (cellEnd > cellStart && isBlank(text.charCodeAt(cellEnd - 1))) cellEnd--;
    }
    extents.push(cellStart, cellEnd);
    if (position >= last) return extents;
    position++;
  }
}

/**
 * The values of the one SQL tuple in `text[start, end)`, `(6110, 'Jane Doe', NULL),` as extents
 * (start, end pairs), a quoted value without its quotes (`''` and `\'` are quotes inside it);
 * undefined when the line holds no whole tuple, or anything but `VALUES`, a `,` or a `;` around it.
 */
function splitTuple(text: string, start: number, end: number): number[] | undefined {
  let position = start;
  while (position < end && isBlank(text.charCodeAt(position))) position++;
  if (text.startsWith('VALUES', position) || text.startsWith('values', position)) position += 6;
  while (position < end && isBlank(text.charCodeAt(position))) position++;
  if (text.charCodeAt(position) !== OPEN_PARENTHESIS) return undefined;
  position++;
  const extents: number[] = [];
  for (;;) {
    while (position < end && isBlank(text.charCodeAt(position))) position++;
    let cellStart = position;
    let cellEnd: number;
    if (text.charCodeAt(position) === APOSTROPHE) {
      cellStart = position + 1;
      position = cellStart;
      for (; position < end; position++) {
        const code = text.charCodeAt(position);
        if (code === BACKSLASH) position++;
        else if (code === APOSTROPHE) {
          if (text.charCodeAt(position + 1) !== APOSTROPHE) break;
          position++;
        }
      }
      if (position >= end) return undefined;
      cellEnd = position;
      position++;
      while (position < end && isBlank(text.charCodeAt(position))) position++;
    } else {
      while (position < end && text.charCodeAt(position) !== COMMA && text.charCodeAt(position) !== CLOSE_PARENTHESIS)
        position++;
      cellEnd = position;
      while (cellEnd > cellStart && isBlank(text.charCodeAt(cellEnd - 1))) cellEnd--;
    }
    extents.push(cellStart, cellEnd);
    const code = text.charCodeAt(position);
    if (code === COMMA) {
      position++;
      continue;
    }
    if (code !== CLOSE_PARENTHESIS) return undefined;
    position++;
    while (
      position < end &&
      (isBlank(text.charCodeAt(position)) ||
        text.charCodeAt(position) === COMMA ||
        text.charCodeAt(position) === SEMICOLON)
    )
      position++;
    return position === end ? extents : undefined;
  }
}

/** Where `text[start, end)` first holds the character `code`, or -1 (bounded, unlike `indexOf`). */
function indexIn(text: string, code: number, start: number, end: number): number {
  for (let index = start; index < end; index++) if (text.charCodeAt(index) === code) return index;
  return -1;
}

/** Whether `text[start, end)` holds the character `code` (bounded, unlike `indexOf` from `start`). */
function includes(text: string, start: number, end: number, code: number): boolean {
  return indexIn(text, code, start, end) !== -1;
}

/** Whether every cell (extents, in pairs) is short enough to be a label. */
function areShort(cells: readonly number[]): boolean {
  for (let index = 0; index < cells.length; index += 2)
    if ((cells[index + 1] as number) - (cells[index] as number) > MAX_HEADER_CELL_CHARACTERS) return false;
  return true;
}

/** A Markdown header rule: `|---|:---:|`. */
function isMarkdownRule(text: string, row: readonly number[]): boolean {
  for (let index = 0; index < row.length; index += 2) {
    const cell = text.slice(row[index] as number, row[index + 1] as number);
    if (!/^:?-{3,}:?$/.test(cell)) return false;
  }
  return true;
}

/**
 * A hash of a header cell's look-up key (`columnLabelKey` of its label): lower case, without a
 * parenthesized note, the decorations around it (`**DOB:**`) or the separators inside it
 * (`date_of_birth`, `D.O.B.`); -1 when the cell holds any other character, or more than a label's
 * length. A hash, not a string, so that a cell that is no label costs no allocation; a cell whose
 * hash is a label's is confirmed against the label itself.
 */
function labelKey(text: string, start: number, end: number): number {
  let hash = FNV_OFFSET;
  let length = 0;
  for (let index = start; index < end; index++) {
    let code = text.charCodeAt(index);
    if (code >= 65 && code <= 90) code += 32;
    else if (code >= 48 && code <= 57) {
      if (length === 0) return -1; // every label starts with a letter
    } else if (code === 40)
      break; // `(MM/DD/YYYY)`: a note on the format
    else if (code < 97 || code > 122) {
      if (isLabelSeparator(code)) continue;
      return -1;
    }
    hash = Math.imul(hash ^ code, FNV_PRIME) >>> 0;
    if (++length > MAX_LABEL_CHARACTERS) return -1;
  }
  return length === 0 ? -1 : hash;
}

/** {@link labelKey} of a key that is letters and digits already. */
const keyHash = (key: string) => labelKey(key, 0, key.length);

const isBlank = (code: number) => code === 32 || code === TAB;
/** Space, `*`, `"`, `'`, `:`, `` ` ``, `_`, `-`, `.`, `/`, `#`: around a label or between its words. */
const isLabelSeparator = (code: number) =>
  code === 32 ||
  code === 42 ||
  code === QUOTE ||
  code === 39 ||
  code === 58 ||
  code === 96 ||
  code === 95 ||
  code === 45 ||
  code === 46 ||
  code === 47 ||
  code === 35;
