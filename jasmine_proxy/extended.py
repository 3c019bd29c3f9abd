"""Running Jasmine's extended statements: the seam between the wire front end and the core.

The wire front end calls `Executor.execute` in a worker thread for each statement that
`intercept.is_extended` recognised; the core behind it is synchronous and knows nothing of event
loops. A result is `(rows, column_names)` or None for an OK packet; errors are `JasmineError`s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from jasmine_proxy.errors import UnsupportedStatement
from jasmine_proxy.protocol import TextResult

Result = tuple[Sequence[Sequence[Any]], Sequence[str]] | None


@dataclass(frozen=True)
class ClientSession:
    """Who sent the statement, and a way to act as them.

    `query(sql)` runs one statement on the client's own backend connection: as its backend
    user, with its grants, in its session (current database, variables, open transaction).
    It blocks the calling thread until the backend answers; the backend's own error comes
    back as `BackendRejected` (its code kept), a broken connection as `BackendUnavailable`.
    """

    user: str
    connection_id: int
    peer: str
    query: Callable[[str], TextResult]


class Executor(Protocol):
    def execute(self, sql: str, session: ClientSession) -> Result: ...


class PendingGrammar:
    """Answers every extended statement with 1235 until the grammar and catalog exist.

    The statement is recognised, kept from the backend, and refused with a clear message; the
    materialization statements themselves are the subject of the lifecycle issue.
    """

    def execute(self, sql: str, session: ClientSession) -> Result:
        text = re.sub(r"/\*.*?\*/|#[^\n]*|--\s[^\n]*", " ", sql, flags=re.DOTALL)
        words = re.findall(r"[A-Za-z]+", text)
        upper = [w.upper() for w in words]
        last = next((i for i, w in enumerate(upper) if w.startswith("MATERIALIZATION")), 1)
        keywords = " ".join(upper[: last + 1])
        raise UnsupportedStatement(
            f"{keywords}: Jasmine's extended statements are recognised "
            "but not available in this version"
        )
