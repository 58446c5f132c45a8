"""Run a module under cProfile, profiling only the measured rounds, in CPU time.

`python -m cProfile` profiles from the first import to the exit: in a short benchmark the
start-up (imports, building pydantic models) then outweighs the steps being studied, and its
wall-clock timer counts the time the event loop waits for the network. This wrapper profiles
between two signals the benchmark sends, with the process's CPU time as the clock:

    SIGUSR1  after the warm-up     start profiling
    SIGUSR2  after the last round  stop and write the profile to FILE

Run as `python -m bench.profiled FILE MODULE ARGS...` (e.g. `... bot --env-file E run`).
"""

from __future__ import annotations

import cProfile
import os
import runpy
import signal
import sys
import time
from types import FrameType

START = signal.SIGUSR1
STOP = signal.SIGUSR2


def main() -> None:
    if len(sys.argv) < 3:
        print("usage: python -m bench.profiled FILE MODULE ARGS...", file=sys.stderr)
        sys.exit(2)
    output, module, *arguments = sys.argv[1:]
    profiler = cProfile.Profile(time.process_time)

    def start(_signal: int, _frame: FrameType | None) -> None:
        profiler.enable()

    def stop(_signal: int, _frame: FrameType | None) -> None:
        profiler.disable()
        profiler.dump_stats(f"{output}.part")
        os.replace(f"{output}.part", output)  # whole, or not there: the benchmark waits for it

    signal.signal(START, start)
    signal.signal(STOP, stop)
    sys.argv = [module, *arguments]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
