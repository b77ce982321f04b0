/**
 * Just enough SQL lexing for the warehouse code: split a file into statements and hide string literals,
 * quoted identifiers and comments from the regular expressions of the dialect translator.
 * Literals are '...' with '' as the escaped quote (the only form sql/redshift/ uses).
 */

type Piece = { kind: 'code' | 'string' | 'ident' | 'comment'; text: string };

function lex(sql: string): Piece[] {
  const pieces: Piece[] = [];
  let code = '';
  const flush = (): void => {
    if (code) pieces.push({ kind: 'code', text: code });
    code = '';
  };
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new SyntaxError(`unterminated ${c === "'" ? 'string literal' : 'quoted identifier'} in SQL: ${sql.slice(i, i + 40)}`);
        if (sql[j] === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      flush();
      pieces.push({ kind: c === "'" ? 'string' : 'ident', text: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end === -1 ? sql.length : end;
      flush();
      pieces.push({ kind: 'comment', text: sql.slice(i, j) });
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SyntaxError(`unterminated /* comment in SQL: ${sql.slice(i, i + 40)}`);
      flush();
      pieces.push({ kind: 'comment', text: sql.slice(i, end + 2) });
      i = end + 2;
    } else {
      code += c;
      i++;
    }
  }
  flush();
  return pieces;
}

/** The statements of a SQL text, without comments, trimmed, without the final `;`; empty ones dropped. */
export function splitSqlStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  const push = (): void => {
    const s = current.trim();
    if (s) out.push(s);
    current = '';
  };
  for (const piece of lex(sql)) {
    if (piece.kind === 'comment') {
      current += ' ';
    } else if (piece.kind === 'code') {
      const parts = piece.text.split(';');
      parts.forEach((part, idx) => {
        if (idx > 0) push();
        current += part;
      });
    } else {
      current += piece.text;
    }
  }
  push();
  return out;
}

/** SQL with comments removed and every literal / quoted identifier replaced by a marker the rules cannot match. */
export interface MaskedSql {
  code: string;
  /** puts the literals back into (rewritten) code */
  restore(code: string): string;
}

const MARK = '\uE000'; // a private-use character: never in SQL code outside literals

export function maskSql(sql: string): MaskedSql {
  const hidden: string[] = [];
  let code = '';
  for (const piece of lex(sql)) {
    if (piece.kind === 'comment') code += ' ';
    else if (piece.kind === 'code') code += piece.text;
    else {
      code += `${MARK}${hidden.length}${MARK}`;
      hidden.push(piece.text);
    }
  }
  return {
    code,
    restore: (rewritten) => rewritten.replace(new RegExp(`${MARK}(\\d+)${MARK}`, 'g'), (_m, n: string) => hidden[Number(n)]),
  };
}

/** The value of a '...' literal. */
export function unquoteString(literal: string): string {
  if (!/^'[\s\S]*'$/.test(literal)) throw new SyntaxError(`not a string literal: ${literal}`);
  return literal.slice(1, -1).replace(/''/g, "'");
}

/** A short one-line form of a statement for error messages. */
export function previewSql(sql: string, max = 80): string {
  const oneLine = sql.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 3)}...` : oneLine;
}
