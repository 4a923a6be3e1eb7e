"""Writing files so that readers only ever see the old content or the complete new one."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

CURRENT = ".current"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomically(path: Path | str, content: bytes | str) -> None:
    """Write ``content`` to ``path`` through a temporary file in the same folder and a rename.

    A crash or a kill at any moment leaves either the previous file or the new
    one, never half of it (at worst a hidden ``.name.*`` temporary file).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> write_atomically(target, "hello")
    >>> target.read_text()
    'hello'
    """
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp makes the file private; the output is meant to be read like any other file
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def publish_together(out_dir: Path | str, files: Mapping[str, bytes]) -> None:
    """Publish several files in ``out_dir`` so that a reader always finds a matching set.

    Renaming files one by one leaves a moment where the new first file sits
    beside the old second one. Instead the set is written into a hidden
    generation folder named after its content, ``.current`` is switched to it by
    one rename, and each public name is a symbolic link through ``.current``.
    Older generations are removed once the switch is done.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> publish_together(out, {"a.txt": b"one", "b.txt": b"two"})
    >>> (out / "a.txt").read_text(), (out / "b.txt").read_text()
    ('one', 'two')
    """
    out_dir = Path(out_dir)
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    generation = f".generation-{digest.hexdigest()[:16]}"
    target = out_dir / generation
    current = out_dir / CURRENT
    if not (current.is_symlink() and os.readlink(current) == generation and target.is_dir()):
        for name, content in files.items():
            write_atomically(target / name, content)
        _replace_with_link(current, generation)
    for name in files:
        link = out_dir / name
        wanted = f"{CURRENT}/{name}"
        if not (link.is_symlink() and os.readlink(link) == wanted):
            _replace_with_link(link, wanted)
    for stale in out_dir.glob(".generation-*"):
        if stale.name != generation and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _replace_with_link(path: Path, target: str) -> None:
    """Point ``path`` at ``target`` with one rename, whatever ``path`` was before."""
    temporary = path.parent / f".{path.name}.link-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(target, temporary)
    os.replace(temporary, path)
