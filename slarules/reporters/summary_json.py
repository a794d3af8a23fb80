"""The service summary's figures as JSON (the words in ``--lang``, times ISO 8601 with offset)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import IO, Any

from ..assessment import MonthScore
from ..monthly import PeriodSummary
from ..results import STATUSES
from ..wording import Wording
from ..zones import LocalTimes
from .summary import amount_text


def as_dict(s: PeriodSummary, lang: str) -> dict[str, Any]:
    zoned = LocalTimes(s.contract.tz)
    words = Wording(s.contract, lang)

    def iso(at: datetime | None) -> str | None:
        return None if at is None else zoned(at).isoformat()

    def seconds(delta: timedelta | None) -> int | None:
        return None if delta is None else int(delta.total_seconds())

    doc: dict[str, Any] = {
        "period": s.period.label,
        "unit": s.period.unit,
        "months": list(s.period.months),
        "as_of": s.as_of.isoformat(timespec="seconds"),
        "contract": s.contract.id,
        "covered": s.covered,
        "faults_by_severity": {lv.id: n for lv, n in s.faults_by_severity},
        "faults": [
            {
                "case": f.case,
                "declared": f.declared,
                "derived": f.derived,
                "level": f.level,
                "major": f.major,
                "site": f.site,
                "reported": iso(f.reported),
                "restored": iso(f.restored),
                "resolved": iso(f.resolved),
                "outage_seconds": seconds(f.outage),
                "affected_users_pct": f.affected_pct,
                "escalated_to": f.escalated,
                "fault_report": iso(f.report_at),
                **{
                    name: f.texts.get(name)
                    for name in ("description", "handling", "cause", "solution", "prevention")
                },
            }
            for f in s.faults
        ],
        "obligations": [
            {"obligation": r.id, "clause": r.clause, **r.counts, "met_rate": r.rate}
            for r in s.obligations
        ],
        "breaches": [
            {
                "case": r.case,
                "obligation": r.obligation,
                "clause": r.clause,
                "due": iso(r.finding.due),
                "late_by_seconds": int(r.late_by.total_seconds()) if r.late_by else None,
                "reason": words.reason(r),
            }
            for r in s.breaches
        ],
        "escalations": [
            {"case": e.case, "level": e.get("level"), "at": iso(e.at)} for e in s.escalations
        ],
        "spares": [
            {
                "case": p.case,
                "part": p.part,
                "reason": p.reason,
                "needed": iso(p.needed),
                "arrived": iso(p.arrived),
                "replaced": iso(p.replaced),
                "took_seconds": seconds(p.took),
                "outage_seconds": seconds(p.outage),
            }
            for p in s.spares
        ],
        "inspections": {k: sum(1 for r in s.inspections if r.status == k) for k in STATUSES},
        "inspection_table": [
            {
                "device": row.device.id,
                "month": row.month,
                "inspected": iso(row.inspected),
                "status": row.status,
                "checks": dict(row.checks),
            }
            for row in s.devices_table
        ],
        "maintenance": [
            {
                "case": j.case,
                "at": iso(j.at),
                "device": j.device,
                "change": j.change,
                "steps": j.steps,
                "solves": j.solves,
                "signed_by": j.signed_by,
            }
            for j in s.maintenance
        ],
        "plan": [
            {
                "case": p.case,
                "work": p.work,
                "device": p.device,
                "planned": iso(p.planned),
                "moved_to": iso(p.moved_to),
                "done": iso(p.done),
                "status": p.status,
                "reason": p.reason,
            }
            for p in s.plan
        ],
        "problems": [
            {
                "case": p.case,
                "found": iso(p.found),
                "device": p.device,
                "description": p.description,
                "impact": p.impact,
                "advice": p.advice,
                "closed": iso(p.closed),
                "resolution": p.resolution,
            }
            for p in s.problems
        ],
        "hotline": [
            {"period": r.case, "status": r.status, "details": dict(r.finding.details)}
            for r in s.hotline
        ],
        "trend": [
            {
                "month": t.label,
                "audited": t.audited,
                "faults": t.faults if t.audited else None,
                "breach_rate": t.breach_rate,
                "faults_per_device": t.per_device,
                "mean_restore_seconds": seconds(t.mean_restore),
            }
            for t in s.trend
        ],
        "records": s.records,
        "unjudged": [
            {"obligation": u.obligation, "clause": u.clause, "events": list(u.events)}
            for u in s.unjudged
        ],
    }
    if s.period.unit == "month":
        doc["month"] = s.period.label
    if s.contract.assessment is not None:
        doc["assessment"] = scores_dict(
            s.contract.assessment.id, s.contract.assessment.unit, s.scores
        )
    return doc


def scores_dict(assessment: str, unit: str, scores: Sequence[MonthScore]) -> dict[str, Any]:
    """The assessment's months as JSON (numbers as text: they are exact decimals)."""

    def number(value: Decimal | None) -> str | None:
        return None if value is None else amount_text(value)

    return {
        "id": assessment,
        "unit": unit,
        "months": [
            {
                "month": m.month,
                "full": number(m.full),
                "deducted": number(m.total),
                "counted": number(m.counted),
                "cap": number(m.cap),
                "floor": number(m.floor),
                "score": number(m.score),
                "deductions": [
                    {
                        "case": d.result.case,
                        "obligation": d.result.obligation,
                        "occurrence": d.result.occurrence,
                        "late_by_seconds": None
                        if d.result.late_by is None
                        else int(d.result.late_by.total_seconds()),
                        "hours": number(d.hours),
                        "amount": number(d.amount),
                        "limited": d.limited,
                    }
                    for d in m.deductions
                ],
            }
            for m in scores
        ],
    }


def json_doc(s: PeriodSummary, lang: str, out: IO[str]) -> None:
    json.dump(as_dict(s, lang), out, ensure_ascii=False, indent=2)
    out.write("\n")
