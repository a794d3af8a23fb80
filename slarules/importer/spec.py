"""``kind: Mapping`` YAML -> a checked :class:`~.model.ExportMapping`.

The loader parses safely with positions and checks the JSON Schema; this
module adds what a schema cannot know: that every event, severity level,
support line and pause exists in the contract, that regular expressions and
time formats compile. Every problem is collected and raised together as
:class:`~slarules.errors.RulesInvalid`, each at ``file:line:column``.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import model as m
from ..errors import RuleError, RulesInvalid
from ..events import Rejection, check_record
from ..loader import close_to, read_document
from ..messages import Coded
from ..yamlsource import Document
from ..yamlsource import Path as YPath
from .model import (
    EscalationSpec,
    ExportMapping,
    InputSpec,
    LevelPattern,
    PauseSpec,
    ReportSpec,
    Rule,
    SeveritySpec,
    StatusSpec,
    TimeSpec,
)
from .patterns import PatternError, compile_pattern
from .timeformat import TimeFormat, TimeFormatError

# Defaults when the mapping is silent: SPEC.md's vocabulary and the safest reading.
DEFAULT_MISSING = frozenset({""})
DEFAULT_ENCODING = "utf-8-sig"
# An instant inside any calendar, used only to dry-run events through check_record.
_PROBE_AT = "2000-01-01T00:00:00+00:00"


class _Checker:
    """Builds the model from a schema-valid document, recording located errors."""

    def __init__(self, doc: Document, contract: m.Contract) -> None:
        self.doc = doc
        self.contract = contract
        self.errors: list[RuleError] = []

    def error(self, path: YPath, code: str, **values: object) -> None:
        """An error at ``path``: a code of the catalogues' ``rules:`` words and its values."""
        self.errors.append(RuleError(self.doc.locate(path), code, tuple(values.items()), path))

    def problem(self, path: YPath, exc: Coded) -> None:
        self.errors.append(RuleError(self.doc.locate(path), exc.code, exc.values, path))

    def event(self, path: YPath, name: str) -> str:
        if name not in self.contract.events:
            close = close_to(name, self.contract.events)
            self.error(path, "rules.unknown_event", name=name, close=close)
        return name

    def level(self, path: YPath, name: str) -> str:
        level = self.contract.level(name)
        if level is None:
            names = [lv.id for lv in self.contract.levels]
            known = tuple(f"{lv.id}/{lv.zh}" for lv in self.contract.levels)
            self.error(
                path, "mapping.unknown_level", name=name, close=close_to(name, names), known=known
            )
            return name
        return level.id

    def support_level(self, path: YPath, level: int) -> bool:
        known = tuple(sorted(s.level for s in self.contract.support_levels))
        if known and level not in known:
            self.error(path, "mapping.unknown_support_level", level=level, known=known)
            return False
        return True

    def probe(self, path: YPath, name: str, facts: dict[str, Any]) -> None:
        """Would ``check_record`` accept this event? Catches missing or bad facts up front."""
        if name not in self.contract.events:
            return  # already reported as an unknown event
        record = {"case": "probe", "event": name, "at": _PROBE_AT, **facts}
        checked = check_record(self.contract, record, self.doc.file, 0)
        if isinstance(checked, Rejection):
            self.error(path, "mapping.would_be_rejected", event=name, why=checked.msg)

    # -- sections

    def input(self, raw: dict[str, Any]) -> InputSpec:
        delimiter = raw.get("delimiter", "auto")
        encoding = raw.get("encoding", DEFAULT_ENCODING)
        try:
            "".encode(encoding)
        except LookupError:
            self.error(("input", "encoding"), "mapping.unknown_encoding", encoding=encoding)
        return InputSpec(
            format=raw.get("format", "auto"),
            delimiter=None if delimiter == "auto" else delimiter,
            encoding=encoding,
            missing=DEFAULT_MISSING | {s.strip() for s in raw.get("missing", [])},
            grouped_by_case=raw.get("grouped_by_case", False),
            sort=raw.get("sort", True),
            drop_duplicates=raw.get("duplicates", "drop") == "drop",
            tie_break=tuple(
                [raw["tie_break"]]
                if isinstance(raw.get("tie_break"), str)
                else raw.get("tie_break", [])
            ),
        )

    def time(self, raw: dict[str, Any]) -> TimeSpec:
        tz: Any = self.contract.tz
        if "timezone" in raw:
            try:
                tz = ZoneInfo(raw["timezone"])
            except (ZoneInfoNotFoundError, ValueError):
                self.error(("time", "timezone"), "rules.unknown_zone", zone=raw["timezone"])
        try:
            fmt = TimeFormat.of(raw.get("format", "iso"), tz)
        except TimeFormatError as exc:
            self.problem(("time", "format"), exc)
            fmt = TimeFormat.of("iso", tz)
        return TimeSpec(raw["column"], fmt)

    def status(self, raw: Any) -> StatusSpec:
        if isinstance(raw, str):
            return StatusSpec((raw,), "/")
        return StatusSpec(tuple(raw["columns"]), raw.get("join", "/"))

    def severity(self, raw: dict[str, Any]) -> SeveritySpec:
        values: dict[str, str] = {}
        for key, level in raw.get("values", {}).items():
            folded = key.strip().casefold()
            if folded in values:
                self.error(("severity", "values", key), "mapping.value_twice", value=key)
            values[folded] = self.level(("severity", "values", key), level)
        default = raw.get("default")
        return SeveritySpec(
            column=raw["column"],
            field=raw.get("field", "severity"),
            values=MappingProxyType(values),
            default=None if default is None else self.level(("severity", "default"), default),
            reclassify=raw.get("reclassify", False),
        )

    def report(self, raw: dict[str, Any], severity: SeveritySpec | None) -> ReportSpec:
        event = self.event(("report", "event"), raw.get("event", "reported"))
        facts = dict(raw.get("facts", {}))
        event_type = self.contract.events.get(event)
        if event_type is not None:
            # Report facts come from columns, unknown until import: check presence only.
            given = set(facts) | ({severity.field} if severity is not None else set())
            needed = [f.name for f in event_type.fields.values() if f.required]
            lacking = [name for name in needed if name not in given]
            if lacking:
                self.error(("report",), "mapping.report_needs", event=event, facts=tuple(lacking))
        return ReportSpec(
            event=event,
            time_column=raw.get("time_column"),
            also_map_row=raw.get("also_map_row", True),
            facts=MappingProxyType(facts),
        )

    def statuses(self, raw: Any) -> frozenset[str]:
        items = raw if isinstance(raw, list) else [raw]
        return frozenset(str(s) for s in items)

    def rules(self, raw: list[dict[str, Any]]) -> tuple[Rule, ...]:
        out = []
        for i, item in enumerate(raw):
            path: YPath = ("events", i)
            event = self.event((*path, "event"), item["event"])
            facts = dict(item.get("facts", {}))
            self.probe(path, event, facts)
            statuses = self.statuses(item["status"]) if "status" in item else None
            origin = self.statuses(item["from"]) if "from" in item else None
            if origin is not None and item["when"] != "enter":
                self.error((*path, "from"), "mapping.from_enter")
            out.append(Rule(item["when"], statuses, event, MappingProxyType(facts), origin))
        return tuple(out)

    def pauses(self, raw: list[dict[str, Any]]) -> tuple[PauseSpec, ...]:
        out = []
        pairs = {(p.start_event, p.end_event): pid for pid, p in self.contract.pauses.items()}
        shown = tuple(
            f"{pid} ({p.start_event} -> {p.end_event})" for pid, p in self.contract.pauses.items()
        )
        for i, item in enumerate(raw):
            path: YPath = ("pauses", i)
            has_events = "start" in item or "end" in item
            if "pause" in item:
                if has_events:
                    self.error(path, "mapping.pause_both")
                pause = self.contract.pauses.get(item["pause"])
                if pause is None:
                    self.error(
                        (*path, "pause"),
                        "mapping.unknown_pause",
                        name=item["pause"],
                        close=close_to(item["pause"], self.contract.pauses),
                        pauses=shown or None,
                    )
                    continue
                start, end = pause.start_event, pause.end_event
            elif "start" in item and "end" in item:
                start = self.event((*path, "start"), item["start"])
                end = self.event((*path, "end"), item["end"])
                known = start in self.contract.events and end in self.contract.events
                if known and (start, end) not in pairs:
                    # Events the engine does not pair as a pause would stop no clock.
                    self.error(path, "mapping.not_a_pause", start=start, end=end, pauses=shown)
            else:
                self.error(path, "mapping.pause_needs")
                continue
            out.append(PauseSpec(self.statuses(item["status"]), start, end))
        return tuple(out)

    def escalation(self, raw: dict[str, Any]) -> EscalationSpec:
        event = self.event(("escalation", "event"), raw.get("event", "escalated"))
        field = raw.get("field", "level")
        base = raw.get("base_level", 1)
        self.support_level(("escalation", "base_level"), base)
        levels = []
        for i, item in enumerate(raw["levels"]):
            path: YPath = ("escalation", "levels", i)
            level = item["level"]
            try:
                pattern = compile_pattern(item["match"])
            except PatternError as exc:
                self.problem((*path, "match"), exc)
                continue
            levels.append(LevelPattern(pattern, level))
            if self.support_level((*path, "level"), level):
                self.probe(path, event, {field: level})
        return EscalationSpec(
            column=raw["column"],
            event=event,
            field=field,
            base_level=base,
            when=raw.get("when", "new_high"),
            levels=tuple(levels),
        )


def build_mapping(doc: Document, contract: m.Contract) -> ExportMapping:
    """A schema-valid document -> ExportMapping; RulesInvalid with every semantic error."""
    data = doc.data
    c = _Checker(doc, contract)
    severity = c.severity(data["severity"]) if "severity" in data else None
    mapping = ExportMapping(
        name=data.get("name", Path(doc.file).stem),
        file=doc.file,
        input=c.input(data.get("input", {})),
        case_column=data["case"],
        time=c.time(data["time"]),
        status=c.status(data["status"]),
        report=c.report(data["report"], severity),
        severity=severity,
        rules=c.rules(data.get("events", [])),
        pauses=c.pauses(data.get("pauses", [])),
        escalation=c.escalation(data["escalation"]) if "escalation" in data else None,
        other_statuses=c.statuses(data["other_statuses"])
        if "other_statuses" in data
        else frozenset(),
    )
    if severity is not None and severity.reclassify:
        c.probe(("severity", "reclassify"), "reclassified", {"severity": "critical"})
    if c.errors:
        raise RulesInvalid(sorted(c.errors, key=lambda e: (e.location.line, e.location.column)))
    return mapping


def load_mapping(path: str | os.PathLike[str], contract: m.Contract) -> ExportMapping:
    """Read and check a ``kind: Mapping`` file against the contract's vocabulary.

    Raises :class:`~slarules.errors.RulesInvalid`; each error is ``file:line:column: message``.
    """
    doc = read_document(Path(path), "Mapping")
    return build_mapping(doc, contract)
