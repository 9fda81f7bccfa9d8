# relu-anim: `make test` and `make video` take a fresh Debian/Ubuntu machine from
# `git clone` to green tests / a rendered explainer. Each installs only what is
# missing: the system packages (apt, as root or through sudo), then a .venv with
# exactly the versions of requirements.lock and the package editable. Run again,
# nothing is reinstalled. `make lock` refreshes the lock after a dependency change.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
QUALITY ?= l
THEME ?= dark
# parallel test workers (pytest-xdist) and chapters rendered at once by `make video`; default: one per core
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SYSTEM_PACKAGES := pkg-config libcairo2-dev libpango1.0-dev \
	texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm cm-super-minimal \
	chromium

.PHONY: test video pack slides install system bench clean lock tex-strings

test: install
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

# After `make test`: list each chapter's TeX strings (scenes/tex_strings.json) from the suite's renders,
# so every render compiles a chapter's TeX in one batch. The suite says when the list is out of date.
tex-strings: install
	$(BIN)/python -m tests.tex_strings

video: install
	$(BIN)/relu-anim video --quality $(QUALITY) --jobs $(JOBS)

pack: install
	$(BIN)/relu-anim pack --quality $(QUALITY) --theme $(THEME) --jobs $(JOBS)

slides: install
	RELU_ANIM_THEME=$(THEME) $(BIN)/relu-anim slides --quality $(QUALITY) --jobs $(JOBS)

bench: install
	$(BIN)/python bench/breakpoints.py
	$(BIN)/python bench/fit_quality.py
	$(BIN)/python bench/regions.py

install: system $(STAMP)

system:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages:$$missing"; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): pyproject.toml requirements.lock
	@echo "setting up $(VENV) from requirements.lock (once)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	@touch $@

# Re-resolve every dependency (pyproject.toml, constraints.txt) and pin the result.
lock:
	tools/lock.sh

clean:
	rm -rf $(VENV) media/videos media/images media/texts media/Tex
