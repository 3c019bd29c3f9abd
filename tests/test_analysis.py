"""Query analysis with no server: golden cases (tests/analysis/*.sql in, *.expected out) and a few
properties no golden shows.

A case file is a header of `-- name: value` lines (`options:` the WITH options as written in a
CREATE MATERIALIZATION, `schema:` the current database or `none`; default `shop`), optional
CREATE TABLE statements that add to tests/analysis/catalog.sql, then a line `-- query` and the
query as written. Each case goes the real way: a CREATE MATERIALIZATION statement is parsed and
defined by the compiler, and its query, query text and options are analysed.

Recording (then review every changed .expected file with `git diff` before committing):

    python -m tests.test_analysis --record [NAME ...]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from jasmine_proxy import compiler
from jasmine_proxy.analysis import Analysis, KeyInfo, TableKeys, analyze, source_tables
from jasmine_proxy.grammar import parse
from jasmine_proxy.obstacles import BLOCKS, STRATEGIES
from jasmine_proxy.plan import Name
from jasmine_proxy.statements import CreateMaterialization

CASES = Path(__file__).parent / "analysis"


def keys_from_ddl(sql: str) -> dict[Name, TableKeys]:
    """Catalog facts from CREATE TABLE statements (what the caller reads from the backend's
    catalog): columns, primary key, unique keys over NOT NULL columns, auto-increment column."""
    found: dict[Name, TableKeys] = {}
    for statement in sqlglot.parse(sql, read="mysql"):
        if not isinstance(statement, exp.Create) or not isinstance(statement.this, exp.Schema):
            continue
        table = statement.this.this
        columns: list[str] = []
        primary: list[str] = []
        uniques: list[list[str]] = []
        not_null: set[str] = set()
        auto = None
        for item in statement.this.expressions:
            if isinstance(item, exp.ColumnDef):
                columns.append(item.name)
                for constraint in item.constraints:
                    kind = constraint.kind
                    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                        primary.append(item.name)
                    elif isinstance(kind, exp.UniqueColumnConstraint):
                        uniques.append([item.name])
                    elif isinstance(kind, exp.NotNullColumnConstraint):
                        not_null.add(item.name)
                    elif isinstance(kind, exp.AutoIncrementColumnConstraint):
                        auto = item.name
            elif isinstance(item, exp.PrimaryKey):
                primary = [e.name for e in item.expressions]
            elif isinstance(item, exp.UniqueColumnConstraint):
                uniques.append([e.name for e in item.this.expressions])
        usable = [u for u in uniques if set(u) <= not_null | set(primary)]
        found[Name(table.db, table.name)] = TableKeys(
            tuple(columns), tuple(primary), tuple(map(tuple, usable)), auto
        )
    return found


CATALOG = keys_from_ddl((CASES / "catalog.sql").read_text())


@dataclass
class Case:
    name: str
    options: str
    schema: str | None
    tables: str
    query: str

    @classmethod
    def read(cls, path: Path) -> Case:
        head, _, query = path.read_text().partition("\n-- query\n")
        fields: dict[str, str] = {}
        tables: list[str] = []
        for line in head.splitlines():
            key, colon, value = line.removeprefix("-- ").partition(":")
            if line.startswith("-- ") and colon and key in ("options", "schema", "about"):
                fields[key] = value.strip()
            elif not line.startswith("--"):
                tables.append(line)
        schema = fields.get("schema", "shop")
        return cls(
            path.stem,
            fields.get("options", ""),
            None if schema == "none" else schema,
            "\n".join(tables),
            query.rstrip("\n"),
        )

    def analysis(self) -> Analysis:
        where = "x." if self.schema is None else ""
        with_ = f" WITH ({self.options})" if self.options else ""
        sql = f"CREATE MATERIALIZATION {where}m{with_} AS\n{self.query}"
        node = parse(sql)
        assert isinstance(node, CreateMaterialization)
        d = compiler.define(node, sql, self.schema)
        assert d.query_text == self.query
        keys = KeyInfo({**CATALOG, **keys_from_ddl(self.tables)})
        return analyze(d.query, keys, d.default_schema, text=d.query_text, options=d.options)


def all_cases() -> list[Path]:
    return sorted(p for p in CASES.glob("*.sql") if p.name != "catalog.sql")


@pytest.mark.parametrize("path", all_cases(), ids=lambda p: p.stem)
def test_golden(path: Path) -> None:
    expected = path.with_suffix(".expected")
    assert expected.exists(), f"no golden: python -m tests.test_analysis --record {path.stem}"
    assert Case.read(path).analysis().render() == expected.read_text()


def test_the_cases_cover_every_obstacle_and_enough_shapes() -> None:
    seen = {
        line.split(": ", 1)[0].split(" ")[-1]
        for path in CASES.glob("*.expected")
        for line in path.read_text().split("obstacles:\n", 1)[1].splitlines()
        if line.startswith("  ")
    }
    assert set(BLOCKS) - seen == set()
    assert len(all_cases()) >= 40


def text_analysis(text: str, keys: KeyInfo | None = None, schema: str | None = "shop") -> Analysis:
    query = sqlglot.parse_one(text, read="mysql")
    assert isinstance(query, exp.Query)
    return analyze(query, KeyInfo(CATALOG) if keys is None else keys, schema, text=text)


def test_the_refusal_names_the_obstacle_its_place_and_who_accepts() -> None:
    a = text_analysis("SELECT ROW_NUMBER() OVER (ORDER BY amount), id FROM orders")
    assert a.refusal("trigger") == (
        "window function ROW_NUMBER() at line 1, column 8 cannot be maintained by trigger; "
        "snapshot and view accept this query"
    )
    assert a.refusal("snapshot") is None
    assert a.obstacle("trigger") == "window function ROW_NUMBER() at line 1, column 8"
    assert a.obstacle("view") is None
    assert a.accepting() == ["snapshot", "view"]
    [obstacle] = a.obstacles_for("incremental")
    assert obstacle.describe() == "window function ROW_NUMBER() at line 1, column 8"
    assert obstacle.construct == "ROW_NUMBER() OVER (ORDER BY amount)"


def test_positions_are_those_of_the_query_text_across_lines() -> None:
    a = text_analysis("SELECT id,\n  amount\nFROM orders\n\tORDER BY amount LIMIT 3")
    [limit] = a.obstacles_for("trigger")
    assert (limit.code, limit.line, limit.column) == ("limit", 4, 18)
    assert limit.message == "ORDER BY with LIMIT"


def test_without_the_text_or_with_another_text_there_are_no_positions() -> None:
    query = sqlglot.parse_one("SELECT id FROM orders LIMIT 1", read="mysql")
    assert isinstance(query, exp.Query)
    for text in (None, "SELECT id FROM orders LIMIT 2", "not sql at all ("):
        [limit] = analyze(query, KeyInfo(CATALOG), "shop", text=text).obstacles_for("trigger")
        assert (limit.code, limit.line, limit.where) == ("limit", None, "")
        assert limit.describe() == "LIMIT"


def test_an_empty_catalog_gives_obstacles_not_errors() -> None:
    a = text_analysis(
        "SELECT c.region, COUNT(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
        "GROUP BY c.region",
        KeyInfo(),
    )
    assert [o.code for o in a.obstacles if o.code == "unknown_table"] == ["unknown_table"] * 2
    assert a.accepting() == ["snapshot", "view"]
    [join] = a.joins
    assert join.equalities[0][0].table == "c"


def test_catalog_names_match_case_insensitively_only_when_unambiguous() -> None:
    keys = TableKeys(("ID", "Amount"), ("ID",), auto_increment="ID")
    a = text_analysis("SELECT id, amount FROM Orders", KeyInfo({Name("shop", "orders"): keys}))
    assert [(o.name, str(o.source)) for o in a.outputs] == [
        ("id", "Orders.ID"),
        ("amount", "Orders.Amount"),
    ]
    assert a.key == ("id",)
    assert a.accepts("incremental")
    twins = KeyInfo({Name("shop", "orders"): keys, Name("shop", "ORDERS"): keys})
    assert text_analysis("SELECT id FROM Orders", twins).obstacles[0].code == "unknown_table"


def test_source_tables_are_what_the_caller_fetches_keys_for() -> None:
    query = sqlglot.parse_one(
        "WITH recent AS (SELECT * FROM orders) SELECT * FROM recent JOIN crm.accounts a "
        "ON a.id = recent.customer_id WHERE EXISTS (SELECT 1 FROM `Shop`.orders) UNION "
        "SELECT * FROM orders, products",
        read="mysql",
    )
    assert isinstance(query, exp.Query)
    assert source_tables(query, "shop") == [
        Name("shop", "orders"),
        Name("crm", "accounts"),
        Name("Shop", "orders"),
        Name("shop", "products"),
    ]
    assert source_tables(query, None) == [Name("crm", "accounts"), Name("Shop", "orders")]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT 1",
        "SELECT * FROM (SELECT * FROM (SELECT 1 AS x) a) b",
        "SELECT a.* FROM orders",
        "SELECT x.y.z FROM orders",
        "(SELECT id FROM orders)",
        "SELECT id FROM orders JOIN JSON_TABLE('[]', '$[*]' COLUMNS (v INT PATH '$')) j",
        "SELECT * FROM orders o JOIN customers c ON o.customer_id = c.id AND o.id = c.id",
        "SELECT COUNT(*) OVER w FROM orders WINDOW w AS (PARTITION BY customer_id)",
        "SELECT SUM(SUM(amount)) OVER () FROM orders GROUP BY customer_id",
        "SELECT id FROM orders GROUP BY 9",
        "SELECT CASE WHEN amount > 1 THEN 'big' END FROM orders GROUP BY 1",
    ],
)
def test_odd_queries_are_analysed_without_raising(text: str) -> None:
    a = text_analysis(text)
    assert set(a.accepting()) >= {"view"}
    for strategy in STRATEGIES:
        assert (a.refusal(strategy) is None) == a.accepts(strategy)
    assert a.render().endswith("\n")


def record(names: list[str]) -> int:
    changed = 0
    for path in all_cases():
        if names and path.stem not in names:
            continue
        text = Case.read(path).analysis().render()
        expected = path.with_suffix(".expected")
        if not expected.exists() or expected.read_text() != text:
            expected.write_text(text)
            changed += 1
            print(f"recorded {expected.name}", file=sys.stderr)
    print(f"{changed} golden(s) changed: review them with git diff", file=sys.stderr)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", required=True)
    parser.add_argument("names", nargs="*", help="case names (default: all)")
    sys.exit(record(parser.parse_args().names))
