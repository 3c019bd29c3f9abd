"""Retrying a backend transaction that lost a deadlock (1213), the one retry used everywhere.

MariaDB Galera is multi-primary and certifies each transaction at COMMIT against what the other
nodes committed meanwhile: a transaction that touched a row another node changed first is rolled
back with `1213 Deadlock found when trying to get lock; try restarting transaction`, at COMMIT or
at any statement (a DDL elsewhere aborts local readers of the table it changes, even a SELECT).
A single server reports the same code for a plain InnoDB deadlock. Either way the transaction
was rolled back whole, and the cure is what the message says: run it again. Measured on a 3-node
cluster: readers around a RENAME swap get it about once in 10 swaps, and writers of the same
summary rows on two nodes in 5% of their writes.

Every catalog transaction (catalog.py) and every step's backend work (steps.py: the operations
of a refresh, a build, a drop ...) goes through `retrying` (or the `on_deadlock` decorator):
the whole transaction again, after a short random wait that doubles each time (10 ms, 20 ms ...
capped at 1 s), at most `ATTEMPTS` times in all; then the error is raised as it came (a step
records it as transient: Health `failing`, and the scheduler tries again later).

`retries()` counts the retries of this process (a benchmark's figure); each one is logged.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Collection
from typing import Any, ParamSpec, TypeVar

logger = logging.getLogger(__name__)

DEADLOCK = 1213  # ER_LOCK_DEADLOCK: also Galera's certification failure and brute-force abort
ATTEMPTS = 8
FIRST_WAIT = 0.01  # seconds
MAX_WAIT = 1.0

_lock = threading.Lock()
_retried = 0  # how many times this process ran a transaction again after a 1213

T = TypeVar("T")
P = ParamSpec("P")


def error_code(exc: BaseException) -> int | None:
    """The backend's error code behind `exc`: pymysql's own (`args[0]`), or under SQLAlchemy's
    wrapper (`.orig`), or Jasmine's `BackendRejected` (`.code`); None for anything else.

    >>> import pymysql
    >>> error_code(pymysql.err.OperationalError(1213, "Deadlock found"))
    1213
    >>> error_code(ValueError("no"))
    """
    code = getattr(exc, "code", None)
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    for candidate in (getattr(exc, "orig", None), exc):
        args: tuple[Any, ...] = getattr(candidate, "args", ())
        if args and isinstance(args[0], int) and not isinstance(args[0], bool):
            return args[0]
    return None


def is_deadlock(exc: BaseException) -> bool:
    return error_code(exc) == DEADLOCK


def retries() -> int:
    """How many transactions this process has run again so far."""
    return _retried


def retrying(
    action: Callable[[int], T],
    what: str = "a transaction",
    attempts: int = ATTEMPTS,
    codes: Collection[int] = (DEADLOCK,),
) -> T:
    """`action(attempt)` (attempt 0, 1, ...), run again while it fails with 1213 (or another
    of `codes`: a race that running again settles).

    `action` must be a whole transaction (or statements each in autocommit) that may run again
    from the start: 1213 means the backend rolled it back.

    >>> calls = []
    >>> def flaky(attempt: int) -> str:
    ...     calls.append(attempt)
    ...     if attempt < 2:
    ...         raise RuntimeError(1213, "Deadlock found when trying to get lock")
    ...     return "done"
    >>> retrying(flaky, "a test")
    'done'
    >>> calls
    [0, 1, 2]
    """
    global _retried
    for attempt in range(attempts):
        try:
            return action(attempt)
        except Exception as exc:
            code = error_code(exc)
            if code not in codes or attempt == attempts - 1:
                raise
            wait = min(MAX_WAIT, FIRST_WAIT * 2**attempt) * random.uniform(0.5, 1.5)
            with _lock:
                _retried += 1
            logger.info(
                "retry: %s in %s (attempt %d), again in %.3f s", code, what, attempt + 1, wait
            )
            time.sleep(wait)
    raise AssertionError("unreachable")  # the last attempt returned or raised


def run_again_on(*codes: int) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """A decorator: the function (one whole transaction) run again while it fails with one of
    `codes` (see `retrying`)."""

    def decorate(function: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(function)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            name = function.__qualname__
            return retrying(lambda _: function(*args, **kwargs), name, codes=codes)

        return wrapper

    return decorate


#: the function (one whole transaction) run again while it fails with 1213
on_deadlock = run_again_on(DEADLOCK)
