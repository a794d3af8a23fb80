"""The library's façade: the contract with what one does with it.

:class:`Contract` is the model's :class:`~slarules.model.Contract` (the same
frozen data) plus the calls a tool makes: ``due``, ``audit``, ``open_clocks``,
``next_deadline``, ``terms_at``. It
lives here, not in the model, so that the model imports no engine: data flows
one way (rules -> model -> engine -> results) and the package has no import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any

from . import model as m
from .durations import Duration
from .engine import AuditReport, Deadline, audit_records, due_for
from .kinds import KINDS
from .live import OpenClock, OpenReport, open_records, soonest


class Contract(m.Contract):
    """A loaded contract: its terms (see :class:`slarules.model.Contract`) and its calls."""

    @classmethod
    def of(cls, contract: m.Contract) -> Contract:
        """The façade over a model contract (the loader builds the model)."""
        if isinstance(contract, cls):
            return contract
        return cls(**{f.name: getattr(contract, f.name) for f in fields(contract)})

    def due(self, obligation: str, start: datetime, **facts: Any) -> Deadline:
        """When ``obligation`` is due for a clock started at ``start``.

        Facts: ``severity`` (id or 特大/重大/严重/一般), ``site`` (沈阳, dalian, ...),
        ``distance_km``.
        """
        return due_for(self, obligation, start, **facts)

    def audit(
        self,
        records: Iterable[Mapping[str, Any]],
        as_of: datetime | None = None,
        *,
        explain: bool = False,
        window: tuple[datetime | None, datetime | None] = (None, None),
        only: Iterable[str] | None = None,
        judge_all: bool = False,
    ) -> AuditReport:
        """Audit event records (mappings shaped like SPEC.md's log lines).

        Records that cannot be used are rejected with their index (1-based) as line;
        records timed after ``as_of`` are not used (counted in ``after_as_of``).
        ``as_of`` defaults to now; ``explain`` builds each result's steps; ``window``
        (start, end) bounds the periodic duties' periods (default: the months the
        records cover); ``only`` limits the audit to these obligation ids;
        ``judge_all`` judges the periodic duties that the records hold no event of
        too (by default they are listed in ``unjudged``).
        """
        when = as_of or datetime.now(self.tz)
        return audit_records(
            self, records, when, explain=explain, window=window, only=only, judge_all=judge_all
        )

    def audit_table(
        self,
        records: Iterable[Mapping[str, Any]] | None = None,
        as_of: datetime | None = None,
        *,
        logs: Iterable[str] = (),
        lang: str = "en",
        reasons: bool = False,
        only: Iterable[str] | None = None,
        only_breaches: bool = False,
        judge_all: bool = False,
        threads: int | None = None,
    ) -> Any:
        """The audit's verdict table as a ``pyarrow.Table``, for pandas and polars users
        (``table.to_pandas()``, ``polars.from_arrow(table)``).

        Of in-memory ``records`` (as :meth:`audit`; results in case order) or of the log
        files ``logs`` (JSON Lines, CSV, Parquet: loaded straight into DuckDB; results in
        the order the command line gives). One row per result, the columns of
        ``slarules audit --format parquet``: ``case``, ``obligation``, ``clause``,
        ``status``, ``start``/``due``/``done`` (timestamps in the contract's zone),
        ``late_by_seconds``, ``margin_seconds``, ``occurrence``, ``period``, ``title``
        (in ``lang``), ``reason_code``, ``clock``, ``budget``, and with ``reasons`` the
        reason in ``lang``. Rejected records are not rows: the table's
        ``schema.metadata`` counts them (``read``, ``rejected``). The columnar engine
        computes it when the contract's zone keeps one UTC offset, else the Python
        engine (the same rows).
        """
        from .verdict_tables import audit_table

        when = as_of or datetime.now(self.tz)
        return audit_table(
            self,
            records,
            list(logs),
            when,
            lang=lang,
            reasons=reasons,
            only=only,
            only_breaches=only_breaches,
            judge_all=judge_all,
            threads=threads,
        )

    def open_clocks(
        self,
        records: Iterable[Mapping[str, Any]],
        now: datetime | None = None,
        *,
        judge_all: bool = False,
    ) -> OpenReport:
        """Every clock still running at ``now`` (default: the current time), as the log
        stood then, sorted by time left: :class:`~slarules.live.OpenClock` objects (case,
        obligation, clause, start, due, time left, share of the budget used, the warning
        threshold passed, the step that ends it). The report also counts the records
        (``read``, ``used``, ``rejected`` ...), as :meth:`audit` does.
        """
        when = now or datetime.now(self.tz)
        return open_records(self, records, when, judge_all=judge_all)

    def next_deadline(
        self, case_records: Iterable[Mapping[str, Any]], now: datetime | None = None
    ) -> OpenClock | None:
        """The next deadline of one case (a tool that tracks one ticket): its running clock
        due first, an overdue one included, or None when none runs at ``now``.

        ``case_records`` are that case's records; records of another case, or a record
        that cannot be used, raise ValueError (nothing is left out silently).
        """
        records = list(case_records)
        cases = {str(r.get("case")) for r in records}
        if len(cases) > 1:
            raise ValueError(f"records of one case expected, got {len(cases)}: {sorted(cases)}")
        report = self.open_clocks(records, now)
        if report.rejected:
            raise ValueError(str(report.rejected[0]))
        return soonest([c for c in report if c.case in cases])

    def terms_at(self, instant: datetime) -> dict[str, dict[str, Duration | None]]:
        """Every budget, interval and threshold in force at ``instant``, by obligation.

        Keys are a table's (severity or band ids), ``""`` for a single budget, or the
        term's name (``interval``, ``at_least`` ...); None is the contract's 不适用. A
        case runs under the terms in force at its start.
        """
        out: dict[str, dict[str, Duration | None]] = {}
        for ob in self.obligations:
            terms = KINDS[ob.type].terms(ob, instant)
            if terms:
                out[ob.id] = terms
        return out
