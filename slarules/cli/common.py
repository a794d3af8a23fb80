"""What every command shares: the group, exit statuses, loading, friendly times."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import datetime
from types import FrameType
from typing import Any, NoReturn

import click

from .. import model as m
from ..errors import RuleError, RulesInvalid
from ..messages import Coded
from . import language, output
from .helpformat import Command, Context
from .language import help_text, say

EXIT_OK, EXIT_BREACHED, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
# 128 + the signal's number, as shells report a process the signal ended.
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143


def fail(message: str) -> NoReturn:
    """``slarules: error: message`` (in the CLI's language) on standard error; exit 2."""
    click.echo(say("error", message=message), err=True)
    sys.exit(EXIT_USAGE)


def fail_with(error: Coded) -> NoReturn:
    """:func:`fail` with an error that is a code and values (a log that cannot be read, a
    year the calendar lacks), in the CLI's language."""
    fail(language.words().problem(error))


def echo_rules_errors(errors: list[RuleError]) -> None:
    """Each rules (mapping, test-case) error on its line, ``file:line:column: message``."""
    words = language.words()
    for error in errors:
        click.echo(words.rules_error(error), err=True)


def load_rules(rules: str | None) -> m.Contract:
    from ..loader import load_contract

    try:
        return load_contract(rules)
    except RulesInvalid as exc:
        echo_rules_errors(exc.errors)
        click.echo(say("rules_errors", count=len(exc.errors)), err=True)
        sys.exit(EXIT_USAGE)


def with_assessment(contract: m.Contract, path: str | None) -> m.Contract:
    """The contract with the customer's assessment of ``--assessment FILE`` (2.3.4.4)."""
    if path is None:
        return contract
    import dataclasses

    from ..loader import load_assessment

    try:
        return dataclasses.replace(contract, assessment=load_assessment(path, contract))
    except RulesInvalid as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(say("rules_errors", count=len(exc.errors)), err=True)
        sys.exit(EXIT_USAGE)


def user_time(text: str | None, contract: m.Contract, what: str) -> datetime | None:
    from ..edges import parse_user_time

    if text is None:
        return None
    from ..events import MAX_YEAR, MIN_YEAR, TimeOutOfRange

    try:
        return parse_user_time(text, contract.tz)
    except TimeOutOfRange:
        fail(say("time_out_of_range", option=what, text=text, first=MIN_YEAR, last=MAX_YEAR))
    except ValueError:
        fail(say("bad_time", option=what, text=text))


output_option = click.option(
    "-o",
    "--output",
    help=help_text("option.output"),
)
rules_option = click.option(
    "--rules",
    "rules",
    # Not checked here: the loader says what is wrong with the path, one line, located.
    type=click.Path(),
    envvar="SLARULES_RULES",
    help=help_text("option.rules"),
)
assessment_option = click.option(
    "--assessment",
    "assessment",
    type=click.Path(),
    help=help_text("option.assessment"),
)
as_of_option = click.option("--as-of", "as_of", help=help_text("option.as_of"))
judge_all_option = click.option(
    "--judge-all",
    "judge_all",
    is_flag=True,
    help=help_text("option.judge_all"),
)


def _use_language(ctx: click.Context, param: click.Parameter, value: str) -> str:
    language.use(value)
    return value


# Eager: the language is set before the other options are checked, so their messages speak it.
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=language.startup(),
    show_default=True,
    is_eager=True,
    callback=_use_language,
    help=help_text("option.lang"),
)


class Terminated(BaseException):
    """SIGTERM, raised in the main process so that the way out removes temporary files."""


def _terminated(signum: int, frame: FrameType | None) -> NoReturn:
    raise Terminated


class Group(Command, click.Group):
    """The command group; a command's way out is an exit status and one line, never a traceback.

    Ctrl-C exits 130 and SIGTERM 143, with a line that says whether the output is
    incomplete; a reader that went away (``| head``) ends the run quietly, 141; an
    output that cannot be written exits 2. Click's own handling would exit 1 (the
    status for "breached") on both Ctrl-C and a broken pipe.
    """

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if threading.current_thread() is not threading.main_thread():
            return super().main(*args, **kwargs)  # only the main thread can set handlers
        previous = signal.getsignal(signal.SIGINT), signal.signal(signal.SIGTERM, _terminated)
        try:
            return super().main(*args, **kwargs)
        finally:  # as they were (for a caller that goes on: a test, say)
            for number, handler in zip((signal.SIGINT, signal.SIGTERM), previous, strict=True):
                if handler is not None:
                    signal.signal(number, handler)

    context_class = Context
    command_class = Command

    def invoke(self, ctx: click.Context) -> Any:
        output.reset()
        language.reset()  # until the command's --lang says otherwise
        try:
            try:
                result = super().invoke(ctx)
            except SystemExit:
                _flush_stdout()
                raise
            _flush_stdout()
            return result
        except KeyboardInterrupt:
            _stop("interrupted", EXIT_INTERRUPTED)
        except Terminated:
            _stop("terminated", EXIT_TERMINATED)
        except BrokenPipeError:
            output.silence_stdout()  # the reader is gone: nothing more to say to it
            sys.exit(EXIT_BROKEN_PIPE)
        except output.OutputFailed as exc:
            output.silence_stdout()
            fail(str(exc))
        except OSError as exc:  # a write to standard output, say, by click.echo
            output.silence_stdout()
            fail(f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror or str(exc))


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise output.OutputFailed(f"standard output: {exc.strerror or exc}") from exc


def _stop(what: str, status: int) -> NoReturn:
    if threading.current_thread() is threading.main_thread():
        for number in (signal.SIGINT, signal.SIGTERM):  # a second one does not cut this short
            signal.signal(number, signal.SIG_IGN)
    outcome = {output.HELD: say("no_output"), output.COPYING: say("output_incomplete")}
    output.silence_stdout()
    if sys.stderr.isatty():
        click.echo(err=True)  # past the ^C and the progress line
    click.echo(say(what) + outcome.get(output.state(), ""), err=True)
    sys.exit(status)


@click.group(
    cls=Group,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=help_text("main.help"),
)
@click.version_option(package_name="slarules", help=help_text("version_option"))
def main() -> None:
    """The command group (its help is the catalogue's ``help.main.help``)."""
