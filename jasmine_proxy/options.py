"""The WITH (...) options of a materialization: their values, defaults and validation.

Values arrive as written (`'5 minutes'`, `'a, b'`, `'deferred'`) and are kept in canonical text
form, which is what the catalog stores and `SHOW CREATE MATERIALIZATION` prints. Which options a
strategy accepts is the pattern's business (`Pattern.options`); this module knows what each
option means.

>>> seconds("5 minutes"), seconds("1 hour"), seconds("0 seconds"), seconds("1.5 days")
(300.0, 3600.0, 0.0, 129600.0)
>>> interval_text(90.0), interval_text(3600.0), interval_text(60.0)
('90 seconds', '1 hour', '1 minute')
>>> parse_options({"target_lag": "2 MINUTES", "build": "Deferred"}).given
{'target_lag': '2 minutes', 'build': 'deferred'}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

from jasmine_proxy.errors import UnknownOption, WrongValue

UNITS: Final = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_INTERVAL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(second|minute|hour|day|week)s?\s*", re.IGNORECASE)
_COLUMN = re.compile(r"\s*(?:`((?:[^`]|``)+)`|([^\s,`][^\s,]*))\s*(,|$)")

DEFAULT_TARGET_LAG: Final = 60.0
BUILD_MODES: Final = ("immediate", "deferred")


def seconds(text: str, option: str = "interval") -> float:
    """`'5 minutes'` -> 300.0; `WrongValue` for anything else."""
    match = _INTERVAL.fullmatch(text)
    if not match:
        raise WrongValue(
            f"Incorrect {option} value: '{text}' (expected an interval such as '30 seconds', "
            f"'5 minutes', '1 hour', '1 day'; units: {', '.join(UNITS)})"
        )
    return float(match.group(1)) * UNITS[match.group(2).lower()]


def interval_text(value: float) -> str:
    """The canonical text of an interval in seconds: the largest unit that divides it."""
    for unit, size in sorted(UNITS.items(), key=lambda u: -u[1]):
        count = value / size
        if value and count == int(count):
            n = int(count)
            return f"{n} {unit}" + ("" if n == 1 else "s")
    n_text = f"{value:g}"
    return f"{n_text} second" + ("" if n_text == "1" else "s")


def _interval(name: str) -> Callable[[str], str]:
    return lambda text: interval_text(seconds(text, name))


def column_list(text: str) -> list[str]:
    """`'a, b'` or `'a, `b c`'` (backticks for names with spaces, commas or backticks) as
    names; `WrongValue` for anything else.

    >>> column_list("id, `order date`, `a``b`")
    ['id', 'order date', 'a`b']
    """
    names, pos = [], 0
    while pos < len(text):
        match = _COLUMN.match(text, pos)
        if not match or (match.group(3) == "," and match.end() == len(text)):
            raise WrongValue(
                f"Incorrect unique_key value: '{text}' (expected 'column' or 'a, b'; "
                "backticks around a name with spaces or commas)"
            )
        names.append(match.group(1).replace("``", "`") if match.group(1) else match.group(2))
        pos = match.end()
    if not names:
        raise WrongValue(f"Incorrect unique_key value: '{text}' (expected 'column' or 'a, b')")
    return names


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[^\s,`][^\s,]*", name) else "`" + name.replace("`", "``") + "`"


def _columns(text: str) -> str:
    return ", ".join(_quoted(name) for name in column_list(text))


def _column(text: str) -> str:
    name = text.strip().strip("`")
    if not name or "," in name:
        raise WrongValue(f"Incorrect watermark value: '{text}' (expected one column name)")
    return name


def _build(text: str) -> str:
    mode = text.strip().lower()
    if mode not in BUILD_MODES:
        raise WrongValue(
            f"Incorrect build value: '{text}' (expected {' or '.join(map(repr, BUILD_MODES))})"
        )
    return mode


#: option -> canonicaliser of its value (raises WrongValue)
OPTIONS: Final[dict[str, Callable[[str], str]]] = {
    "target_lag": _interval("target_lag"),
    "unique_key": _columns,
    "watermark": _column,
    "window": _interval("window"),
    "allowed_lateness": _interval("allowed_lateness"),
    "build": _build,
}


@dataclass(frozen=True)
class Options:
    """Validated options: `given` as written (canonical), typed accessors with defaults."""

    given: dict[str, str] = field(default_factory=dict)

    @property
    def target_lag(self) -> float:
        text = self.given.get("target_lag")
        return DEFAULT_TARGET_LAG if text is None else seconds(text)

    @property
    def build(self) -> str:
        return self.given.get("build", "immediate")

    @property
    def unique_key(self) -> tuple[str, ...] | None:
        text = self.given.get("unique_key")
        return None if text is None else tuple(column_list(text))

    @property
    def watermark(self) -> str | None:
        return self.given.get("watermark")

    def merged(self, changes: Mapping[str, str]) -> Options:
        """These options with `changes` (already validated) applied: ALTER ... SET."""
        return Options({**self.given, **changes})


def parse_options(raw: Mapping[str, str]) -> Options:
    """Validate option names and values; unknown names raise `UnknownOption`."""
    given: dict[str, str] = {}
    for name, value in raw.items():
        key = name.lower()
        if key not in OPTIONS:
            raise UnknownOption(f"Unknown option '{name}' (expected one of: {', '.join(OPTIONS)})")
        if key in given:
            raise WrongValue(f"Incorrect option list: '{name}' is given twice")
        given[key] = OPTIONS[key](value)
    return Options(given)


def check_applicable(options: Options, strategy: str, accepted: frozenset[str]) -> None:
    """`UnknownOption` for an option the strategy does not use (spec: that is an error)."""
    for name in options.given:
        if name not in accepted:
            raise UnknownOption(
                f"Option '{name}' does not apply to strategy '{strategy}' "
                f"(it accepts: {', '.join(sorted(accepted)) or 'no options'})"
            )
