"""Uploaded files on disk, outside static/, addressed by their SHA-256 (a storage interface)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app


class LocalStorage:
    """Files under one folder: <root>/<aa>/<sha256>; written once, never changed."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256")
        return self.root / sha256[:2] / sha256

    def save(self, data: bytes) -> str:
        """Store bytes and return their SHA-256; identical files are stored once."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".part")
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        return sha

    def read(self, sha256: str) -> bytes:
        return self.path(sha256).read_bytes()


def storage() -> LocalStorage:
    """The deployment's storage (UPLOAD_FOLDER, default instance/uploads)."""
    root = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads"
    )
    return LocalStorage(root)
