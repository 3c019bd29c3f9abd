"""What stands between a query and a maintaining strategy: obstacles, where they are, what they
block.

An `Obstacle` names one construct of the query (a window function, a LIMIT, a RIGHT JOIN, a
source without a primary key ...), where it is in the query text, and the strategies it blocks.
`BLOCKS` is the one table of which obstacle blocks which strategy; `view` and `snapshot` run the
query as written, so nearly nothing blocks them.

Decisions: `incremental` recomputes every affected group whole, so HAVING, SELECT DISTINCT (a
GROUP BY of every output column), COUNT/SUM/AVG(DISTINCT) and aggregates such as GROUP_CONCAT
stay exact and are accepted; `trigger`, which maintains rows step by step, refuses them. A WITH
clause is refused rather than inlined (its scope rules differ enough to get wrong quietly).

`Locator` turns a node of the sqlglot tree into a (line, column) of the query text: from the
token positions sqlglot keeps in `meta` (identifiers, literals, most functions), and for keyword
constructs (LIMIT, DISTINCT, UNION, HAVING ...) from the text's tokens around them.

`structural(root, at)` finds the obstacles visible in the tree alone, before any catalog
information is needed; `analysis.analyze` adds those that need the catalog.

>>> o = Obstacle("window_function", "window function ROW_NUMBER()", "ROW_NUMBER() OVER ()", 1, 8)
>>> o.describe()
'window function ROW_NUMBER() at line 1, column 8'
>>> sorted(o.blocks)
['incremental', 'trigger', 'window_join']
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.dialects.mysql import MySQL
from sqlglot.tokens import Token, TokenType

from jasmine_proxy.sqltree import function_name, is_nondeterministic

#: the strategies an analysis speaks about (auto is a choice among them, not one of them)
STRATEGIES = ("view", "snapshot", "incremental", "trigger", "window_join")
KEYED = frozenset({"incremental", "trigger", "window_join"})
MAINTAINED = frozenset({"incremental", "trigger"})

#: obstacle code -> the strategies it blocks
BLOCKS: dict[str, frozenset[str]] = {
    # constructs of the query
    "cte": KEYED,
    "set_operation": KEYED,
    "window_function": KEYED,
    "limit": KEYED,
    "subquery": KEYED,
    "nondeterministic": KEYED,
    "user_variable": KEYED,
    "rollup": KEYED,
    "distinct": frozenset({"trigger", "window_join"}),
    "having": frozenset({"trigger", "window_join"}),
    "aggregate_unsupported": frozenset({"trigger", "window_join"}),
    "aggregate_distinct": frozenset({"trigger", "window_join"}),
    "aggregation": frozenset({"window_join"}),
    "group_key_not_output": MAINTAINED,
    "ungrouped_column": MAINTAINED,
    # joins
    "outer_join": KEYED,
    "natural_join": KEYED,
    "join_without_equality": KEYED,
    "self_join": KEYED,
    "unsupported_source": KEYED,
    "left_join_driving": MAINTAINED,
    "window_join_shape": frozenset({"window_join"}),
    # names and the catalog
    "no_source": KEYED,
    "no_database": KEYED,
    "unknown_table": KEYED,
    "unknown_column": KEYED,
    "ambiguous_column": KEYED,
    "duplicate_output": KEYED,
    "no_primary_key": KEYED,
    "no_key": MAINTAINED,
    "unique_key_not_output": KEYED | {"snapshot"},
    "no_watermark": frozenset({"incremental"}),
}


@dataclass(frozen=True)
class Obstacle:
    """One construct a strategy cannot maintain.

    `code` is a key of `BLOCKS`; `message` says what it is ("window function ROW_NUMBER()");
    `construct` is its SQL text (MySQL, normalised); `line` and `column` (1-based) locate it in the
    query text, None when it has no place there (a missing primary key, a missing watermark).
    """

    code: str
    message: str
    construct: str
    line: int | None = None
    column: int | None = None
    blocks: frozenset[str] = field(default=frozenset())

    def __post_init__(self) -> None:
        if not self.blocks:
            object.__setattr__(self, "blocks", BLOCKS[self.code])

    @property
    def where(self) -> str:
        """'at line 1, column 8', or '' when the obstacle has no place in the text."""
        return "" if self.line is None else f"at line {self.line}, column {self.column}"

    def describe(self) -> str:
        """The message with its place: what `Pattern.obstacle` returns."""
        return f"{self.message} {self.where}" if self.line is not None else self.message


def join_words(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'.

    >>> join_words(["snapshot", "view"]), join_words(["incremental", "snapshot", "view"])
    ('snapshot and view', 'incremental, snapshot and view')
    """
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def short(node: exp.Expr, limit: int = 60) -> str:
    """The node's MySQL text, cut to `limit` characters."""
    text = node.sql("mysql")
    return text if len(text) <= limit else text[: limit - 3] + "..."


class Locator:
    """Positions of tree nodes in the query text (None when the text is not known)."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.tokens: list[Token] = MySQL().tokenize(text) if text else []

    def position(self, offset: int | None) -> tuple[int | None, int | None]:
        """(line, column), both 1-based, of a character offset of the text."""
        if offset is None or self.text is None:
            return None, None
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def anchor(self, node: exp.Expr) -> int | None:
        """The smallest offset sqlglot recorded for the node or anything inside it."""
        starts = [n.meta["start"] for n in node.walk() if "start" in (n.meta or {})]
        return min(starts) if starts else None

    def keyword(
        self, words: set[str], before: int | None = None, after: int | None = None
    ) -> int | None:
        """The offset of the last token among `words` before `before` (or the first after
        `after`, or the first anywhere)."""
        hits = [t.start for t in self.tokens if _word(t) in words]
        if before is not None:
            hits = [h for h in hits if h < before][-1:]
        elif after is not None:
            hits = [h for h in hits if h > after][:1]
        return hits[0] if hits else None

    def at(self, node: exp.Expr, words: set[str] | None = None) -> tuple[int | None, int | None]:
        """The position of a node: where sqlglot placed it, else its keyword (the last of
        `words` before its content), else the first thing inside it that sqlglot placed."""
        own = (node.meta or {}).get("start")
        if own is not None:
            return self.position(own)
        anchor = self.anchor(node)
        found = None
        if words:
            found = (
                self.keyword(words, before=anchor) if anchor is not None else self.keyword(words)
            )
        return self.position(found if found is not None else anchor)

    def written_call(self, line: int | None, column: int | None) -> str | None:
        """The function name at a position as written, with `()` when a parenthesis follows:
        `NOW()`, `CURRENT_TIMESTAMP`."""
        if line is None or column is None or self.text is None:
            return None
        lines = self.text.split("\n")
        offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
        index = next((i for i, t in enumerate(self.tokens) if t.start == offset), None)
        if index is None:
            return None
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        called = following is not None and following.token_type == TokenType.L_PAREN
        return self.tokens[index].text.upper() + ("()" if called else "")

    def call(self, node: exp.Expr) -> tuple[int | None, str | None]:
        """Where a function call starts and its name as written (`STDDEV` for what sqlglot
        calls STDDEV_POP): the word before the parenthesis that holds its arguments."""
        own = node.meta or {}
        if "start" in own and self.text is not None:
            return own["start"], self.text[own["start"] : own["end"] + 1]
        anchor = self.anchor(node)
        index = next((i for i, t in enumerate(self.tokens) if t.start >= (anchor or 0)), None)
        if anchor is None or index is None:
            return None, None
        depth = 0
        for i in range(index - 1, 0, -1):
            kind = self.tokens[i].token_type
            if kind == TokenType.R_PAREN:
                depth += 1
            elif kind == TokenType.L_PAREN and depth:
                depth -= 1
            elif kind == TokenType.L_PAREN:
                return self.tokens[i - 1].start, self.tokens[i - 1].text
        return None, None

    def item_texts(self, count: int) -> list[str] | None:
        """The select-list items of the top SELECT exactly as written (what MySQL names an
        unaliased column by), or None when the text does not split into `count` items."""
        if self.text is None:
            return None
        tokens = self.tokens
        start = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.SELECT), None)
        if start is None:
            return None
        i = start + 1
        while i < len(tokens) and tokens[i].text.upper() in _MODIFIERS:
            i += 1
        items: list[list[Token]] = [[]]
        depth = 0
        for token in tokens[i:]:
            kind = token.token_type
            if depth == 0 and token.text.upper() in _END_OF_SELECT_LIST:
                break
            depth += kind == TokenType.L_PAREN
            depth -= kind == TokenType.R_PAREN
            if depth == 0 and kind == TokenType.COMMA:
                items.append([])
            else:
                items[-1].append(token)
        if len(items) != count or not all(items):
            return None
        return [self.text[item[0].start : item[-1].end + 1] for item in items]


def _word(token: Token) -> str:
    """A keyword token's (first) word: GROUP for `GROUP BY`, which sqlglot reads as one token;
    '' for quoted names and strings, which are never keywords."""
    if token.token_type in (TokenType.IDENTIFIER, TokenType.STRING):
        return ""
    return (token.text.upper().split() or [""])[0]


_MODIFIERS = {
    "ALL",
    "DISTINCT",
    "DISTINCTROW",
    "HIGH_PRIORITY",
    "STRAIGHT_JOIN",
    "SQL_SMALL_RESULT",
    "SQL_BIG_RESULT",
    "SQL_BUFFER_RESULT",
    "SQL_NO_CACHE",
    "SQL_CACHE",
    "SQL_CALC_FOUND_ROWS",
}
_END_OF_SELECT_LIST = {"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "INTO"}


def structural(root: exp.Query, at: Locator) -> Iterator[Obstacle]:
    """The obstacles visible in the tree alone: CTEs, set operations, subqueries, window
    functions, LIMIT, non-deterministic functions, user variables, DISTINCT, HAVING, ROLLUP."""
    if root.args.get("with_"):
        yield Obstacle(
            "cte",
            "WITH clause (common table expression)",
            short(root.args["with_"]),
            *at.position(at.keyword({"WITH"})),
        )
    for node in root.walk():
        if isinstance(node, exp.SetOperation):
            word = type(node).__name__.upper()
            yield Obstacle(
                "set_operation",
                word,
                word,
                *at.at(node.expression, {"UNION", "INTERSECT", "EXCEPT"}),
            )
        elif isinstance(node, exp.Select) and node is not root and not _in_set_operation(node):
            if node.find_ancestor(exp.CTE):
                continue  # the WITH clause is the obstacle
            where = _subquery_place(node)
            yield Obstacle(
                "subquery", f"subquery in {where}", short(node), *at.at(node, {"SELECT"})
            )
        elif isinstance(node, exp.Window):
            function = node.this.sql("mysql")
            yield Obstacle(
                "window_function", f"window function {function}", short(node), *at.at(node.this)
            )
        elif isinstance(node, exp.Func) and is_nondeterministic(node):
            name = function_name(node)
            line, column = at.at(node, {name})
            written = at.written_call(line, column) or f"{name}()"
            message = f"non-deterministic function {written}"
            yield Obstacle("nondeterministic", message, short(node), line, column)
        elif isinstance(node, exp.Parameter | exp.SessionParameter):
            yield Obstacle(
                "user_variable",
                f"variable {node.sql('mysql')}",
                node.sql("mysql"),
                *at.at(node, {"@", "@@"}),
            )
    if isinstance(root, exp.Select):
        yield from _select_clauses(root, at)


def _select_clauses(select: exp.Select, at: Locator) -> Iterator[Obstacle]:
    limit, offset, order = (
        select.args.get("limit"),
        select.args.get("offset"),
        select.args.get("order"),
    )
    if limit or offset:
        what = "LIMIT" if limit else "OFFSET"
        message = f"ORDER BY with {what}" if order else what
        node = limit or offset
        assert node is not None
        yield Obstacle("limit", message, short(node), *at.at(node, {"LIMIT", "OFFSET"}))
    if select.args.get("distinct"):
        first = select.expressions[0] if select.expressions else select
        yield Obstacle(
            "distinct",
            "SELECT DISTINCT",
            "DISTINCT",
            *at.position(at.keyword({"DISTINCT", "DISTINCTROW"}, before=at.anchor(first))),
        )
    group = select.args.get("group")
    if group is not None and (group.args.get("rollup") or group.args.get("cube")):
        yield Obstacle(
            "rollup",
            "GROUP BY ... WITH ROLLUP",
            "WITH ROLLUP",
            *at.position(at.keyword({"ROLLUP"}, after=at.anchor(group))),
        )
    having = select.args.get("having")
    if having is not None:
        yield Obstacle("having", "HAVING", short(having), *at.at(having, {"HAVING"}))


def _in_set_operation(select: exp.Select) -> bool:
    """A SELECT that is an operand of the top UNION/INTERSECT/EXCEPT (already reported)."""
    parent = select.parent
    while isinstance(parent, exp.SetOperation | exp.Subquery):
        if isinstance(parent, exp.SetOperation) and parent.parent is None:
            return True
        parent = parent.parent
    return False


def _subquery_place(node: exp.Expr) -> str:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, exp.From | exp.Join):
            return "FROM (derived table)"
        if isinstance(parent, exp.Where):
            return "WHERE"
        if isinstance(parent, exp.Having):
            return "HAVING"
        if isinstance(parent, exp.Group | exp.Order):
            return "GROUP BY" if isinstance(parent, exp.Group) else "ORDER BY"
        if parent.parent is None:
            return "the select list"
        parent = parent.parent
    return "the query"
