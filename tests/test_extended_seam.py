"""The seam to the core: an executor runs in a thread and acts as the client on its own
backend connection (its user, grants, database and session), while the client waits."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pymysql
import pytest

from jasmine_proxy.config import Settings, parse_backend_url
from jasmine_proxy.errors import BackendRejected, UnsupportedStatement
from jasmine_proxy.extended import ClientSession, Result
from jasmine_proxy.wire import listen, serve
from tests.support import MARIADB_URL, rows

pytestmark = pytest.mark.backend


class AsTheClient:
    """Answers SHOW MATERIALIZATIONS with what the client's own session says about itself."""

    def execute(self, sql: str, session: ClientSession) -> Result:
        if "fail" in sql:
            session.query("SELECT * FROM mysql.no_such_table_anywhere")
        if "broken" in sql:
            raise RuntimeError("a bug in the core")
        if "refuse" in sql:
            raise UnsupportedStatement("not this one")
        result = session.query("SELECT CURRENT_USER(), DATABASE(), @v, CONNECTION_ID(), NULL")
        values = [None if v is None else v.decode() for v in result.rows[0]]
        return [[session.user, *values]], ["user", *result.columns]


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    settings = Settings(backend=parse_backend_url(MARIADB_URL), port=0)
    listener = listen("127.0.0.1", 0)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(
        target=loop.run_until_complete,
        args=(serve(settings, listener, AsTheClient(), stop=stop),),
        daemon=True,
    )
    thread.start()
    yield listener.getsockname()[1]
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)


def test_executor_acts_as_the_client(port: int, database: str, user: tuple[str, str]) -> None:
    name, password = user
    with pymysql.connect(
        host="127.0.0.1", port=port, user=name, password=password, database=database
    ) as conn:
        rows(conn, "SET @v = 'session value'")
        [answer] = rows(conn, "SHOW MATERIALIZATIONS")
        assert answer[0] == name
        assert answer[1] == f"{name}@%"
        assert answer[2:4] == (database, "session value")
        assert int(answer[4]) == conn.thread_id()
        assert answer[5] is None
        assert rows(conn, "SELECT 'relay goes on'") == [("relay goes on",)]


def test_backend_errors_and_core_failures_reach_the_client(port: int) -> None:
    with pymysql.connect(host="127.0.0.1", port=port, user="root") as conn:
        with pytest.raises(pymysql.err.ProgrammingError) as backend:
            rows(conn, "SHOW MATERIALIZATIONS LIKE 'fail'")
        assert backend.value.args[0] == 1146
        with pytest.raises(pymysql.err.MySQLError) as refused:
            rows(conn, "SHOW MATERIALIZATIONS LIKE 'refuse'")
        assert refused.value.args == (1235, "not this one")
        with pytest.raises(pymysql.err.MySQLError) as bug:
            rows(conn, "SHOW MATERIALIZATIONS LIKE 'broken'")
        assert bug.value.args[0] == 1105
        assert "a bug in the core" in bug.value.args[1]
        assert rows(conn, "SELECT 1") == [(1,)]


def test_rejection_keeps_the_backends_code() -> None:
    exc = BackendRejected("Table 'x' doesn't exist", 1146, "42S02")
    assert (exc.code, exc.sqlstate) == (1146, "42S02")


def test_answers_carry_the_sessions_status_flags(port: int) -> None:
    """A driver that tracks 'in transaction' and autocommit from status flags stays right."""
    in_trans = pymysql.constants.SERVER_STATUS.SERVER_STATUS_IN_TRANS
    autocommit = pymysql.constants.SERVER_STATUS.SERVER_STATUS_AUTOCOMMIT
    with pymysql.connect(host="127.0.0.1", port=port, user="root") as conn:
        conn.autocommit(False)
        rows(conn, "BEGIN")
        rows(conn, "SHOW MATERIALIZATIONS")
        assert conn.server_status & in_trans
        assert not conn.server_status & autocommit
        conn.rollback()
        conn.autocommit(True)
        rows(conn, "SHOW MATERIALIZATIONS")
        assert not conn.server_status & in_trans
        assert conn.server_status & autocommit
