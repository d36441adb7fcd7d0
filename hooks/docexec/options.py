# options: what the engine is told: switches from the environment (a bad one refused in one line), and mkdocs.yml.
from __future__ import annotations

import importlib
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import codelines

# Words a shell user may reasonably type for a flag; anything else is more likely a typo than a
# choice, and guessing would silently record outputs (ACCEPT) or skip the cache (RERUN).
ON = ("1", "true", "yes", "on")
OFF = ("", "0", "false", "no", "off")
FLAG_HELP = "give 1, true, yes or on to switch it on; 0, false, no, off or an empty value to leave it off (any case)"


class SwitchError(ValueError):
    """A switch with a value docexec cannot use; the message is the whole line an author reads."""

    def __init__(self, variable: str, value: str, accepted: str) -> None:
        super().__init__(f"{variable}={value!r} is not valid: {accepted}")


@dataclass(frozen=True)
class Options:
    """Read from the environment, so the same mkdocs.yml serves authors, CI and tests."""

    accept: bool = False  # DOCEXEC_ACCEPT=1: record real outputs as the expected ones
    rerun: bool = False  # DOCEXEC_RERUN=1: ignore the cache, run everything
    timeout: float = 60.0  # DOCEXEC_TIMEOUT: seconds per section unless the section sets timeout=
    cache_dir: str = ".docexec-cache"  # DOCEXEC_CACHE, relative to the project root
    seed: int = 0
    threads: int = 1

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Options:
        """The switches of ``env`` (the process environment by default); SwitchError names the first bad one."""
        env = os.environ if env is None else env
        return cls(
            accept=_flag(env, "DOCEXEC_ACCEPT"),
            rerun=_flag(env, "DOCEXEC_RERUN"),
            timeout=_seconds(env, "DOCEXEC_TIMEOUT", cls.timeout),
            cache_dir=_folder(env, "DOCEXEC_CACHE", cls.cache_dir),
        )


def _flag(env: Mapping[str, str], variable: str) -> bool:
    value = env.get(variable, "")
    word = value.strip().lower()
    if word in ON:
        return True
    if word in OFF:
        return False
    raise SwitchError(variable, value, FLAG_HELP)


def _seconds(env: Mapping[str, str], variable: str, default: float) -> float:
    value = env.get(variable)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    # float() also takes "nan" and "inf": neither is a limit a timer can wait for.
    if not math.isfinite(seconds) or seconds <= 0:
        raise SwitchError(variable, value, f"give a number of seconds greater than 0, e.g. {variable}=120")
    return seconds


def _folder(env: Mapping[str, str], variable: str, default: str) -> str:
    value = env.get(variable)
    if value is None:
        return default
    # An empty path would make the project root itself the cache folder.
    if not value.strip():
        raise SwitchError(variable, value, f"give a folder for the cache, relative to the project root, e.g. {variable}={default}")
    return value


@dataclass(frozen=True)
class Site:
    """What the engine needs of mkdocs.yml, read without loading MkDocs, its theme or plugins."""

    docs_dir: Path
    languages: list[str]  # mkdocs-static-i18n's other languages: x.en.md is x.md's twin
    includes: bool  # pymdownx.snippets is on
    markdown: codelines.Setup  # the extensions pages render with, to tell what Markdown makes code

    @classmethod
    def read(cls, config_file: Path) -> Site:
        class Loader(yaml.SafeLoader):
            pass

        # A custom fence's formatter (`!!python/name:`) is loaded as MkDocs loads it: pages render with it.
        Loader.add_multi_constructor("tag:yaml.org,2002:python/name:", lambda loader, suffix, node: _python_name(suffix))
        # !ENV, !relative: values the engine does not need; read them as nothing.
        Loader.add_multi_constructor("", lambda loader, suffix, node: None)
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=Loader) or {}
        plugins = data.get("plugins") or []
        i18n = next((p["i18n"] for p in plugins if isinstance(p, dict) and "i18n" in p), None) or {}
        languages = [lang["locale"] for lang in i18n.get("languages", []) if isinstance(lang, dict) and not lang.get("default")]
        listed = data.get("markdown_extensions") or []
        extensions = [e if isinstance(e, str) else next(iter(e)) for e in listed]
        configs = {next(iter(e)): next(iter(e.values())) or {} for e in listed if isinstance(e, dict)}
        return cls(config_file.parent / (data.get("docs_dir") or "docs"), languages, "pymdownx.snippets" in extensions,
                   codelines.Setup.of(extensions, configs))


def _python_name(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        return None  # rendering with it then fails and says so
