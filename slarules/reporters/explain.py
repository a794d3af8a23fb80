"""``slarules explain``: one case, step by step per obligation."""

from __future__ import annotations

from typing import IO

from ..engine import AuditReport, CaseNote
from ..model import Contract
from ..wording import Wording


def render(report: AuditReport, contract: Contract, lang: str, out: IO[str]) -> None:
    words = Wording(contract, lang)
    cases = sorted({r.case for r in report.results})
    out.write(words.label("explain_head", cases=", ".join(cases), as_of=report.as_of) + "\n")
    for case in cases:
        for note in report.notes.get(case, ()):
            out.write(_note(note, words) + "\n")
    for r in report.results:
        f = r.finding
        occurrence = f" #{r.occurrence}" if r.occurrence > 1 else ""
        out.write(f"\n■ {r.obligation}{occurrence} — {r.title.pick(lang)} [{r.clause}]\n")
        for step in f.steps:
            out.write(f"  · {words.step(step, r)}\n")
        if f.done is not None:
            out.write(f"  · {words.label('done_step', at=f.done)}\n")
        out.write(f"  ⇒ {words.status(r.status)}: {words.reason(r)}\n")
        margin = r.margin
        if margin is not None and r.status in ("met", "breached", "pending"):
            label = words.label("margin_left" if margin.total_seconds() >= 0 else "margin_late")
            out.write(f"    {label}: {words.duration(abs(margin))}\n")


def _note(note: CaseNote, words: Wording) -> str:
    e = note.event
    values: dict[str, object] = {"at": e.at, "event": words.name_of_event(e.name), "id": e.name}
    if note.code == "undone" and note.by is not None:
        values.update(by=words.name_of_event(note.by.name), by_at=note.by.at)
        return words.label("note_undone", **values)
    return words.label("note_unpaired", **values)
