"""Opening logs and exports (gzipped or not) and reading them in lines of bounded length.

A gzip file of 10 MB can hold one line of 10 GB. Lines are therefore read with
a bounded ``readline``: a line longer than :data:`MAX_LINE` is never held, only
measured as it is skipped to its end, and stands in the stream as an
:class:`Overlong` marker that each reader rejects with the line's number.
"""

from __future__ import annotations

import codecs
import errno
import gzip
import io
import os
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any, AnyStr, cast

from ..messages import Coded, Msg

# Limits of the tool, not of the contract (README "Errors"). A record line of an
# event log or export is far shorter; 1 MiB leaves room for a long free-text note.
MAX_LINE = 1 << 20  # bytes of a UTF-8 JSON Lines line, characters of a decoded line
_SKIP = 1 << 16  # how much of an overlong line is read at a time while skipping it

GZIP_MAGIC = b"\x1f\x8b"
# Other compressions a log may come in: named in the error instead of "try --encoding".
_ARCHIVES = {
    b"PK\x03\x04": "zip",
    b"\xfd7zXZ\x00": "xz",
    b"BZh": "bzip2",
    b"\x28\xb5\x2f\xfd": "zstd",
    b"7z\xbc\xaf\x27\x1c": "7z",
}
# What a file is to be, as its errors name it.
_WHAT = {"a log": Msg("file.a_log"), "an export": Msg("file.an_export")}


class LogError(Coded):
    """A log or export that cannot be read at all (missing, undecodable): a usage error.

    A code and its values (the ``input:`` section of the wording catalogues):
    ``Words(lang).problem(error)`` is its words; ``str()`` the code and values.
    """


class Overlong:
    """Stands in the stream for a line longer than :data:`MAX_LINE` (``size`` long).

    Its text is one NUL: not blank (readers do not skip it as an empty line) and
    never valid JSON or a CSV header, so it reaches each reader's slow path.
    """

    size: int  # its length, without the newline
    consumed: int  # what was read for it, the newline included (to keep byte offsets)

    def reason(self) -> Msg:
        """Why its record is rejected: a code and values."""
        code = "line.too_long_bytes" if isinstance(self, bytes) else "line.too_long_chars"
        return Msg(code, (("size", self.size), ("limit", MAX_LINE)))


class OverlongBytes(Overlong, bytes):
    pass


class OverlongStr(Overlong, str):
    pass


def _marker(sample: bytes | str, size: int, consumed: int) -> Any:
    marker: Overlong = OverlongBytes(b"\0") if isinstance(sample, bytes) else OverlongStr("\0")
    marker.size, marker.consumed = size, consumed
    return marker


def length(line: bytes | str) -> int:
    """How much of the stream ``line`` took (an :class:`Overlong` one: all of it)."""
    return line.consumed if isinstance(line, Overlong) else len(line)


def bounded_lines(stream: IO[AnyStr], limit: int = MAX_LINE) -> Iterator[AnyStr]:
    """The stream's lines (each with its newline), an :class:`Overlong` for each too long.

    A line may be ``limit`` long plus its newline; the rest of a longer one is
    read in small pieces and dropped, so memory stays bounded whatever the input.
    """
    readline = stream.readline
    cap = limit + 1
    while True:
        line: Any = readline(cap)
        if len(line) < cap:
            if not line:
                return
            yield line
            continue
        if line.endswith(b"\n" if isinstance(line, bytes) else "\n"):
            yield line
            continue
        yield _skip_rest(readline, line)


def _skip_rest(readline: Any, line: Any) -> Any:
    """The marker for ``line``, the start of an overlong line, once its rest is skipped."""
    newline = b"\n" if isinstance(line, bytes) else "\n"
    consumed = len(line)
    ended = False
    while not ended:
        more: Any = readline(_SKIP)
        if not more:
            break
        consumed += len(more)
        ended = more.endswith(newline)
    return _marker(line, consumed - ended, consumed)


def bounded_chunks(
    stream: IO[bytes], size: int, limit: int = MAX_LINE
) -> Iterator[tuple[list[bytes], int]]:
    """:func:`bounded_lines` in lists of about ``size`` bytes (a first pass's pace),
    each with the number of bytes its lines took."""
    readline = stream.readline
    cap = limit + 1
    while True:
        chunk: list[bytes] = []
        taken = 0
        while taken < size:
            line = readline(cap)
            if len(line) == cap and not line.endswith(b"\n"):
                line = _skip_rest(readline, line)
                taken += length(line) - len(line)
            elif not line:
                break
            chunk.append(line)
            taken += len(line)
        if not chunk:
            return
        yield chunk, taken


def is_gzip(path: str) -> bool:
    """Whether ``path`` is gzip-compressed: by its suffix or its first bytes."""
    if path.lower().endswith(".gz"):
        return True
    try:
        with open(path, "rb") as probe:
            return probe.read(2) == GZIP_MAGIC
    except OSError:
        return False  # the real open says what is wrong


def check_log_path(path: str, what: str = "a log") -> bool:
    """Raise :class:`LogError` unless ``path`` can be read as a log; True for a regular file.

    A log is a regular file or a pipe (a FIFO, ``<(...)``: streaming input like ``-``, read
    once). A directory, a device or a socket is refused, as is a path that does not lead to
    a file (missing, a dangling symbolic link, a link loop). ``what`` names the file in the
    message ("a log", "an export").
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise open_log_error(path, exc) from None
    if stat.S_ISREG(mode):
        return True
    if stat.S_ISFIFO(mode):
        return False
    if stat.S_ISDIR(mode):
        raise LogError("file.directory", path=path, what=_WHAT.get(what, what))
    raise LogError("file.not_regular", path=path)


def open_log_error(path: str, exc: OSError) -> LogError:
    """The one-line error for a path that does not lead to a file, or did not open."""
    if exc.errno == errno.ELOOP:
        return LogError("file.link_loop", path=path)
    if isinstance(exc, FileNotFoundError):
        if os.path.islink(path):
            return LogError("file.dangling_link", path=path, target=os.readlink(path))
        return LogError("file.missing", path=path)
    return LogError("file.os_error", path=path, why=exc.strerror or str(exc))


def open_bytes(path: str, what: str = "a log") -> IO[bytes]:
    """A file, gunzipped when it is gzip (by suffix or magic), or standard input for ``-``.

    Only a regular file or a pipe is opened (see :func:`check_log_path`); a pipe is
    not probed for gzip beforehand (it can be read once only).
    """
    if path == "-":
        stdin: Any = sys.stdin.buffer
        if not hasattr(stdin, "peek"):  # a stand-in (tests, embedding): buffer it to look ahead
            stdin = io.BufferedReader(stdin)
        if stdin.peek(2)[:2] == GZIP_MAGIC:
            return cast(IO[bytes], gzip.GzipFile(fileobj=stdin, mode="rb"))
        return cast(IO[bytes], stdin)
    regular = check_log_path(path, what)
    try:
        if path.lower().endswith(".gz") or (regular and is_gzip(path)):
            return cast(IO[bytes], gzip.open(path, "rb"))
        return open(path, "rb")
    except OSError as exc:
        raise open_log_error(path, exc) from None


_UTF8 = ("utf-8", "utf8", "utf-8-sig")


def is_utf8(encoding: str | None) -> bool:
    """Whether ``encoding`` (None: the default) is UTF-8, so bytes can be parsed as they are."""
    return (encoding or "utf-8").lower().replace("_", "-") in _UTF8


def open_text(path: str, encoding: str | None, newline: str) -> IO[str]:
    """A log decoded (default UTF-8, a byte-order mark dropped); ``newline`` as for open()."""
    name = encoding or "utf-8-sig"
    try:
        codecs.lookup(name)
    except LookupError:
        raise LogError("file.unknown_encoding", encoding=encoding) from None
    return io.TextIOWrapper(open_bytes(path), encoding=name, errors="strict", newline=newline)


def compression_of(path: str) -> str | None:
    """'zip', 'xz', 'bzip2', 'zstd', '7z': a file's compression that is not read here."""
    if path == "-":
        return None
    try:
        with open(path, "rb") as probe:
            head = probe.read(8)
    except OSError:
        return None
    return next((name for magic, name in _ARCHIVES.items() if head.startswith(magic)), None)
