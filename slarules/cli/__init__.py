"""The ``slarules`` command: a thin click layer over the library.

Options become plain values; the library does the work; reporters print. One
module per command family; each registers its commands on :data:`main`.
Exit status (SPEC.md): 0 nothing breached, 1 something breached, 2 usage error
or rules that cannot be loaded (or an output that cannot be written), 3 some
records were rejected, 130 interrupted, 141 standard output closed by its
reader, 143 terminated. Documents go out whole or not at all (:mod:`.output`).
"""

from __future__ import annotations

from . import auditing, due, importing, live, report, rules_cmds, testing  # noqa: F401 (registration)
from .common import (
    EXIT_BREACHED,
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_TERMINATED,
    EXIT_USAGE,
    main,
)

__all__ = [
    "EXIT_BREACHED",
    "EXIT_BROKEN_PIPE",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_REJECTED",
    "EXIT_TERMINATED",
    "EXIT_USAGE",
    "main",
]
