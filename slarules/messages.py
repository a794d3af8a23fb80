"""Messages as data: a code and its values, never words.

Everything slarules says (a finding's reason, a rejected record, a rules error, a
file that cannot be read) is a code such as ``record.unknown_event`` with the
values it needs: names of the contract as :class:`Ref`, times as datetimes,
other things as plain ids, strings and numbers, a message inside another as
:class:`Msg`. :mod:`slarules.wording` turns them into Chinese or English where
they are written out (reporters, the command line); the core makes no words.

Without the wording module a message shows as its code and values
(:func:`describe`): ``record.unknown_event (event='respnded', close='responded')``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple, TypeAlias


class Ref(NamedTuple):
    """A name the contract gives (shown by its title in each language).

    ``kind`` is one of ``event``, ``obligation``, ``level``, ``band``, ``site``,
    ``device``, ``clock``, ``section`` (a required section of a report, by key),
    or a kind of word of the catalogues (``fact``, ``op``, ``type``).
    """

    kind: str
    id: str


class Msg(NamedTuple):
    """A piece of wording inside another: a code and its values."""

    code: str
    values: Values = ()


# (name, value) pairs: a tuple, so a finding's values can be one shared constant.
Values: TypeAlias = tuple[tuple[str, object], ...]
NO_VALUES: Values = ()


def plain(value: object) -> str:
    """A value as :func:`describe` shows it: text quoted, a name by its id, times in ISO."""
    if isinstance(value, Ref):
        return value.id
    if isinstance(value, Msg):
        return describe(value.code, value.values)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(plain(v) for v in value) + "]"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def describe(code: str, values: Values = ()) -> str:
    """``code (name=value, ...)``: a message without words (values that are None left out)."""
    shown = ", ".join(f"{name}={plain(value)}" for name, value in values if value is not None)
    return f"{code} ({shown})" if shown else code


class Coded(Exception):
    """An error that is a code and values (see :func:`describe`); the words are the
    wording module's (``Words(lang).problem(error)``)."""

    def __init__(self, code: str, values: Values = (), **more: object) -> None:
        values = (*values, *more.items())
        super().__init__(code, values)  # args: what pickling rebuilds it from
        self.code = code
        self.values = values

    @property
    def msg(self) -> Msg:
        return Msg(self.code, self.values)

    def __str__(self) -> str:
        return describe(self.code, self.values)


class Problem(Coded, ValueError):
    """A value that cannot be used (a bad time, a bad duration ...): a ValueError with a code."""
