"""From a parsed CREATE MATERIALIZATION to a `Plan`: pure, nothing runs.

`define` resolves the statement against the session's current database (names) and validates the
options; `compile_plan` asks the chosen pattern for its plan, refusing a query the pattern cannot
maintain with the obstacle and the strategies that would accept it; `explain_rows` prints a plan
as the rows of EXPLAIN CREATE MATERIALIZATION, rendered for the backend it would run on.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp
from sqlglot.tokens import TokenType

from jasmine_proxy import options as opts
from jasmine_proxy import patterns
from jasmine_proxy.errors import (
    BackendRejected,
    GrammarError,
    NoDatabase,
    NotMaintainable,
    WrongValue,
)
from jasmine_proxy.options import check_applicable, parse_options
from jasmine_proxy.patterns import Definition
from jasmine_proxy.plan import Name, Op, Plan
from jasmine_proxy.statements import CreateMaterialization, Statement


def qualify(table: exp.Table, current: str | None) -> Name:
    """A statement's `[schema.]name`, the schema defaulting to the current database."""
    schema = table.db or current
    if not schema:
        raise NoDatabase()
    for part in (schema, table.name):  # MySQL's own rules for names, before anything is built
        if len(part) > 64:
            raise BackendRejected(f"Identifier name '{part}' is too long", 1059, "42000")
        if part.endswith(" "):
            raise BackendRejected(f"Incorrect table name '{part}'", 1103, "42000")
        if any(ord(ch) > 0xFFFF for ch in part):  # identifiers are utf8mb3 on MariaDB
            shown = "".join(
                ch if ord(ch) <= 0xFFFF else "".join(f"\\x{b:02X}" for b in ch.encode())
                for ch in part
            )
            raise BackendRejected(f"Invalid utf8mb4 character string: '{shown}'", 1300)
    return Name(schema, table.name)


def query_text(sql: str) -> str:
    """The SELECT of a CREATE MATERIALIZATION exactly as written: from the token after the
    first top-level AS to the last token before an optional `;`."""
    from jasmine_proxy.grammar import Jasmine

    tokens = Jasmine().tokenize(sql)
    depth = 0
    for i, token in enumerate(tokens):
        if token.token_type == TokenType.L_PAREN:
            depth += 1
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
        elif token.token_type == TokenType.ALIAS and depth == 0 and i + 1 < len(tokens):
            last = len(tokens) - 1
            while last > i and tokens[last].token_type == TokenType.SEMICOLON:
                last -= 1
            return sql[tokens[i + 1].start : tokens[last].end + 1]
    raise GrammarError("You have an error in your SQL syntax; expected AS followed by a query")


def written_options(node: Statement) -> dict[str, str]:
    """The WITH / SET options of a statement as written; one given twice is an error (a dict
    would keep only the last)."""
    raw: dict[str, str] = {}
    for option in node.args.get("options") or []:
        name = option.this.name
        if name.lower() in (n.lower() for n in raw):
            raise WrongValue(f"Incorrect option list: '{name}' is given twice")
        raw[name] = option.value
    return raw


def define(node: CreateMaterialization, sql: str, current: str | None) -> Definition:
    """The definition a CreateMaterialization node asks for, options validated."""
    strategy = node.args.get("strategy")
    raw = written_options(node)
    return Definition(
        name=qualify(node.this, current),
        query_text=query_text(sql),
        query=node.expression,
        default_schema=current,
        options=parse_options(raw),
        requested=strategy.name.lower() if strategy is not None else "auto",
    )


def compile_plan(d: Definition) -> Plan:
    """The plan of the requested pattern; errors name what stands in the way."""
    pattern = patterns.get(d.requested)
    check_applicable(d.options, pattern.name, pattern.options)
    obstacle = pattern.obstacle(d)
    if obstacle:
        accepting = [
            name
            for name, other in sorted(patterns.PATTERNS.items())
            if name not in (pattern.name, "auto") and not other.obstacle(d)
        ]
        raise NotMaintainable(
            f"{obstacle}: it cannot be maintained by {pattern.name}; "
            f"{', '.join(accepting) or 'no strategy'} accept{'s' if len(accepting) == 1 else ''}"
            " this query"
        )
    return pattern.compile(d)


def definition_text(d: Definition, strategy: str | None = None) -> str:
    """The canonical CREATE statement: what the catalog stores and SHOW CREATE prints."""
    parts = [f"CREATE MATERIALIZATION {d.name.sql()}", f"USING {strategy or d.requested}"]
    if d.options.given:
        pairs = ", ".join(
            f"{name} = {exp.Literal.string(value).sql('mysql')}"
            for name, value in d.options.given.items()
        )
        parts.append(f"WITH ({pairs})")
    parts.append(f"AS {d.query_text}")
    return " ".join(parts)


def explain_rows(
    d: Definition, plan: Plan, render: Callable[[Op, str | None], list[str]]
) -> list[tuple[str, int, str]]:
    """EXPLAIN CREATE MATERIALIZATION: (Part, Step, Detail) rows; runs nothing."""
    rows: list[tuple[str, int, str]] = [("strategy", 1, plan.strategy)]
    rows += [("reason", i, why) for i, why in enumerate(plan.reasons, 1)]
    effective = {"target_lag": opts.interval_text(d.options.target_lag), "build": d.options.build}
    effective.update(d.options.given)
    accepted = patterns.PATTERNS[plan.strategy].options
    shown = [(k, v) for k, v in effective.items() if k in accepted]
    rows += [("option", i, f"{k} = '{v}'") for i, (k, v) in enumerate(shown, 1)]
    rows += [("object", i, f"{o.kind} {o.name.sql()}") for i, o in enumerate(plan.objects, 1)]
    for event, ops in plan.events.items():
        statements = [s for op in ops for s in render(op, plan.default_schema)]
        rows += [(event, i, s) for i, s in enumerate(statements, 1)]
    return rows
