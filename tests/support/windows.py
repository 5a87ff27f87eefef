"""Rate limits use fixed windows aligned to the epoch; a test that makes several calls over moved time
must start just after a boundary, or its calls can straddle two windows depending on the time of day."""
from __future__ import annotations

from datetime import timedelta

from shared import clock


def start_of_window(seconds: int) -> None:
    """Move the clock to one second after the next boundary of a `seconds`-long window."""
    epoch = clock.now().timestamp()
    clock.advance(timedelta(seconds=seconds - epoch % seconds + 1))
