"""Documents written whole or not at all: standard output through a spool, ``-o`` by rename.

An audit can stop half-way (an undecodable line, a date beyond the calendar, a
worker's error, Ctrl-C): what it has written by then is half a JSON document, a
table cut mid-row. So a command writes its document into :func:`document`,
which holds it (in memory up to :data:`SPOOL_MEMORY`, 8 MiB, then in an anonymous
temporary file, so a 100 MB report does not take 100 MB of memory) and only when
the block ends normally copies it to standard output, or renames the temporary
file beside ``-o FILE`` onto FILE. A block left by an exception (``fail()``'s
SystemExit included) writes nothing and leaves FILE as it was.

Failures to write become :class:`OutputFailed` with a one-line message; a reader
that goes away (``| head``) is a :class:`BrokenPipeError`, left to the caller.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from .language import say

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer

# Held in memory up to this many bytes, then in a temporary file (a limit of the tool).
SPOOL_MEMORY = 8 << 20
_CHUNK = 1 << 20

# What became of the document being written, for the message of an interruption.
IDLE, HELD, COPYING, DONE = "idle", "held", "copying", "done"
_state = IDLE


def state() -> str:
    """IDLE (no document begun), HELD (held back, nothing out), COPYING (going out), DONE."""
    return _state


def reset() -> None:
    _set_state(IDLE)


def _set_state(value: str) -> None:
    global _state
    _state = value


class OutputFailed(Exception):
    """A document could not be written: the message names where, and why."""


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


class _Sink(io.RawIOBase):
    """Bytes into ``inner``; a write that fails says which output failed."""

    def __init__(self, inner: IO[bytes], label: str) -> None:
        self.inner, self.label = inner, label

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.inner.fileno()

    def write(self, data: ReadableBuffer, /) -> int:
        try:
            written = self.inner.write(data)
        except OSError as exc:
            raise OutputFailed(f"{self.label}: {_why(exc)}") from exc
        return memoryview(data).nbytes if written is None else written  # the rest: again

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.inner.close()
        super().close()


def _text(sink: _Sink, encoding: str, errors: str) -> IO[Any]:
    """The stream a document is written to: text, or bytes for binary documents (a
    workbook), which pass no encoding."""
    if encoding == BINARY:
        return io.BufferedWriter(sink, _CHUNK)
    return io.TextIOWrapper(io.BufferedWriter(sink, _CHUNK), encoding=encoding, errors=errors)


BINARY = ""  # the "encoding" of a binary document


@contextlib.contextmanager
def document(path: str | None = None) -> Iterator[IO[str]]:
    """A text stream for the whole document; it reaches ``path`` (or stdout) only on success.

    The target is checked when the block begins (a missing directory, a file that
    cannot be written fail before any work is done).
    """
    with _document(path, None) as out:
        yield out


@contextlib.contextmanager
def binary_document(path: str | None = None) -> Iterator[IO[bytes]]:
    """As :func:`document`, for bytes (an Excel workbook)."""
    with _document(path, BINARY) as out:
        yield out


@contextlib.contextmanager
def _document(path: str | None, encoding: str | None) -> Iterator[IO[Any]]:
    if path is None or path == "-":
        target: _Target = _Stdout(encoding)
    else:
        target = _File.open(path, encoding)
    _set_state(HELD)
    out = target.stream
    try:
        yield out
        out.flush()
        target.commit()
        _set_state(DONE)
    finally:  # what did not go out is dropped: the spool closed, the temporary file removed
        target.cleanup()


class _Target:
    stream: IO[Any]

    def commit(self) -> None:
        raise NotImplementedError

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.close()


def _spool() -> tuple[_Sink, IO[bytes]]:
    held: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115
    where = tempfile.gettempdir()
    return _Sink(held, say("spool", folder=where)), held


class _Stdout(_Target):
    """Held in a spool; copied to standard output when complete."""

    def __init__(self, encoding: str | None = None) -> None:
        sink, self.held = _spool()
        self.stream = _text(
            sink,
            getattr(sys.stdout, "encoding", None) or "utf-8" if encoding is None else encoding,
            getattr(sys.stdout, "errors", None) or "strict",
        )

    def commit(self) -> None:
        copy_out(self.held, say("stdout"))


def copy_out(held: IO[bytes], label: str, into: IO[bytes] | None = None) -> None:
    """Copy a spool to standard output (or ``into``); COPYING while it goes out."""
    try:
        sys.stdout.flush()  # what was echoed before comes first
        out = into or getattr(sys.stdout, "buffer", None)
        fd = _fileno(out)
        held.seek(0)
        _set_state(COPYING)
        if out is None:  # a text-only stdout (a test harness's)
            sys.stdout.write(held.read().decode(sys.stdout.encoding or "utf-8"))
            sys.stdout.flush()
            return
        while chunk := held.read(_CHUNK):
            if fd is None:
                out.write(chunk)
            else:
                _write_all(fd, chunk)
        out.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputFailed(f"{label}: {_why(exc)}") from exc


def _fileno(out: IO[bytes] | None) -> int | None:
    try:
        return None if out is None else out.fileno()
    except (OSError, ValueError, AttributeError):  # io.UnsupportedOperation is both
        return None


def _write_all(fd: int, chunk: bytes) -> None:
    """Write to the descriptor itself: a pipe whose reader goes away mid-write takes part
    of a chunk, and a buffered file's write then reports no error for the rest."""
    view = memoryview(chunk)
    while view:
        view = view[os.write(fd, view) :]


class _File(_Target):
    """A temporary file beside FILE, renamed onto it when complete (FILE is the old or the new).

    Where there can be no such rename (FILE is ``/dev/null`` or a FIFO; its folder
    cannot be written, FILE can), the document is spooled and written into FILE
    when complete.
    """

    def __init__(self, path: str, label: str, mode: int | None) -> None:
        self.path, self.label, self.mode = path, label, mode
        self.temp, self.held = "", None

    @classmethod
    def open(cls, path: str, encoding: str | None = None) -> _File:
        label = f"-o {path}"
        real = os.path.realpath(path)  # through a symbolic link: the file it names
        try:
            mode: int | None = os.stat(real).st_mode
        except FileNotFoundError:
            mode = None
        except OSError as exc:  # a part of the path that is a file, say
            raise OutputFailed(say("output_failed", path=path, why=_why(exc))) from exc
        if mode is not None and stat.S_ISDIR(mode):
            raise OutputFailed(say("output_is_directory", path=path))
        if mode is not None and not os.access(real, os.W_OK):
            raise OutputFailed(say("output_denied", path=path))
        target = cls(real, label, mode)
        folder, name = os.path.split(real)
        if not os.path.isdir(folder):
            raise OutputFailed(say("output_no_folder", path=path, folder=os.path.dirname(path)))
        if mode is None or stat.S_ISREG(mode):
            try:
                handle, target.temp = tempfile.mkstemp(
                    prefix=f".{name}.", suffix=".part", dir=folder
                )
            except PermissionError:
                if mode is None:
                    raise OutputFailed(
                        say("output_no_create", path=path, folder=os.path.dirname(path) or ".")
                    ) from None
            except OSError as exc:
                raise OutputFailed(f"{label}: {_why(exc)}") from exc
            else:
                sink = _Sink(os.fdopen(handle, "wb", buffering=0), label)
                target.stream = _text(sink, "utf-8" if encoding is None else encoding, "strict")
                return target
        sink, target.held = _spool()
        target.stream = _text(sink, "utf-8" if encoding is None else encoding, "strict")
        return target

    temp: str
    held: IO[bytes] | None

    def commit(self) -> None:
        try:
            if self.held is not None:
                with open(self.path, "wb") as into:
                    copy_out(self.held, self.label, into)
                return
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            if self.mode is not None:
                os.chmod(self.temp, stat.S_IMODE(self.mode))
            else:  # mkstemp made it private: a new file gets the usual permissions
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temp, 0o666 & ~umask)
            os.replace(self.temp, self.path)
            self.temp = ""
        except OSError as exc:
            raise OutputFailed(f"{self.label}: {_why(exc)}") from exc

    def cleanup(self) -> None:
        super().cleanup()
        if self.temp:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
            self.temp = ""


def silence_stdout() -> None:
    """Point file descriptor 1 at /dev/null, so the interpreter's last flush cannot fail."""
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
