"""What an obligation kind is: one class in one module, registered by its ``type``.

A kind holds everything about itself: its id (the rules' ``type:``), its schema
fragment, its model class, how the loader builds it from YAML, which events it
watches, the terms it holds, and its evaluation. The loader, the engine,
``terms_at`` and ``due`` ask the registry (:mod:`slarules.kinds`), never a kind by
name; adding a kind is its module and its schema fragment.

Two scopes: a ``case`` kind is a clock on one case (started by an event of the
case); a ``window`` kind is a duty over the audit window's periods (an
inspection each month, a service level over a month's calls).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, Protocol

from .. import model as m
from ..clocks import Interval
from ..durations import Duration
from ..events import Event
from ..results import Finding, Msg, Ref, Values

if TYPE_CHECKING:
    from ..case import Case
    from ..columnar.sql import Plan
    from .common import Context
    from .window import WindowContext

Units = tuple[str, ...]
# What a clock's durations may be written in (a 24x7 clock counts no days).
CLOCK_UNITS: Mapping[str, Units] = {
    "elapsed": ("s", "min", "h"),
    "calendar_days": ("d",),
    "working_days": ("wd",),
    "working_time": ("wd",),
}


class Place(Protocol):
    """An obligation's entry in its rules file, as a kind's ``build`` reads it.

    Each method reads a key of the entry (``raw``), checks it against the rest of
    the contract and records a located error when it is wrong (the load then
    fails with every error); it still returns a value so building can go on.
    """

    @property
    def raw(self) -> Mapping[str, Any]:
        """The entry as the YAML has it (schema-valid)."""

    def event(self, *path: str | int) -> str:
        """An event name, or a reading whose value is one."""

    def events(self, key: str) -> tuple[str, ...]:
        """A list of event names."""

    def budget(self, key: str, units: Units) -> m.Budget:
        """A duration, or a table by severity or band; cells may be ``n/a``."""

    def dated(self, path: tuple[str | int, ...], units: Units | None, what: str) -> Any:
        """A duration, or a list of values by date of effect (``m.Dated[Duration]``);
        ``what`` names the term in an error (a code of the catalogues' ``rules:``
        words, ``term.interval``), which must be more than 0."""

    def severities(self, *path: str | int) -> tuple[str, ...]:
        """Severity ids (every one must exist)."""

    def obligation(self, *path: str | int) -> str:
        """Another obligation's id (it must exist)."""

    def reading(self, *path: str | int) -> str:
        """A reading's name (it must exist)."""

    def error(self, path: tuple[str | int, ...], code: str, **values: object) -> None:
        """Record an error at a key of the entry: a code of the ``rules:`` words, its values."""


class Clocked(NamedTuple):
    """A clock with one budget that a start event starts: what ``slarules due`` shows."""

    start: str
    clock: str
    budget: m.Budget
    applies: tuple[str, ...] = ()


class Running(NamedTuple):
    """A clock that is still running, as ``slarules open`` shows it (see :meth:`Kind.running`)."""

    start: datetime  # when it began counting (a summary's: when its period ended)
    step: Ref | Msg  # what ends it, in words: the step someone has to take
    awaits: tuple[str, ...]  # the events that would end it
    pauses: Sequence[Interval] = ()  # the time it does not count


Watch = Callable[[Event], bool] | None  # which events of a name a window kind reads (None: all)


class Kind:
    """An obligation kind. Subclasses set the class attributes and override what they do."""

    type: ClassVar[str]
    scope: ClassVar[str] = "case"  # "case" | "window"
    # The schema fragment of its entries: a file stem in slarules/schemas/kinds/, or
    # the fragment itself (a dict); its $refs point at the Obligations schema's
    # definitions (duration, budget, title, ...).
    schema: ClassVar[str | dict[str, Any]]
    model: ClassVar[builtins.type[m.Obligation]]

    def build(self, place: Place, base: dict[str, Any]) -> m.Obligation:
        """The model object of an entry; ``base`` holds what every obligation has."""
        raise NotImplementedError

    def terms(self, ob: m.Obligation, instant: datetime) -> dict[str, Duration | None]:
        """Every budget, interval and threshold in force at ``instant`` (None: 不适用)."""
        return {}

    def counts_days(self, ob: m.Obligation) -> bool:
        """Whether it counts days on the calendar (so needs the calendar's years)."""
        return self.scope == "window"

    # What the tools around the engine ask of an obligation (the words, the lint, the
    # monthly summary), so that none of them reads a kind's own attributes.

    def sections(self, ob: m.Obligation) -> Mapping[str, m.Text]:
        """The sections it requires an event to carry, by key (``Ref("section", key)``)."""
        return {}

    def conflict(self, ob: m.Obligation) -> tuple[str, str] | None:
        """(the obligation it may conflict with, the reading that decides), if any."""
        return None

    def per_device(self, ob: m.Obligation) -> bool:
        """Whether it is asked of every device (a result per device and period)."""
        return False

    def share(self, ob: m.Obligation) -> bool:
        """Whether its results are shares over periods (a service level), not clocks."""
        return False

    def running(
        self, ctx: Context, ob: m.Obligation, finding: Finding, case: Case | None
    ) -> Running | None:
        """For a finding not done by the as-of time (pending, or overdue) and with a due
        time: how its clock runs, or None when nothing can still end it (a period that
        is over) or it is no clock (a share, a check). ``case`` is the case it is about
        (None for a duty over the window)."""
        return None

    # -- case kinds

    def starts(self, ob: m.Obligation) -> str:
        """The event that starts its clock: a case without one has no result for it."""
        raise NotImplementedError

    def clocked(self, ob: m.Obligation) -> Clocked | None:
        """The single-budget clock ``due`` can show, if it is one."""
        return None

    def compile(self, ctx: Context, ob: m.Obligation) -> Callable[[Case], list[Finding]]:
        """An evaluator of one case, with what does not depend on the case worked out once."""
        raise NotImplementedError

    # -- window kinds

    def evidence(self, ob: m.Obligation) -> tuple[str, ...]:
        """The events whose presence in the logs shows the duty is recorded there."""
        return ()

    def watches(self, ob: m.Obligation) -> dict[str, Watch]:
        """The events it reads over the window, each with a filter (None: every one)."""
        return dict.fromkeys(self.evidence(ob))

    def evaluate(self, wc: WindowContext, ob: m.Obligation) -> list[Finding]:
        """Its findings over the window's periods."""
        raise NotImplementedError

    # -- the columnar engine

    def query(self, plan: Plan, ob: m.Obligation) -> None:
        """Add the statements that compute its results to ``plan`` (see
        :mod:`slarules.columnar.sql`): the same findings as the Python evaluation."""
        raise NotImplementedError

    def row_details(
        self, ob: m.Obligation, row: Mapping[str, Any]
    ) -> tuple[tuple[str, object], ...]:
        """A finding's details (counts, lengths), from a result row of the columnar engine."""
        return ()

    def row_values(
        self, contract: m.Contract, ob: m.Obligation, code: str, row: Mapping[str, Any]
    ) -> Values:
        """The values of a reason, from a result row of the columnar engine."""
        return na_values(code, row)


def na_values(code: str, row: Mapping[str, Any]) -> Values:
    """The values of the budget's not-applicable reasons (see ``pick_budget``)."""
    if code in ("na.level_excluded", "na.no_level_cell"):
        return (("level", Ref("level", row["v_level"] or "")),)
    if code == "na.beyond_bands":
        site = row["v_site"]
        return (("site", Ref("site", site) if site else ""), ("km", row["v_km"]))
    if code == "na.no_band_cell":
        return (("band", Ref("band", row["v_band"])),)
    return ()


def dated_terms(
    instant: datetime, **values: m.Dated[Duration] | None
) -> dict[str, Duration | None]:
    """The values in force at ``instant`` of some dated terms (those that are set)."""
    return {name: value.at(instant) for name, value in values.items() if value is not None}


def budget_terms(budget: m.Budget, instant: datetime) -> dict[str, Duration | None]:
    """A budget's cells in force at ``instant``, by key (``""`` for a single value)."""
    return {key: None if cell is None else cell.at(instant) for key, cell in budget.cells.items()}
