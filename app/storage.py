"""Files live outside the web root under generated names; the original name is only shown."""
import hashlib
import os
import secrets

from flask import current_app


def path_for(storage_key):
    """Where the file with this key lives on disk."""
    if not storage_key.isalnum():
        raise ValueError("bad storage key")
    return os.path.join(current_app.config["UPLOAD_FOLDER"], storage_key[:2], storage_key)


def store_bytes(data):
    """Write `data` under a new random key; returns (key, sha256, size)."""
    key = secrets.token_hex(16)
    path = path_for(key)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".part"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # a crash never leaves half a file under the real name
    return key, hashlib.sha256(data).hexdigest(), len(data)
