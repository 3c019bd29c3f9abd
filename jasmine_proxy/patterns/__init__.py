"""ETL patterns, one module each, registered by name.

A pattern turns a `Definition` (the parsed CREATE MATERIALIZATION, options validated) into a
`Plan`: the objects it owns and the operations each lifecycle event runs. Compiling is pure: no
backend is touched. `obstacle(d)` says why the pattern cannot maintain a query (None when it can);
`auto` uses it to choose, and an explicit USING reports it as the error.

Adding a pattern: a module here with a class satisfying `Pattern`, decorated with `@register`,
and imported at the bottom of this file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlglot import exp

from jasmine_proxy.analysis import Analysis
from jasmine_proxy.errors import UnknownStrategy
from jasmine_proxy.options import Options
from jasmine_proxy.plan import Name, Plan


@dataclass(frozen=True)
class Definition:
    """What the user asked for, resolved: the name, the query, the options."""

    name: Name
    query_text: str  # the SELECT exactly as written (MySQL dialect)
    query: exp.Query  # its sqlglot tree
    default_schema: str | None  # the current database when it was defined
    options: Options
    requested: str  # the strategy as requested ("auto" when USING was not given)
    analysis: Analysis | None = None  # what the query is made of (None: not analysed)
    backend: str | None = None  # the backend it would run on (None: not known)

    def obstacle(self, strategy: str) -> str | None:
        """What keeps `strategy` from maintaining the query, from the analysis."""
        return None if self.analysis is None else self.analysis.obstacle(strategy)


class Pattern(Protocol):
    name: str
    options: frozenset[str]
    summary: str

    def obstacle(self, d: Definition) -> str | None: ...

    def compile(self, d: Definition) -> Plan: ...


P = TypeVar("P", bound=Pattern)
PATTERNS: dict[str, Pattern] = {}
#: every strategy of the contract, registered or not, in the order `auto` prefers them
STRATEGIES = ("view", "snapshot", "incremental", "trigger", "window_join", "auto")


def register(pattern: type[P]) -> type[P]:
    instance = pattern()
    PATTERNS[instance.name] = instance
    return pattern


def get(name: str) -> Pattern:
    try:
        return PATTERNS[name.lower()]
    except KeyError:
        if name.lower() in STRATEGIES:
            raise UnknownStrategy(
                f"Strategy '{name}' is not available in this version "
                f"(available: {', '.join(sorted(PATTERNS))})"
            ) from None
        raise UnknownStrategy(
            f"Unknown strategy '{name}' (expected one of: {', '.join(sorted(PATTERNS))})"
        ) from None


def internal(name: Name, role: str) -> Name:
    """The name of an internal object: `_jasmine_<name>_<digest>_<role>`, within MySQL's 64
    characters, the same every time for the same materialization (recovery relies on it)."""
    digest = hashlib.sha1(f"{name.schema}.{name.name}".encode()).hexdigest()[:8]
    return Name(name.schema, f"_jasmine_{name.name[:32]}_{digest}_{role}")


# registration (each module registers its pattern)
from jasmine_proxy.patterns import (  # noqa: E402, F401
    auto,
    incremental,
    snapshot,
    trigger,
    view,
    window_join,
)
