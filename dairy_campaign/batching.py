"""Working through long sequences in bounded pieces (imports, plans, exports)."""

import itertools
from collections.abc import Iterable, Iterator


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of at most `size` items (itertools.batched of Python 3.12, as lists)."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
