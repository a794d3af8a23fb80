"""The HTML summary printed by a real browser: headless Chromium, where one is installed.

Skipped (with the reason) on a machine without Chromium: CI does not install a browser
for this one test. ``apt-get install chromium-headless-shell fonts-noto-cjk`` (Debian)
makes it run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from slarules.cli import main

ROOT = Path(__file__).resolve().parent.parent
LOG = str(ROOT / "examples" / "october-2026.jsonl")
BROWSERS = (
    "chromium",
    "chromium-browser",
    "chromium-headless-shell",
    "google-chrome",
    "google-chrome-stable",
)


def _browser() -> str | None:
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def _cjk_font() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    listed = subprocess.run([fc, ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


@pytest.mark.skipif(_browser() is None, reason="no Chromium or Chrome installed")
def test_the_summary_prints_with_a_page_per_part_in_a_cjk_font(tmp_path: Path) -> None:
    page = tmp_path / "summary.html"
    args = ["report", "--month", "2026-10", LOG, "--as-of", "2026-11-10", "--format", "html"]
    result = CliRunner().invoke(main, [*args, "-o", str(page)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "summary.pdf"
    browser = _browser()
    assert browser is not None
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",  # as root in CI
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    # Every part of 2.3.4.3 begins a page: at least nine pages, more where a part is long.
    assert pages >= 9, pages
    if not _cjk_font():
        pytest.skip("no CJK font installed (fc-list :lang=zh): the glyphs cannot be checked")
    fonts = set(re.findall(rb"/FontName\s*/(?:[A-Z]{6}\+)?([\w-]+)", data))
    # The page's font stack found an installed CJK font, so no glyph is a box.
    assert any(re.search(rb"CJK|YaHei|PingFang|SimSun|Hei|Song", f) for f in fonts), fonts
