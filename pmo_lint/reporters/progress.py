"""A progress line on stderr while a long check runs, on a terminal only.

Nothing is written for runs shorter than ``delay`` seconds, when stderr is not a terminal (CI logs,
pipes, pre-commit's captured output) or when ``TERM=dumb``. The line is redrawn with a carriage return
and wiped at the end with spaces, so no escape sequence is ever written.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from types import TracebackType
from typing import IO

_FRAMES = "|/-\\"


class Progress:
    def __init__(
        self,
        stream: IO[str] | None = None,
        *,
        label: str = "checking the portfolio",
        delay: float = 1.0,
        interval: float = 0.25,
        enabled: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        self.delay = delay
        self.interval = interval
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = time.monotonic()
        self._frame = 0
        self._width = 0  # of the last line drawn, to wipe it

    def tick(self) -> None:
        """Draw one frame: spinner, label and elapsed seconds."""
        elapsed = int(time.monotonic() - self._start)
        line = f"{_FRAMES[self._frame % len(_FRAMES)]} pmo-lint: {self.label}… {elapsed}s"
        self._frame += 1
        self._write("\r" + line.ljust(self._width))
        self._width = len(line)

    def clear(self) -> None:
        if self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _write(self, text: str) -> None:
        try:
            fd = self.stream.fileno()
        except (AttributeError, OSError, ValueError):
            fd = -1
        try:
            if fd >= 0:
                # straight to the descriptor: this thread then never holds the stream's lock, which a
                # worker process forked at that moment would inherit locked
                os.write(fd, text.encode(getattr(self.stream, "encoding", None) or "utf-8", errors="replace"))
            else:
                self.stream.write(text)
                self.stream.flush()
        except (OSError, ValueError):  # a closed or broken terminal must not break the check
            self._stop.set()

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.interval)

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled:
            self.stream.flush()
            self._thread = threading.Thread(target=self._run, name="pmo-lint-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.clear()


def _is_terminal(stream: IO[str]) -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
