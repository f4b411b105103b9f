"""The Knox test for near repeats: are events that are close in space also close in
time more often than chance would give?

Every pair of events falls in one cell of a table of distance bands × time bands (the
last row and column hold the pairs beyond the largest band). The observed count of a
cell is compared with its counts when the event times are shuffled among the events
(Monte Carlo permutation, keeping the places and the set of times): the expected count
is the mean over the permutations, the ratio is observed / expected, and the p-value
of a cell is ``(1 + permutations with a count >= the observed) / (permutations + 1)``.
This is the Knox test as the Near Repeat Calculator computes it (Ratcliffe 2009,
after Knox 1964; Townsley, Homel & Chaseling 2003; Johnson et al. 2007).

Bands: a distance ``d`` (metres) is in band ``k`` when ``edges[k-1] < d <= edges[k]``
(the first band is ``0 <= d <= edges[0]``; with a first edge of 0 it is "the same
place"); a time difference in whole days likewise.

Speed: only the pairs within the largest distance band are listed
(``cKDTree.query_pairs``), once, grouped by distance band and first event; a pass over
the pairs repeats the groups' permuted days, subtracts the second events' and counts
the differences per distance band with one ``bincount``, for up to five permutations
at once (packed side by side in one integer, see ``_Pairs.counts``). The row of pairs beyond the largest
distance is what is left of all pairs per time band, which permuting times leaves
unchanged (the set of times is the same), so it needs no pair list.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

#: Default bands: the same place, then 100 m steps to 400 m; 7-day steps to 28 days.
SPACE_EDGES_M: tuple[float, ...] = (0.0, 100.0, 200.0, 300.0, 400.0)
TIME_EDGES_DAYS: tuple[int, ...] = (7, 14, 21, 28)
PERMUTATIONS = 99
#: A cell is "significant" at this p-value (as the Near Repeat Calculator reports).
ALPHA = 0.05


@dataclass(frozen=True)
class KnoxResult:
    """Observed and expected pair counts per cell, ratio and p-value.

    Arrays are ``(len(space_edges) + 1, len(time_edges) + 1)``: the last row is the
    pairs farther apart than the last distance edge, the last column the pairs farther
    apart in time than the last time edge.
    """

    space_edges: tuple[float, ...]
    time_edges: tuple[int, ...]
    observed: np.ndarray
    expected: np.ndarray
    p_value: np.ndarray
    n_events: int
    permutations: int

    @property
    def ratio(self) -> np.ndarray:
        """Observed / expected (NaN where nothing is expected)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.expected > 0, self.observed / self.expected, np.nan)

    def significant(self, alpha: float = ALPHA) -> np.ndarray:
        """Cells with more pairs than expected and ``p <= alpha``."""
        return (self.p_value <= alpha) & (self.observed > self.expected)


def _bands(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Band index per value: ``edges[k-1] < v <= edges[k]``; ``len(edges)`` beyond."""
    return np.searchsorted(edges, values, side="left")


def _all_pairs_by_time(days: np.ndarray, time_edges: np.ndarray) -> np.ndarray:
    """Pairs of all events per time band (the same for every permutation of times)."""
    span = int(days.max() - days.min()) + 1 if len(days) else 1
    c = np.bincount(days - days.min(), minlength=span).astype(np.int64) if len(days) else \
        np.zeros(1, np.int64)
    per_diff = np.correlate(c, c, mode="full")[span - 1:]  # lag 0, 1, ...
    per_diff[0] = int((c * (c - 1) // 2).sum())
    out = np.zeros(len(time_edges) + 1, np.int64)
    np.add.at(out, _bands(np.arange(span), time_edges), per_diff)
    return out


def _group_by_first(first: np.ndarray, second: np.ndarray, rows: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, seconds)``: the pairs grouped by ``first`` (CSR layout), by a counting
    sort, O(pairs). SciPy's own conversion kernel does it in one pass; its public
    ``csr_matrix`` also sorts within each row and sums duplicates (there are none here),
    which takes four times as long, and is the fallback if the kernel moves."""
    try:
        from scipy.sparse import _sparsetools

        indptr = np.zeros(rows + 1, np.int32)
        seconds = np.empty(len(first), np.int32)
        _sparsetools.coo_tocsr(rows, rows, len(first), first, second,
                               np.zeros(len(first), np.int8), indptr, seconds,
                               np.empty(len(first), np.int8))
        return indptr, seconds
    except (ImportError, AttributeError, TypeError, ValueError):
        csr = sparse.csr_matrix((np.ones(len(first), np.int8), (first, second)),
                                shape=(rows, rows))
        return csr.indptr, csr.indices


class _Pairs:
    """The pairs within the largest distance band, grouped by (distance band, first
    event) and counted in chunks of whole groups that stay in the processor's cache.

    Per permutation a group's first-event value is written once and repeated over the
    group (a streaming ``repeat``, cheaper than a gather per pair); only the second
    event is gathered. Whole-array temporaries of millions of pairs are avoided: in
    fresh memory their page faults cost more than the arithmetic.
    """

    CHUNK = 1 << 17

    def __init__(self, x: np.ndarray, y: np.ndarray, space_edges: np.ndarray):
        self.n, self.bands = len(x), len(space_edges)
        pairs = (cKDTree(np.column_stack([x, y])).query_pairs(
            float(space_edges[-1]), output_type="ndarray") if self.n > 1
            else np.empty((0, 2), np.intp))
        squared = space_edges ** 2
        # (band * n + i) fits in int32: events times bands stays far below 2**31.
        first = np.empty(len(pairs), np.int32)
        second = np.empty(len(pairs), np.int32)
        for k in range(0, len(pairs), self.CHUNK):
            i, j = pairs[k:k + self.CHUNK, 0], pairs[k:k + self.CHUNK, 1]
            dx, dy = x.take(i) - x.take(j), y.take(i) - y.take(j)
            band = np.searchsorted(squared, dx * dx + dy * dy, side="left")
            first[k:k + self.CHUNK] = band * self.n + i
            second[k:k + self.CHUNK] = j
        del pairs
        indptr, seconds = _group_by_first(first, second, self.bands * max(self.n, 1))
        sizes = np.diff(indptr)
        groups = np.nonzero(sizes)[0]
        sizes = sizes[groups]
        ends = np.cumsum(sizes)
        cuts = np.unique(np.minimum(np.searchsorted(
            ends, np.arange(self.CHUNK, int(ends[-1]) + self.CHUNK, self.CHUNK)) + 1,
            len(groups))) if len(groups) else np.empty(0, np.intp)
        self.chunks, g0, p0 = [], 0, 0
        for g1 in cuts:
            p1 = int(ends[g1 - 1])
            self.chunks.append((groups[g0:g1], sizes[g0:g1], seconds[p0:p1]))
            g0, p0 = g1, p1

    def counts(self, batch: list[np.ndarray], offset: int, width: int) -> list[np.ndarray]:
        """``(bands, width)`` per assignment of days in ``batch``: pairs per distance
        band and signed day difference + offset.

        Several assignments share one pass over the pairs: each code (band * width +
        offset + difference) is below ``2**bits``, so up to ``63 // bits`` of them fit
        side by side in one int64 and are subtracted at once without a borrow crossing
        fields (every field stays >= 0); only the counting is per assignment.
        """
        size = self.bands * width
        bits = max(1, (size - 1).bit_length())
        if len(batch) * bits > 63:
            raise ValueError(f"at most {63 // bits} assignments per batch")
        base = np.arange(self.bands)[:, None] * width + offset
        table = np.zeros((self.bands, self.n), np.int64)
        second_days = np.zeros(self.n, np.int64)
        for k, days in enumerate(batch):
            table += (base + days[None, :]) << (bits * k)
            second_days += days << (bits * k)
        table = table.ravel()  # table[band * n + i]: the fields of event i in that band
        outs = [np.zeros(size, np.int64) for _ in batch]
        mask = (1 << bits) - 1
        for group, group_size, second in self.chunks:
            code = np.repeat(table.take(group), group_size)
            code -= second_days.take(second)
            for k, out in enumerate(outs):
                part = code >> (bits * k) if k else code
                out += np.bincount(part & mask if k < len(outs) - 1 else part,
                                   minlength=size)
        return [out.reshape(self.bands, width) for out in outs]

    def batch_size(self, width: int) -> int:
        """How many assignments :meth:`counts` takes at once (at most 5: beyond that
        the counting dominates and nothing is saved)."""
        return max(1, min(5, 63 // max(1, (self.bands * width - 1).bit_length())))


def _cells(per_diff: np.ndarray, offset: int, time_edges: np.ndarray,
           all_by_time: np.ndarray) -> np.ndarray:
    """The Knox table from pair counts per (distance band, signed day difference)."""
    lag = np.abs(np.arange(per_diff.shape[-1]) - offset)
    band = _bands(lag, time_edges)
    near = np.zeros(per_diff.shape[:-1] + (len(time_edges) + 1,), np.int64)
    for k in range(len(time_edges) + 1):
        near[..., k] = per_diff[..., band == k].sum(axis=-1)
    far = all_by_time - near.sum(axis=-2)
    return np.concatenate([near, far[..., None, :]], axis=-2)


def knox(x, y, t, space_edges=SPACE_EDGES_M, time_edges=TIME_EDGES_DAYS,
         permutations: int = PERMUTATIONS, seed: int = 0) -> KnoxResult:
    """Knox test of events at ``x``, ``y`` (metres, e.g. SWEREF 99 TM) on days ``t``
    (whole days, any integer origin).

    Returns the observed pair counts per distance band × time band, their expected
    counts (mean over ``permutations`` random permutations of ``t``, ``seed`` fixed so
    a page shows the same figures on every run) and one-sided p-values (more pairs
    than chance). Reference: Knox (1964); the Monte Carlo version of the Near Repeat
    Calculator (Ratcliffe 2009; Johnson et al. 2007).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    days = np.asarray(t, np.int64)
    if not (len(x) == len(y) == len(days)):
        raise ValueError("x, y and t must have the same length")
    se = np.asarray(sorted(float(e) for e in space_edges))
    te = np.asarray(sorted(int(e) for e in time_edges))
    if len(se) == 0 or len(te) == 0:
        raise ValueError("give at least one distance band and one time band")
    days = days - (days.min() if len(days) else 0)
    offset = int(days.max()) if len(days) else 0
    width = 2 * offset + 1
    all_by_time = _all_pairs_by_time(days, te)
    pairs = _Pairs(x, y, se)
    observed = _cells(pairs.counts([days], offset, width)[0], offset, te, all_by_time)
    rng = np.random.default_rng(seed)
    total = np.zeros(observed.shape, np.float64)
    at_least = np.zeros(observed.shape, np.int64)
    step = pairs.batch_size(width)
    for start in range(0, permutations, step):
        batch = [rng.permutation(days) for _ in range(min(step, permutations - start))]
        for per_diff in pairs.counts(batch, offset, width):
            cells = _cells(per_diff, offset, te, all_by_time)
            total += cells
            at_least += cells >= observed
    expected = total / permutations if permutations else np.full(observed.shape, np.nan)
    p = (1 + at_least) / (permutations + 1)
    return KnoxResult(tuple(float(e) for e in se), tuple(int(e) for e in te), observed,
                      expected, p, len(days), permutations)
