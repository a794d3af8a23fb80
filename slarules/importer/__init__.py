"""Ticket-system exports (status histories) -> the contract's events, by a YAML mapping.

>>> contract = slarules.load()
>>> mapping = load_mapping("mappings/servicenow.yaml", contract)
>>> run = import_export(mapping, ["examples/servicenow-export.csv"], contract)
>>> events, rejected, read = check_records(contract, run)   # slarules.engine
>>> run.counts.summary()
'rows: read 70 = imported 69 + skipped 1 + rejected 0; 139 events in 15 cases'

Modules: ``spec`` (YAML -> checked mapping), ``model`` (the mapping as values),
``timeformat`` (time patterns), ``rows``/``csvsource``/``xessource`` (reading),
``convert`` (one case's rows -> events), ``run`` (pipeline and counts),
``output`` (JSON Lines, Parquet).
"""

from __future__ import annotations

from .convert import Triple
from .model import ExportMapping
from .output import write_jsonl, write_parquet
from .run import ImportCounts, ImportRun, import_export
from .spec import build_mapping, load_mapping

__all__ = [
    "ExportMapping",
    "ImportCounts",
    "ImportRun",
    "Triple",
    "build_mapping",
    "import_export",
    "load_mapping",
    "write_jsonl",
    "write_parquet",
]
