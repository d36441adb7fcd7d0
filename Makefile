# Two entry points for a fresh machine: `make serve` (or `make build`) and `make test`.
PY      := .venv/bin/python
MKDOCS  := .venv/bin/mkdocs
STAMP   := .venv/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install torch-cpu system zensical zensical-build serve build check merge records accept rerun translated test bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The CPU build of the pinned torch, from PyTorch's own wheel index: on a GitHub runner PyPI's
# Linux wheel is a CUDA build (about 3 GB of nvidia-* packages). requirements.txt stays the one
# place the version is written; installing it afterwards finds torch already satisfied.
PINNED := $(shell sed -n 's/^torch==//p' requirements.txt)

torch-cpu:  ## install the CPU build of torch first (the Pages workflow does)
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --extra-index-url https://download.pytorch.org/whl/cpu "torch==$(PINNED)"

# Another torch: `make check TORCH=2.15.0` checks everything with it, in its own environment
# .venv-torch-2.15.0/ (torch, the pinned numpy and the engine, installed from here; never the main .venv), and
# writes verified/torch-2.15.0.json. The pinned version runs in .venv itself. SHARD=k/n checks
# one share of the files; `make merge TORCH=…` joins the shares. PIP_CONSTRAINT=/dev/null: a
# machine's pip configuration may cap torch at its own disk copy. TORCH_INDEX: an extra wheel
# index (CI: PyTorch's CPU builds, https://download.pytorch.org/whl/cpu).
OTHER     := $(if $(TORCH),$(filter-out $(PINNED),$(TORCH)))
CHECK_PY  := $(if $(OTHER),.venv-torch-$(OTHER)/bin/python,$(PY))

.venv-torch-%/.installed: requirements.txt pyproject.toml
	test -x .venv-torch-$*/bin/python || python3 -m venv .venv-torch-$*
	.venv-torch-$*/bin/python -m pip install --quiet --upgrade pip
	sed -e '/^# tests/,$$d' -e 's/^torch==.*/torch==$*/' requirements.txt > .venv-torch-$*/requirements.txt
	PIP_CONSTRAINT=/dev/null .venv-torch-$*/bin/python -m pip install --quiet $(if $(TORCH_INDEX),--extra-index-url "$(TORCH_INDEX)") -r .venv-torch-$*/requirements.txt
	touch $@

MATHJAX := docs/assets/mathjax/tex-chtml.js

# MathJax is served by the site itself: the npm package, reduced to what tex-chtml needs.
$(MATHJAX): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf docs/assets/mathjax && mkdir -p docs/assets/mathjax/output/chtml/fonts docs/assets/mathjax/input/tex
	cp node_modules/mathjax/es5/tex-chtml.js docs/assets/mathjax/
	cp -r node_modules/mathjax/es5/output/chtml/fonts/woff-v2 docs/assets/mathjax/output/chtml/fonts/
	cp -r node_modules/mathjax/es5/input/tex/extensions docs/assets/mathjax/input/tex/

CHROMIUM ?= /usr/bin/chromium
export CHROMIUM
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The figures' Chinese text is drawn with this Debian font (the snippets ask matplotlib for it by
# name and fail if it is missing). matplotlib lists the fonts once and keeps the list: after
# installing one, that list is dropped so the next run looks again.
CJK_FONT := /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

$(CJK_FONT):
	$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq fonts-wqy-microhei
	rm -f "$${MPLCONFIGDIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/matplotlib}"/fontlist-*.json

install: $(STAMP) $(MATHJAX) $(CJK_FONT)

serve: install  ## build, then serve on http://127.0.0.1:8000 with live reload
	$(MKDOCS) serve --dev-addr 127.0.0.1:8000

build: install  ## build site/ with --strict: any mismatch fails
	$(MKDOCS) build --strict

check: install $(if $(OTHER),.venv-torch-$(OTHER)/.installed)  ## run and check every snippet, claim and translation, as a build would; no HTML (TORCH=2.15.0: with that torch, recorded in verified/)
	$(CHECK_PY) -m docexec check $(if $(TORCH),--record "$(TORCH)") $(if $(SHARD),--shard "$(SHARD)")

records:  ## make check TORCH=… for every version in verified/versions.txt (after changing snippets, outputs or claims)
	status=0; for version in $$(grep -v '^#' verified/versions.txt); do $(MAKE) check TORCH=$$version || status=1; done; exit $$status

merge: install  ## join the shares of a version's record: make merge TORCH=2.15.0
	$(PY) -m docexec merge "$(TORCH)"

accept: install  ## record the real outputs as the expected ones; review with git diff
	DOCEXEC_ACCEPT=1 $(MKDOCS) build

rerun: install  ## build without the cache: every snippet runs again
	DOCEXEC_RERUN=1 $(MKDOCS) build --strict

translated: install  ## record translations as reviewed: all, or SECTION='docs/index.md#前言'
	$(PY) -m docexec translated $(if $(SECTION),"$(SECTION)")


# Zensical (Material for MkDocs' successor) in its own environment: requirements.txt's build part
# (the engine itself among it, editable from this checkout: Zensical imports docexec.extension)
# plus requirements-zensical.txt. torch as .venv has it: here from the machine's disk wheel; on a
# GitHub runner TORCH_INDEX (PyTorch's CPU wheels) keeps PyPI's CUDA build out.
ZENSICAL_VENV := .venv-zensical

$(ZENSICAL_VENV)/.installed: requirements.txt requirements-zensical.txt pyproject.toml
	test -x $(ZENSICAL_VENV)/bin/python || python3 -m venv $(ZENSICAL_VENV)
	$(ZENSICAL_VENV)/bin/python -m pip install --quiet --upgrade pip
	sed -e '/^# tests/,$$d' requirements.txt > $(ZENSICAL_VENV)/requirements.txt
	$(ZENSICAL_VENV)/bin/python -m pip install --quiet $(if $(TORCH_INDEX),--extra-index-url "$(TORCH_INDEX)") -r $(ZENSICAL_VENV)/requirements.txt -r requirements-zensical.txt
	touch $@

zensical: $(ZENSICAL_VENV)/.installed  ## the Zensical environment (.venv-zensical/), which make test needs

zensical-build: zensical $(MATHJAX)  ## build the site with Zensical and zensical-i18n into site/ (see README, Building on other hosts)
	$(ZENSICAL_VENV)/bin/zensical-i18n build --clean

system:  ## Debian packages for the browser tests (Chromium; the CJK font comes with install)
	test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

test: install system zensical  ## the whole test suite
	$(PY) -m pytest

bench: install  ## cold / warm / plain / floor / markdown-exec builds of generated 20- and 80-page sites (LARGE=1: 320 too)
	$(PY) -m pip install --quiet markdown-exec==1.12.6  # the peer, for the benchmark only
	$(PY) bench/bench.py $(if $(LARGE),--large)

clean:
	rm -rf site .cache .docexec-cache .zensical-i18n docs/assets/mathjax node_modules
