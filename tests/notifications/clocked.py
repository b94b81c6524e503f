"""Runs a Celery command (worker or beat) on the test's clock, for the real-beat test.

The wall clock of this process (``time.time``, ``datetime.now``, ``date.today``) starts
at the moment written in the file ``$TEST_CLOCK_FILE`` and ticks on from there; when the
test writes another moment to the file, the clock jumps to it. time-machine leaves the
monotonic clock and ``sleep`` alone, so Celery's and kombu's timers behave.

    TEST_CLOCK_FILE=/tmp/clock python -m tests.notifications.clocked -A app beat ...
"""

import datetime as dt
import os
import sys
import threading
import time

import time_machine


def read_clock(path: str) -> dt.datetime:
    with open(path) as clock:
        return dt.datetime.fromisoformat(clock.read().strip())


def main() -> None:
    path = os.environ["TEST_CLOCK_FILE"]
    shown = read_clock(path)
    coordinates = time_machine.travel(shown, tick=True).start()

    def follow() -> None:
        nonlocal shown
        while True:
            time.sleep(0.05)
            try:
                moment = read_clock(path)
            except (OSError, ValueError):  # the test is rewriting the file
                continue
            if moment != shown:
                shown = moment
                coordinates.move_to(moment)

    threading.Thread(target=follow, name="test-clock", daemon=True).start()
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
