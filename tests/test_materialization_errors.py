"""The error paths of the extended statements, through the proxy, against MariaDB.

Every error must be the right MySQL error (code, SQLSTATE where the driver shows it, a message
that says what is wrong), leave the client's connection usable in the same session, and change
nothing: the catalog rows and events of the schema, and its tables with their contents, are
compared before and after (`Jasmine.recorded`). Then hostile names and option values, the
security rules (the client's own backend user decides what it may read, create and see), and a
backend connection that dies in the middle of a step.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import mysql.connector
import pymysql
import pytest

from tests.materialize import (
    Jasmine,
    dicts,
    direct_dicts,
    direct_run,
    drop_database,
    fails,
    no_leftovers,
    orders,
    quote,
    run,
    scalar,
    show,
    table_contents,
    tables,
    usable,
)
from tests.support import wait_until

pytestmark = pytest.mark.backend


@pytest.fixture(scope="module")
def j() -> Iterator[Jasmine]:
    with Jasmine.start() as jasmine:
        yield jasmine


@pytest.fixture
def conn(j: Jasmine, database: str) -> Iterator[Any]:
    """Through the proxy, in `database`, which holds `o` (5 rows) and a live snapshot `live`."""
    c = j.connect(database)
    orders(c)
    run(c, "CREATE MATERIALIZATION live USING snapshot AS SELECT g, SUM(v) AS s FROM o GROUP BY g")
    yield c
    c.close()


def refused(j: Jasmine, conn: Any, database: str, sql: str, code: int) -> str:
    """`sql` fails with `code`, the connection stays usable, nothing changes; the message."""
    before = j.recorded(database)
    got, message = fails(conn, sql)
    assert got == code, f"{sql!r}: {got} {message}"
    usable(conn)
    assert scalar(conn, "SELECT DATABASE()") == database  # the same session
    assert j.recorded(database) == before, sql
    return message


# -- malformed statements (1064) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "near", "where"),
    [
        ("CREATE MATERIALIZATION m SELECT 1", "near 'SELECT 1'", "line 1 column 26"),
        ("ALTER MATERIALIZATION live STEP verify now", "near 'now'", "line 1 column 40"),
        ("CREATE MATERIALIZATION AS SELECT 1", "", "line 1 column"),
        ("CREATE MATERIALIZATION m USING AS SELECT 1", "", "line 1 column"),
        ("CREATE MATERIALIZATION m WITH (target_lag) AS SELECT 1", "", "line 1 column"),
        ("CREATE MATERIALIZATION m WITH target_lag = '1 minute' AS SELECT 1", "", "column"),
        ("CREATE MATERIALIZATION m AS", "", "line 1 column"),
        ("CREATE MATERIALIZATION m AS SELECT (1", "", "line 1 column"),
        ("CREATE MATERIALIZATION m AS SELECT 1; SELECT 2", "near 'SELECT 2'", "column 39"),
        ("CREATE MATERIALIZATION m\nUSING snapshot\nWITH (a = ) AS SELECT 1", "", "line 3"),
        ("SHOW MATERIALIZATIONS FROM", "", "line 1 column"),
        ("SHOW MATERIALIZATIONS LIKE 42", "", "line 1 column"),
        ("SHOW MATERIALIZATION EVENTS LIMIT -1", "near '-1'", "line 1 column 35"),
        ("SHOW MATERIALIZATION EVENTS FOR", "", "line 1 column"),
        ("SHOW CREATE MATERIALIZATION", "", "line 1 column"),
        ("ALTER MATERIALIZATION live", "", "line 1 column"),
        ("ALTER MATERIALIZATION live SET target_lag = '1 hour'", "", "line 1 column"),
        ("ALTER MATERIALIZATION live FROBNICATE", "", "line 1 column"),
        ("REFRESH MATERIALIZATION", "", "line 1 column"),
        ("DROP MATERIALIZATION IF live", "", "line 1 column"),
        ("DROP MATERIALIZATION `` ", "", "line 1 column"),
        ("EXPLAIN CREATE MATERIALIZATION m", "", "line 1 column"),
    ],
)
def test_malformed(j: Jasmine, conn: Any, database: str, sql: str, near: str, where: str) -> None:
    message = refused(j, conn, database, sql, 1064)
    assert message.startswith("You have an error in your SQL syntax; expected "), message
    assert near in message
    assert where in message


def test_parse_error_sqlstate(j: Jasmine, conn: Any, database: str) -> None:
    c: Any = mysql.connector.connect(
        host="127.0.0.1", port=j.proxy.port, user="root", database=database, autocommit=True
    )
    try:
        cur: Any = c.cursor()
        for sql, code, state in [
            ("CREATE MATERIALIZATION m SELECT 1", 1064, "42000"),
            ("SHOW CREATE MATERIALIZATION nope", 1146, "42S02"),
            ("CREATE MATERIALIZATION live AS SELECT 1", 1050, "42S01"),
            ("CREATE MATERIALIZATION m USING nope AS SELECT 1", 1286, "42000"),
        ]:
            with pytest.raises(mysql.connector.Error) as info:
                cur.execute(sql)
            assert (info.value.errno, info.value.sqlstate) == (code, state), sql
        cur.execute("SELECT 1")
        assert cur.fetchall() == [(1,)]
    finally:
        c.close()


# -- statements the compiler or the lifecycle refuses -----------------------------------------


@pytest.mark.parametrize(
    ("sql", "code", "says"),
    [
        ("CREATE MATERIALIZATION m USING nope AS SELECT 1", 1286, "nope"),
        ("CREATE MATERIALIZATION m USING window_join AS SELECT 1", 1235, "window_join"),
        # a query the strategy cannot maintain: the obstacle, and who would accept it
        ("CREATE MATERIALIZATION m USING incremental AS SELECT 1", 1235, "accept"),
        ("CREATE MATERIALIZATION m USING trigger AS SELECT * FROM o LIMIT 1", 1235, "accept"),
        ("CREATE MATERIALIZATION m WITH (colour = 'red') AS SELECT 1", 1911, "colour"),
        (
            "CREATE MATERIALIZATION m USING view WITH (target_lag = '1 hour') AS SELECT 1",
            1911,
            "target_lag",
        ),
        (
            "CREATE MATERIALIZATION m USING snapshot WITH (window = '1 hour') AS SELECT 1",
            1911,
            "window",
        ),
        ("CREATE MATERIALIZATION m WITH (target_lag = '5 fortnights') AS SELECT 1", 1525, "5"),
        ("CREATE MATERIALIZATION m WITH (target_lag = 'soon') AS SELECT 1", 1525, "soon"),
        ("CREATE MATERIALIZATION m WITH (target_lag = 5) AS SELECT 1", 1525, "5"),
        ("CREATE MATERIALIZATION m WITH (build = 'later') AS SELECT 1", 1525, "later"),
        (
            "CREATE MATERIALIZATION m WITH (target_lag = '1 minute', target_lag = '2 minutes') "
            "AS SELECT 1",
            1525,
            "twice",
        ),
        ("CREATE MATERIALIZATION live AS SELECT 1", 1050, "live"),
        ("CREATE MATERIALIZATION o AS SELECT 1", 1050, "o"),
        ("SHOW CREATE MATERIALIZATION nope", 1146, "nope"),
        ("SHOW MATERIALIZATION EVENTS FOR nope", None, ""),
        ("DROP MATERIALIZATION nope", 1146, "nope"),
        ("DROP MATERIALIZATION o", 1146, "o"),  # a table, not a materialization
        ("ALTER MATERIALIZATION nope STEP", 1146, "nope"),
        ("ALTER MATERIALIZATION nope STEP verify", 1146, "nope"),
        ("ALTER MATERIALIZATION nope REFRESH", 1146, "nope"),
        ("ALTER MATERIALIZATION nope SET (target_lag = '1 hour')", 1146, "nope"),
        ("REFRESH MATERIALIZATION nope", 1146, "nope"),
        ("REFRESH MATERIALIZATION o", 1146, "o"),
        ("ALTER MATERIALIZATION live STEP create", 1221, "create"),
        ("ALTER MATERIALIZATION live RESUME", 1221, "resume"),
        ("ALTER MATERIALIZATION live STEP launch", 1221, "launch"),
        ("ALTER MATERIALIZATION live SET (target_lag = 'x')", 1525, "x"),
        ("ALTER MATERIALIZATION live SET (build = 'deferred')", 1525, "build"),
        ("ALTER MATERIALIZATION live SET (colour = 'red')", 1911, "colour"),
        ("ALTER MATERIALIZATION live SET (window = '1 minute')", 1911, "window"),
        (
            "ALTER MATERIALIZATION live SET (target_lag = '1 minute', target_lag = '1 hour')",
            1525,
            "twice",
        ),
        # the backend's own verdict on the query, with its own code
        ("CREATE MATERIALIZATION m AS SELECT * FROM missing_table", 1146, "missing_table"),
        ("CREATE MATERIALIZATION m AS SELECT nope FROM o", 1054, "nope"),
        ("CREATE MATERIALIZATION m AS SELECT id, FROM o", 1064, "FROM o"),
        ("CREATE MATERIALIZATION m USING view AS SELECT 1 AS a, 2 AS a", 1060, "a"),
        ("CREATE MATERIALIZATION m AS SELECT * FROM nodb_at_all.t", 1146, "nodb_at_all"),
        ("CREATE MATERIALIZATION nodb_at_all.m AS SELECT 1", 1049, "nodb_at_all"),
        # MySQL's own rules for names
        (f"CREATE MATERIALIZATION `{'x' * 65}` AS SELECT 1", 1059, "too long"),
        ("CREATE MATERIALIZATION `trailing ` AS SELECT 1", 1103, "trailing "),
        ("CREATE MATERIALIZATION `a\U0001f600` AS SELECT 1", 1300, "a\\xF0\\x9F\\x98\\x80"),
        ("SHOW CREATE MATERIALIZATION `\U0001f600`", 1300, "Invalid utf8mb4"),
    ],
)
def test_refused(
    j: Jasmine, conn: Any, database: str, sql: str, code: int | None, says: str
) -> None:
    if code is None:  # not an error: the log of a name never used is empty
        before = j.recorded(database)
        assert dicts(conn, sql) == []
        assert j.recorded(database) == before
        return
    message = refused(j, conn, database, sql, code)
    assert says in message


def test_no_database_selected(j: Jasmine, database: str) -> None:
    with j.connect() as c:
        orders_db = f"{quote(database)}.o"
        run(c, f"CREATE TABLE {orders_db} (id INT)")
        for sql in (
            "CREATE MATERIALIZATION m AS SELECT 1",
            f"CREATE MATERIALIZATION m AS SELECT * FROM {orders_db}",
            "EXPLAIN CREATE MATERIALIZATION m AS SELECT 1",
            "SHOW CREATE MATERIALIZATION m",
            "SHOW MATERIALIZATION EVENTS FOR m",
            "ALTER MATERIALIZATION m STEP",
            "REFRESH MATERIALIZATION m",
            "DROP MATERIALIZATION m",
            "DROP MATERIALIZATION IF EXISTS m",
        ):
            before = j.recorded(database)
            code, message = fails(c, sql)
            assert (code, message) == (1046, "No database selected"), sql
            assert j.recorded(database) == before
            usable(c)
        # qualified names need no current database
        run(c, f"CREATE MATERIALIZATION {quote(database)}.m AS SELECT * FROM {orders_db}")
        assert show(c, database)["m"]["State"] == "live"


def test_a_failed_create_leaves_no_materialization(j: Jasmine, conn: Any, database: str) -> None:
    """A CREATE that fails in its build step (here: a unique_key that the data repeats, which
    no check before the build can know) leaves no catalog row and no table; its events stay,
    for debugging."""
    before = table_contents(database)
    code, message = fails(
        conn,
        "CREATE MATERIALIZATION k USING snapshot WITH (unique_key = 'g') AS SELECT g, v FROM o",
    )
    assert code == 1062, message
    assert "Duplicate entry" in message
    usable(conn)
    assert j.row(database, "k") is None
    assert table_contents(database) == before
    assert "k" not in show(conn, database)
    events = j.events(database, "k")
    assert [(e["event"], e["to_state"]) for e in events] == [
        ("verify", "verified"),
        ("create", "failed"),
    ]
    assert "Duplicate entry" in events[-1]["error"]
    run(conn, "CREATE MATERIALIZATION k USING snapshot WITH (unique_key = 'id') AS SELECT * FROM o")


def test_multi_statement_text_is_refused_whole(j: Jasmine, database: str) -> None:
    """Only one statement: the DROP after the ';' must not run."""
    with j.connect(database, client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS) as c:
        orders(c)
        before = j.recorded(database)
        code, _ = fails(c, "CREATE MATERIALIZATION m AS SELECT 1; DROP TABLE o")
        assert code == 1064
        assert j.recorded(database) == before
        usable(c)


# -- hostile names and values -------------------------------------------------------------------

HOSTILE = [
    "a`b",
    "it's",
    'say "hi"',
    "with space",
    "ünï 日本",
    "100%",
    "a_b",
    "semi;colon",
    "select",
    "back\\slash",
    "-- not a comment",
    "/*x*/",
    "_jasmine_looks_internal",
]


@pytest.fixture
def hostile_schema() -> Iterator[str]:
    name = f"jt_{uuid.uuid4().hex[:6]} `;'\"\\% ü"
    direct_run(f"CREATE DATABASE {quote(name)}")
    yield name
    drop_database(name)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_materialization_names(j: Jasmine, conn: Any, database: str, name: str) -> None:
    q = quote(name)
    run(conn, "CREATE TABLE bystander (a INT)", "INSERT INTO bystander VALUES (1)")
    others = {t: c for t, c in _contents(database).items() if t != name}
    for strategy, kind in (("snapshot", "TABLE"), ("view", "VIEW")):
        run(conn, f"CREATE MATERIALIZATION {q} USING {strategy} AS SELECT id, v FROM o")
        assert tables(database)[name] == kind
        assert scalar(conn, f"SELECT SUM(v) FROM {q}") == 150
        assert show(conn, database)[name]["State"] == "live"
        assert name in [r["Name"] for r in dicts(conn, "SHOW MATERIALIZATIONS")]
        text = dicts(conn, f"SHOW CREATE MATERIALIZATION {q}")[0]["Create Materialization"]
        assert text.startswith(f"CREATE MATERIALIZATION {quote(database)}.{q} USING {strategy}")
        run(conn, f"ALTER MATERIALIZATION {q} STEP refresh" if kind == "TABLE" else "SELECT 1")
        run(conn, f"ALTER MATERIALIZATION {q} REBUILD")
        events = dicts(conn, f"SHOW MATERIALIZATION EVENTS FOR {q}")
        assert {e["Name"] for e in events} == {f"{database}.{name}"}
        run(conn, f"DROP MATERIALIZATION {q}", text)  # SHOW CREATE's text recreates it
        assert tables(database)[name] == kind
        run(conn, f"DROP MATERIALIZATION {q}")
        assert name not in tables(database)
        assert {t: c for t, c in _contents(database).items() if t != name} == others
        no_leftovers(database)
    pattern = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = pattern.replace("\\", "\\\\").replace("'", "''")  # and as a string literal
    run(conn, f"CREATE MATERIALIZATION {q} USING view AS SELECT 1 AS one")
    listed = dicts(conn, f"SHOW MATERIALIZATIONS FROM {quote(database)} LIKE '{like}'")
    assert [r["Name"] for r in listed] == [name]


def _contents(schema: str) -> dict[str, tuple[str, str, str]]:
    return {t[0]: t for t in table_contents(schema)}


def test_hostile_schema_name(j: Jasmine, hostile_schema: str) -> None:
    s = quote(hostile_schema)
    with j.connect(hostile_schema) as c:
        orders(c)
        run(c, "CREATE MATERIALIZATION `m``x` USING snapshot AS SELECT g, v FROM o")
        run(c, f"CREATE MATERIALIZATION {s}.v USING view AS SELECT id FROM {s}.o")
        assert set(show(c, hostile_schema)) == {"m`x", "v"}
        assert {r["Schema"] for r in dicts(c, f"SHOW MATERIALIZATIONS FROM {s}")} == {
            hostile_schema
        }
        run(c, "REFRESH MATERIALIZATION `m``x`", f"ALTER MATERIALIZATION {s}.`m``x` REBUILD")
        assert scalar(c, "SELECT COUNT(*) FROM `m``x`") == 5
        assert sorted(tables(hostile_schema)) == ["m`x", "o", "v"]
        run(c, "DROP MATERIALIZATION `m``x`", f"DROP MATERIALIZATION {s}.v")
        assert sorted(tables(hostile_schema)) == ["o"]
        assert j.rows(hostile_schema) == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("a'b", "'a''b'"),
        ("a'b", "'a\\'b'"),
        ("a\\b", "'a\\\\b'"),
        ('a"b', "'a\"b'"),
        ("a`b", "'a`b'"),
        ("x y", "'`x y`'"),
    ],
)
def test_hostile_option_values(
    j: Jasmine, conn: Any, database: str, column: str, value: str
) -> None:
    """unique_key names a column with quotes/backslashes: it becomes that table's key, SHOW
    CREATE prints a literal that means the same value, and nothing else is touched."""
    q = quote(column)
    others = table_contents(database)
    run(
        conn,
        f"CREATE MATERIALIZATION k USING snapshot WITH (unique_key = {value}) "
        f"AS SELECT id AS {q}, v FROM o",
    )
    create = dicts(conn, "SHOW CREATE TABLE k")[0]["Create Table"]
    assert f"PRIMARY KEY ({q})" in create
    text = dicts(conn, "SHOW CREATE MATERIALIZATION k")[0]["Create Materialization"]
    run(conn, "DROP MATERIALIZATION k", text)  # the printed literal means the same value
    assert f"PRIMARY KEY ({q})" in dicts(conn, "SHOW CREATE TABLE k")[0]["Create Table"]
    run(conn, "DROP MATERIALIZATION k")
    assert table_contents(database) == others


@pytest.mark.parametrize(
    "value",
    ["'1 minute''; DROP TABLE o; --'", "'1 minute\\'; DROP TABLE o; #'", "'`o`'", "'\\\\'"],
)
def test_hostile_option_values_refused(j: Jasmine, conn: Any, database: str, value: str) -> None:
    refused(
        j, conn, database, f"CREATE MATERIALIZATION h WITH (target_lag = {value}) AS SELECT 1", 1525
    )
    refused(j, conn, database, f"CREATE MATERIALIZATION h WITH (build = {value}) AS SELECT 1", 1525)


# -- security: the client's own backend user decides -------------------------------------------


@pytest.fixture
def limited(j: Jasmine, make_database: Callable[[], str]) -> Iterator[Callable[..., Any]]:
    """Backend users created on demand with exactly the grants given; dropped afterwards."""
    users: list[str] = []

    def make(*grants: str) -> Any:
        name, password = f"ju_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
        users.append(name)
        direct_run(f"CREATE USER '{name}'@'%' IDENTIFIED BY '{password}'")
        for grant in grants:
            direct_run(f"GRANT {grant} TO '{name}'@'%'")
        return j.connect(user=name, password=password)

    yield make
    for name in users:
        direct_run(f"DROP USER IF EXISTS '{name}'@'%'")


@pytest.fixture
def two(make_database: Callable[[], str]) -> tuple[str, str]:
    """Two databases: `a` with tables pub and secret, `b` with table t; materializations
    pa (over a.pub) in a and tb (over b.t) in b, created by root."""
    a, b = make_database(), make_database()
    direct_run(
        f"CREATE TABLE {a}.pub (x INT)",
        f"INSERT INTO {a}.pub VALUES (1), (2)",
        f"CREATE TABLE {a}.secret (s VARCHAR(20))",
        f"INSERT INTO {a}.secret VALUES ('the formula')",
        f"CREATE TABLE {b}.t (y INT)",
    )
    return a, b


def test_may_materialize_only_what_it_may_read(
    j: Jasmine, limited: Callable[..., Any], two: tuple[str, str]
) -> None:
    a, _ = two
    c = limited(f"SELECT ON {a}.pub", f"CREATE, DROP ON {a}.*")
    before = j.recorded(a)
    for query in (
        f"SELECT * FROM {a}.secret",
        f"SELECT p.x, s.s FROM {a}.pub p JOIN {a}.secret s",
        f"SELECT x FROM {a}.pub WHERE x IN (SELECT LENGTH(s) FROM {a}.secret)",
    ):
        code, message = fails(c, f"CREATE MATERIALIZATION {a}.leak USING snapshot AS {query}")
        assert code == 1142, message
        assert "SELECT command denied" in message
        assert "secret" in message
        assert j.recorded(a) == before
        usable(c)
    code, message = fails(c, f"EXPLAIN CREATE MATERIALIZATION {a}.leak AS SELECT * FROM {a}.secret")
    assert code == 1142, message  # as EXPLAIN SELECT would: no plan of what it may not read
    assert dicts(c, f"EXPLAIN CREATE MATERIALIZATION {a}.fine AS SELECT * FROM {a}.pub")
    assert j.recorded(a) == before  # EXPLAIN runs nothing
    run(c, f"CREATE MATERIALIZATION {a}.ok USING snapshot AS SELECT x FROM {a}.pub")
    assert direct_dicts(f"SELECT SUM(x) AS n FROM {a}.ok") == [{"n": 3}]
    c.close()


def test_may_create_only_where_it_may_create(
    j: Jasmine, limited: Callable[..., Any], two: tuple[str, str]
) -> None:
    a, b = two
    c = limited(f"SELECT ON {a}.*", f"SELECT ON {b}.*", f"CREATE ON {b}.*")
    before = j.recorded(a)
    for strategy in ("snapshot", "view", "auto"):
        code, message = fails(
            c, f"CREATE MATERIALIZATION {a}.m USING {strategy} AS SELECT x FROM {a}.pub"
        )
        assert code == 1142, message
        assert "denied" in message
        assert j.recorded(a) == before
        usable(c)
    # CREATE but no CREATE VIEW on b: a snapshot yes, a view no
    run(c, f"CREATE MATERIALIZATION {b}.m USING snapshot AS SELECT x FROM {a}.pub")
    before_b = j.recorded(b)
    code, message = fails(c, f"CREATE MATERIALIZATION {b}.v USING view AS SELECT 1 AS one")
    assert code == 1142, message
    assert "CREATE VIEW" in message
    assert j.recorded(b) == before_b
    c.close()


def test_sees_only_what_it_may_see(
    j: Jasmine, limited: Callable[..., Any], two: tuple[str, str]
) -> None:
    a, b = two
    with j.connect() as root:
        run(
            root,
            f"CREATE MATERIALIZATION {a}.pa USING snapshot AS SELECT x FROM {a}.pub",
            f"CREATE MATERIALIZATION {b}.tb USING snapshot AS SELECT y FROM {b}.t",
            f"REFRESH MATERIALIZATION {b}.tb",
        )
    c = limited(f"SELECT ON {a}.pub")
    names = [(r["Schema"], r["Name"]) for r in dicts(c, "SHOW MATERIALIZATIONS")]
    assert (a, "pa") in names
    assert all(schema != b for schema, _ in names)
    assert dicts(c, f"SHOW MATERIALIZATIONS FROM {b}") == []
    events = dicts(c, "SHOW MATERIALIZATION EVENTS")
    assert {e["Name"] for e in events} >= {f"{a}.pa"}
    assert not any(e["Name"].startswith(f"{b}.") for e in events)
    before = j.recorded(b)
    missing = {}
    for template in (
        "SHOW CREATE MATERIALIZATION {}",
        "SHOW MATERIALIZATION EVENTS FOR {}",
        "ALTER MATERIALIZATION {} STEP",
        "ALTER MATERIALIZATION {} STEP refresh",
        "ALTER MATERIALIZATION {} PAUSE",
        "ALTER MATERIALIZATION {} SET (target_lag = '1 week')",
        "REFRESH MATERIALIZATION {}",
        "DROP MATERIALIZATION {}",
    ):
        # exists but invisible, and does not exist at all: the same answer (no existence leak)
        for name in ("tb", "nothing_here"):
            code, message = fails(c, template.format(f"{b}.{name}"))
            assert code == 1146, (template, message)
            missing[name] = message.replace(name, "NAME")
        assert missing["tb"] == missing["nothing_here"]
        assert j.recorded(b) == before
    run(c, f"DROP MATERIALIZATION IF EXISTS {b}.tb")  # as if it did not exist
    assert j.recorded(b) == before
    c.close()


def test_may_change_only_what_it_may_change(
    j: Jasmine, limited: Callable[..., Any], two: tuple[str, str]
) -> None:
    a, _ = two
    with j.connect() as root:
        run(root, f"CREATE MATERIALIZATION {a}.pa USING snapshot AS SELECT x FROM {a}.pub")
    c = limited(f"SELECT ON {a}.pub")  # may see the schema, may not drop or alter anything
    code, _ = fails(c, f"DROP TABLE {a}.pa")
    assert code == 1142  # the backend's own rule for the table
    before = j.recorded(a)
    for sql in (
        f"DROP MATERIALIZATION {a}.pa",
        f"ALTER MATERIALIZATION {a}.pa PAUSE",
        f"ALTER MATERIALIZATION {a}.pa SET (target_lag = '1 week')",
    ):
        code, message = fails(c, sql)
        assert code == 1142, (sql, message)
        assert j.recorded(a) == before


# -- the backend connection dies in the middle of a step -------------------------------------------


@pytest.mark.parametrize("kill", ["KILL", "KILL QUERY"])
def test_backend_goes_away_during_a_refresh(
    j: Jasmine, conn: Any, database: str, kill: str
) -> None:
    run(
        conn,
        "CREATE TABLE ctl (pause DOUBLE NOT NULL)",
        "INSERT INTO ctl VALUES (0)",
        "CREATE MATERIALIZATION slow USING snapshot "
        "AS SELECT o.id, o.v, SLEEP(ctl.pause) AS z FROM o JOIN ctl WHERE o.id = 1",
    )
    run(conn, "UPDATE ctl SET pause = 60", "UPDATE o SET v = 999 WHERE id = 1")
    outcome: dict[str, Any] = {}

    def refresh() -> None:
        with j.connect(database) as c2:
            try:
                run(c2, "REFRESH MATERIALIZATION slow")
            except pymysql.err.MySQLError as exc:
                outcome["error"] = exc.args
            outcome["after"] = scalar(c2, "SELECT 1")  # the client's connection survived

    def building() -> list[dict[str, Any]]:
        return direct_dicts(
            "SELECT ID FROM information_schema.PROCESSLIST "
            "WHERE INFO LIKE 'CREATE TABLE%%_jasmine_slow_%%' AND INFO LIKE %s",
            (f"%{database}%",),
        )

    worker = threading.Thread(target=refresh)
    started = time.monotonic()
    worker.start()
    assert wait_until(lambda: bool(building()), timeout=20)
    direct_run(f"{kill} {int(building()[0]['ID'])}")
    worker.join(30)
    assert time.monotonic() - started < 30  # it did not wait for the SLEEP
    code = outcome["error"][0]
    assert code in (2013, 1317, 1927), outcome
    assert outcome["after"] == 1

    row = show(conn, database)["slow"]
    assert (row["State"], row["Health"]) == ("live", "failing")  # state unchanged
    assert row["Last_error"].startswith("refresh: ")
    last = j.events(database, "slow")[-1]
    assert (last["event"], last["from_state"], last["to_state"]) == ("refresh", "live", "live")
    assert last["error"]
    assert scalar(conn, "SELECT v FROM slow") == 10  # readers still see the old data
    usable(conn)

    run(conn, "UPDATE ctl SET pause = 0", "REFRESH MATERIALIZATION slow")
    row = show(conn, database)["slow"]
    assert (row["State"], row["Health"], row["Last_error"]) == ("live", "ok", None)
    assert scalar(conn, "SELECT v FROM slow") == 999
    no_leftovers(database)


def test_one_step_at_a_time(j: Jasmine, conn: Any, database: str) -> None:
    """While a refresh runs, another client's REFRESH, STEP, SET and DROP are refused with 1221
    (nothing recorded for them) and its reads see the old data; afterwards all is usable."""
    run(
        conn,
        "CREATE TABLE ctl (pause DOUBLE NOT NULL)",
        "INSERT INTO ctl VALUES (0)",
        "CREATE MATERIALIZATION slow USING snapshot "
        "AS SELECT o.id, o.v, SLEEP(ctl.pause) AS z FROM o JOIN ctl WHERE o.id = 1",
        "UPDATE ctl SET pause = 6",
    )
    errors: list[Any] = []

    def refresh() -> None:
        with j.connect(database) as c2:
            try:
                run(c2, "REFRESH MATERIALIZATION slow")
            except pymysql.err.MySQLError as exc:
                errors.append(exc.args)

    worker = threading.Thread(target=refresh)
    worker.start()
    assert wait_until(lambda: (j.row(database, "slow") or {}).get("step") == "refresh", 10)
    count = len(j.events(database, "slow"))
    for sql in (
        "REFRESH MATERIALIZATION slow",
        "ALTER MATERIALIZATION slow STEP check",
        "ALTER MATERIALIZATION slow PAUSE",
        "ALTER MATERIALIZATION slow SET (target_lag = '1 hour')",
        "DROP MATERIALIZATION slow",
    ):
        began = time.monotonic()
        code, message = fails(conn, sql)
        assert code == 1221, (sql, message)
        assert "progress" in message or "started" in message
        assert time.monotonic() - began < 2, sql  # refused at once, not after the step
    assert scalar(conn, "SELECT COUNT(*) FROM slow") == 1
    assert show(conn, database)["slow"]["State"] == "live"
    worker.join(30)
    assert errors == []
    assert [e["event"] for e in j.events(database, "slow")][count:] == ["refresh"]
    assert show(conn, database)["slow"]["Target_lag"] == "1 minute"  # no change half-made
    run(conn, "UPDATE ctl SET pause = 0", "DROP MATERIALIZATION slow")
    assert "slow" not in tables(database)
