"""Imported events written as SPEC.md's JSON Lines log or as the events' Parquet form
(what ``slarules audit`` reads)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from .. import model as m
from ..events import Event, RecordChecker, Rejection
from .convert import Triple


def write_jsonl(triples: Iterable[Triple], out: IO[str]) -> int:
    """Write every record as one JSON line; rejections are not written. Returns the lines.

    Chinese text stays readable (no ``\\u`` escapes); keys keep the order
    ``case, event, at, facts...``.
    """
    written = 0
    for _source, _line, record in triples:
        if isinstance(record, Rejection):
            continue
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        written += 1
    return written


def write_parquet(
    triples: Iterable[Triple], contract: m.Contract, path: str, by_month: bool = False
) -> int:
    """Write every record as the events' Parquet form (:mod:`slarules.columnar.parquet`):
    one file at ``path``, or with ``by_month`` a directory of a folder per local month
    (``month=2026-10/``), whose months this import holds are replaced and the others kept.
    Rejections are not written; each record is checked as the audit checks it (it is
    stored typed), and one that the checker refuses is a LogError. Written only once
    complete. Returns the events written."""
    from datetime import datetime, timezone

    from ..columnar.parquet import copy_sql
    from ..columnar.run import ColumnarAudit, NotColumnar
    from ..readers import LogError

    try:
        audit = ColumnarAudit(contract, datetime.now(timezone.utc))
    except NotColumnar as exc:
        raise LogError("file.parquet_unwritable", path=path, why=str(exc)) from None
    checker = RecordChecker(contract)

    def events() -> Iterator[Event]:
        seq = 0
        for source, line, record in triples:
            if isinstance(record, Rejection):
                continue
            seq += 1
            checked = checker(record, source, line, seq)
            if isinstance(checked, Rejection):
                raise LogError(
                    "file.unchecked_event",
                    source=checked.source,
                    line=checked.line,
                    why=checked.msg,
                    path=path,
                )
            yield checked

    audit.load_events(events())
    ((written,),) = audit.database.fetchall("SELECT count(*) FROM ev")
    target = os.path.abspath(path)
    folder = os.path.dirname(target)
    if not os.path.isdir(folder):
        raise LogError("file.no_directory", path=path, folder=folder)
    spool = tempfile.mkdtemp(prefix=".slarules-", dir=folder)
    try:
        written_to = spool if by_month else os.path.join(spool, "events.parquet")
        audit.database.execute(copy_sql(contract, audit.offset, written_to, by_month))
        if not by_month:
            os.replace(written_to, target)
        else:
            _replace_months(spool, target)
    except OSError as exc:
        raise LogError("file.unwritable", path=path, why=str(exc)) from None
    finally:
        shutil.rmtree(spool, ignore_errors=True)
    return int(written)


def _replace_months(spool: str, target: str) -> None:
    """Move each month folder of ``spool`` into ``target``, replacing one of the same name."""
    if os.path.exists(target) and not os.path.isdir(target):
        raise OSError(f"{target} is a file, not a directory")
    os.makedirs(target, exist_ok=True)
    for name in sorted(os.listdir(spool)):
        new, old = os.path.join(spool, name), os.path.join(target, name)
        if os.path.isdir(old):
            aside = tempfile.mkdtemp(prefix=".slarules-old-", dir=target)
            os.rename(old, os.path.join(aside, name))
            os.rename(new, old)
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(new, old)
