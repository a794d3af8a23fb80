"""``slarules explain``: one case, step by step per obligation."""

from __future__ import annotations

from typing import IO

from ..edges import words
from ..engine import AuditReport, CaseNote
from ..model import Contract
from .rows import local, status_label


def render(report: AuditReport, contract: Contract, lang: str, out: IO[str]) -> None:
    cases = sorted({r.case for r in report.results})
    out.write(
        f"{'案件' if lang == 'zh' else 'case'} {', '.join(cases)} — as of 截至 {local(report.as_of, contract)}\n"
    )
    for case in cases:
        for note in report.notes.get(case, ()):
            out.write(_note(note, contract, lang) + "\n")
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


def _note(note: CaseNote, contract: Contract, lang: str) -> str:
    e = note.event
    title = contract.events[e.name].title.pick(lang)
    if note.code == "undone" and note.by is not None:
        if lang == "zh":
            return f"注意: {local(e.at, contract)} 的{title} ({e.name}) 已被 {local(note.by.at, contract)} 的{contract.events[note.by.name].zh}撤销, 不计入"
        return f"note: {e.name} ({title}) at {local(e.at, contract)} was undone by {note.by.name} at {local(note.by.at, contract)}: not counted"
    if lang == "zh":
        return (
            f"注意: {local(e.at, contract)} 的{title} ({e.name}) 之前没有未结束的开始事件, 不计入"
        )
    return (
        f"note: {e.name} ({title}) at {local(e.at, contract)} ends nothing: no open start before it"
    )
