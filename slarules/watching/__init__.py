"""``slarules watch``: follow growing logs, re-judge what changed, send one message per
crossing (a warning threshold passed, a breach, a clock met after a warning).

One module a job: :mod:`.follow` reads what was appended to the logs (rotated files
and directories too), :mod:`.standing` keeps the events and re-judges the cases that
changed or still run, :mod:`.crossings` decides what is news against what was sent,
:mod:`.messages` words a message in each webhook's format, :mod:`.state` keeps what was
sent and what is still to send in SQLite, :mod:`.notify` posts it, :mod:`.watcher`
runs the loop.
"""

from __future__ import annotations

from .watcher import Watcher, default_state_path

__all__ = ["Watcher", "default_state_path"]
