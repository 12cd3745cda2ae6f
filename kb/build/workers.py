"""The build's worker processes: per-document work run in order, a few documents ahead."""

from __future__ import annotations

import itertools
from collections.abc import Generator

# Documents handed to each worker ahead of the one the parent waits for. A result is a whole
# document's parts (a few MB of objects for a plan of 90 KB, and its pickle); the parent holds
# the results that came in before it reached them, and a worker the results of its task, so
# tasks of one document with a bounded queue keep both sizes to a few documents whatever the
# collection's (chunks of 60 plans held 500 MB at 1,000). Two ahead per worker keep the workers
# busy while the parent folds a document in.
_AHEAD = 2


def run_ordered(fn, items: list, jobs: int) -> Generator:
    """``fn`` of each item, in order; in ``jobs`` worker processes when there are several."""
    if jobs <= 1 or len(items) < 2:
        yield from (fn(x) for x in items)
        return
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        todo = iter(items)
        ahead = deque(pool.submit(fn, x) for x in itertools.islice(todo, jobs * (_AHEAD + 1)))
        while ahead:
            result = ahead.popleft().result()
            ahead.extend(pool.submit(fn, x) for x in itertools.islice(todo, 1))
            yield result
    finally:
        pool.shutdown(cancel_futures=True)
