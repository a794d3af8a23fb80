"""A crossing in words, and in each format a webhook takes.

``json`` (the default, and standard output) is one object with the facts and the words;
``wecom`` is a WeCom (企业微信) group robot's markdown message, ``{"msgtype": "markdown",
"markdown": {"content": ...}}``; ``dingtalk`` a DingTalk (钉钉) robot's, ``{"msgtype":
"markdown", "markdown": {"title": ..., "text": ...}}``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .. import model as m
from ..reporters.open_clocks import live, percent
from ..reporters.rows import iso
from ..wording import Wording
from .standing import Judged

Renderer = Callable[[dict[str, Any]], str]
STYLES: dict[str, Renderer] = {}


def style(name: str) -> Callable[[Renderer], Renderer]:
    def register(func: Renderer) -> Renderer:
        STYLES[name] = func
        return func

    return register


def message(kind: str, judged: Judged, contract: m.Contract, words: Wording) -> dict[str, Any]:
    """The message of a crossing (``warning``, ``breached``, ``met``) as a JSON object:
    the clock's facts, a ``headline`` and the ``lines`` of its text, in the words'
    language."""
    result, clock = judged.result, judged.clock
    f = result.finding
    title = result.title.pick(words.lang)
    lines = [live(words, "msg.clause", clause=result.clause)]
    if kind == "warning" and clock is not None:
        lines.append(live(words, "msg.used", share=clock.used_percent, threshold=clock.threshold))
        lines.append(live(words, "msg.due", due=clock.due, left=words.duration(clock.left)))
    else:
        lines.append(live(words, "msg.reason", reason=words.reason(result)))
    if clock is not None:
        lines.append(live(words, "msg.step", step=words.value(clock.step)))
    return {
        "kind": kind,
        "case": result.case,
        "obligation": result.obligation,
        "occurrence": result.occurrence,
        "clause": result.clause,
        "title": title,
        "status": result.status,
        "start": iso(None if f.start is None else words.local(f.start)),
        "due": iso(None if f.due is None else words.local(f.due)),
        "done": iso(None if f.done is None else words.local(f.done)),
        "left_seconds": None if clock is None else int(clock.left.total_seconds()),
        "used_percent": None if clock is None else percent(clock.used_percent),
        "threshold_percent": None if clock is None else percent(clock.threshold),
        "step": None if clock is None else words.value(clock.step),
        "as_of": iso(words.local(result.as_of)),
        "contract": contract.id,
        "headline": live(words, f"msg.{kind}", case=result.case, title=title),
        "lines": lines,
    }


@style("json")
def as_json(msg: dict[str, Any]) -> str:
    return json.dumps(msg, ensure_ascii=False)


@style("wecom")
def as_wecom(msg: dict[str, Any]) -> str:
    quoted = "\n".join(f"> {line}" for line in msg["lines"])
    content = f"**{msg['headline']}**\n{quoted}"
    return json.dumps({"msgtype": "markdown", "markdown": {"content": content}}, ensure_ascii=False)


@style("dingtalk")
def as_dingtalk(msg: dict[str, Any]) -> str:
    # DingTalk's markdown joins single line ends: each line is a paragraph.
    text = "\n\n".join([f"#### {msg['headline']}", *(f"> {line}" for line in msg["lines"])])
    body = {"msgtype": "markdown", "markdown": {"title": msg["headline"], "text": text}}
    return json.dumps(body, ensure_ascii=False)
