"""The embedded index: built from documents, stored in a SQLite file, loaded into numpy arrays.

Text fields get character uni- and bigram postings (exact substring semantics for Chinese at
any length, including two-character words like 低保 — see performance-baselines.md on why the
FTS5 trigram tokenizer cannot serve Chinese). Pinyin tokens get their own sorted vocabulary
for prefix search. Filter and facet attributes get value → document postings.

A rebuild writes a new file and swaps it in with ``os.replace``; searchers notice the new file
and reload, so searches keep working during a rebuild.
"""

from __future__ import annotations

import io
import os
import sqlite3
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import orjson

from app.search.base import FACETS, FILTERABLE, Document, IndexName
from app.search.documents import PROVIDER_TEXT_FIELDS, SERVICE_TEXT_FIELDS, searchable_text
from app.search.embedded.geogrid import GeoGrid

IntArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]
# A gram found in at least 1/MASK_SHARE of the documents (and MIN_MASK_DOCS of them) also
# gets a membership mask: intersecting a word's grams then looks each candidate up in the
# mask instead of scattering the common gram's whole posting list first.
MASK_SHARE = 16
MIN_MASK_DOCS = 1024
TEXT_FIELDS: dict[IndexName, tuple[str, ...]] = {
    "services": SERVICE_TEXT_FIELDS,
    "providers": PROVIDER_TEXT_FIELDS,
}
SCHEMA_VERSION = "1"


def grams(text: str) -> set[str]:
    """Every single character and every adjacent pair (spaces split runs)."""
    out: set[str] = set()
    for run in text.split():
        out.update(run)
        out.update(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass
class Postings:
    """Term → sorted document positions, stored as CSR arrays."""

    terms: list[str]
    lookup: dict[str, int]
    offsets: npt.NDArray[np.int64]
    ids: IntArray

    @classmethod
    def build(cls, mapping: dict[str, list[int]]) -> Postings:
        """From term → positions (positions must be ascending)."""
        terms = sorted(mapping)
        lengths = np.array([len(mapping[t]) for t in terms], dtype=np.int64)
        offsets = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        ids = np.fromiter(
            (i for t in terms for i in mapping[t]), dtype=np.int32, count=int(offsets[-1])
        )
        return cls(terms, {t: n for n, t in enumerate(terms)}, offsets, ids)

    def get(self, term: str) -> IntArray | None:
        """Positions of documents containing ``term``."""
        slot = self.lookup.get(term)
        if slot is None:
            return None
        return self.ids[self.offsets[slot] : self.offsets[slot + 1]]

    def slot_range(self, prefix: str) -> tuple[int, int]:
        """The slots of all terms starting with ``prefix``."""
        import bisect

        start = bisect.bisect_left(self.terms, prefix)
        end = bisect.bisect_left(self.terms, prefix + "\U0010ffff")
        return start, end

    def union(self, start: int, end: int) -> IntArray:
        """Positions of documents containing any term in slots ``[start, end)``."""
        if start >= end:
            return np.empty(0, dtype=np.int32)
        return np.unique(self.ids[self.offsets[start] : self.offsets[end]])


@dataclass
class Attribute:
    """A filter/facet attribute: value vocabulary, value → documents, and one code per doc."""

    values: list[str]
    postings: Postings
    single: IntArray | None  # value slot per document (-1 = none) when single-valued

    @cached_property
    def complete(self) -> bool:
        """Single-valued and every document has a value (no -1 slots)."""
        return self.single is not None and bool((self.single >= 0).all())


@dataclass
class LoadedIndex:
    """One index in memory."""

    name: IndexName
    documents: list[Document]
    positions: dict[str, int]
    fields: dict[str, Postings]
    pinyin: Postings
    attributes: dict[str, Attribute]
    names: list[str]
    rank: npt.NDArray[np.float64]

    @property
    def size(self) -> int:
        """Number of documents."""
        return len(self.documents)

    @cached_property
    def geo_lat(self) -> npt.NDArray[np.float64]:
        """Latitude per document (NaN where the provider has no point)."""
        return np.array(
            [d["lat"] if d.get("lat") is not None else np.nan for d in self.documents],
            dtype=np.float64,
        )

    @cached_property
    def geo_lng(self) -> npt.NDArray[np.float64]:
        """Longitude per document (NaN where the provider has no point)."""
        return np.array(
            [d["lng"] if d.get("lng") is not None else np.nan for d in self.documents],
            dtype=np.float64,
        )

    @cached_property
    def memo(self) -> dict[str, Any]:
        """Scratch space for what callers derive from a document (see ``NearbyResult.memo``).

        Dropped with the index when a rebuilt file is loaded, so nothing in it outlives the
        documents it was derived from.
        """
        return {}

    def prepare(self) -> LoadedIndex:
        """Build the derived lookups now (at load), so that no query pays for building them."""
        for derived in ("gram_masks", "by_name", "geo_grid", "rank_scale"):
            getattr(self, derived)
        return self

    @cached_property
    def gram_masks(self) -> dict[str, dict[str, BoolArray]]:
        """Field → gram → which documents contain it, for the common grams only.

        At 50,000 providers that is ~270 grams (13 MB): intersecting 养老服务's three grams
        took 230 µs per field, scattering 30,000 ids of 服务 into a fresh mask each time.
        """
        threshold = max(self.size / MASK_SHARE, MIN_MASK_DOCS)
        out: dict[str, dict[str, BoolArray]] = {}
        for field, postings in self.fields.items():
            masks: dict[str, BoolArray] = {}
            lengths = np.diff(postings.offsets)
            for slot in np.flatnonzero(lengths >= threshold).tolist():
                mask = np.zeros(self.size, dtype=np.bool_)
                mask[postings.ids[postings.offsets[slot] : postings.offsets[slot + 1]]] = True
                masks[postings.terms[slot]] = mask
            out[field] = masks
        return out

    @cached_property
    def geo_grid(self) -> GeoGrid:
        """The located documents in a latitude-row grid, for radius queries."""
        return GeoGrid.build(self.geo_lat, self.geo_lng)

    @cached_property
    def rank_scale(self) -> float:
        """Divisor that keeps the catalogue-order tie-breaker below one point of score."""
        return float(self.rank.max()) + 1.0 if self.rank.size else 1.0

    @cached_property
    def by_name(self) -> dict[str, list[int]]:
        """Normalised name → positions (for the exact-name bonus)."""
        out: dict[str, list[int]] = defaultdict(list)
        for pos, name in enumerate(self.names):
            out[name].append(pos)
        return dict(out)


def attribute_value(value: object) -> str:
    """A filter value as text; booleans as ``true``/``false`` (as Meilisearch writes them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _attribute_values(document: Document, attribute: str) -> list[str]:
    value = document.get(attribute)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return [attribute_value(v) for v in value]
    return [attribute_value(value)]


def build_index(name: IndexName, documents: Sequence[Document]) -> LoadedIndex:
    """Compute every posting list for ``documents``."""
    field_maps: dict[str, dict[str, list[int]]] = {f: defaultdict(list) for f in TEXT_FIELDS[name]}
    pinyin_map: dict[str, list[int]] = defaultdict(list)
    attr_maps: dict[str, dict[str, list[int]]] = {a: defaultdict(list) for a in _attributes(name)}
    multi: set[str] = set()
    for pos, document in enumerate(documents):
        for field in TEXT_FIELDS[name]:
            for gram in grams(searchable_text(document, field)):
                field_maps[field][gram].append(pos)
        for token in set(document.get("pinyin", [])):
            pinyin_map[token].append(pos)
        for attribute in attr_maps:
            values = _attribute_values(document, attribute)
            if len(values) > 1:
                multi.add(attribute)
            for value in dict.fromkeys(values):
                attr_maps[attribute][value].append(pos)
    attributes = {}
    for attribute, mapping in attr_maps.items():
        postings = Postings.build(mapping)
        single = None
        if attribute not in multi:
            single = np.full(len(documents), -1, dtype=np.int32)
            for slot, term in enumerate(postings.terms):
                ids = postings.get(term)
                assert ids is not None
                single[ids] = slot
        attributes[attribute] = Attribute(postings.terms, postings, single)
    return LoadedIndex(
        name=name,
        documents=list(documents),
        positions={str(d["id"]): i for i, d in enumerate(documents)},
        fields={f: Postings.build(m) for f, m in field_maps.items()},
        pinyin=Postings.build(pinyin_map),
        attributes=attributes,
        names=[searchable_text(d, "name") for d in documents],
        rank=np.array([float(d.get("rank", i)) for i, d in enumerate(documents)], dtype=np.float64),
    )


def _attributes(name: IndexName) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*FILTERABLE[name], *FACETS[name])))


# ---- persistence -----------------------------------------------------------------------------


def _array_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _array(blob: bytes) -> np.ndarray:
    return np.load(io.BytesIO(blob), allow_pickle=False)  # type: ignore[no-any-return]


def write_index_file(path: Path, indexes: Iterable[LoadedIndex], meta: dict[str, str]) -> None:
    """Write ``indexes`` to a new SQLite file next to ``path`` and swap it in atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    conn = sqlite3.connect(tmp)
    try:
        conn.executescript(
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE document (idx TEXT, pos INTEGER, body BLOB, PRIMARY KEY (idx, pos));"
            "CREATE TABLE postings (idx TEXT, name TEXT, terms BLOB, offsets BLOB, ids BLOB,"
            " single BLOB, PRIMARY KEY (idx, name));"
        )
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)", list({**meta, "schema": SCHEMA_VERSION}.items())
        )
        for index in indexes:
            conn.executemany(
                "INSERT INTO document VALUES (?, ?, ?)",
                ((index.name, i, orjson.dumps(d)) for i, d in enumerate(index.documents)),
            )
            rows: list[tuple[str, Postings, IntArray | None]] = [
                (f"field:{f}", p, None) for f, p in index.fields.items()
            ]
            rows.append(("pinyin", index.pinyin, None))
            rows.extend((f"attr:{a}", x.postings, x.single) for a, x in index.attributes.items())
            conn.executemany(
                "INSERT INTO postings VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (
                        index.name,
                        key,
                        "\n".join(p.terms).encode(),
                        _array_bytes(p.offsets),
                        _array_bytes(p.ids),
                        _array_bytes(single) if single is not None else None,
                    )
                    for key, p, single in rows
                ),
            )
        conn.commit()
        conn.close()
        tmp.replace(path)
    finally:
        conn.close()
        tmp.unlink(missing_ok=True)


def read_meta(path: Path) -> dict[str, str]:
    """The meta table of an index file (empty if the file is missing)."""
    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()


def load_index_file(path: Path) -> tuple[dict[str, str], dict[IndexName, LoadedIndex]]:
    """Read every index stored in ``path``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        documents: dict[str, list[Document]] = defaultdict(list)
        for idx, body in conn.execute("SELECT idx, body FROM document ORDER BY idx, pos"):
            documents[idx].append(orjson.loads(body))
        stored: dict[str, dict[str, tuple[Postings, IntArray | None]]] = defaultdict(dict)
        for idx, key, terms, offsets, ids, single in conn.execute(
            "SELECT idx, name, terms, offsets, ids, single FROM postings"
        ):
            term_list = terms.decode().split("\n") if terms else []
            postings = Postings(
                term_list, {t: n for n, t in enumerate(term_list)}, _array(offsets), _array(ids)
            )
            stored[idx][key] = (postings, _array(single) if single is not None else None)
    finally:
        conn.close()
    loaded: dict[IndexName, LoadedIndex] = {}
    for name in ("services", "providers"):
        docs = documents.get(name, [])
        parts = stored.get(name)
        if parts is None:
            continue
        loaded[name] = LoadedIndex(
            name=name,
            documents=docs,
            positions={str(d["id"]): i for i, d in enumerate(docs)},
            fields={
                k.removeprefix("field:"): p for k, (p, _) in parts.items() if k.startswith("field:")
            },
            pinyin=parts["pinyin"][0],
            attributes={
                k.removeprefix("attr:"): Attribute(p.terms, p, s)
                for k, (p, s) in parts.items()
                if k.startswith("attr:")
            },
            names=[searchable_text(d, "name") for d in docs],
            rank=np.array([float(d.get("rank", i)) for i, d in enumerate(docs)], dtype=np.float64),
        ).prepare()
    return meta, loaded
