"""A cache of built pyoxigraph stores keyed by a hash of every input file, so a warm command opens
a ready store instead of parsing Turtle again; a changed file gives a new key, hence a rebuild.

The cache lives in ``$ITUGRAPH_CACHE_DIR``, else ``$XDG_CACHE_HOME/itugraph``, else
``~/.cache/itugraph``. Each entry is built in a side folder and renamed into place when complete,
so an interrupted build leaves nothing that could be opened.
"""

from __future__ import annotations

import gc
import hashlib
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from .graph import SourceFile

CACHE_ENV = "ITUGRAPH_CACHE_DIR"
#: Entries kept after a build; older ones (from earlier versions of the data) are removed.
KEEP_ENTRIES = 4
_FORMAT = b"itugraph-store-cache 2"  # 2: graph/curation attributed to itu:curators, no document


class CacheError(OSError):
    """The cache cannot be written (a full disk, a read-only or unwritable folder): says where,
    and what to do instead."""


def cache_dir() -> Path:
    """Where built stores are kept."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "itugraph"


def file_digests(files: list[SourceFile]) -> list[str]:
    """The SHA-256 of each file's bytes, in hex, in the order of ``files``."""
    return [hashlib.sha256(source.path.read_bytes()).hexdigest() for source in files]


def input_key(files: list[SourceFile], digests: list[str] | None = None) -> str:
    """A hash of every input: each file's named graph and bytes, and the cache format
    (``digests``, from file_digests, saves reading the files again)."""
    digest = hashlib.sha256(_FORMAT)
    for source, file_digest in zip(files, digests or file_digests(files), strict=True):
        digest.update(str(source.graph).encode() + b"\0")
        digest.update(bytes.fromhex(file_digest))
    return digest.hexdigest()[:32]


def complete_entries() -> list[Path]:
    """The folders of the complete cache entries, most recently used first."""
    root = cache_dir()
    if not root.exists():
        return []
    found = [p for p in _entries(root) if (p / "complete").exists()]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def cached_store(
    files: list[SourceFile],
    build: Callable[[list[SourceFile], Path], ox.Store],
    key: str | None = None,
) -> ox.Store:
    """The store built from exactly these files, opened read-only; built first on a miss
    (``key``, their input_key, saves hashing them again)."""
    return ox.Store.read_only(str(cached_store_path(files, build, key)))


def cached_store_path(
    files: list[SourceFile],
    build: Callable[[list[SourceFile], Path], ox.Store],
    key: str | None = None,
) -> Path:
    """The folder of the on-disk store built from exactly these files (built first on a miss),
    which any number of processes may open read-only."""
    root = cache_dir()
    entry = root / (key or input_key(files))
    if not (entry / "complete").exists():
        try:
            _build_entry(files, build, root, entry)
        except OSError as error:
            raise CacheError(
                f"cannot write the cache under {root}: {error.strerror or error}; free some "
                "space, set ITUGRAPH_CACHE_DIR to another folder, or run with --no-cache"
            ) from None
    return entry / "oxigraph"


def _build_entry(
    files: list[SourceFile],
    build: Callable[[list[SourceFile], Path], ox.Store],
    root: Path,
    entry: Path,
) -> None:
    root.mkdir(parents=True, exist_ok=True)
    side = root / f".building-{entry.name}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    shutil.rmtree(side, ignore_errors=True)
    side.mkdir()
    try:
        store = build(files, side / "oxigraph")
        store.flush()
        del store
        gc.collect()
        (side / "complete").write_bytes(b"")
        try:
            side.rename(entry)
        except OSError:
            if not (entry / "complete").exists():
                raise
    finally:
        shutil.rmtree(side, ignore_errors=True)
    _prune(root, keep=entry)


def _entries(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")]


def _prune(root: Path, keep: Path) -> None:
    older = sorted((p for p in _entries(root) if p != keep), key=lambda p: p.stat().st_mtime)
    for stale in older[: max(0, len(older) - (KEEP_ENTRIES - 1))]:
        shutil.rmtree(stale, ignore_errors=True)


def clear_cache() -> int:
    """Remove every cached store; returns how many there were."""
    root = cache_dir()
    if not root.exists():
        return 0
    entries = _entries(root)
    shutil.rmtree(root)
    return len(entries)
