"""``slarules explain``: one case, step by step per obligation."""

from __future__ import annotations

from typing import IO

from ..edges import words
from ..engine import AuditReport
from ..model import Contract
from .rows import local, status_label


def render(report: AuditReport, contract: Contract, lang: str, out: IO[str]) -> None:
    cases = sorted({r.case for r in report.results})
    out.write(
        f"{'案件' if lang == 'zh' else 'case'} {', '.join(cases)} — as of 截至 {local(report.as_of, contract)}\n"
    )
    for r in report.results:
        f = r.finding
        occurrence = f" #{r.occurrence}" if r.occurrence > 1 else ""
        out.write(f"\n■ {r.obligation}{occurrence} — {r.title.pick(lang)} [{r.clause}]\n")
        for step in f.steps:
            out.write(f"  · {step.text.pick(lang)}\n")
        if f.done is not None:
            out.write(f"  · {'完成' if lang == 'zh' else 'done'}: {local(f.done, contract)}\n")
        out.write(f"  ⇒ {status_label(r.status, lang)}: {f.reason.pick(lang)}\n")
        margin = r.margin
        if margin is not None and r.status in ("met", "breached", "pending"):
            label = "余量" if lang == "zh" else "margin"
            out.write(f"    {label}: {words(margin, lang)}\n")
