# docexec: runs the documentation's Python snippets at build time and checks what they print.
"""Executable documentation for MkDocs.

The MkDocs glue lives in ``hooks/docexec_hook.py``; this package is the engine:

- ``sections``      splits a snippet file into named ``# %%`` sections,
- ``markup``        finds snippet references and checked claims in a page,
- ``child``         runs one snippet file in a forked process (imports torch once),
- ``runner``        starts, times and collects those processes,
- ``server``        the fork server they are forked from; ``preload`` is what it imports once,
- ``processes``     ends a file's whole process tree,
- ``paths``         makes machine-specific paths in outputs portable,
- ``cache``         remembers results across builds,
- ``compare``       checks real output against the recorded one,
- ``expected``      reads and writes the recorded outputs,
- ``docnotebooks``  checks (and accepts) notebook pages whose cells are snippet sections,
- ``render``        turns results into Markdown,
- ``notebook``      turns a page into a downloadable notebook with the build's outputs,
- ``memo``          keeps per-page products (the notebooks) until one of their inputs changes,
- ``report``        the build report, as JSON and as the report page's rows,
- ``errors``        the one shape of every failure, ``file(line): message``,
- ``options``       the build's switches (environment variables), checked before anything runs,
- ``engine``        ties them together for one build.
"""

# Part of every cache key: bump it whenever a change can alter a recorded output.
VERSION = "1.0.0"
