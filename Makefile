# Every target sets itself up (virtual environment, TeX Live) and then only calls the CLI.
# The interpreter for the virtual environment (scripts/pick-python.sh says why); PYTHON=... overrides.
PYTHON ?= $(shell sh scripts/pick-python.sh)
VENV ?= .venv
SEED ?= 0
SHEET ?=
ROSTER ?=
ROSTER_OPTIONS ?=
UNIQUE ?=
STUDENT ?=
# `make sheets LANG=de` prints the sheets in German. LANG is also the shell's locale variable
# (C.UTF-8, en_US.UTF-8): only a LANG given on make's command line is passed on as --language.
SHEET_LANGUAGE := $(if $(filter command line,$(origin LANG)),$(LANG))
BIN := $(VENV)/bin
# Step reasons are the second argument of Step(...) or a Reason(...); N_() marks a constant.
EXTRACT := $(BIN)/pybabel extract -F babel.cfg -k Step:2 -k Reason -k N_ --no-wrap --sort-by-file --project sheets -o locale/messages.pot .

.PHONY: sheets test sweep stress bench setup tex clean translations

## sheets: build every sheet (or SHEET=name) for SEED=n or SEED=canonical into build/;
##         ROSTER=students.csv builds one sheet per student (UNIQUE=1: no repeated variants;
##         ROSTER_OPTIONS="--id-column Matrikel --encoding cp1252": how to read the roster;
##         STUDENT=id rebuilds that student alone; LANG=de prints them in German, docs/languages.md)
sheets: setup
	$(BIN)/sheets build $(SHEET) --seed $(SEED) --out build $(if $(ROSTER),--roster $(ROSTER) $(ROSTER_OPTIONS)) $(if $(UNIQUE),--unique) $(if $(STUDENT),--student $(STUDENT)) $(if $(SHEET_LANGUAGE),--language $(SHEET_LANGUAGE))

## translations: extract every message into locale/messages.pot and merge it into each language's .po
translations: $(VENV)/.installed
	$(EXTRACT)
	$(BIN)/pybabel update -i locale/messages.pot -d locale --no-wrap --no-fuzzy-matching --ignore-obsolete

## test: run the test suite (compiles real LaTeX) but its tests marked stress, one pytest worker per core (at most 4),
##       then every family over 50 seeds of every value of every option: about 8 minutes on 2 cores
test: setup
	$(BIN)/pytest -m "not stress" -n auto --maxprocesses 4
	$(BIN)/sheets check --seeds 50

## sweep: the tests marked stress, then 1,000 seeds per family, level and sheet option set, then 15 seeds of every
##        option value typeset in English and in German (a line run into the margin fails); CI runs it after `make test`
sweep: setup
	$(BIN)/pytest -m stress
	$(BIN)/sheets check --seeds 1000 --sweep levels
	$(BIN)/sheets check --seeds 15 --compile
	$(BIN)/sheets check --seeds 15 --compile --language de

## stress: the long sweep kept out of `make test`: 3,000 seeds per family, every variant typeset
stress: setup
	$(BIN)/sheets check --seeds 3000 --compile --sweep levels

## bench: time generation and TeX; then a cold class build against a rebuild from the variant cache
bench: setup
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_cache.py

setup: $(VENV)/.installed tex

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

tex:
	@sh scripts/ensure-tex.sh

clean:
	rm -rf build
