"""Following logs as they grow, as ``tail -F`` does: what was appended since the last look.

A LOG is a file or a directory (every log file in it, by suffix: ``.jsonl``, ``.csv``
...; a new file is read from its start). Only complete lines are read: a line still
being written (no newline yet) waits for the next look. A file replaced by another (log
rotation: renamed away and created anew, a different inode) is read to its end, then the
new one from its start; a file cut shorter (``copytruncate``) is read again from its
start; a file renamed inside a watched directory is the same file. What was read stays
read: the records of a rotated file still count (an exact duplicate read twice is used
once, as always). A gzipped file is complete: it is read once, when it appears.

A CSV record over several lines must be appended whole (a record cut between two looks
is rejected as broken quoting).
"""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from typing import IO, Any

from ..events import Rejection
from ..messages import Msg
from ..readers import LogError, read_log
from ..readers.csvlog import read_csv
from ..readers.jsonl import read_jsonl, read_jsonl_bytes
from ..readers.lines import MAX_LINE, Overlong, _skip_rest, is_gzip, is_utf8
from ..readers.registry import FORMATS, format_for, suffix_of

Record = tuple[str, int, Any]
Ident = tuple[int, int]


def _ident(info: os.stat_result) -> Ident:
    return info.st_dev, info.st_ino


def is_log_name(name: str) -> bool:
    """Whether a directory entry is a log by its suffix (under any ``.gz``)."""
    suffix = suffix_of(name)
    return any(suffix in f.suffixes for f in FORMATS.values() if f.log is not None)


class _Tail:
    """One file being followed: where its next line begins, and its number."""

    def __init__(self, path: str, ident: Ident, encoding: str | None) -> None:
        self.path, self.ident, self.encoding = path, ident, encoding
        self.csv = format_for(path, "log").name == "csv"
        self.gzip = is_gzip(path)
        self.handle: IO[bytes] | None = None
        self.offset = 0  # bytes read, up to the end of the last complete line
        self.lines = 0  # lines read
        self.header: str | None = None  # a CSV file's header line
        self.done = False  # a gzipped file, read

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def restart(self, ident: Ident) -> None:
        """Another file under the same name, or the same one cut shorter: from its start."""
        self.close()
        self.ident, self.offset, self.lines, self.header, self.done = ident, 0, 0, None, False

    def read(self) -> list[Record]:
        if self.gzip:
            if self.done:
                return []
            self.done = True
            return list(read_log(self.path, self.encoding))
        if self.handle is None:
            self.handle = open(self.path, "rb")  # noqa: SIM115 (kept open between looks)
        lines = self._complete_lines(self.handle)
        if not lines:
            return []
        first = self.lines + 1
        self.lines += len(lines)
        return list(self._records(lines, first))

    def _complete_lines(self, handle: IO[bytes]) -> list[bytes]:
        handle.seek(self.offset)
        out: list[bytes] = []
        while True:
            line = handle.readline(MAX_LINE + 1)
            if not line:
                break
            if not line.endswith(b"\n"):
                if len(line) <= MAX_LINE:
                    break  # still being written
                start = handle.tell() - len(line)
                marker = _skip_rest(handle.readline, line)
                if marker.consumed == marker.size:  # its end is not written yet
                    handle.seek(start)
                    break
                line = marker
            out.append(line)
            self.offset = handle.tell()
        return out

    def _records(self, lines: list[bytes], first: int) -> Iterator[Record]:
        source = self.path
        if not self.csv and is_utf8(self.encoding):
            yield from read_jsonl_bytes(lines, source, first_line=first)
            return
        encoding = self.encoding or "utf-8-sig"
        texts: list[str] = []
        for n, line in enumerate(lines, start=first):
            problem, text = None, "\n"
            if isinstance(line, Overlong):
                problem = line.reason()
            else:
                try:
                    text = line.decode(encoding)
                except UnicodeDecodeError as exc:
                    problem = Msg("line.undecodable", (("encoding", encoding), ("why", exc.reason)))
            if problem is not None:  # the line stays, blank, so that the others keep their numbers
                yield source, n, Rejection(source, n, problem.code, problem.values)
            if not self.csv:
                for _, _, record in read_jsonl([text], source):
                    yield source, n, _renumber(record, n)
            texts.append(text)
        if self.csv:
            yield from self._csv("".join(texts), first)

    def _csv(self, text: str, first: int) -> Iterator[Record]:
        """CSV lines, read under the file's header (the first piece holds it)."""
        source, header, shift = self.path, self.header, first - 1
        if header is not None:
            text, shift = header + text, first - 2
        try:
            for _, n, record in read_csv(io.StringIO(text, newline=""), source):
                yield source, shift + n, _renumber(record, shift + n)
        except LogError as exc:
            yield source, first, Rejection(source, first, exc.code, exc.values)
        if header is None:
            self.header = next((line for line in text.splitlines(True) if line.strip()), None)


def _renumber(record: Any, line: int) -> Any:
    """A rejection read from a piece of a file, with the file's line number."""
    if isinstance(record, Rejection):
        return Rejection(record.source, line, record.code, record.values)
    return record


class Follower:
    """What every LOG (file or directory) got since the last look."""

    def __init__(self, paths: list[str], encoding: str | None = None) -> None:
        self.paths = paths
        self.encoding = encoding
        self.files: dict[str, _Tail] = {}  # a LOG file, by its path
        self.folders: dict[str, dict[Ident, _Tail]] = {
            path: {} for path in paths if os.path.isdir(path)
        }

    def close(self) -> None:
        for tail in self.files.values():
            tail.close()
        for tails in self.folders.values():
            for tail in tails.values():
                tail.close()

    def poll(self) -> tuple[list[Record], list[str]]:
        """The records appended since the last look, and the files that could not be read
        (each a one-line reason)."""
        records: list[Record] = []
        problems: list[str] = []
        for path in self.paths:
            try:
                if path in self.folders:
                    records += self._folder(path)
                else:
                    records += self._file(path)
            except (OSError, LogError, UnicodeDecodeError) as exc:
                problems.append(f"{getattr(exc, 'filename', None) or path}: {_why(exc)}")
        return records, problems

    def _file(self, path: str) -> list[Record]:
        tail = self.files.get(path)
        try:
            info = os.stat(path)
        except FileNotFoundError:
            # Being rotated: what the old file got before it went, then wait for the new.
            return tail.read() if tail is not None and tail.handle is not None else []
        if tail is None:
            tail = self.files[path] = _Tail(path, _ident(info), self.encoding)
        out = tail.read()
        if _ident(info) != tail.ident:
            tail.restart(_ident(info))  # the old one was read to its end above
            out += tail.read()
        elif info.st_size < tail.offset:
            tail.restart(tail.ident)
            out += tail.read()
        return out

    def _folder(self, folder: str) -> list[Record]:
        tails = self.folders[folder]
        present: set[Ident] = set()
        out: list[Record] = []
        for name in sorted(os.listdir(folder)):
            if name.startswith(".") or not is_log_name(name):
                continue
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:
                continue
            if not stat.S_ISREG(info.st_mode):
                continue
            ident = _ident(info)
            present.add(ident)
            tail = tails.get(ident)
            if tail is None:
                tail = tails[ident] = _Tail(path, ident, self.encoding)
            tail.path = path  # renamed, perhaps
            if info.st_size < tail.offset:
                tail.restart(ident)
            out += tail.read()
        for ident in [i for i in tails if i not in present]:  # gone: what it got, last
            tail = tails.pop(ident)
            if tail.handle is not None:
                out += tail.read()
            tail.close()
        return out


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
