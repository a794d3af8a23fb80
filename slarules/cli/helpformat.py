"""Help pages in the CLI's language, wrapped by display width.

click wraps help by characters and breaks lines only at spaces: a Chinese
paragraph would run twice the terminal's width. This formatter wraps by the
columns a terminal gives the text (as the tables do) and may break between two
Chinese characters, never inside a Latin word nor before closing punctuation;
its headings ("Usage", "Options") and the words click adds to an option's help
(``[default: ...]``) come from the catalogue's ``help:`` section.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import click

from ..reporters.grid import width
from ..wording import catalogue
from .language import help_text, startup

# A Chinese character (or fullwidth form) is a piece of its own; a Latin word is one piece.
_PIECES = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+"
)
_CLOSING = set("，。、；：！？）」』》〉】”’,.;:!?)")


def wrap_help(text: str, columns: int) -> list[str]:
    """One paragraph as lines of at most ``columns`` (a piece wider than that on its own).

    Closing punctuation does not begin a line: the piece before it goes down with it.
    """
    lines: list[str] = []
    line: list[str] = []  # pieces, spaces included
    for piece in _PIECES.findall(text):
        if piece.isspace():
            if line:
                line.append(" ")
            continue
        if line and width("".join(line)) + width(piece) > columns:
            carried = []
            if piece[0] in _CLOSING and len([p for p in line if p != " "]) > 1:
                carried = [line.pop()]
            lines.append("".join(line).rstrip())
            line = carried
        line.append(piece)
    if line:
        lines.append("".join(line).rstrip())
    return lines


def _paragraphs(text: str) -> list[tuple[bool, str]]:
    """(keep as is, text) per paragraph; click's ``\\b`` line keeps a paragraph's lines."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.startswith("\b"):
            out.append((True, block[1:].lstrip("\n")))
        else:
            out.append((False, " ".join(line.strip() for line in block.splitlines())))
    return out


def _local_extras(text: str) -> str:
    """click's ``[default: x; required]`` in the CLI's language."""
    words = catalogue(startup())["help"]["extras"]

    def local(match: re.Match[str]) -> str:
        inner = match.group(1)
        for english, localised in words.items():
            inner = re.sub(rf"(^|; ){re.escape(english)}\b", rf"\g<1>{localised}", inner)
        return f"[{inner}]"

    return re.sub(r"\[([^\[\]]*)\]$", local, text)


class Formatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix if prefix is not None else help_text("usage") + " ")

    def write_heading(self, heading: str) -> None:
        headings = catalogue(startup())["help"]["headings"]
        super().write_heading(str(headings.get(heading, heading)))

    def _wrapped(self, text: str, columns: int) -> list[str]:
        lines: list[str] = []
        for n, (keep, paragraph) in enumerate(_paragraphs(text)):
            if n:
                lines.append("")
            lines.extend(paragraph.splitlines() if keep else wrap_help(paragraph, columns))
        return lines

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        columns = max(self.width - self.current_indent, 11)
        self.write(
            "".join(f"{indent}{line}\n" if line else "\n" for line in self._wrapped(text, columns))
        )

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(first, _local_extras(second)) for first, second in rows]
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max) + col_spacing
        pad = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + pad)
            lines = self._wrapped(second, max(self.width - first_col - 2, 10)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{pad}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = Formatter


class Command(click.Command):
    """A command whose help page is in the CLI's language (its ``--help`` too)."""

    context_class = Context

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = help_text("help_option")
        return option


def command_help(name: str) -> dict[str, Any]:
    """A command's help and short help, for ``@main.command(**command_help("audit"))``."""
    return {"help": help_text(f"{name}.help"), "short_help": help_text(f"{name}.short")}
