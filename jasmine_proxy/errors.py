"""Jasmine's one error tree, and the one place it becomes MySQL error codes.

    JasmineError                    base of everything Jasmine raises on purpose
    ├── ConfigError                 bad command-line option, environment variable or backend URL
    ├── GrammarError                a malformed extended statement (1064, 42000)
    ├── UnsupportedStatement        recognised as Jasmine's, not (yet) implemented (1235, 42000)
    ├── NotPreparable               Jasmine's statement sent as a prepared statement (1295)
    ├── NoDatabase                  an unqualified name with no current database (1046, 3D000)
    ├── NoSuchMaterialization       the named materialization does not exist (1146, 42S02)
    ├── NameTaken                   CREATE on a name that exists already (1050, 42S01)
    ├── UnknownStrategy             USING names no registered pattern (1286, 42000)
    ├── UnknownOption               WITH names an option that does not exist or apply (1911)
    ├── WrongValue                  an option value that cannot be used, e.g. a bad interval (1525)
    ├── IllegalStep                 an event the lifecycle table refuses in this state (1221)
    ├── NotMaintainable             a query the strategy cannot maintain (1235, 42000)
    ├── Denied                      the client's own user may not do this (1142, 42000)
    └── BackendError                the backend database failed us
        ├── BackendUnavailable      it cannot be reached, or the connection to it broke (2003)
        └── BackendRejected         it answered with an error of its own (its code is kept)

Errors that the backend sends to a client on a relayed statement are never turned into these:
they travel to the client as the backend's own packets, byte for byte.

`mysql_error(exc)` gives the (code, SQLSTATE, message) a client sees for any exception, and
`error_packet(exc, client_caps)` the ERR packet that answers a client's command with it; the wire
front end calls them and nothing else decides codes. The CLI maps the same tree to exit codes.
"""

from __future__ import annotations

from typing import NamedTuple

from jasmine_proxy import protocol


class MysqlErrorInfo(NamedTuple):
    """What a client receives in an ERR packet."""

    code: int
    sqlstate: str
    message: str


class JasmineError(Exception):
    """Base class. `code`/`sqlstate` are the MySQL error this becomes on the wire."""

    code = 1105  # ER_UNKNOWN_ERROR
    sqlstate = "HY000"


class ConfigError(JasmineError):
    """A command-line option, environment variable or backend URL is invalid."""


class GrammarError(JasmineError):
    """An extended statement is malformed; the message says where and what was expected."""

    code = 1064  # ER_PARSE_ERROR
    sqlstate = "42000"


class UnsupportedStatement(JasmineError):
    """A statement recognised as Jasmine's that this version cannot run."""

    code = 1235  # ER_NOT_SUPPORTED_YET
    sqlstate = "42000"


class NotPreparable(JasmineError):
    """An extended statement arrived as COM_STMT_PREPARE; Jasmine answers text queries only."""

    code = 1295  # ER_UNSUPPORTED_PS
    sqlstate = "HY000"

    def __init__(self) -> None:
        super().__init__(
            "This command is not supported in the prepared statement protocol: "
            "send Jasmine's extended statements as plain text queries"
        )


class NoDatabase(JasmineError):
    """An unqualified materialization name, and the session has no current database."""

    code = 1046  # ER_NO_DB_ERROR
    sqlstate = "3D000"

    def __init__(self) -> None:
        super().__init__("No database selected")


class NoSuchMaterialization(JasmineError):
    """The named materialization does not exist (MySQL's "Table ... doesn't exist")."""

    code = 1146  # ER_NO_SUCH_TABLE
    sqlstate = "42S02"

    def __init__(self, name: str) -> None:
        super().__init__(f"Materialization '{name}' doesn't exist")


class NameTaken(JasmineError):
    """CREATE MATERIALIZATION on a name that a materialization or another object has."""

    code = 1050  # ER_TABLE_EXISTS_ERROR
    sqlstate = "42S01"


class UnknownStrategy(JasmineError):
    """USING names a strategy that no pattern module registered (like an unknown ENGINE)."""

    code = 1286  # ER_UNKNOWN_STORAGE_ENGINE
    sqlstate = "42000"


class UnknownOption(JasmineError):
    """WITH (...) names an option that does not exist, or does not apply to the strategy."""

    code = 1911  # ER_UNKNOWN_OPTION


class WrongValue(JasmineError):
    """An option value that cannot be used: a bad interval, an unknown build mode, ..."""

    code = 1525  # ER_WRONG_VALUE


class IllegalStep(JasmineError):
    """A lifecycle event that the state x event table refuses in the current state."""

    code = 1221  # ER_WRONG_USAGE


class NotMaintainable(JasmineError):
    """A query that the chosen strategy cannot maintain; the message names the obstacle."""

    code = 1235  # ER_NOT_SUPPORTED_YET
    sqlstate = "42000"


class Denied(JasmineError):
    """The client's own backend user lacks a privilege the statement needs."""

    code = 1142  # ER_TABLEACCESS_DENIED_ERROR
    sqlstate = "42000"


class BackendError(JasmineError):
    """The backend database failed while Jasmine itself was talking to it."""


class BackendUnavailable(BackendError):
    """The backend cannot be reached, or the connection to it broke."""

    code = 2003  # CR_CONN_HOST_ERROR, as a client would report it


class BackendRejected(BackendError):
    """The backend answered Jasmine's own statement with an error; its code is kept."""

    def __init__(self, message: str, code: int, sqlstate: str = "HY000") -> None:
        super().__init__(message)
        self.code = code
        self.sqlstate = sqlstate


def mysql_error(exc: BaseException) -> MysqlErrorInfo:
    """The MySQL error a client sees for `exc`; anything unexpected is a generic 1105."""
    if isinstance(exc, JasmineError):
        return MysqlErrorInfo(exc.code, exc.sqlstate, str(exc))
    driver = getattr(exc, "orig", None)  # a database driver's error wrapped by SQLAlchemy
    args: tuple[object, ...] = getattr(driver, "args", ())
    if len(args) >= 2 and isinstance(args[0], int):  # the backend's own code and message,
        return MysqlErrorInfo(args[0], "HY000", str(args[1]))  # not the statement and its link
    return MysqlErrorInfo(1105, "HY000", f"Jasmine internal error: {type(exc).__name__}: {exc}")


def error_packet(exc: BaseException, client_caps: int) -> bytes:
    """The framed ERR packet answering a client's command with `exc` (sequence id 1)."""
    code, sqlstate, message = mysql_error(exc)
    protocol_41 = bool(client_caps & protocol.CLIENT_PROTOCOL_41)
    return protocol.frame(
        protocol.error_payload(code, sqlstate, message, protocol_41=protocol_41), 1
    )


def exit_code(exc: BaseException) -> int:
    """The CLI's exit status for `exc` (sysexits-style)."""
    if isinstance(exc, ConfigError):
        return 64  # EX_USAGE
    if isinstance(exc, BackendUnavailable):
        return 69  # EX_UNAVAILABLE
    if isinstance(exc, OSError):
        return 71  # EX_OSERR: port taken, certificate unreadable
    return 70  # EX_SOFTWARE
