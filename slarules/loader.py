"""Rules directory -> validated, frozen :class:`~slarules.model.Contract`.

Every file is parsed safely with positions, checked against its kind's JSON
Schema, then built into the model with cross-references checked. All errors
of a run are collected and raised together as :class:`RulesInvalid`, each
pointing at ``file:line:column``.
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from . import model as m
from .calendar import WorkCalendar
from .conditions import All, Any_, Compare, Condition, Not
from .durations import Duration, DurationError, parse_duration
from .errors import Location, RuleError, RulesInvalid, short_repr
from .kinds import KINDS
from .messages import Coded, Msg, Problem, Ref, Values
from .schemas import RULE_KINDS, load_schema
from .yamlsource import Document, fullwidth_error, parse_yaml
from .yamlsource import Path as YPath

T = TypeVar("T")

API_VERSION = "slarules/v1"
REQUIRED_KINDS = ("Contract", "SeverityLevels", "Sites", "Events", "Calendar", "Obligations")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ENV_RULES = "SLARULES_RULES"
# A rules, mapping or test-case file is a few KB of hand-written YAML (the generated calendar,
# the largest, is under 40 KB); anything past this limit of the tool is refused unread.
MAX_FILE_BYTES = 10 * 2**20


def bundled_rules_dir() -> Path:
    """The contract installed with the package (or ``rules/`` in a checkout)."""
    try:
        from importlib import resources

        path = Path(str(resources.files("slarules.rules")))
        if path.is_dir() and any(path.glob("*.yaml")):
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "rules"


def bundled_mappings_dir() -> Path:
    """The export mappings installed with the package (or ``mappings/`` in a checkout)."""
    try:
        from importlib import resources

        path = Path(str(resources.files("slarules.mappings")))
        if path.is_dir() and any(path.glob("*.yaml")):
            return path
    except ModuleNotFoundError:
        pass
    return Path(__file__).resolve().parent.parent / "mappings"


def resolve_rules_dir(rules: str | os.PathLike[str] | None = None) -> Path:
    if rules is not None:
        return Path(rules)
    env = os.environ.get(ENV_RULES)
    return Path(env) if env else bundled_rules_dir()


def close_to(word: object, choices: Iterable[object]) -> str | None:
    """The closest of ``choices`` to a mistyped ``word`` (for a "did you mean"), or None."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


class _Errors:
    def __init__(self) -> None:
        self.items: list[RuleError] = []
        self.unread = 0  # rules files that could not be read or parsed (their kind is unknown)

    def at(
        self, doc: Document, path: YPath, code: str, *, on_key: bool = False, **values: object
    ) -> None:
        """An error at ``path`` of the document: a code of the ``rules:`` words and its values."""
        self.items.append(
            RuleError(doc.locate(path, key=on_key), code, tuple(values.items()), path)
        )

    def values_at(self, doc: Document, path: YPath, code: str, values: Values) -> None:
        self.items.append(RuleError(doc.locate(path), code, values, path))

    def problem(self, doc: Document, path: YPath, exc: Coded) -> None:
        """An error that a value's own check raised (a bad duration, a calendar's days)."""
        self.values_at(doc, path, exc.code, exc.values)

    def extend(self, errors: Iterable[RuleError]) -> None:
        self.items.extend(errors)


# ---------------------------------------------------------------- schema stage


def _schema_errors(doc: Document, schema: dict[str, Any], errors: _Errors) -> None:
    validator = Draft7Validator(schema)
    for error in sorted(validator.iter_errors(doc.data), key=lambda e: list(map(str, e.path))):
        _report_schema_error(doc, _deepest(error), errors)


def _deepest(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf failures, the branch error that explains most."""
    while error.context:
        # The branch that got furthest into the document is the one the author meant.
        error = max(
            error.context,
            key=lambda e: (len(e.absolute_path), e.validator not in ("type", "const", "required")),
        )
    return error


_ID_PATTERN = "^[a-z][a-z0-9_]*$"


def _where(doc: Document, path: YPath) -> object:
    """Where in the document, as an error names it: ``obligations[remote_response].budget``."""
    return doc.where(path) or Msg("schema.document")


def _report_schema_error(doc: Document, error: ValidationError, errors: _Errors) -> None:
    """A JSON Schema error as a code and values. jsonschema's own (English) message is kept
    only for what no code here covers (``schema.other``), as a value."""
    path: YPath = tuple(error.absolute_path)
    if error.validator not in ("maxLength", "minLength") and _fullwidth(
        doc, path, error.instance, errors
    ):
        return
    where = _where(doc, path)
    schema: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    expected: Any = error.validator_value
    validator = error.validator
    instance = error.instance
    on_key = "propertyNames" in error.schema_path
    if validator == "additionalProperties" and isinstance(instance, dict):
        allowed = schema.get("properties", {})
        for key in instance:
            if key not in allowed:
                errors.at(
                    doc,
                    (*path, key),
                    "schema.unknown_key",
                    on_key=True,
                    key=key,
                    where=where,
                    close=close_to(key, allowed),
                )
        return
    if validator == "maxLength" and isinstance(instance, str):
        errors.at(
            doc,
            (*path, instance) if on_key else path,
            "schema.key_too_long" if on_key else "schema.value_too_long",
            on_key=on_key,
            where=where,
            length=len(instance),
            limit=expected,
        )
        return
    if validator == "minLength" and isinstance(instance, str):
        errors.at(doc, path, "schema.empty", where=where)
        return
    if validator == "required" and isinstance(instance, dict):
        missing = [k for k in expected if k not in instance]
        named = next(
            (k for k in missing if repr(k) in error.message), missing[0] if missing else ""
        )
        errors.at(doc, path, "schema.required", where=where, key=named)
        return
    if validator in ("enum", "const"):
        choices = expected if validator == "enum" else [expected]
        errors.at(
            doc,
            path,
            "schema.not_one_of",
            where=where,
            got=instance,
            choices=tuple(choices),
            close=close_to(instance, choices),
        )
        return
    if validator == "pattern" and isinstance(instance, str):
        if "wd" in expected:
            try:
                parse_duration(instance)
            except DurationError as exc:
                errors.at(doc, path, "schema.at", where=where, problem=exc.msg)
                return
        if "%" in expected:
            errors.at(doc, path, "schema.not_share", where=where, got=instance)
            return
        if r"\d{4}-\d{2}-\d{2}" in expected:
            errors.at(doc, path, "schema.bad_date", where=where, got=instance)
            return
        if expected == _ID_PATTERN:
            errors.at(
                doc,
                (*path, instance) if on_key else path,
                "schema.not_id",
                on_key=on_key,
                where=where,
                got=instance,
            )
            return
        if expected == r"^\d{4}$":
            errors.at(
                doc,
                (*path, instance) if on_key else path,
                "schema.not_year",
                on_key=on_key,
                where=where,
                got=instance,
            )
            return
    if validator == "type":
        types = expected if isinstance(expected, list) else [expected]
        errors.at(
            doc,
            path,
            "schema.type",
            where=where,
            expected=tuple(Ref("type", str(t)) for t in types),
            got=instance,
        )
        return
    if validator == "minItems" and isinstance(instance, list):
        errors.at(doc, path, "schema.too_few", where=where, limit=expected, count=len(instance))
        return
    if validator == "minProperties" and isinstance(instance, dict):
        errors.at(doc, path, "schema.too_few_keys", where=where, limit=expected)
        return
    if validator in ("minimum", "maximum"):
        code = "schema.minimum" if validator == "minimum" else "schema.maximum"
        errors.at(doc, path, code, where=where, got=instance, limit=expected)
        return
    if validator == "uniqueItems" and isinstance(instance, list):
        twice = next((x for i, x in enumerate(instance) if x in instance[:i]), None)
        errors.at(doc, path, "schema.repeated", where=where, got=twice)
        return
    # The last resort: jsonschema's own words (English), cut short where they quote the value.
    message = error.message
    if len(message) > 200:
        message = message.replace(repr(instance), short_repr(instance))
    errors.at(doc, path, "schema.other", where=where, why=message)


def _fullwidth(doc: Document, path: YPath, instance: object, errors: _Errors) -> bool:
    """A value (or key) that fails the schema because a full-width colon, comma,
    semicolon or space stands where YAML needs ASCII: named as such, at the character."""
    texts = [instance] if isinstance(instance, str) else []
    if isinstance(instance, dict):
        texts += [key for key in instance if isinstance(key, str)]
    if not any(fullwidth_error(text) is not None for text in texts):
        return False
    where = doc.locate(path)
    found = doc.fullwidth_on(where.line)
    if found is None:
        return False
    column, code = found
    errors.items.append(RuleError(Location(where.file, where.line, column), code, (), path))
    return True


# ---------------------------------------------------------------- file stage


def _odd_path(path: Path, exc: OSError) -> Msg:
    """Why a path cannot be opened (a loop, a dangling link, a missing file)."""
    if exc.errno == errno.ELOOP:
        return Msg("rules.link_loop")
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return Msg("rules.dangling_link", (("target", os.readlink(path)),))
    if isinstance(exc, FileNotFoundError):
        return Msg("rules.no_such_file")
    return Msg("rules.os_error", (("why", exc.strerror or str(exc)),))


def _error(where: Location, msg: Msg) -> RuleError:
    return RuleError(where, msg.code, msg.values)


def _too_big(where: Location, size: int) -> RuleError:
    mib = round(size / 2**20, 1)
    return RuleError(where, "rules.too_big", (("size", mib), ("limit", MAX_FILE_BYTES // 2**20)))


def _read_at_most(stream: Any, limit: int) -> bytes:
    """Up to ``limit`` bytes, read in pieces: ``read(limit)`` would reserve all of it at once."""
    parts: list[bytes] = []
    size = 0
    while size < limit:
        part = stream.read(min(1 << 16, limit - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _read_file(path: Path, *, regular_only: bool) -> bytes | RuleError:
    """A YAML file's bytes (at most MAX_FILE_BYTES), or the located reason it is not read.

    A rules directory is read for regular files only; a file named on its own may also be
    a pipe (``<(...)``), read once. A directory, a device or a socket is never read.
    """
    where = Location(str(path))
    try:
        info = path.stat()
    except OSError as exc:
        return _error(where, _odd_path(path, exc))
    if stat.S_ISDIR(info.st_mode):
        return RuleError(where, "rules.directory")
    if not stat.S_ISREG(info.st_mode) and (regular_only or not stat.S_ISFIFO(info.st_mode)):
        return RuleError(where, "rules.not_regular")
    if info.st_size > MAX_FILE_BYTES:
        return _too_big(where, info.st_size)
    try:
        with path.open("rb") as stream:
            raw = _read_at_most(stream, MAX_FILE_BYTES + 1)  # a file that grew, or a pipe
    except OSError as exc:
        return _error(where, _odd_path(path, exc))
    if len(raw) > MAX_FILE_BYTES:
        return _too_big(where, len(raw))
    return raw


def read_document(path: Path, kind: str) -> Document:
    """One YAML file of a given kind, parsed and schema-checked; RulesInvalid otherwise."""
    errors = _Errors()
    raw = _read_file(path, regular_only=False)
    if isinstance(raw, RuleError):
        raise RulesInvalid([raw])
    doc, parse_errors = parse_yaml(raw, str(path))
    errors.extend(parse_errors)
    if doc is not None:
        if doc.data.get("kind") != kind:
            errors.at(doc, ("kind",), "rules.kind_expected", kind=kind, got=doc.data.get("kind"))
        else:
            _schema_errors(doc, load_schema(kind), errors)
    if errors.items or doc is None:
        raise RulesInvalid(errors.items)
    return doc


def _rules_files(directory: Path, errors: _Errors) -> list[Path]:
    """The directory's .yaml/.yml files that stay inside it (a link may not lead out)."""
    where = Location(str(directory))
    try:
        info = directory.stat()
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not directory.is_symlink():
            errors.items.append(RuleError(where, "rules.no_directory"))
        else:
            why = _odd_path(directory, exc)
            errors.items.append(RuleError(where, "rules.directory_error", (("why", why),)))
        return []
    if not stat.S_ISDIR(info.st_mode):
        errors.items.append(RuleError(where, "rules.not_directory"))
        return []
    root = Path(os.path.realpath(directory))
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        errors.items.append(RuleError(where, "rules.no_yaml"))
    kept = []
    for file in files:
        if file.is_symlink():
            target = Path(os.path.realpath(file))
            if root not in target.parents:
                errors.items.append(
                    RuleError(Location(str(file)), "rules.link_outside", (("target", str(target)),))
                )
                continue
        kept.append(file)
    return kept


def _read_documents(directory: Path, errors: _Errors) -> dict[str, list[Document]]:
    by_kind: dict[str, list[Document]] = {}
    for file in _rules_files(directory, errors):
        raw = _read_file(file, regular_only=True)
        if isinstance(raw, RuleError):
            errors.items.append(raw)
            errors.unread += 1
            continue
        doc, parse_errors = parse_yaml(raw, str(file))
        errors.extend(parse_errors)
        if doc is None:
            errors.unread += 1  # its kind is unknown too
            continue
        kind = doc.data.get("kind")
        version = doc.data.get("apiVersion")
        if version != API_VERSION:
            errors.at(doc, ("apiVersion",), "rules.api_version", expected=API_VERSION, got=version)
            continue
        if kind in ("TestCases", "Mapping"):
            use = "slarules test" if kind == "TestCases" else "slarules import --mapping"
            errors.at(doc, ("kind",), "rules.not_rules", kind=kind, use=use)
            continue
        if kind not in RULE_KINDS:
            errors.at(
                doc,
                ("kind",),
                "rules.unknown_kind",
                kind=kind,
                close=close_to(kind, RULE_KINDS),
                kinds=tuple(RULE_KINDS),
            )
            continue
        before = len(errors.items)
        _schema_errors(doc, load_schema(kind), errors)
        if len(errors.items) == before:
            by_kind.setdefault(kind, []).append(doc)
        else:
            by_kind.setdefault("_invalid", []).append(doc)
    return by_kind


# ---------------------------------------------------------------- model stage


class _Builder:
    """Builds model objects from schema-valid documents, checking references."""

    def __init__(self, errors: _Errors) -> None:
        self.errors = errors
        self.tz = ZoneInfo("UTC")
        self.level_ids: set[str] = set()
        self.band_ids: set[str] = set()
        self.event_names: set[str] = set()
        self.readings: dict[str, m.Reading] = {}
        self.obligation_ids: set[str] = set()
        self.contract_warn_at: tuple[float, ...] = ()

    # -- small values

    def date_of(self, doc: Document, path: YPath, text: str) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors.at(doc, path, "rules.no_such_day", text=text)
            return None

    def duration(
        self,
        doc: Document,
        path: YPath,
        raw: Any,
        units: tuple[str, ...] | None,
        what: str | None = None,
    ) -> Duration | None:
        """A duration; ``what`` (``term.budget``: a code of the ``rules:`` words) names a term
        that must be more than 0."""
        try:
            value = parse_duration(raw)
        except DurationError as exc:
            self.errors.problem(doc, path, exc)
            return None
        if units is not None and value.unit not in units:
            self.errors.at(doc, path, "rules.wrong_unit", got=raw, units=units, unit=value.unit)
            return None
        if what is not None and value.amount <= 0:
            self.errors.at(doc, path, "rules.not_positive", term=Msg(what), got=raw)
            return None
        return value

    def dated(
        self,
        doc: Document,
        path: YPath,
        raw: Any,
        units: tuple[str, ...] | None,
        what: str | None = None,
    ) -> Any:
        """A Dated[Duration], or None after recording an error (the load then fails)."""
        if not isinstance(raw, list):
            value = self.duration(doc, path, raw, units, what)
            return None if value is None else m.Dated.always(value)
        starts: list[datetime | None] = []
        values = []
        for i, entry in enumerate(raw):
            day = self.date_of(doc, (*path, i, "from"), entry["from"])
            value = self.duration(doc, (*path, i, "value"), entry["value"], units, what)
            if day is None or value is None:
                return None
            start = datetime(day.year, day.month, day.day, tzinfo=self.tz)
            if starts and starts[-1] is not None and start <= starts[-1]:
                self.errors.at(doc, (*path, i, "from"), "rules.dates_order")
                return None
            starts.append(start)
            values.append(value)
        return m.Dated(tuple(starts), tuple(values))

    def warn_at(
        self, doc: Document, path: YPath, raw: list[str] | None
    ) -> tuple[float, ...] | None:
        """Warning thresholds (``[50 %, 75 %]``) as percents; None when not given."""
        if raw is None:
            return None
        shares = tuple(float(text.strip().rstrip("%")) for text in raw)
        for i, share in enumerate(shares):
            if not 0 < share < 100:
                self.errors.at(doc, (*path, i), "threshold.out_of_range", got=raw[i])
            elif i and share <= shares[i - 1]:
                self.errors.at(doc, (*path, i), "threshold.not_increasing")
        return shares

    def event(self, doc: Document, path: YPath, raw: Any) -> str:
        """An event name, or a reading whose value is one."""
        name = raw
        if isinstance(raw, dict):
            reading = self.readings.get(raw["reading"])
            if reading is None:
                known = self.readings
                self.unknown(
                    doc, (*path, "reading"), "rules.unknown_reading", raw["reading"], known
                )
                return ""
            name = reading.value
        if name not in self.event_names:
            self.unknown(doc, path, "rules.unknown_event", name, self.event_names)
        return str(name)

    def unknown(
        self, doc: Document, path: YPath, code: str, name: object, known: Iterable[object]
    ) -> None:
        """``unknown event 'x' (did you mean 'y'?)``: a name the contract does not have."""
        self.errors.at(doc, path, code, name=name, close=close_to(name, known))

    def text(self, raw: dict[str, str]) -> m.Text:
        return m.Text(raw["zh"], raw["en"])

    # -- files

    def contract_head(self, doc: Document) -> None:
        data = doc.data
        try:
            self.tz = ZoneInfo(data["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            self.errors.at(doc, ("timezone",), "rules.unknown_zone", zone=data["timezone"])
        for name, raw in data["readings"].items():
            self.readings[name] = m.Reading(name, raw["value"], raw["clause"])
        self.contract_warn_at = self.warn_at(doc, ("warn_at",), data.get("warn_at")) or ()

    def condition(self, doc: Document, path: YPath, raw: dict[str, Any]) -> Condition:
        if "all" in raw:
            return All(
                tuple(self.condition(doc, (*path, "all", i), c) for i, c in enumerate(raw["all"]))
            )
        if "any" in raw:
            return Any_(
                tuple(self.condition(doc, (*path, "any", i), c) for i, c in enumerate(raw["any"]))
            )
        if "not" in raw:
            return Not(self.condition(doc, (*path, "not"), raw["not"]))
        value = raw["value"]
        if raw["fact"] == "outage_duration":
            parsed = self.duration(doc, (*path, "value"), value, ("s", "min", "h"))
            return Compare(raw["fact"], raw["op"], parsed.as_timedelta() if parsed else 0.0)
        if not isinstance(value, (int, float)):
            self.errors.at(doc, (*path, "value"), "rules.compared_with_number", fact=raw["fact"])
            value = 0.0
        return Compare(raw["fact"], raw["op"], float(value))

    def levels(self, doc: Document) -> tuple[m.Level, ...]:
        out = []
        names: dict[str, str] = {}
        for i, raw in enumerate(doc.data["levels"]):
            path: YPath = ("levels", i)
            if raw["id"] in self.level_ids:
                self.errors.at(doc, (*path, "id"), "rules.duplicate_level", id=raw["id"])
            self.level_ids.add(raw["id"])
            for name in (raw["id"], raw["zh"], raw["en"], *raw.get("aliases", [])):
                key = name.casefold()
                if names.get(key, raw["id"]) != raw["id"]:
                    self.errors.at(doc, path, "rules.level_name_twice", name=name)
                names[key] = raw["id"]
            out.append(
                m.Level(
                    raw["id"],
                    raw["zh"],
                    raw["en"],
                    i,
                    tuple(raw.get("aliases", [])),
                    raw["clause"],
                    raw.get("definition", ""),
                    self.condition(doc, (*path, "when"), raw["when"]),
                )
            )
        self.level_names = names
        return tuple(out)

    def sites(
        self, doc: Document
    ) -> tuple[tuple[m.Site, ...], tuple[m.Band, ...], str, dict[str, str]]:
        sites = []
        names: dict[str, str] = {}
        for i, raw in enumerate(doc.data["sites"]):
            site = m.Site(raw["id"], raw["zh"], raw["pinyin"], float(raw["distance_km"]))
            for name in (site.id, site.zh, site.pinyin):
                if names.get(name.casefold(), site.id) != site.id:
                    self.errors.at(doc, ("sites", i), "rules.site_name_twice", name=name)
                names[name.casefold()] = site.id
            sites.append(site)
        site_ids = {s.id for s in sites}
        if doc.data["origin"] not in site_ids:
            self.unknown(doc, ("origin",), "rules.unknown_site", doc.data["origin"], site_ids)
        bands = []
        for i, raw in enumerate(doc.data["bands"]):
            for j, sid in enumerate(raw.get("sites", [])):
                if sid not in site_ids:
                    self.unknown(doc, ("bands", i, "sites", j), "rules.unknown_site", sid, site_ids)
            if raw["id"] in self.band_ids:
                self.errors.at(doc, ("bands", i, "id"), "rules.duplicate_band", id=raw["id"])
            self.band_ids.add(raw["id"])
            max_km = raw.get("max_km")
            bands.append(
                m.Band(
                    raw["id"],
                    raw["zh"],
                    raw["en"],
                    None if max_km is None else float(max_km),
                    tuple(raw.get("sites", [])),
                )
            )
        return tuple(sites), tuple(bands), doc.data["origin"], names

    def field_spec(
        self, doc: Document, path: YPath, name: str, spec: dict[str, Any]
    ) -> m.FieldSpec:
        low, high = spec.get("min"), spec.get("max")
        if (low is not None or high is not None) and spec["type"] not in ("number", "integer"):
            key = "min" if low is not None else "max"
            self.errors.at(
                doc,
                (*path, key),
                "rules.bounds_type",
                field=name,
                type=spec["type"],
            )
            low = high = None
        if low is not None and high is not None and low > high:
            self.errors.at(doc, (*path, "min"), "rules.min_over_max", field=name, min=low, max=high)
        return m.FieldSpec(
            name,
            spec["type"],
            bool(spec.get("required", False)),
            None if low is None else float(low),
            None if high is None else float(high),
        )

    def events(self, doc: Document) -> dict[str, m.EventType]:
        out = {}
        names = set(doc.data["events"])
        for name, raw in doc.data["events"].items():
            fields = {
                fname: self.field_spec(doc, ("events", name, "fields", fname), fname, spec)
                for fname, spec in raw.get("fields", {}).items()
            }
            for i, undone in enumerate(raw.get("undoes", [])):
                if undone not in names or undone == name:
                    where = ("events", name, "undoes", i)
                    self.unknown(doc, where, "rules.unknown_event", undone, names)
            out[name] = m.EventType(
                name, raw["zh"], raw["en"], MappingProxyType(fields), tuple(raw.get("undoes", []))
            )
        self.event_names = set(out)
        return out

    def intervals(self, doc: Document) -> tuple[m.IntervalSpec, ...]:
        out = []
        ids: set[str] = set()
        for i, raw in enumerate(doc.data.get("intervals", [])):
            path: YPath = ("intervals", i)
            if raw["id"] in ids:
                self.errors.at(doc, (*path, "id"), "rules.duplicate_interval", id=raw["id"])
            ids.add(raw["id"])
            start = self.event(doc, (*path, "start"), raw["start"])
            end = self.event(doc, (*path, "end"), raw["end"])
            facts = raw.get("facts", {})
            out.append(
                m.IntervalSpec(
                    raw["id"], start, end, facts.get("duration"), tuple(facts.get("max", []))
                )
            )
        if sum(1 for spec in out if spec.duration_fact) > 1:
            self.errors.at(doc, ("intervals",), "rules.one_duration_fact")
        return tuple(out)

    def calendar(self, doc: Document) -> WorkCalendar:
        data = doc.data
        rest: set[date] = set()
        work: set[date] = set()
        covers = dict(data["covers"])
        if covers["from"] > covers["to"]:
            self.errors.at(
                doc, ("covers",), "rules.covers_backwards", first=covers["from"], last=covers["to"]
            )
            covers["to"] = covers["from"]
        for year, raw in data["years"].items():
            for key, target in (("rest_days", rest), ("workdays", work)):
                for i, text in enumerate(raw[key]):
                    day = self.date_of(doc, ("years", year, key, i), text)
                    if day is not None and str(day.year) != str(year):
                        where = ("years", year, key, i)
                        self.errors.at(doc, where, "rules.not_in_year", text=text, year=year)
                    elif day is not None:
                        target.add(day)
        missing = [
            y
            for y in range(covers["from"], covers["to"] + 1)
            if str(y) not in map(str, data["years"])
        ]
        if missing:
            self.errors.at(
                doc,
                ("covers",),
                "rules.covers_missing",
                first=covers["from"],
                last=covers["to"],
                years=tuple(missing),
            )
        weekend = frozenset(WEEKDAYS.index(d) for d in data.get("weekend", ["sat", "sun"]))
        try:
            return WorkCalendar(
                first_year=covers["from"],
                last_year=covers["to"],
                rest_days=frozenset(rest),
                workdays=frozenset(work),
                weekend=weekend,
                fallback=data.get("fallback", "error"),
            )
        except Problem as exc:  # a day both rest and working, or outside the years
            self.errors.problem(doc, ("years",), exc)
            return WorkCalendar(
                first_year=covers["from"],
                last_year=covers["to"],
                rest_days=frozenset(),
                workdays=frozenset(),
            )

    def budget(self, doc: Document, path: YPath, raw: Any, units: tuple[str, ...]) -> m.Budget:
        if not isinstance(raw, dict):
            return m.Budget(
                None, MappingProxyType({"": self.dated(doc, path, raw, units, "term.budget")})
            )
        keys = self.level_ids if raw["by"] == "severity" else self.band_ids
        cells: dict[str, m.Dated[Any] | None] = {}
        for key, value in raw["table"].items():
            cpath = (*path, "table", key)
            if key not in keys:
                code = "rules.unknown_severity" if raw["by"] == "severity" else "rules.unknown_band"
                self.errors.at(doc, cpath, code, on_key=True, name=key, close=close_to(key, keys))
            cells[key] = (
                None if value == "n/a" else self.dated(doc, cpath, value, units, "term.budget")
            )
        return m.Budget(raw["by"], MappingProxyType(cells))

    def severities(self, doc: Document, path: YPath, raw: list[str]) -> tuple[str, ...]:
        for i, name in enumerate(raw):
            if name not in self.level_ids:
                self.unknown(doc, (*path, i), "rules.unknown_severity", name, self.level_ids)
        return tuple(raw)

    def obligation(
        self, doc: Document, i: int, raw: dict[str, Any], pause_ids: set[str]
    ) -> m.Obligation | None:
        """An entry of ``obligations``, built by its kind (the schema admits only known kinds)."""
        path: YPath = ("obligations", i)
        loc = doc.locate(path)
        base = dict(
            id=raw["id"],
            clause=raw["clause"],
            title=self.text(raw["title"]),
            type=raw["type"],
            stated=raw.get("stated", True),
            source=f"{loc.file}:{loc.line}",
            warn_at=self.warn_at(doc, (*path, "warn_at"), raw.get("warn_at")),
        )
        for j, pid in enumerate(raw.get("pauses", [])):
            if pid not in pause_ids:
                self.unknown(doc, (*path, "pauses", j), "rules.unknown_pause", pid, pause_ids)
        kind = KINDS.get(raw["type"])
        if kind is None:  # pragma: no cover - the schema admits only registered kinds
            return None
        return kind.build(_Place(self, doc, path, raw), base)


class _Place:
    """An obligation's entry as a kind reads it (see :class:`slarules.kinds.base.Place`)."""

    def __init__(self, builder: _Builder, doc: Document, path: YPath, raw: dict[str, Any]) -> None:
        self.builder, self.doc, self.path, self.raw = builder, doc, path, raw

    def _value(self, path: tuple[str | int, ...]) -> Any:
        value: Any = self.raw
        for key in path:
            value = value[key]
        return value

    def event(self, *path: str | int) -> str:
        return self.builder.event(self.doc, (*self.path, *path), self._value(path))

    def events(self, key: str) -> tuple[str, ...]:
        return tuple(
            self.builder.event(self.doc, (*self.path, key, j), name)
            for j, name in enumerate(self.raw[key])
        )

    def budget(self, key: str, units: tuple[str, ...]) -> m.Budget:
        return self.builder.budget(self.doc, (*self.path, key), self.raw[key], units)

    def dated(self, path: tuple[str | int, ...], units: tuple[str, ...] | None, what: str) -> Any:
        return self.builder.dated(self.doc, (*self.path, *path), self._value(path), units, what)

    def severities(self, *path: str | int) -> tuple[str, ...]:
        value: Any = self.raw
        for key in path:
            value = value.get(key, {}) if isinstance(value, dict) else {}
        names = value if isinstance(value, list) else []
        return self.builder.severities(self.doc, (*self.path, *path), names)

    def obligation(self, *path: str | int) -> str:
        name = str(self._value(path))
        known = self.builder.obligation_ids
        if name not in known:
            self.error(path, "rules.unknown_obligation", name=name, close=close_to(name, known))
        return name

    def reading(self, *path: str | int) -> str:
        name = str(self._value(path))
        if name not in self.builder.readings:
            known = self.builder.readings
            self.error(path, "rules.unknown_reading", name=name, close=close_to(name, known))
        return name

    def error(self, path: tuple[str | int, ...], code: str, **values: object) -> None:
        self.builder.errors.values_at(self.doc, (*self.path, *path), code, tuple(values.items()))


def _one(by_kind: dict[str, list[Document]], kind: str, errors: _Errors) -> Document | None:
    docs = by_kind.get(kind, [])
    if len(docs) > 1:
        for doc in docs[1:]:
            errors.at(doc, ("kind",), "rules.second_file", kind=kind, first=docs[0].file)
    return docs[0] if docs else None


def load_contract(rules: str | os.PathLike[str] | None = None) -> m.Contract:
    """Load and check a rules directory; raise :class:`RulesInvalid` with every error."""
    directory = resolve_rules_dir(rules)
    errors = _Errors()
    by_kind = _read_documents(directory, errors)
    if not by_kind and errors.items:
        raise RulesInvalid(errors.items)  # nothing was read: "no file of kind ..." adds nothing
    missing = [k for k in REQUIRED_KINDS if k not in by_kind]
    invalid_kinds = {doc.data.get("kind") for doc in by_kind.get("_invalid", [])}
    if missing:
        # Without a valid core file nothing else can be checked against it.
        absent = [k for k in missing if k not in invalid_kinds]
        if absent and not errors.unread:  # an unread file may be the one
            errors.items.append(
                RuleError(
                    Location(str(directory)), "rules.missing_kinds", (("kinds", tuple(absent)),)
                )
            )
        raise RulesInvalid(errors.items)
    b = _Builder(errors)
    contract_doc = _one(by_kind, "Contract", errors)
    assert contract_doc is not None
    b.contract_head(contract_doc)
    events_doc = _one(by_kind, "Events", errors)
    assert events_doc is not None
    events = b.events(events_doc)
    intervals = b.intervals(events_doc)
    severity_doc = _one(by_kind, "SeverityLevels", errors)
    assert severity_doc is not None
    levels = b.levels(severity_doc)
    sites_doc = _one(by_kind, "Sites", errors)
    assert sites_doc is not None
    sites, bands, origin, site_names = b.sites(sites_doc)
    calendar_doc = _one(by_kind, "Calendar", errors)
    assert calendar_doc is not None
    calendar = b.calendar(calendar_doc)
    for name, reading in b.readings.items():
        if name in ("workaround_start", "solved_means") and reading.value not in b.event_names:
            at = ("readings", name, "value")
            b.unknown(contract_doc, at, "rules.unknown_event", reading.value, b.event_names)
    major = b.readings.get("major_fault_analysis")
    if major is not None and major.value not in b.level_ids:
        at = ("readings", "major_fault_analysis", "value")
        b.unknown(contract_doc, at, "rules.unknown_severity", major.value, b.level_ids)
    pauses: dict[str, m.Pause] = {}
    for i, raw in enumerate(contract_doc.data.get("pauses", [])):
        pauses[raw["id"]] = m.Pause(
            raw["id"],
            raw["clause"],
            b.text(raw["title"]),
            b.event(contract_doc, ("pauses", i, "from"), raw["from"]),
            b.event(contract_doc, ("pauses", i, "to"), raw["to"]),
        )
    b.obligation_ids = {
        raw["id"] for doc in by_kind["Obligations"] for raw in doc.data["obligations"]
    }
    obligations: list[m.Obligation] = []
    seen: dict[str, str] = {}
    support: list[m.SupportLevel] = []
    for doc in by_kind["Obligations"]:
        for raw in doc.data.get("support_levels", []):
            support.append(m.SupportLevel(raw["level"], m.Text(raw["zh"], raw["en"])))
        for i, raw in enumerate(doc.data["obligations"]):
            if raw["id"] in seen:
                errors.at(
                    doc,
                    ("obligations", i, "id"),
                    "rules.duplicate_obligation",
                    id=raw["id"],
                    first=seen[raw["id"]],
                )
                continue
            ob = b.obligation(doc, i, raw, set(pauses))
            if ob is not None:
                seen[ob.id] = ob.source
                obligations.append(ob)
    devices = []
    devices_doc = _one(by_kind, "Devices", errors)
    if devices_doc is not None:
        site_ids = {s.id for s in sites}
        for i, raw in enumerate(devices_doc.data["devices"]):
            if raw.get("site") and raw["site"] not in site_ids:
                b.unknown(
                    devices_doc, ("devices", i, "site"), "rules.unknown_site", raw["site"], site_ids
                )
            devices.append(
                m.Device(
                    raw["id"],
                    raw.get("site"),
                    m.Text(raw.get("zh", raw["id"]), raw.get("en", raw["id"])),
                )
            )
    assessment_doc = _one(by_kind, "Assessment", errors)  # optional (2.3.4.4)
    assessment = None
    if assessment_doc is not None:
        from .assessment_rules import build_assessment

        assessment = build_assessment(b, assessment_doc, seen)
    if errors.items:
        raise RulesInvalid(errors.items)
    return m.Contract(
        id=contract_doc.data["id"],
        title=b.text(contract_doc.data["title"]),
        tz=b.tz,
        readings=MappingProxyType(b.readings),
        levels=levels,
        sites=sites,
        origin=origin,
        bands=bands,
        events=MappingProxyType(events),
        pauses=MappingProxyType(pauses),
        obligations=tuple(obligations),
        support_levels=tuple(sorted(support, key=lambda s: s.level)),
        devices=tuple(devices),
        calendar=calendar,
        source=str(directory),
        intervals=intervals,
        warn_at=b.contract_warn_at,
        assessment=assessment,
        _level_names=MappingProxyType(b.level_names),
        _site_names=MappingProxyType(site_names),
    )


def load_assessment(path: str | os.PathLike[str], contract: m.Contract) -> Any:
    """One Assessment file (2.3.4.4) for ``contract``; :class:`RulesInvalid` if it is bad."""
    from .assessment_rules import build_assessment

    doc = read_document(Path(path), "Assessment")
    errors = _Errors()
    builder = _Builder(errors)
    builder.tz = contract.tz
    found = build_assessment(builder, doc, (ob.id for ob in contract.obligations))
    if errors.items or found is None:
        raise RulesInvalid(errors.items)
    return found
