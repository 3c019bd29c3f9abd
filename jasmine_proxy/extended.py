"""Running Jasmine's extended statements: the seam between the wire front end and the core.

The wire front end calls `Executor.execute` in a worker thread for each statement that
`intercept.is_extended` recognised; the core behind it is synchronous and knows nothing of event
loops. A result is `(rows, column_names)` or None for an OK packet; errors are `JasmineError`s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

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
