"""The paged result tables: display widths, wrapping and layout laws (hypothesis)."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import wcwidth
from hypothesis import given, settings
from hypothesis import strategies as st

from slarules.reporters import grid
from slarules.reporters.grid import pages, width, wrap, write_grid, write_markdown

# Text as the tables meet it: ASCII, Chinese, fullwidth forms, the odd astral character,
# accents precomposed and combining, emoji that join.
alphabet = st.sampled_from(
    list("abc xyz 012:-,()")
    + list("特大重大沈阳达标违约升级")
    + [
        "，",
        "（",
        "Ａ",
        "\U00020001",
        "é",
        "e\u0301",
        "👍🏽",
        "🇨🇳",
        "👨\u200d👩\u200d👧",
        "❤\ufe0f",
    ]
)
texts = st.lists(alphabet, max_size=80).map("".join)


@settings(max_examples=200)
@given(texts)
def test_width_is_what_wcwidth_measures(text: str) -> None:
    assert width(text) == wcwidth.wcswidth(text)
    # The per-character cache (for a wcwidth without its C extension) measures the same.
    assert grid._cached(text) == wcwidth.wcswidth(text)


def test_a_control_character_takes_one_column_as_in_ascii_text() -> None:
    assert width("a\tb") == 3
    assert width("特\t大") == grid._cached("特\t大") == 5


@given(texts, st.integers(min_value=1, max_value=50))
def test_wrapped_lines_fit_and_keep_every_character(text: str, limit: int) -> None:
    lines = wrap(text, limit)
    for line, used in lines:
        assert used == width(line)
        # A wide character (an emoji sequence, a letter and its accent) in one column still shows.
        assert used <= limit or len(list(wcwidth.iter_graphemes(line))) == 1
    # Breaks fall at spaces or inside a word too long for a line: nothing else is lost.
    assert "".join(line for line, _ in lines).replace(" ", "") == text.replace(" ", "")


@given(st.lists(st.text(st.sampled_from("abc 特大"), min_size=1, max_size=8), max_size=30))
def test_words_that_fit_are_never_split(words: list[str]) -> None:
    text = " ".join(w.replace(" ", "") or "x" for w in words)
    lines = wrap(text, 20)
    assert " ".join(line for line, _ in lines).split() == text.split()


def test_a_line_within_its_limit_is_left_alone() -> None:
    assert wrap("升级到第2级于 2026-10-01 10:05 Thu", 48) == [
        ("升级到第2级于 2026-10-01 10:05 Thu", 34)
    ]
    assert wrap("a\nbb", None) == [("a", 1), ("bb", 2)]


@given(st.lists(st.integers(), max_size=50), st.integers(min_value=1, max_value=7))
def test_pages_cut_the_rows_in_order(rows: list[int], size: int) -> None:
    cut = list(pages(([r] for r in rows), size))
    assert [r[0] for page in cut for r in page] == rows
    assert all(1 <= len(page) <= size for page in cut)


@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=6))
def test_every_grid_line_is_as_wide_as_the_frame(rows: list[tuple[str, str]]) -> None:
    out = io.StringIO()
    write_grid(out, ["案件 Case", "说明 Reason"], rows, [None, 12])
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("┌") and lines[-1].startswith("└")
    assert len({width(line) for line in lines}) == 1
    assert sum(line.startswith("├") for line in lines) == len(rows)


def test_markdown_page_keeps_cells_on_one_line_and_escapes_bars() -> None:
    out = io.StringIO()
    write_markdown(out, ["义务 Obligation", "说明"], [["a\nb", "x|y"]])
    header, rule, row = out.getvalue().splitlines()
    assert rule.startswith("|-") and row.startswith("| a b ")
    assert "x\\|y" in row
    assert width(header) == width(rule) == width(row)


# ---------------------------------------------------------------- the example month's tables

AUDIT = ("audit", "LOG", "--as-of", "2026-11-01")
REPORT = ("report", "--month", "2026-10", "LOG", "--as-of", "2026-11-10")
DUE = ("due", "--start", "2026-10-09 14:05")


def _tables(text: str) -> list[list[str]]:
    """The runs of lines that are a table: box-drawn (┌ │ ├ └) or Markdown (|)."""
    tables: list[list[str]] = []
    previous = None
    for line in text.splitlines():
        kind = "grid" if line[:1] in ("┌", "│", "├", "└") else "md" if line[:1] == "|" else None
        if kind is not None and kind == previous:
            tables[-1].append(line)
        elif kind is not None:
            tables.append([line])
        previous = kind
    return tables


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(
    ("name", "args", "count"),
    [
        ("audit", AUDIT, 2),  # the results, the summary per obligation
        ("audit markdown", (*AUDIT, "--format", "markdown"), 2),
        ("due", (*DUE, "--severity", "serious", "--site", "dalian"), 1),
        ("due without a term", (*DUE, "--severity", "minor", "--distance-km", "900"), 1),
        ("report", REPORT, 20),  # the parts of 2.3.4.3: tables and a card per major fault
    ],
)
def test_every_line_of_a_table_is_as_wide_as_the_others(
    example_output: Callable[..., str], name: str, args: tuple[str, ...], count: int, lang: str
) -> None:
    """Measured by wcwidth itself, as a terminal shows them, Chinese in either language."""
    tables = _tables(example_output(*args, "--lang", lang))
    assert len(tables) == count, name
    for table in tables:
        widths = {wcwidth.wcswidth(line) for line in table}
        assert len(widths) == 1, (name, table[0], sorted(widths))
        assert len(table) >= 3
