"""Where messages go: a webhook (HTTP POST of JSON) in the format chosen per URL, or
standard output.

``--notify URL`` posts the JSON message; ``wecom:URL`` and ``dingtalk:URL`` post the
group robots' markdown messages (their answer ``{"errcode": 0}`` is success, any other
code a failure to retry, as a rate limit is); ``json:URL`` says the default; ``-`` is
standard output, one JSON message a line.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from .messages import STYLES

# Limits of the tool (README "Watching"): how long one delivery may take.
TIMEOUT_SECONDS = 10
STDOUT = "-"


class DeliveryFailed(Exception):
    """A message that did not get through (the reason in a few words)."""


@dataclass(frozen=True)
class Target:
    text: str  # as given on the command line: what names it in the state file
    style: str  # a key of messages.STYLES
    url: str | None  # None: standard output


def target(text: str) -> Target:
    """A ``--notify`` value; ValueError with the reason when it is none."""
    if text == STDOUT:
        return Target(text, "json", None)
    style, _, rest = text.partition(":")
    if style in STYLES and rest.startswith(("http://", "https://")):
        return Target(text, style, rest)
    if text.startswith(("http://", "https://")):
        return Target(text, "json", text)
    raise ValueError(text)


def post(url: str, style: str, body: str) -> None:
    """POST ``body`` (JSON) to ``url``; DeliveryFailed unless it was taken."""
    request = urllib.request.Request(
        url,
        data=body.encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            answer = response.read(1 << 16)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DeliveryFailed(str(exc.reason)) from None
    except (OSError, ValueError) as exc:  # a timeout, a reset connection
        raise DeliveryFailed(str(exc) or type(exc).__name__) from None
    if style in ("wecom", "dingtalk"):
        _robot_answer(answer)


def _robot_answer(answer: bytes) -> None:
    """A group robot answers 200 with ``{"errcode": 0, "errmsg": "ok"}`` when it took the
    message; another code (a rate limit, a keyword the robot requires) is a failure."""
    try:
        data = json.loads(answer)
    except ValueError:
        raise DeliveryFailed("the robot's answer is not JSON") from None
    code = data.get("errcode", 0) if isinstance(data, dict) else None
    if code != 0:
        raise DeliveryFailed(
            f"errcode {code}: {data.get('errmsg', '') if isinstance(data, dict) else ''}"
        )
