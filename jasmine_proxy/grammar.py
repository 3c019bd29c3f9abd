"""Jasmine's extended SQL as a sqlglot dialect: `parse(sql)` and the canonical text of a node.

`grammar/jasmine.ebnf` is the readable grammar; `grammar/README.md` has a worked example of
every statement. `Jasmine` extends sqlglot's MySQL dialect: its tokenizer reads the statement,
a small recursive-descent parser here reads Jasmine's clauses, and the query after `AS` (or the
condition after `WHERE`) goes to sqlglot's own MySQL parser, so it comes back as a real sqlglot
tree. Ordinary MySQL parses exactly as with sqlglot's MySQL dialect.

Why not subclass sqlglot's Parser and Generator: this project installs `sqlglot[c]`, whose mypyc
build compiles them (and every expression class) into native classes that Python code cannot
subclass (instantiating one raises `TypeError: interpreted classes cannot inherit from
compiled`). The dialect class and its Tokenizer are plain Python, so those are subclassed; the
parsing and rendering of Jasmine's own clauses live here, and the dialect's `parse` and
`generate` route Jasmine's statements to them. It behaves the same with pure-Python sqlglot.

Every malformed statement raises `GrammarError` (1064, SQLSTATE 42000), never a sqlglot error:

>>> parse("SHOW MATERIALIZATIONS LIKE x")
Traceback (most recent call last):
  ...
jasmine_proxy.errors.GrammarError: You have an error in your SQL syntax; expected a quoted \
pattern after LIKE near 'x' at line 1 column 28
>>> parse("alter materialization `my db`.m step refresh;").sql()
'ALTER MATERIALIZATION `my db`.m STEP refresh'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.dialects.mysql import MySQL
from sqlglot.errors import ErrorLevel, ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from jasmine_proxy.errors import GrammarError
from jasmine_proxy.statements import (
    ALTER_ACTIONS,
    AlterMaterialization,
    CreateMaterialization,
    DropMaterialization,
    ExplainCreateMaterialization,
    MaterializationOption,
    RefreshMaterialization,
    ShowCreateMaterialization,
    ShowMaterializationEvents,
    ShowMaterializations,
    Statement,
)

#: How much of the text after an error position the message quotes.
NEAR = 40


class Jasmine(MySQL):
    """MySQL plus Jasmine's extended statements (registered with sqlglot as "jasmine")."""

    class Tokenizer(MySQL.Tokenizer):
        """MySQL's tokenizer, with no keyword added on purpose.

        Jasmine's words (MATERIALIZATION, STEP, EVENTS, ...) are matched by their text where
        the extended grammar expects them, so everywhere else they stay ordinary identifiers: a
        table may still be called `materialization`.
        """

    def parse(self, sql: str, **opts: Any) -> list[Any]:
        """Every statement of `sql`: Jasmine's as statement nodes, the others as MySQL trees."""
        tokens = self.tokenize(sql)
        chunks = _split_statements(tokens)
        if not any(_is_extended(sql, chunk) for chunk in chunks):
            return self.parser(**opts).parse(tokens, sql)
        result: list[Any] = []
        for chunk in chunks:
            if _is_extended(sql, chunk):
                result.append(_Parser(sql, chunk).statement())
            elif chunk:
                result.extend(self.parser(**opts).parse(chunk, sql))
        return result

    def generate(self, expression: Any, copy: bool = True, **opts: Any) -> str:
        """The text of a sqlglot tree or of a Jasmine statement node."""
        if isinstance(expression, Statement):
            return render(expression, self, **opts)
        return super().generate(expression, copy=copy, **opts)


_DIALECT = Jasmine()


def parse(sql: str) -> Statement:
    """The one extended statement in `sql` (an optional `;` may end it), or GrammarError."""
    tokens = _tokenize(sql)
    if not tokens:
        raise syntax_error(sql, "a statement", len(sql), at_end=True)
    end = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.SEMICOLON), None)
    statement = _Parser(sql, tokens if end is None else tokens[:end]).statement()
    if end is not None and end + 1 < len(tokens):
        raise syntax_error(sql, "end of input after ';'", tokens[end + 1].start)
    return statement


def syntax_error(sql: str, expected: str, pos: int, at_end: bool = False) -> GrammarError:
    """The 1064 error for `sql` at character offset `pos` (`at_end`: nothing left to quote).

    >>> str(syntax_error("SELECT\\n  1 2", "end of statement", 11))
    "You have an error in your SQL syntax; expected end of statement near '2' at line 2 column 5"
    """
    line = sql.count("\n", 0, pos) + 1
    column = pos - (sql.rfind("\n", 0, pos) + 1) + 1
    near = "" if at_end else sql[pos : pos + NEAR]
    return GrammarError(
        f"You have an error in your SQL syntax; expected {expected} near '{near}' "
        f"at line {line} column {column}"
    )


def _tokenize(sql: str) -> list[Token]:
    tokenizer = _DIALECT.tokenizer()
    try:
        return tokenizer.tokenize(sql)
    except TokenError:
        pos = getattr(getattr(tokenizer, "_core", tokenizer), "_start", 0)
        if not isinstance(pos, int) or not 0 <= pos <= len(sql):
            pos = 0
        char = sql[pos : pos + 2]
        if char.startswith(("'", '"')):
            expected = f"a closing {char[0]} to end the string"
        elif char.startswith("`"):
            expected = "a closing ` to end the quoted name"
        elif char == "/*":
            expected = "*/ to end the comment"
        else:
            expected = "a valid token"
        raise syntax_error(sql, expected, pos) from None


def _split_statements(tokens: list[Token]) -> list[list[Token]]:
    chunks: list[list[Token]] = [[]]
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            chunks.append([])
        else:
            chunks[-1].append(token)
    return chunks


_WORD = re.compile(r"(?!\d+$)[\w$]+")
_LEADING = {"CREATE", "ALTER", "REFRESH", "DROP"}


def _is_word(sql: str, token: Token) -> bool:
    """A bare word as written (a keyword or an unquoted name): not quoted, not a number."""
    return (
        token.token_type != TokenType.NUMBER
        and sql[token.start : token.end + 1] == token.text
        and _WORD.fullmatch(token.text) is not None
    )


def _is_extended(sql: str, tokens: Sequence[Token]) -> bool:
    """Does this statement start like one of Jasmine's (the same rule as intercept.py)?"""
    words = []
    for token in tokens[:3]:
        if not _is_word(sql, token):
            break
        words.append(token.text.upper())
    if len(words) < 2:
        return False
    if words[0] in _LEADING or words[0] == "SHOW":
        if words[0] == "SHOW" and words[1] == "CREATE":
            return len(words) > 2 and words[2] in ("MATERIALIZATION", "MATERIALIZATIONS")
        return words[1] in ("MATERIALIZATION", "MATERIALIZATIONS")
    return (
        words[0] == "EXPLAIN"
        and words[1] == "CREATE"
        and len(words) > 2
        and words[2] in ("MATERIALIZATION", "MATERIALIZATIONS")
    )


def _needs_quotes(name: str) -> bool:
    return (
        exp.SAFE_IDENTIFIER_RE.match(name) is None
        or name.lower() in MySQL.Generator.RESERVED_KEYWORDS
    )


class _Parser:
    """Recursive descent over one statement's tokens (no `;`)."""

    def __init__(self, sql: str, tokens: Sequence[Token]) -> None:
        self.sql = sql
        self.tokens = tokens
        self.i = 0
        #: Where "the end of the statement" is, for errors there.
        self.end = tokens[-1].end + 1 if tokens else 0

    # -- the statements

    def statement(self) -> Statement:
        first = self._word()
        if first == "EXPLAIN":
            self._advance()
            self._keyword("CREATE")
            self._keyword("MATERIALIZATION")
            node: Statement = ExplainCreateMaterialization(this=self._create())
        elif first == "CREATE":
            self._advance()
            self._keyword("MATERIALIZATION")
            node = self._create()
        elif first == "SHOW":
            self._advance()
            node = self._show()
        elif first in ("ALTER", "REFRESH", "DROP"):
            self._advance()
            self._keyword("MATERIALIZATION")
            node = getattr(self, f"_{first.lower()}")()
        else:
            self._fail("CREATE, ALTER, REFRESH, DROP, SHOW or EXPLAIN")
        if self._peek() is not None:
            self._fail("end of statement")
        return node

    def _create(self) -> CreateMaterialization:
        exists = self._if_exists("NOT", "EXISTS")
        name = self._table()
        strategy = None
        if self._word() == "USING":
            self._advance()
            if self._word() in ("AS", "WITH"):
                self._fail("a strategy name after USING")
            strategy = exp.Var(this=self._bare_word("a strategy name after USING").text)
        options: list[MaterializationOption] = []
        if self._word() == "WITH":
            self._advance()
            options = self._options()
        if self._word() != "AS":
            self._fail("AS" if options else "WITH or AS" if strategy else "USING, WITH or AS")
        self._advance()
        return CreateMaterialization(
            this=name, exists=exists, strategy=strategy, options=options, expression=self._query()
        )

    def _show(self) -> Statement:
        word = self._word()
        if word == "MATERIALIZATIONS":
            self._advance()
            db = None
            if self._word() in ("FROM", "IN"):
                self._advance()
                db = self._identifier("a schema name")
            like = where = None
            if self._word() == "LIKE":
                self._advance()
                token = self._peek()
                if token is None or not self._is_string(token):
                    self._fail("a quoted pattern after LIKE")
                self._advance()
                like = exp.Literal.string(token.text)
            elif self._word() == "WHERE":
                self._advance()
                where = self._condition()
            elif self._peek() is not None:
                self._fail("FROM, LIKE, WHERE or end of statement" if db is None else
                           "LIKE, WHERE or end of statement")  # fmt: skip
            return ShowMaterializations(db=db, like=like, where=where)
        if word == "CREATE":
            self._advance()
            self._keyword("MATERIALIZATION")
            return ShowCreateMaterialization(this=self._table())
        if word == "MATERIALIZATION":
            self._advance()
            self._keyword("EVENTS")
            name = limit = None
            if self._word() == "FOR":
                self._advance()
                name = self._table()
            if self._word() == "LIMIT":
                self._advance()
                token = self._peek()
                if (
                    token is None
                    or token.token_type != TokenType.NUMBER
                    or not token.text.isdigit()
                ):
                    self._fail("a whole number after LIMIT")
                self._advance()
                limit = exp.Literal.number(token.text)
            elif self._peek() is not None:
                self._fail("FOR, LIMIT or end of statement" if name is None else
                           "LIMIT or end of statement")  # fmt: skip
            return ShowMaterializationEvents(this=name, limit=limit)
        self._fail("MATERIALIZATIONS, CREATE MATERIALIZATION or MATERIALIZATION EVENTS")

    def _alter(self) -> AlterMaterialization:
        name = self._table()
        action = self._word()
        if action not in ALTER_ACTIONS:
            self._fail("STEP, REFRESH, PAUSE, RESUME, REBUILD or SET")
        self._advance()
        event = None
        options: list[MaterializationOption] = []
        if action == "STEP" and self._peek() is not None:
            event = exp.Var(this=self._bare_word("an event name or end of statement").text)
        elif action == "SET":
            options = self._options()
        return AlterMaterialization(this=name, action=action, event=event, options=options)

    def _refresh(self) -> RefreshMaterialization:
        return RefreshMaterialization(this=self._table())

    def _drop(self) -> DropMaterialization:
        exists = self._if_exists("EXISTS")
        return DropMaterialization(this=self._table(), exists=exists)

    # -- the parts

    def _options(self) -> list[MaterializationOption]:
        self._punctuation(TokenType.L_PAREN, '"("')
        options = []
        while True:
            name = self._bare_word("an option name").text
            self._punctuation(TokenType.EQ, f'"=" after {name}')
            options.append(MaterializationOption(this=exp.Var(this=name), expression=self._value()))
            token = self._peek()
            if token is not None and token.token_type == TokenType.COMMA:
                self._advance()
                continue
            self._punctuation(TokenType.R_PAREN, '"," or ")"')
            return options

    def _value(self) -> exp.Literal:
        token = self._peek()
        if token is not None and self._is_string(token):
            self._advance()
            return exp.Literal.string(token.text)
        sign = ""
        if token is not None and token.token_type in (TokenType.DASH, TokenType.PLUS):
            after = self._peek(1)
            if after is not None and after.token_type == TokenType.NUMBER:
                sign = "-" if token.token_type == TokenType.DASH else ""
                self._advance()
                token = after
        if token is not None and token.token_type == TokenType.NUMBER:
            self._advance()
            return exp.Literal(this=sign + token.text, is_string=False)
        if token is not None and _is_word(self.sql, token):
            self._advance()
            return exp.Literal.string(token.text)
        self._fail("a value (a quoted string, a number or a word)")

    def _table(self) -> exp.Table:
        first = self._identifier("a materialization name")
        if not self._at(TokenType.DOT):
            return exp.Table(this=first)
        self._advance()
        second = self._identifier("a name after the dot")
        if self._at(TokenType.DOT):
            self._fail("a name of the form [schema.]name")
        return exp.Table(this=second, db=first)

    def _identifier(self, what: str) -> exp.Identifier:
        token = self._peek()
        if token is not None and self.sql[token.start : token.start + 1] == "`":
            if not token.text:
                self._fail(f"{what}, not an empty quoted name")
            self._advance()
            return exp.Identifier(this=token.text, quoted=_needs_quotes(token.text))
        if token is not None and _is_word(self.sql, token):
            if token.text.lower() in MySQL.Generator.RESERVED_KEYWORDS:
                self._fail(f"{what} ({token.text.upper()} is a reserved word: quote it as `...`)")
            self._advance()
            return exp.Identifier(this=token.text, quoted=_needs_quotes(token.text))
        self._fail(what)

    def _query(self) -> exp.Query:
        tree = self._mysql("a SELECT statement")
        if not isinstance(tree, exp.Query):
            self._fail_at(self.tokens[self.i].start, "a SELECT statement")
        if tree.args.get("into"):
            into = next((t for t in self.tokens[self.i :] if t.text.upper() == "INTO"), None)
            self._fail_at(
                into.start if into else self.tokens[self.i].start, "a SELECT statement without INTO"
            )
        self.i = len(self.tokens)
        return tree

    def _condition(self) -> exp.Expr:
        tree = self._mysql("a condition after WHERE")
        if not isinstance(tree, exp.Condition):
            self._fail_at(self.tokens[self.i].start, "a condition after WHERE")
        self.i = len(self.tokens)
        return tree

    def _mysql(self, what: str) -> exp.Expr | None:
        """The rest of the statement, parsed by sqlglot's MySQL grammar."""
        rest = self.tokens[self.i :]
        if not rest:
            self._fail(what)
        parser = _DIALECT.parser(
            error_level=ErrorLevel.IMMEDIATE, error_message_context=len(self.sql) + 1
        )
        try:
            trees = parser.parse(list(rest), self.sql)
        except ParseError as e:
            raise self._from_parse_error(e, rest, what) from None
        except Exception as e:  # a sqlglot defect must still end as a 1064, not a traceback
            raise syntax_error(self.sql, f"{what} ({type(e).__name__})", rest[0].start) from None
        return trees[0] if len(trees) == 1 else None

    def _from_parse_error(self, e: ParseError, rest: Sequence[Token], what: str) -> GrammarError:
        info = e.errors[0] if e.errors else {}
        context = info.get("start_context")
        pos = len(context) if isinstance(context, str) else rest[0].start
        description = str(info.get("description") or e)
        expected = _expected_from(description, what)
        at_end = pos == rest[-1].start and not description.startswith("Invalid expression")
        return syntax_error(self.sql, expected, self.end if at_end else pos, at_end=at_end)

    # -- tokens

    def _peek(self, ahead: int = 0) -> Token | None:
        i = self.i + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def _advance(self) -> None:
        self.i += 1

    def _at(self, token_type: TokenType) -> bool:
        token = self._peek()
        return token is not None and token.token_type == token_type

    def _word(self, ahead: int = 0) -> str | None:
        """The next token in upper case if it is a bare word, else None."""
        token = self._peek(ahead)
        if token is None or not _is_word(self.sql, token):
            return None
        return token.text.upper()

    def _if_exists(self, *words: str) -> bool:
        """IF followed by `words` (IF is reserved, so it cannot start a name)."""
        if self._word() != "IF":
            return False
        self._advance()
        for word in words:
            self._keyword(word)
        return True

    def _keyword(self, word: str) -> None:
        if self._word() != word:
            self._fail(word)
        self._advance()

    def _bare_word(self, what: str) -> Token:
        token = self._peek()
        if token is None or not _is_word(self.sql, token):
            self._fail(what)
        self._advance()
        return token

    def _punctuation(self, token_type: TokenType, what: str) -> None:
        if not self._at(token_type):
            self._fail(what)
        self._advance()

    def _is_string(self, token: Token) -> bool:
        return token.token_type == TokenType.STRING and self.sql[token.start] in "'\""

    def _fail(self, expected: str) -> NoReturn:
        token = self._peek()
        if token is None:
            raise syntax_error(self.sql, expected, self.end, at_end=True)
        raise syntax_error(self.sql, expected, token.start)

    def _fail_at(self, pos: int, expected: str) -> NoReturn:
        raise syntax_error(self.sql, expected, pos)


_EXPECTING = re.compile(r"Expect(?:ing|ed) (.+?)(?: but got .*)?$", re.DOTALL)
_REQUIRED = re.compile(r"Required keyword: '\w+' missing for <class '(?:[\w.]+\.)?(\w+)'>")


def _expected_from(description: str, what: str) -> str:
    """What sqlglot's parser wanted, in the words of the error message."""
    match = _EXPECTING.match(description)
    if match:
        wanted = match.group(1).strip()
        return f'"{wanted}"' if not re.search(r"\w", wanted) else wanted
    match = _REQUIRED.match(description)
    if match:
        return f"an expression to complete {match.group(1).upper()}"
    if description.startswith("Invalid expression"):
        return what
    return f"{what} ({re.sub(r'<[^>]*>', '...', description)})"


# -- rendering


def render(node: Statement, dialect: Any = None, **opts: Any) -> str:
    """The canonical text of `node`: Jasmine's keywords in upper case, single spaces, names
    backticked only when needed, sqlglot subtrees rendered by `dialect` (default Jasmine)."""
    d = _DIALECT if dialect is None else Dialect.get_or_raise(dialect)
    return _RENDERERS[type(node)](_Render(d, opts), node)


class _Render:
    def __init__(self, dialect: Dialect, opts: dict[str, Any]) -> None:
        self.dialect = dialect
        self.opts = opts

    def sql(self, tree: exp.Expr) -> str:
        return self.dialect.generate(tree, **self.opts)

    def identifier(self, identifier: exp.Expr) -> str:
        name = identifier.name
        return self.sql(exp.Identifier(this=name, quoted=_needs_quotes(name)))

    def table(self, table: exp.Table) -> str:
        return ".".join(self.identifier(part) for part in table.parts)

    def options(self, options: list[MaterializationOption]) -> str:
        return "(" + ", ".join(f"{o.this.name} = {self.sql(o.expression)}" for o in options) + ")"


def _create_sql(r: _Render, node: Statement) -> str:
    parts = ["CREATE MATERIALIZATION"]
    if node.args.get("exists"):
        parts.append("IF NOT EXISTS")
    parts.append(r.table(node.this))
    if node.args.get("strategy") is not None:
        parts.append(f"USING {node.args['strategy'].name}")
    if node.args.get("options"):
        parts.append(f"WITH {r.options(node.args['options'])}")
    parts.append(f"AS {r.sql(node.expression)}")
    return " ".join(parts)


def _show_sql(r: _Render, node: Statement) -> str:
    parts = ["SHOW MATERIALIZATIONS"]
    if node.args.get("db") is not None:
        parts.append(f"FROM {r.identifier(node.args['db'])}")
    if node.args.get("like") is not None:
        parts.append(f"LIKE {r.sql(node.args['like'])}")
    if node.args.get("where") is not None:
        parts.append(f"WHERE {r.sql(node.args['where'])}")
    return " ".join(parts)


def _events_sql(r: _Render, node: Statement) -> str:
    parts = ["SHOW MATERIALIZATION EVENTS"]
    if node.this is not None:
        parts.append(f"FOR {r.table(node.this)}")
    if node.args.get("limit") is not None:
        parts.append(f"LIMIT {r.sql(node.args['limit'])}")
    return " ".join(parts)


def _alter_sql(r: _Render, node: Statement) -> str:
    text = f"ALTER MATERIALIZATION {r.table(node.this)} {node.args['action']}"
    if node.args.get("event") is not None:
        text += f" {node.args['event'].name}"
    if node.args["action"] == "SET":
        text += f" {r.options(node.args.get('options') or [])}"
    return text


def _drop_sql(r: _Render, node: Statement) -> str:
    exists = " IF EXISTS" if node.args.get("exists") else ""
    return f"DROP MATERIALIZATION{exists} {r.table(node.this)}"


def _option_sql(r: _Render, node: Statement) -> str:
    return f"{node.this.name} = {r.sql(node.expression)}"


#: How each node renders (the counterpart of a sqlglot Generator's TRANSFORMS).
_RENDERERS: dict[type[Statement], Callable[[_Render, Any], str]] = {
    CreateMaterialization: _create_sql,
    ShowMaterializations: _show_sql,
    ShowCreateMaterialization: lambda r, n: f"SHOW CREATE MATERIALIZATION {r.table(n.this)}",
    ShowMaterializationEvents: _events_sql,
    ExplainCreateMaterialization: lambda r, n: f"EXPLAIN {_create_sql(r, n.this)}",
    AlterMaterialization: _alter_sql,
    RefreshMaterialization: lambda r, n: f"REFRESH MATERIALIZATION {r.table(n.this)}",
    DropMaterialization: _drop_sql,
    MaterializationOption: _option_sql,
}
