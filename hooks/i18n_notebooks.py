# i18n_notebooks: lets mkdocs-jupyter's notebook pages survive mkdocs-static-i18n (its issue #198).
"""i18n rebuilds every File in its on_files (priority -100) and drops the wrapper mkdocs-jupyter
put around .ipynb files, so the page is written as raw notebook JSON while the build exits 0.
Running after i18n, this hook wraps the notebooks again, as mkdocs-jupyter's on_files would."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs_jupyter.plugin import NotebookFile


@event_priority(-150)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is None:
        return files
    # In place: i18n's own Files subclass resolves the nav's paths for each language.
    for file in list(files):
        if not isinstance(file, NotebookFile) and jupyter.should_include(file):
            wrapped = NotebookFile(file, **config)
            # The wrapper derives its URL from the source name (experiment.en.ipynb ->
            # experiment.en/); i18n already gave the file its language's place (en/experiment/).
            wrapped.dest_path, wrapped.abs_dest_path, wrapped.url = file.dest_path, file.abs_dest_path, file.url
            files.remove(file)
            files.append(wrapped)
            _complete_alternates(file, config)
    return files


def _complete_alternates(file, config: MkDocsConfig) -> None:
    """i18n gives a translated notebook no link back to the default language's version (md pages
    get one); without it the language switcher on /en/experiment/ leads to the home page."""
    i18n = config.plugins.get("i18n")
    alternates = getattr(file, "alternates", None)
    if i18n is None or alternates is None:
        return
    default = i18n.default_language
    stem = file.src_uri.split(".")[0]
    path = file.url.removeprefix(f"{file.locale}/") if file.locale != default else file.url
    for language in (lang.locale for lang in i18n.config.languages):
        source = f"{stem}.ipynb" if language == default else f"{stem}.{language}.ipynb"
        if language not in alternates and (Path(config.docs_dir) / source).is_file():
            alternates[language] = SimpleNamespace(url=path if language == default else f"{language}/{path}")
