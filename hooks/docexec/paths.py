# paths: rewrites machine-specific paths in outputs so recorded outputs match on any checkout.
from __future__ import annotations

import site
import sysconfig


def portable(text: str, root: str) -> str:
    """Replace the project root, site-packages and the standard library with stable names."""
    prefixes = [(root.rstrip("/") + "/", "")]
    for folder in {*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        prefixes.append((folder.rstrip("/") + "/", "<site-packages>/"))
    prefixes.append((sysconfig.get_paths()["stdlib"].rstrip("/") + "/", "<python>/"))
    # Longest first: site-packages may live inside the project root (a .venv).
    for prefix, name in sorted(prefixes, key=lambda p: -len(p[0])):
        text = text.replace(prefix, name)
    return text

