"""The progress line: only on a terminal, wiped at the end, never an escape sequence."""

from __future__ import annotations

import io
import threading

import pytest

from pmo_lint.reporters.progress import Progress


class _Terminal(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.drawn = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if "pmo-lint:" in text:
            self.drawn.set()
        return super().write(text)


def test_not_a_terminal_writes_nothing() -> None:
    stream = io.StringIO()
    with Progress(stream, delay=0) as progress:
        assert not progress.enabled
    assert stream.getvalue() == ""


def test_dumb_terminal_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "dumb")
    assert not Progress(_Terminal()).enabled


def test_frames_are_drawn_then_wiped() -> None:
    stream = _Terminal()
    progress = Progress(stream, label="loading")
    progress.tick()
    progress.tick()
    progress.clear()
    out = stream.getvalue()
    assert out.startswith("\r| pmo-lint: loading… 0s\r/ pmo-lint: loading… 0s")
    assert out.endswith("\r" + " " * len("/ pmo-lint: loading… 0s") + "\r")
    assert "\x1b" not in out


def test_thread_draws_on_a_terminal_and_stops() -> None:
    stream = _Terminal()
    with Progress(stream, delay=0, interval=0.01) as progress:
        assert stream.drawn.wait(timeout=30)
    assert progress._thread is not None and not progress._thread.is_alive()
    assert stream.getvalue().endswith(" \r")


def test_short_run_draws_nothing() -> None:
    stream = _Terminal()
    with Progress(stream, delay=3600):
        pass
    assert stream.getvalue() == ""
