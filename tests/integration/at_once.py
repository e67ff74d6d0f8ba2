"""Run one action from several threads at the same moment, as a double click or many tabs do.

Each thread has its own app context (its own session and connection); ``prepare`` runs before
the barrier (e.g. the reads a request makes before it writes), ``act`` after it. Returns what
each ``act`` returned, or the error it raised as ``"Type: message"`` for the assertion to show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

from core.extensions import db


def at_once(app: Flask, times: int, act: Callable[[Any], Any],
            prepare: Callable[[], Any] = lambda: None) -> list[Any]:
    start = threading.Barrier(times)
    outcomes: list[Any] = []

    def press() -> None:
        with app.app_context():
            try:
                prepared = prepare()
                start.wait()
                outcomes.append(act(prepared))
            except Exception as error:  # reported by the caller's assertion
                outcomes.append(f"{type(error).__name__}: {error}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=press) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
