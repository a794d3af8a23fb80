"""The service summary's text formats by name (``report --format``); the Excel workbook,
bytes rather than text, is :func:`slarules.reporters.workbook.summary_workbook`."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from ..monthly import PeriodSummary
from .summary import markdown
from .summary_html import html_page
from .summary_json import json_doc

SUMMARY_FORMATS: dict[str, Callable[[PeriodSummary, str, IO[str]], None]] = {
    "markdown": markdown,
    "html": html_page,
    "json": json_doc,
}
