"""An ``Assessment`` rules file (2.3.4.4) -> :class:`~slarules.assessment.Assessment`.

Read like every rules file: schema-checked by the loader, then built here with its
cross-references (the obligations it charges) checked, each error at ``file:line:column``.
It may sit in the rules directory, or be named on its own (``--assessment FILE``:
:func:`slarules.loader.load_assessment`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from . import model as m
from .assessment import in_force
from .model import Assessment, Charge
from .yamlsource import Document
from .yamlsource import Path as YPath

ZERO = m.Dated.always(Decimal(0))


def build_assessment(builder: Any, doc: Document, obligations: Iterable[str]) -> Assessment | None:
    """The assessment of a schema-valid document; errors go to the loader's ``builder``."""
    data = doc.data
    known = set(obligations)
    errors_before = len(builder.errors.items)

    def error(path: YPath, code: str, **values: object) -> None:
        builder.errors.at(doc, path, code, **values)

    def amount(path: YPath, raw: Any) -> m.Dated[Decimal] | None:
        if raw is None:
            return None
        if not isinstance(raw, list):
            return m.Dated.always(Decimal(str(raw)))
        starts: list[datetime | None] = []
        values: list[Decimal] = []
        for i, entry in enumerate(raw):
            day = builder.date_of(doc, (*path, i, "from"), entry["from"])
            if day is None:
                return None
            start = datetime(day.year, day.month, day.day, tzinfo=builder.tz)
            if starts and starts[-1] is not None and start <= starts[-1]:
                error((*path, i, "from"), "assessment.dates_out_of_order")
                return None
            starts.append(start)
            values.append(Decimal(str(entry["value"])))
        return m.Dated(tuple(starts), tuple(values))

    charges = []
    seen: set[str] = set()
    for i, raw in enumerate(data["charges"]):
        path: YPath = ("charges", i)
        name = raw["obligation"]
        if name != "*" and name not in known:
            builder.unknown(
                doc, (*path, "obligation"), "assessment.unknown_obligation", name, known
            )
        if name in seen:
            error((*path, "obligation"), "assessment.second_charge", name=name)
        seen.add(name)
        if "per_breach" not in raw and "per_hour_late" not in raw:
            error(path, "assessment.no_amount")
        charges.append(
            Charge(
                name,
                amount((*path, "per_breach"), raw.get("per_breach")) or ZERO,
                amount((*path, "per_hour_late"), raw.get("per_hour_late")) or ZERO,
                amount((*path, "at_most"), raw.get("at_most")),
            )
        )
    full = amount(("full",), data.get("full"))
    cap = amount(("cap",), data.get("cap"))
    floor = amount(("floor",), data.get("floor"))
    if floor is not None and full is None:
        error(("floor",), "assessment.floor_without_full")
    if floor is not None and full is not None:
        days = sorted({s for s in (*full.starts, *floor.starts) if s is not None})
        for day in days:
            low, high = in_force(floor, day), in_force(full, day)
            if low is not None and high is not None and low > high:
                error(("floor",), "assessment.floor_above_on", low=low, high=high, day=day.date())
                break
        if (
            None in floor.starts[:1]
            and None in full.starts[:1]
            and floor.values[0] > full.values[0]
        ):
            error(("floor",), "assessment.floor_above", low=floor.values[0], high=full.values[0])
    if len(builder.errors.items) > errors_before:
        return None
    loc = doc.locate(())
    return Assessment(
        id=data["id"],
        title=m.Text(data["title"]["zh"], data["title"]["en"]),
        clause=data["clause"],
        unit=data["unit"],
        charges=tuple(charges),
        late_hours=data.get("late_hours", "started"),
        full=full,
        cap=cap,
        floor=floor,
        source=loc.file,
    )
