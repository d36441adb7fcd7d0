# strict_mode: `mkdocs build --strict` fails on every warning, with -q and with -v too.
"""Listed first under `hooks:` in mkdocs.yml, its on_config runs before every plugin's (priority
100), so their warnings count too; docexec_hook's on_config also calls it first, for a site
that lists only that hook. MkDocs counts a strict build's warnings with a handler on the
``mkdocs`` logger (``CountHandler`` in mkdocs/commands/build.py), so what the command line does
to that logger decides what is counted:

- ``-q`` sets the ``mkdocs`` logger to ERROR: a warning is dropped before any handler sees it,
  so a stale translation or a broken link passes ``mkdocs build -q --strict`` (MkDocs issue
  4126). Under strict the logger goes back to WARNING: each warning is counted, and shown on
  the console, since each one now stops the build and the author must see why.
- ``-v`` sets it to DEBUG, and ``Page.render`` collects the links to other pages' anchors only
  while ``mkdocs.structure.pages`` is above DEBUG, so ``-v`` switches anchor validation off
  (MkDocs issue 3991). That one logger stays at INFO: it loses its debug lines, anchors are
  checked. This is done without --strict too: -v must not hide an anchor warning either.

A non-strict ``-q`` build is left as quiet as MkDocs makes it."""
from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

PAGES = "mkdocs.structure.pages"  # the logger Page.render reads its level from


def apply(config: MkDocsConfig) -> None:
    """Make every warning reach MkDocs' strict counter, whatever -q / -v did to the loggers."""
    root = logging.getLogger("mkdocs")
    if config.strict and root.getEffectiveLevel() > logging.WARNING:
        root.setLevel(logging.WARNING)
    pages = logging.getLogger(PAGES)
    if pages.getEffectiveLevel() <= logging.DEBUG:
        pages.setLevel(logging.INFO)


@event_priority(100)  # MkDocs runs on_config handlers by priority, highest first (0 is the default)
def on_config(config: MkDocsConfig) -> None:
    apply(config)
