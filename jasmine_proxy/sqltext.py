"""MySQL statement text, read without parsing: result column names as typed, SELECT templates
with their literals as parameters, `?` placeholders, values as MySQL literals."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.tokens import TokenType

from jasmine_proxy.errors import UnsupportedStatement


def projection_names(statement: exp.Expression, sql: str) -> list[str] | None:
    """The result column names MySQL gives: alias, column name, or the expression as typed."""
    if not isinstance(statement, exp.Select):
        selects = statement.selects if isinstance(statement, exp.Query) else []
        return [s.alias_or_name for s in selects] or None
    if any(isinstance(s, exp.Star) or s.is_star for s in statement.selects):
        return None
    texts = select_list_texts(sql)
    out = []
    for i, s in enumerate(statement.selects):
        if isinstance(s, exp.Alias):
            out.append(s.alias)
        elif isinstance(s, exp.Column):
            out.append(s.name)
        elif isinstance(s, exp.Literal) and s.is_string:
            out.append(s.this)
        elif texts is not None and len(texts) == len(statement.selects):
            out.append(texts[i])
        else:
            out.append(s.sql("mysql"))
    return out


_SELECT_END = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION", "INTO", "WINDOW",
               "FOR", "LOCK", "EXCEPT", "INTERSECT"}  # fmt: skip
_MODIFIERS = {"DISTINCT", "ALL", "DISTINCTROW", "SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE",
              "SQL_CACHE", "HIGH_PRIORITY", "STRAIGHT_JOIN"}  # fmt: skip


def select_list_texts(sql: str) -> list[str] | None:
    """The select list of the outermost SELECT, split into items as typed (the text of
    executable comments included, optimizer hints left out, as MariaDB names them)."""
    from jasmine_proxy.translate import executable_comments

    sql = executable_comments(sql)
    try:
        tokens = sqlglot.Dialect.get_or_raise("mysql").tokenize(sql)
    except Exception:
        return None
    depth, started = 0, False
    items: list[list[Any]] = []
    current: list[Any] = []
    for tok in tokens:
        word = tok.text.upper() if tok.token_type != TokenType.STRING else "'"
        opens, closes = tok.token_type == TokenType.L_PAREN, tok.token_type == TokenType.R_PAREN
        if not started:
            if depth == 0 and word == "SELECT":
                started = True
            depth += opens
            depth -= closes
            continue
        if depth == 0 and not current and word in _MODIFIERS:
            continue
        if depth == 0 and (word in _SELECT_END or word == ";"):
            break
        if depth == 0 and word == ",":
            items.append(current)
            current = []
            continue
        depth += opens
        depth -= closes
        current.append(tok)
    if current:
        items.append(current)
    if not items:
        return None
    return [sql[t[0].start : t[-1].end + 1] for t in items if t]


SELECT = re.compile(r"\s*SELECT\s", re.IGNORECASE)


def literal_template(sql: str) -> tuple[str, list[Any]] | None:
    """`sql` with each number or string literal after WHERE that is compared with `=`, `<`,
    `>`, `<=`, `>=`, `<>` or `!=` replaced by `?`, and those literals' values."""
    try:
        tokens = sqlglot.Dialect.get_or_raise("mysql").tokenize(sql)
    except Exception:
        return None
    out: list[str] = []
    params: list[Any] = []
    pos, after_where = 0, False
    previous: TokenType | None = None
    for tok in tokens:
        if tok.token_type == TokenType.WHERE:
            after_where = True
        literal = tok.token_type in (TokenType.NUMBER, TokenType.STRING)
        if after_where and literal and previous in _COMPARED:
            if tok.token_type == TokenType.NUMBER:
                if not re.fullmatch(r"\d+", tok.text) or int(tok.text) >= 2**63:
                    previous = tok.token_type
                    continue  # decimals and huge numbers stay in the text (types, exactness)
                params.append(int(tok.text))
            elif re.match(r"\d{4}-\d\d?-\d\d?$", tok.text):
                previous = tok.token_type
                continue  # a date compared with a DATETIME column is padded (translate)
            else:
                params.append(tok.text)
            out.append(sql[pos : tok.start])
            out.append("?")
            pos = tok.end + 1
        previous = tok.token_type
    out.append(sql[pos:])
    return "".join(out), params


_COMPARED = {TokenType.EQ, TokenType.NEQ, TokenType.GT, TokenType.GTE, TokenType.LT,
             TokenType.LTE}  # fmt: skip


def split_placeholders(sql: str) -> list[str]:
    """The text around each `?` placeholder (not those inside quotes)."""
    parts, current, quote_char = [], [], ""
    for ch in sql:
        if quote_char:
            current.append(ch)
            if ch == quote_char:
                quote_char = ""
        elif ch in "'\"`":
            quote_char = ch
            current.append(ch)
        elif ch == "?":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def _time_text(value: timedelta) -> str:
    """A timedelta as MySQL's TIME text: [-]H:MM:SS[.ffffff]."""
    micros = abs(value) // timedelta(microseconds=1)
    seconds, fraction = divmod(micros, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    text = f"{'-' if value < timedelta(0) else ''}{hours:02d}:{minute:02d}:{second:02d}"
    return text + (f".{fraction:06d}" if fraction else "")


def sql_literal(value: Any) -> str:
    """A value as a MySQL literal (strings escaped for MySQL's default sql_mode)."""
    if value is None:
        return "NULL"
    if isinstance(value, float) and not math.isfinite(value):
        raise UnsupportedStatement(
            f"not supported on the embedded backend: a {value} parameter (MySQL has no such double)"
        )
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, datetime):  # typed, so the result column is a DATETIME, not text
        return f"TIMESTAMP'{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE'{value.isoformat()}'"
    if isinstance(value, timedelta):
        return f"TIME'{_time_text(value)}'"
    if isinstance(value, bytes):
        return f"x'{value.hex()}'" if value else "''"
    if isinstance(value, (datetime, date, time, timedelta)):
        value = str(value)
    return "'" + str(value).replace("\\", "\\\\").replace("'", "''") + "'"
