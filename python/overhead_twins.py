#!/usr/bin/env python3
"""Python's twins of concbench's dispatch-overhead figures (standard library only).

Runs near-empty tasks (one multiply, like sum-squares with n = 1) through Python's own
concurrency tools with 2 workers and prints one line per twin: its name, then the median
microseconds per task over several timed batches. The overhead bench runs this script and
reads those lines; any other line (the first names the interpreter) is information only.

    python-version 3.12.3
    thread-pool-executor 11.7
    process-pool-executor 118
    asyncio-gather 5.95
    thread-start-join 87

To add a twin: a function timing one batch of `n` tasks, and an entry in TWINS.
"""

import asyncio
import statistics
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

WORKERS = 2
BATCH = 1000
REPEATS = 5


def task(i):
    return i * i


def thread_pool(n):
    # As concbench's `threads` model spawns its threads per batch, the pool is part of the
    # batch: a `with ThreadPoolExecutor(...)` block.
    start = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(task, i) for i in range(n)]
        for f in futures:
            f.result()
    return time.perf_counter() - start


def process_pool_factory():
    # Like concbench's `process` model, the worker processes exist before timing.
    pool = ProcessPoolExecutor(WORKERS)
    list(pool.map(task, range(4 * WORKERS)))

    def batch(n):
        start = time.perf_counter()
        futures = [pool.submit(task, i) for i in range(n)]
        for f in futures:
            f.result()
        return time.perf_counter() - start

    return batch, pool.shutdown


async def empty(i):
    return i * i


def asyncio_factory():
    # One event loop for every batch, as concbench's tokio models build their runtime once.
    loop = asyncio.new_event_loop()

    async def gather(n):
        tasks = [asyncio.create_task(empty(i)) for i in range(n)]
        await asyncio.gather(*tasks)

    def batch(n):
        start = time.perf_counter()
        loop.run_until_complete(gather(n))
        return time.perf_counter() - start

    return batch, loop.close


def thread_start_join(n):
    start = time.perf_counter()
    for i in range(n):
        t = threading.Thread(target=task, args=(i,))
        t.start()
        t.join()
    return time.perf_counter() - start


def plain(batch):
    return batch, lambda: None


TWINS = [
    ("thread-pool-executor", lambda: plain(thread_pool), BATCH),
    ("process-pool-executor", process_pool_factory, BATCH),
    ("asyncio-gather", asyncio_factory, BATCH),
    ("thread-start-join", lambda: plain(thread_start_join), 200),
]


def per_task_us(factory, n):
    batch, close = factory()
    try:
        batch(n)  # warm-up
        times = [batch(n) for _ in range(REPEATS)]
    finally:
        close()
    return statistics.median(times) / n * 1e6


def main():
    print("python-version", sys.version.split()[0], flush=True)
    for name, factory, n in TWINS:
        print(name, f"{per_task_us(factory, n):.4g}", flush=True)


if __name__ == "__main__":
    main()
