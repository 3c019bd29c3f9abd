"""Jasmine's one error tree, and the one place it becomes MySQL error codes.

    JasmineError                    base of everything Jasmine raises on purpose
    ├── ConfigError                 bad command-line option, environment variable or backend URL
    ├── GrammarError                a malformed extended statement (1064, 42000)
    ├── UnsupportedStatement        recognised as Jasmine's, not (yet) implemented (1235, 42000)
    ├── NotPreparable               Jasmine's statement sent as a prepared statement (1295)
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
