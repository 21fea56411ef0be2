"""A light HTTP load generator for the benchmarks: processes x threads over raw sockets.

The ``requests`` library costs the client about as much CPU per request as a small Flask
view costs the server: on 2 CPUs it capped even a bare Flask endpoint near 500 requests a
second, so it measured itself. Here every request is pre-built bytes on a fresh connection
(``Connection: close``, which is what gunicorn's sync workers do anyway), and the threads
are spread over processes so the client's GIL is not the limit either.
"""

from __future__ import annotations

import multiprocessing as mp
import socket
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Target:
    """One client connection's work: where to POST what, with which cookie."""

    host: str
    port: int
    path: str
    body: bytes
    cookie: str = ""


@dataclass
class LoadResult:
    """Answers by status, and the latency (seconds) of each 2xx answer with its end time."""

    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    ends: list[float] = field(default_factory=list)

    def merge(self, other: LoadResult) -> None:
        """Add another result into this one."""
        self.statuses.update(other.statuses)
        self.latencies.extend(other.latencies)
        self.ends.extend(other.ends)


def post(target: Target, timeout: float = 30.0) -> tuple[int, float]:
    """One POST with a fresh ``Idempotency-Key``; returns (status, seconds)."""
    head = (
        f"POST {target.path} HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
        f"User-Agent: plus-bench\r\nContent-Type: application/json\r\n"
        f"Idempotency-Key: {uuid.uuid4().hex}\r\n"
        + (f"Cookie: {target.cookie}\r\n" if target.cookie else "")
        + f"Content-Length: {len(target.body)}\r\nConnection: close\r\n\r\n"
    )
    started = time.perf_counter()
    with socket.create_connection((target.host, target.port), timeout=timeout) as sock:
        sock.sendall(head.encode("latin-1") + target.body)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    elapsed = time.perf_counter() - started
    status_line = b"".join(chunks).split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 0
    return status, elapsed


def _process(args: tuple[list[Target], float]) -> LoadResult:
    targets, stop_at_wall = args
    result = LoadResult()
    lock = threading.Lock()

    def run(target: Target) -> None:
        mine = LoadResult()
        while time.time() < stop_at_wall:
            try:
                status, elapsed = post(target)
            except OSError:
                status, elapsed = 0, 0.0
            mine.statuses[status] += 1
            if 200 <= status < 300:
                mine.latencies.append(elapsed)
                mine.ends.append(time.time())
        with lock:
            result.merge(mine)

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return result


def run_load(targets: list[Target], seconds: float, processes: int = 2) -> tuple[float, LoadResult]:
    """POST from one thread per target, spread over ``processes``, for ``seconds``.

    :returns: 2xx answers per second (those finished within the window) and the details.
    """
    groups: list[list[Target]] = [targets[i::processes] for i in range(processes)]
    start = time.time() + 1.0  # the pool's start-up is not part of the window
    stop = start + seconds
    ctx = mp.get_context("fork")
    with ctx.Pool(processes) as pool:
        while time.time() < start:
            time.sleep(0.01)
        parts = pool.map(_process, [(g, stop) for g in groups if g])
    total = LoadResult()
    for part in parts:
        total.merge(part)
    done = sum(1 for end in total.ends if end <= stop)
    return done / seconds, total
