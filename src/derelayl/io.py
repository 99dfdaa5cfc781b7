"""Atomic file output: a file is either complete or absent, never partial.

Public, so that `sims/` scripts write their tables the way the command does.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np

__all__ = ["atomic_path", "write_json", "write_npz", "write_csv", "ensure_dir",
           "plain"]


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place on success."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix,
                               dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)   # mkstemp makes files private
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def ensure_dir(path: Path) -> Path:
    """Create ``path`` if needed and check that files can be written in it.

    Raises ``ValueError`` naming the directory when it cannot be used.
    """
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe."):
            pass
    except OSError as err:
        raise ValueError(f"output directory {str(path)!r} is not writable "
                         f"({err.strerror or err})") from None
    return path


def write_json(path: Path, data: object) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")


def write_npz(path: Path, **arrays: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez_compressed(f, **arrays)


def write_csv(path: Path, header: list[str], rows: np.ndarray, fmt: str = "%.10g"
              ) -> None:
    with atomic_path(path) as tmp:
        np.savetxt(tmp, rows, delimiter=",", header=",".join(header), comments="",
                   fmt=fmt)


def plain(value):
    """``value`` with NumPy arrays and scalars turned into JSON-ready Python
    (dictionaries, lists and tuples converted all the way down)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    return value
