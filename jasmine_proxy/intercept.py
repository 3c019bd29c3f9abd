"""The cheap check: is this COM_QUERY one of Jasmine's extended statements?

It looks only at the first bytes of the statement text and never parses: everything it says no
to is relayed to the backend untouched. Comments and any whitespace may sit between keywords,
and keywords are matched in any case, as the grammar allows.

>>> is_extended(b"create /* nightly */ Materialization m AS SELECT 1")
True
>>> is_extended(b"SELECT * FROM materialization")
False
"""

from __future__ import annotations

import re

#: How many bytes of a statement the check needs to see (longer leading comments: relayed).
PEEK = 512

_GAP = rb"(?:\s|/\*(?!!).*?\*/|\#[^\n]*(?:\n|$)|--[ \t][^\n]*(?:\n|$)|--(?:\n|$))"
_EXTENDED = re.compile(
    rb"%s*(?:create|alter|refresh|drop|explain%s+create|show(?:%s+create)?)%s+materializations?\b"
    % (_GAP, _GAP, _GAP, _GAP),
    re.IGNORECASE | re.DOTALL,
)

#: Bytes an extended statement can start with; anything else is decided in one comparison.
_FIRST = frozenset(b"cCaArRdDeEsS \t\r\n/#-")


def is_extended(statement: bytes | bytearray | memoryview) -> bool:
    """True if `statement` (the text of a COM_QUERY, or its first PEEK bytes) is Jasmine's."""
    if not statement or statement[0] not in _FIRST:
        return False
    return _EXTENDED.match(bytes(statement[:PEEK])) is not None


def might_be_extended(first_byte: int) -> bool:
    """False when a statement starting with this byte cannot be Jasmine's."""
    return first_byte in _FIRST
