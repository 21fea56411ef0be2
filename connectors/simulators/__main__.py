"""Run one simulator: ``python -m connectors.simulators --system tis --port 8091 [--demo N]``."""

from __future__ import annotations

import argparse
import signal
import threading

from connectors.simulators.server import demo_decisions, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--system", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--demo", type=int, default=0,
                        help="offer this many deterministic decisions at start")
    parser.add_argument("--unit", default=None, help="territorial unit code for the demo")
    args = parser.parse_args()
    sim = start(args.system, args.port)
    if args.system == "calendar":
        sim.set(demo=bool(args.demo))  # deterministic leave and outside bookings
    elif args.demo and args.system in ("tis", "prois", "ievp"):  # the others only answer
        sim.offer(*demo_decisions(args.system, args.demo, unit=args.unit))
    print(f"{args.system} simulator at {sim.url}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sim.stop()


if __name__ == "__main__":
    main()
