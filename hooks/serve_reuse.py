# serve_reuse: what every `mkdocs serve` rebuild redid for nothing, kept between rebuilds (theme templates).
"""Installed by serve_incremental.py under `serve` only. Measured at 80 generated pages, an
incremental rebuild spent most of its time on work whose inputs had not changed:

- Jinja compiles every theme template afresh: MkDocs makes a new Environment per build (two
  per save with i18n, plus one in search's on_config), each with an empty template cache.
  Compiled templates are kept in a bytecode cache shared by those environments; Jinja checks
  each template's source against its checksum, so an edited template is compiled again.
- ``Files.add_files_from_theme`` lists and filters every file of the theme's folders (Material:
  thousands of icons) per language build. Its answer is kept until the next clean rebuild,
  which every change to a watched theme folder (custom_dir) causes."""
from __future__ import annotations

from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.theme import Theme

REAL_GET_ENV = Theme.get_env
REAL_ADD_FILES_FROM_THEME = Files.add_files_from_theme


class Compiled(jinja2.BytecodeCache):
    """Compiled templates in memory, by template name and file (Jinja adds the source's checksum)."""

    def __init__(self) -> None:
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.codes[bucket.key] = bucket.bytecode_to_string()


COMPILED = Compiled()
THEME_FILES: dict[tuple[Any, ...], list[tuple[str, str]]] = {}  # (theme dirs, ...) -> [(path, theme dir)]


def install() -> None:
    Theme.get_env = _get_env  # type: ignore[method-assign]
    Files.add_files_from_theme = _add_files_from_theme  # type: ignore[method-assign]


def uninstall() -> None:
    Theme.get_env = REAL_GET_ENV  # type: ignore[method-assign]
    Files.add_files_from_theme = REAL_ADD_FILES_FROM_THEME  # type: ignore[method-assign]


def forget() -> None:
    """Before a clean rebuild: the theme's folders may have changed."""
    THEME_FILES.clear()


def _get_env(self: Theme) -> jinja2.Environment:
    env = REAL_GET_ENV(self)
    env.bytecode_cache = COMPILED
    return env


def _add_files_from_theme(self: Files, env: jinja2.Environment, config: MkDocsConfig) -> None:
    # What MkDocs' own filter reads: the theme's folders and its static templates (the rest is constant).
    key = (tuple(config.theme.dirs), tuple(config.theme.static_templates), config.site_dir, config.use_directory_urls)
    if key not in THEME_FILES:
        probe = Files([])
        REAL_ADD_FILES_FROM_THEME(probe, env, config)
        THEME_FILES[key] = [(file.src_uri, file.src_dir) for file in probe if file.src_dir is not None]
    for path, folder in THEME_FILES[key]:
        if self.get_file_from_path(path) is None:  # theme files do not override the docs' own
            self.append(File(path, folder, config.site_dir, config.use_directory_urls))

