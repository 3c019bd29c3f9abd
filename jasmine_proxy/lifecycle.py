"""The lifecycle of a materialization: one explicit table of states x events.

    defined --verify--> verified --create--> live <--pause/resume--> paused
    any state --(an error that needs a person)--> failed;  any state --drop--> dropped

`TABLE[state][event]` is the state an event leads to; a pair missing from the table is refused
with `IllegalStep` and changes nothing. The table is data, printed in the docs and tested pair by
pair, so that what STEP allows is never decided by scattered `if`s.

While an event runs, the catalog records it as the materialization's `step` (an intermediate
state); a process that dies half-way leaves it there, and recovery runs the same event again.
Every event is written so that running it again converges (DROP ... IF EXISTS before CREATE, a
swap that checks what exists), so "again" is always safe.

>>> target("defined", "verify")
'verified'
>>> target("live", "pause")
'paused'
>>> next_event("verified")
'create'
"""

from __future__ import annotations

from typing import Final

from jasmine_proxy.errors import IllegalStep

STATES: Final = ("defined", "verified", "live", "paused", "failed", "dropped")
EVENTS: Final = ("verify", "create", "refresh", "check", "pause", "resume", "rebuild", "drop")

#: state -> {event: state after the event}. `failed` resumes to the state it failed from; that
#: is decided at run time (see `resume_target`), so the table says "resume" -> "live" only as the
#: common case and the runner consults the recorded state.
TABLE: Final[dict[str, dict[str, str]]] = {
    "defined": {"verify": "verified", "drop": "dropped"},
    "verified": {"verify": "verified", "create": "live", "drop": "dropped"},
    "live": {
        "verify": "live",
        "refresh": "live",
        "check": "live",
        "pause": "paused",
        "rebuild": "live",
        "drop": "dropped",
    },
    "paused": {
        "verify": "paused",
        "check": "paused",
        "resume": "live",
        "rebuild": "paused",
        "drop": "dropped",
    },
    "failed": {"verify": "failed", "resume": "live", "rebuild": "live", "drop": "dropped"},
    "dropped": {},
}

#: what `STEP` with no event runs in each state
NEXT: Final[dict[str, str]] = {
    "defined": "verify",
    "verified": "create",
    "live": "refresh",
    "paused": "resume",
    "failed": "resume",
}

#: why an event is refused in a state, when a hint helps more than the bare refusal
_HINTS: Final[dict[tuple[str, str], str]] = {
    ("defined", "create"): "run STEP verify first",
    ("paused", "refresh"): "it is paused: RESUME it first",
    ("live", "create"): "its objects exist already: use REBUILD to build them again",
    ("live", "resume"): "it is not paused",
    ("verified", "refresh"): "it has no data yet: run STEP create first",
}


def target(state: str, event: str) -> str:
    """The state `event` leads to from `state`; `IllegalStep` if the table has no such pair."""
    if event not in EVENTS:
        raise IllegalStep(
            f"unknown lifecycle event {event!r}; expected one of: {', '.join(EVENTS)}"
        )
    try:
        return TABLE[state][event]
    except KeyError:
        allowed = ", ".join(TABLE.get(state, {})) or "none"
        hint = _HINTS.get((state, event))
        why = f": {hint}" if hint else ""
        raise IllegalStep(
            f"event {event!r} is not allowed in state {state!r}{why} (allowed: {allowed})"
        ) from None


def next_event(state: str) -> str:
    """The event `STEP` with no event runs in `state`."""
    try:
        return NEXT[state]
    except KeyError:
        raise IllegalStep(f"no lifecycle event is due in state {state!r}") from None


def resume_target(failed_from: str | None, objects_exist: bool) -> str:
    """Where `resume` takes a failed materialization: back to where it failed, as far as its
    objects allow (a live or paused one whose objects are gone must be created again)."""
    if failed_from in ("live", "paused") and objects_exist:
        return "live"
    if failed_from == "defined":
        return "defined"
    return "verified"


def table_rows() -> list[tuple[str, str, str]]:
    """Every (state, event, outcome) pair, the outcome being a state or 'refused'."""
    return [
        (state, event, TABLE[state].get(event, "refused")) for state in STATES for event in EVENTS
    ]
