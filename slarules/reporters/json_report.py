"""SPEC.md's JSON shape."""

from __future__ import annotations

import json
from typing import IO

from ..engine import AuditReport
from ..model import Contract
from . import reporter
from .rows import iso, result_dict


@reporter("json")
def render(report: AuditReport, contract: Contract, lang: str, out: IO[str]) -> None:
    doc = {
        "as_of": iso(report.as_of),
        "contract": contract.id,
        "records": {"read": report.read, "used": report.used, "rejected": len(report.rejected)},
        "rejected": [
            {"line": r.line, "source": r.source, "reason": r.reason} for r in report.rejected
        ],
        "results": [result_dict(r) for r in report.results],
        "summary": report.summary(),
    }
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")
