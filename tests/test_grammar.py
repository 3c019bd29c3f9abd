"""The extended grammar (jasmine_proxy/grammar.py): every statement of the spec, its canonical
text, grammar/README.md and grammar/jasmine.ebnf in agreement with it, and its errors. No server."""

from __future__ import annotations

import re

import pytest
import sqlglot
from sqlglot import exp

from jasmine_proxy import statements as st
from jasmine_proxy.errors import GrammarError, mysql_error
from jasmine_proxy.grammar import Jasmine, parse
from jasmine_proxy.intercept import is_extended
from tests.support import ROOT

GRAMMAR_README = (ROOT / "grammar" / "README.md").read_text()
EBNF = (ROOT / "grammar" / "jasmine.ebnf").read_text()


def canonical(sql: str) -> str:
    return parse(sql).sql(dialect=Jasmine)


def table(node: exp.Table) -> tuple[str, str]:
    return node.db, node.name


# -- every statement of the spec, every clause


def test_create_with_every_clause() -> None:
    node = parse(
        "CREATE MATERIALIZATION IF NOT EXISTS shop.rev USING snapshot "
        "WITH (target_lag = '30 seconds', unique_key = 'a, b', watermark = 'id', "
        "window = '5 minutes', allowed_lateness = '0 seconds', build = 'deferred') "
        "AS SELECT a, b, SUM(x) AS s FROM shop.orders GROUP BY a, b"
    )
    assert isinstance(node, st.CreateMaterialization)
    assert table(node.this) == ("shop", "rev")
    assert node.args["exists"] is True
    assert isinstance(node.args["strategy"], exp.Var)
    assert node.args["strategy"].name == "snapshot"
    options = node.args["options"]
    assert all(isinstance(o, st.MaterializationOption) for o in options)
    assert [(o.this.name, o.value) for o in options] == [
        ("target_lag", "30 seconds"),
        ("unique_key", "a, b"),
        ("watermark", "id"),
        ("window", "5 minutes"),
        ("allowed_lateness", "0 seconds"),
        ("build", "deferred"),
    ]
    assert all(isinstance(o.expression, exp.Literal) and o.expression.is_string for o in options)
    query = node.expression
    assert isinstance(query, exp.Select)
    assert [t.name for t in query.find_all(exp.Table)] == ["orders"]
    assert query.sql(dialect="mysql") == "SELECT a, b, SUM(x) AS s FROM shop.orders GROUP BY a, b"


def test_create_minimal() -> None:
    node = parse("CREATE MATERIALIZATION m AS SELECT 1")
    assert isinstance(node, st.CreateMaterialization)
    assert table(node.this) == ("", "m")
    assert node.args["exists"] is False
    assert node.args["strategy"] is None
    assert node.args["options"] == []


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("WITH x AS (SELECT 1 AS a) SELECT a FROM x", exp.Select),
        ("SELECT 1 UNION ALL SELECT 2", exp.Union),
        ("(SELECT 1)", exp.Subquery),
        ("SELECT a FROM t JOIN u ON t.k = u.k AND u.ts BETWEEN t.ts - INTERVAL 5 MINUTE "
         "AND t.ts + INTERVAL 5 MINUTE", exp.Select),
    ],
)  # fmt: skip
def test_create_accepts_any_select(query: str, kind: type[exp.Expr]) -> None:
    node = parse(f"CREATE MATERIALIZATION m USING window_join AS {query}")
    assert isinstance(node.expression, kind)


@pytest.mark.parametrize(
    ("written", "value", "is_string"),
    [
        ("'1 minute'", "1 minute", True),
        ('"1 minute"', "1 minute", True),
        ("'it''s'", "it's", True),
        ("deferred", "deferred", True),  # a bare word is the string it spells
        ("60", "60", False),
        ("-1", "-1", False),
        ("+2.5", "2.5", False),
    ],
)
def test_option_values(written: str, value: str, is_string: bool) -> None:
    node = parse(f"CREATE MATERIALIZATION m WITH (x = {written}) AS SELECT 1")
    option = node.args["options"][0]
    assert isinstance(option.expression, exp.Literal)
    assert (option.value, option.expression.is_string) == (value, is_string)
    assert parse(node.sql()) == node


def test_explain_create() -> None:
    node = parse("EXPLAIN CREATE MATERIALIZATION IF NOT EXISTS m USING view AS SELECT 1")
    assert isinstance(node, st.ExplainCreateMaterialization)
    assert isinstance(node.this, st.CreateMaterialization)
    assert node.this == parse("CREATE MATERIALIZATION IF NOT EXISTS m USING view AS SELECT 1")


@pytest.mark.parametrize(
    ("sql", "db", "like", "where"),
    [
        ("SHOW MATERIALIZATIONS", None, None, None),
        ("SHOW MATERIALIZATIONS FROM shop", "shop", None, None),
        ("SHOW MATERIALIZATIONS IN shop", "shop", None, None),
        ("SHOW MATERIALIZATIONS LIKE 'daily%'", None, "daily%", None),
        ("SHOW MATERIALIZATIONS FROM `my db` LIKE 'a\\_%'", "my db", "a\\_%", None),
        ("SHOW MATERIALIZATIONS WHERE State = 'live'", None, None, "State = 'live'"),
        ("SHOW MATERIALIZATIONS FROM shop WHERE `Rows` > 3 AND Health IN ('stale', 'failing')",
         "shop", None, "`Rows` > 3 AND Health IN ('stale', 'failing')"),
    ],
)  # fmt: skip
def test_show_materializations(sql: str, db: str | None, like: str | None, where: str) -> None:
    node = parse(sql)
    assert isinstance(node, st.ShowMaterializations)
    assert (node.args["db"].name if node.args["db"] else None) == db
    assert (node.args["like"].this if node.args["like"] else None) == like
    if where is None:
        assert node.args["where"] is None
    else:
        assert isinstance(node.args["where"], exp.Condition)
        assert node.args["where"].sql(dialect="mysql") == where


def test_show_create() -> None:
    node = parse("SHOW CREATE MATERIALIZATION shop.m")
    assert isinstance(node, st.ShowCreateMaterialization)
    assert table(node.this) == ("shop", "m")


@pytest.mark.parametrize(
    ("sql", "name", "limit"),
    [
        ("SHOW MATERIALIZATION EVENTS", None, None),
        ("SHOW MATERIALIZATION EVENTS FOR shop.m", ("shop", "m"), None),
        ("SHOW MATERIALIZATION EVENTS LIMIT 5", None, "5"),
        ("SHOW MATERIALIZATION EVENTS FOR m LIMIT 0", ("", "m"), "0"),
    ],
)
def test_show_events(sql: str, name: tuple[str, str] | None, limit: str | None) -> None:
    node = parse(sql)
    assert isinstance(node, st.ShowMaterializationEvents)
    assert (table(node.this) if node.this else None) == name
    assert (node.args["limit"].this if node.args["limit"] else None) == limit
    if limit is not None:
        assert not node.args["limit"].is_string


@pytest.mark.parametrize(
    ("tail", "action", "event", "options"),
    [
        ("STEP", "STEP", None, []),
        ("STEP verify", "STEP", "verify", []),
        ("STEP create", "STEP", "create", []),
        ("STEP drop", "STEP", "drop", []),
        ("STEP check", "STEP", "check", []),
        ("step Refresh", "STEP", "Refresh", []),  # the event as written
        ("STEP no_such_event", "STEP", "no_such_event", []),  # the lifecycle judges events
        ("REFRESH", "REFRESH", None, []),
        ("PAUSE", "PAUSE", None, []),
        ("resume", "RESUME", None, []),
        ("REBUILD", "REBUILD", None, []),
        ("SET (target_lag = '5 minutes')", "SET", None, [("target_lag", "5 minutes")]),
        ("SET (target_lag = '1 day', build = immediate)", "SET", None,
         [("target_lag", "1 day"), ("build", "immediate")]),
    ],
)  # fmt: skip
def test_alter(tail: str, action: str, event: str | None, options: list[tuple[str, str]]) -> None:
    node = parse(f"ALTER MATERIALIZATION shop.m {tail}")
    assert isinstance(node, st.AlterMaterialization)
    assert table(node.this) == ("shop", "m")
    assert node.args["action"] == action
    assert action in st.ALTER_ACTIONS
    assert (node.args["event"].name if node.args["event"] else None) == event
    if event is not None:
        assert isinstance(node.args["event"], exp.Var)
    assert [(o.this.name, o.value) for o in node.args["options"]] == options


def test_refresh_and_drop() -> None:
    refresh = parse("REFRESH MATERIALIZATION shop.m")
    assert isinstance(refresh, st.RefreshMaterialization)
    assert table(refresh.this) == ("shop", "m")
    drop = parse("DROP MATERIALIZATION m")
    assert isinstance(drop, st.DropMaterialization)
    assert drop.args["exists"] is False
    drop = parse("DROP MATERIALIZATION IF EXISTS shop.m")
    assert drop.args["exists"] is True
    assert table(drop.this) == ("shop", "m")


# -- writing variations: case, comments, whitespace, backticks, schema


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("create materialization m as select 1", "CREATE MATERIALIZATION m AS SELECT 1"),
        ("CrEaTe MaTeRiAlIzAtIoN m aS sElEcT 1", "CREATE MATERIALIZATION m AS SELECT 1"),
        ("  CREATE\n\tMATERIALIZATION\r\n m\n AS\n SELECT 1  ;  ",
         "CREATE MATERIALIZATION m AS SELECT 1"),
        ("/* a */ CREATE /* b */ MATERIALIZATION # c\n m -- d\n AS SELECT 1 ;",
         "CREATE MATERIALIZATION m AS SELECT 1"),
        ("drop materialization if exists `m`", "DROP MATERIALIZATION IF EXISTS m"),
        ("drop materialization `shop` . `m`;", "DROP MATERIALIZATION shop.m"),
        ("show materializations in `shop`", "SHOW MATERIALIZATIONS FROM shop"),
        ("show materialization events for `a`.b limit 3",
         "SHOW MATERIALIZATION EVENTS FOR a.b LIMIT 3"),
        ("alter materialization m set(target_lag='1 hour',build=deferred)",
         "ALTER MATERIALIZATION m SET (target_lag = '1 hour', build = 'deferred')"),
        ("create materialization m with(target_lag=\"1 hour\")as select 1",
         "CREATE MATERIALIZATION m WITH (target_lag = '1 hour') AS SELECT 1"),
        ("explain/**/create/**/materialization m as select a from t",
         "EXPLAIN CREATE MATERIALIZATION m AS SELECT a FROM t"),
        ("refresh materialization m -- trailing comment", "REFRESH MATERIALIZATION m"),
        ("alter materialization m step # why\n", "ALTER MATERIALIZATION m STEP"),
        ("drop materialization m; -- bye\n/* and nothing else */", "DROP MATERIALIZATION m"),
        ("SHOW\n  MATERIALIZATION\n  EVENTS\n  FOR m", "SHOW MATERIALIZATION EVENTS FOR m"),
        ("show create materialization `m`", "SHOW CREATE MATERIALIZATION m"),
    ],
)  # fmt: skip
def test_writing_variations_have_one_canonical_form(written: str, expected: str) -> None:
    assert canonical(written) == expected
    assert canonical(expected) == expected


@pytest.mark.parametrize(
    ("written", "db", "name", "rendered"),
    [
        ("`we``ird`", "", "we`ird", "`we``ird`"),
        ("`a b`.`c d`", "a b", "c d", "`a b`.`c d`"),
        ("`select`", "", "select", "`select`"),
        ("`schema`.`from`", "schema", "from", "`schema`.`from`"),
        ("héllo.wörld", "héllo", "wörld", "héllo.wörld"),
        ("`日本`.`表`", "日本", "表", "`日本`.`表`"),
        ("`1abc`", "", "1abc", "`1abc`"),
        ("`a.b`", "", "a.b", "`a.b`"),
        ("`x'; DROP TABLE t; --`", "", "x'; DROP TABLE t; --", "`x'; DROP TABLE t; --`"),
        ("materialization.events", "materialization", "events", "materialization.events"),
        ("view", "", "view", "view"),
    ],
)
def test_hostile_names(written: str, db: str, name: str, rendered: str) -> None:
    for sql, prefix in [
        (f"DROP MATERIALIZATION {written}", "DROP MATERIALIZATION "),
        (f"CREATE MATERIALIZATION {written} AS SELECT 1", "CREATE MATERIALIZATION "),
        (f"ALTER MATERIALIZATION {written} STEP", "ALTER MATERIALIZATION "),
    ]:
        node = parse(sql)
        assert table(node.this) == (db, name)
        assert node.sql().startswith(prefix + rendered + " ") or node.sql() == prefix + rendered
        assert parse(node.sql()) == node


def test_jasmine_words_are_ordinary_names_elsewhere() -> None:
    node = parse("CREATE MATERIALIZATION materialization AS SELECT events, step FROM refresh")
    assert node.name == "materialization"
    assert [c.name for c in node.expression.find_all(exp.Column)] == ["events", "step"]


# -- grammar/README.md and grammar/jasmine.ebnf agree with the parser


def worked_examples() -> list[str]:
    section = GRAMMAR_README.split("## Worked examples", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sql\n(.*?)```", section, re.DOTALL)]


@pytest.mark.parametrize("example", worked_examples())
def test_worked_example_round_trips(example: str) -> None:
    assert "\n" not in example, "one statement, in canonical form, on one line"
    assert parse(example).sql(dialect=Jasmine) == example
    assert is_extended(example.encode()), "the proxy's check must recognise it"


def test_one_worked_example_per_statement() -> None:
    kinds = [type(parse(example)) for example in worked_examples()]
    assert sorted(k.__name__ for k in kinds) == sorted(k.__name__ for k in st.STATEMENTS)


def test_the_error_examples_in_the_readme_are_real() -> None:
    section = GRAMMAR_README.split("## Errors", 1)[1].split("\n## ", 1)[0]
    block = re.findall(r"```text\n(.*?)```", section, re.DOTALL)[1]
    pairs = [p.split("\n") for p in block.strip().split("\n\n")]
    assert len(pairs) >= 2
    for sql, message in pairs:
        with pytest.raises(GrammarError) as caught:
            parse(sql)
        assert str(caught.value) == message


def test_the_ebnf_names_every_node_and_statement() -> None:
    for node in (*st.STATEMENTS, st.MaterializationOption):
        assert f"[{node.__name__}]" in EBNF, node.__name__
    for keyword in ["MATERIALIZATIONS", "EVENTS", "EXPLAIN", *st.ALTER_ACTIONS]:
        assert f'"{keyword}"' in EBNF, keyword


# -- ordinary MySQL is unchanged


ORDINARY = [
    "CREATE TABLE materialization (id INT PRIMARY KEY, events TEXT)",
    "SHOW TABLES",
    "SHOW CREATE TABLE materialization",
    "SHOW DATABASES LIKE 'a%'",
    "DROP TABLE IF EXISTS materialization",
    "EXPLAIN SELECT * FROM materialization",
    "ALTER TABLE materialization ADD COLUMN step INT",
    "SELECT materializations, events FROM step WHERE refresh = 1",
    "INSERT INTO materialization VALUES (1, 'x')",
    "CREATE VIEW v AS SELECT 1",
    "UPDATE materialization SET events = 'y'",
    "SELECT 1; SELECT 2",
]


@pytest.mark.parametrize("sql", ORDINARY)
def test_ordinary_mysql_parses_as_sqlglot_mysql_does(sql: str) -> None:
    mine = sqlglot.parse(sql, read=Jasmine)
    mysql = sqlglot.parse(sql, read="mysql")
    assert mine == mysql
    assert [e.sql(dialect=Jasmine) for e in mine if e] == [e.sql("mysql") for e in mysql if e]


@pytest.mark.parametrize("sql", ORDINARY)
def test_parse_refuses_ordinary_statements(sql: str) -> None:
    with pytest.raises(GrammarError):
        parse(sql)


def test_the_dialect_parses_jasmine_statements_too() -> None:
    assert sqlglot.parse_one("show materializations", read="jasmine") == parse(
        "SHOW MATERIALIZATIONS"
    )
    mixed = sqlglot.parse("SELECT 1; DROP MATERIALIZATION m; SELECT 2", read=Jasmine)
    assert [type(n).__name__ for n in mixed] == ["Select", "DropMaterialization", "Select"]
    assert sqlglot.transpile("drop  materialization m", read="jasmine", write="jasmine") == [
        "DROP MATERIALIZATION m"
    ]


# -- the node contract


def test_nodes_behave_like_sqlglot_nodes() -> None:
    node = parse("CREATE MATERIALIZATION s.m USING view WITH (target_lag = '1 hour') AS SELECT 1")
    assert node.key == "creatematerialization"
    assert node.name == "m"
    assert set(node.args) == set(st.CreateMaterialization.arg_types)
    twin = node.copy()
    assert twin == node
    assert twin is not node
    assert twin.expression is not node.expression
    twin.args["options"][0].args["expression"] = exp.Literal.string("2 hours")
    assert twin != node
    assert "2 hours" in twin.sql()
    assert "1 hour'" in node.sql()
    assert hash(node) == hash(node.copy())
    assert "CreateMaterialization(" in repr(node)
    # another dialect renders the names and the query its own way
    assert node.sql(dialect="sqlite") == (
        "CREATE MATERIALIZATION s.m USING view WITH (target_lag = '1 hour') AS SELECT 1"
    )
    assert parse("CREATE MATERIALIZATION `a b` AS SELECT `c`").sql(dialect="sqlite") == (
        'CREATE MATERIALIZATION "a b" AS SELECT "c"'
    )


def test_nodes_built_by_hand_render() -> None:
    node = st.AlterMaterialization(
        this=exp.Table(this=exp.to_identifier("m"), db=exp.to_identifier("my db")),
        action="SET",
        options=[
            st.MaterializationOption(
                this=exp.Var(this="target_lag"), expression=exp.Literal.string("1 day")
            )
        ],
    )
    assert node.sql() == "ALTER MATERIALIZATION `my db`.m SET (target_lag = '1 day')"
    assert parse(node.sql()) == node
    with pytest.raises(TypeError):
        st.DropMaterialization()
    with pytest.raises(TypeError):
        st.DropMaterialization(this=exp.to_table("m"), bogus=1)


# -- errors


ERRORS = [
    # (statement, expected..., near, line, column)
    ("CREATE MATERIALIZATION m SELECT 1", "USING, WITH or AS", "SELECT 1", 1, 26),
    ("CREATE MATERIALIZATION m USING view SELECT 1", "WITH or AS", "SELECT 1", 1, 37),
    ("CREATE MATERIALIZATION m WITH (a = 1) SELECT 1", "AS", "SELECT 1", 1, 39),
    ("CREATE MATERIALIZATION AS SELECT 1", "a materialization name (AS is a reserved word",
     "AS SELECT 1", 1, 24),
    ("CREATE MATERIALIZATION", "a materialization name", "", 1, 23),
    ("CREATE MATERIALIZATION m WITH (target_lag) AS SELECT 1", '"=" after target_lag',
     ") AS SELECT 1", 1, 42),
    ("CREATE MATERIALIZATION m WITH (a = 1,) AS SELECT 1", "an option name", ") AS SELECT 1",
     1, 38),
    ("CREATE MATERIALIZATION m WITH () AS SELECT 1", "an option name", ") AS SELECT 1", 1, 32),
    ("CREATE MATERIALIZATION m WITH a = 1 AS SELECT 1", '"("', "a = 1 AS SELECT 1", 1, 31),
    ("CREATE MATERIALIZATION m WITH (a = ) AS SELECT 1", "a value", ") AS SELECT 1", 1, 36),
    ("CREATE MATERIALIZATION m WITH (a = 'x' 'y') AS SELECT 1", '"," or ")"', "'y') AS SELECT 1",
     1, 40),
    ("CREATE MATERIALIZATION m WITH (target_lag = '1 hour) AS SELECT 1",
     "a closing ' to end the string", "'1 hour) AS SELECT 1", 1, 45),
    ("CREATE MATERIALIZATION `m AS SELECT 1", "a closing ` to end the quoted name",
     "`m AS SELECT 1", 1, 24),
    ("CREATE MATERIALIZATION m AS SELECT 1 /* unended", "*/ to end the comment", "/* unended",
     1, 38),
    ("CREATE MATERIALIZATION m USING AS SELECT 1", "a strategy name after USING",
     "AS SELECT 1", 1, 32),
    ("CREATE MATERIALIZATION m USING 'view' AS SELECT 1", "a strategy name after USING",
     "'view' AS SELECT 1", 1, 32),
    ("CREATE MATERIALIZATION IF EXISTS m AS SELECT 1", "NOT", "EXISTS m AS SELECT 1", 1, 27),
    ("CREATE MATERIALIZATIONS m AS SELECT 1", "MATERIALIZATION", "MATERIALIZATIONS m AS SELECT 1",
     1, 8),
    ("CREATE MATERIALIZATION m AS", "a SELECT statement", "", 1, 28),
    ("CREATE MATERIALIZATION m AS UPDATE t SET a = 1", "a SELECT statement", "UPDATE t SET a = 1",
     1, 29),
    ("CREATE MATERIALIZATION m AS SELECT 1 garbage garbage", "a SELECT statement", "garbage", 1,
     46),
    ("CREATE MATERIALIZATION m AS SELECT (1", '")"', "", 1, 38),
    ("CREATE MATERIALIZATION m AS SELECT * FROM t WHERE", "an expression to complete WHERE", "",
     1, 50),
    ("CREATE MATERIALIZATION m AS SELECT 1 INTO @x", "a SELECT statement without INTO", "INTO @x",
     1, 38),
    ("CREATE MATERIALIZATION m AS SELECT 1; SELECT 2", "end of input after ';'", "SELECT 2", 1, 39),
    ("CREATE MATERIALIZATION m\n  AS SELECT a FROM t\n  WHERE b = = 1",
     "an expression to complete EQ", "= 1", 3, 13),
    ("EXPLAIN CREATE MATERIALIZATION m", "USING, WITH or AS", "", 1, 33),
    ("EXPLAIN MATERIALIZATION m", "CREATE", "MATERIALIZATION m", 1, 9),
    ("ALTER MATERIALIZATION m STEP verify now", "end of statement", "now", 1, 37),
    ("ALTER MATERIALIZATION m STEP 'verify'", "an event name or end of statement", "'verify'", 1,
     30),
    ("ALTER MATERIALIZATION m", "STEP, REFRESH, PAUSE, RESUME, REBUILD or SET", "", 1, 24),
    ("ALTER MATERIALIZATION m STOP", "STEP, REFRESH, PAUSE, RESUME, REBUILD or SET", "STOP", 1, 25),
    ("ALTER MATERIALIZATION m PAUSE NOW", "end of statement", "NOW", 1, 31),
    ("ALTER MATERIALIZATION m SET target_lag = '1 hour'", '"("', "target_lag = '1 hour'", 1, 29),
    ("SHOW MATERIALIZATION", "EVENTS", "", 1, 21),
    ("SHOW MATERIALIZATION m", "EVENTS", "m", 1, 22),
    ("SHOW MATERIALIZATION EVENTS FOR", "a materialization name", "", 1, 32),
    ("SHOW MATERIALIZATION EVENTS LIMIT -1", "a whole number after LIMIT", "-1", 1, 35),
    ("SHOW MATERIALIZATION EVENTS LIMIT 1.5", "a whole number after LIMIT", "1.5", 1, 35),
    ("SHOW MATERIALIZATION EVENTS LIMIT 5 FOR m", "end of statement", "FOR m", 1, 37),
    ("SHOW MATERIALIZATIONS LIKE daily", "a quoted pattern after LIKE", "daily", 1, 28),
    ("SHOW MATERIALIZATIONS LIMIT 3", "FROM, LIKE, WHERE or end of statement", "LIMIT 3", 1, 23),
    ("SHOW MATERIALIZATIONS FROM a.b", "LIKE, WHERE or end of statement", ".b", 1, 29),
    ("SHOW MATERIALIZATIONS WHERE", "a condition after WHERE", "", 1, 28),
    ("SHOW MATERIALIZATIONS WHERE UPDATE t SET a = 1", "a condition after WHERE",
     "UPDATE t SET a = 1", 1, 29),
    ("SHOW MATERIALIZATIONS LIKE 'a' WHERE b", "end of statement", "WHERE b", 1, 32),
    ("SHOW CREATE MATERIALIZATION", "a materialization name", "", 1, 28),
    ("SHOW CREATE MATERIALIZATIONS m", "MATERIALIZATION", "MATERIALIZATIONS m", 1, 13),
    ("REFRESH MATERIALIZATION", "a materialization name", "", 1, 24),
    ("DROP MATERIALIZATION IF m", "EXISTS", "m", 1, 25),
    ("DROP MATERIALIZATION a.b.c", "a name of the form [schema.]name", ".c", 1, 25),
    ("DROP MATERIALIZATION a.", "a name after the dot", "", 1, 24),
    ("DROP MATERIALIZATION select", "a materialization name (SELECT is a reserved word", "select",
     1, 22),
    ("DROP MATERIALIZATION ``", "a materialization name, not an empty quoted name", "``", 1, 22),
    ("DROP MATERIALIZATION m;;", "end of input after ';'", ";", 1, 24),
    ("DROP MATERIALIZATION m; SELECT 1", "end of input after ';'", "SELECT 1", 1, 25),
    ("", "a statement", "", 1, 1),
    ("  -- nothing\n", "a statement", "", 2, 1),
    ("SELECT 1", "CREATE, ALTER, REFRESH, DROP, SHOW or EXPLAIN", "SELECT 1", 1, 1),
    ("DROP MATERIALIZATION\n\n    ", "a materialization name", "", 1, 21),
]  # fmt: skip


@pytest.mark.parametrize(("sql", "expected", "near", "line", "column"), ERRORS)
def test_malformed_statements_are_1064_with_the_position(
    sql: str, expected: str, near: str, line: int, column: int
) -> None:
    with pytest.raises(GrammarError) as caught:
        parse(sql)
    code, sqlstate, message = mysql_error(caught.value)
    assert (code, sqlstate) == (1064, "42000")
    match = re.fullmatch(
        r"You have an error in your SQL syntax; expected (.+) near '(.*)' "
        r"at line (\d+) column (\d+)",
        message,
        re.DOTALL,
    )
    assert match, message
    assert match.group(1).startswith(expected), message
    assert (match.group(2), int(match.group(3)), int(match.group(4))) == (near, line, column)


def test_near_quotes_at_most_forty_characters() -> None:
    with pytest.raises(GrammarError) as caught:
        parse("ALTER MATERIALIZATION m STOP " + "x" * 100)
    assert "near 'STOP " + "x" * 35 + "' at line 1 column 25" in str(caught.value)


def every_prefix_and_every_token_dropped() -> list[str]:
    variants = []
    for example in worked_examples():
        variants += [example[:n] for n in range(len(example))]
        words = example.split(" ")
        variants += [" ".join(words[:i] + words[i + 1 :]) for i in range(len(words))]
    return variants


def test_nothing_but_grammar_errors_escape() -> None:
    """Cut or damage every worked example: each result parses or is a GrammarError."""
    outcomes = {"parsed": 0, "refused": 0}
    for sql in every_prefix_and_every_token_dropped():
        try:
            node = parse(sql)
        except GrammarError as e:
            assert str(e).startswith("You have an error in your SQL syntax; expected "), sql
            outcomes["refused"] += 1
        else:
            assert isinstance(node, st.Statement)
            # the canonical text is a fixed point (the tree may differ where sqlglot took a
            # reserved word as a name and the canonical text backticks it: `AS order`)
            assert parse(node.sql()).sql() == node.sql(), sql
            outcomes["parsed"] += 1
    assert outcomes["parsed"] > 20
    assert outcomes["refused"] > 500
