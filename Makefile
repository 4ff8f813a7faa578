# bulletin — editors' commands. Set-up on a fresh Debian machine: `make build`, then `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
B      := $(BIN)/bulletin

.PHONY: build test check doctor serve issue publish bench bench-serve bench-serve-city fuzz docs-images schemas lint system-deps clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

system-deps:
	@scripts/system-deps.sh build

## build: venv, packages, fonts, then the sample newsroom's sites, PDFs and notices
build: system-deps $(STAMP)
	$(B) build

## test: lint, the import layers (pyproject.toml [tool.importlinter]) and the whole test suite
## (installs Chromium for the browser tests if missing)
test: $(STAMP)
	@scripts/system-deps.sh test
	$(BIN)/ruff check bulletin bench scripts tests
	$(BIN)/lint-imports
	$(BIN)/pytest

check: $(STAMP)
	$(B) check

doctor: $(STAMP)
	$(B) doctor

## issue: next draft issue of a series, e.g. `make issue SERIES=zwxx`
issue: $(STAMP)
	$(B) issue --series $(or $(SERIES),zwxx)

publish: $(STAMP)
	$(B) publish $(ISSUE)

## serve: live preview of the sites as after publishing the drafts, on http://127.0.0.1:8000 (PORT=8080 make serve)
serve: $(STAMP)
	$(B) serve --port $(or $(PORT),8000)

bench: $(STAMP)
	$(BIN)/python -m bench

## bench-serve: first preview page and edit-visible latency of `bulletin serve` on the sample (build/bench-serve.json)
bench-serve: $(STAMP)
	$(BIN)/python -m bench.serve

## bench-serve-city: the same on the city-year `make bench` generates (about 7 minutes; build/bench-serve-city.json)
bench-serve-city: $(STAMP)
	test -d build/bench/1y-9000 || { echo "先运行 make bench 生成 build/bench/1y-9000"; exit 1; }
	$(BIN)/python -m bench.serve --root build/bench/1y-9000 --city-year --today 2026-12-31 --json build/bench-serve-city.json

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest tests -k fuzz

docs-images: build
	$(BIN)/python scripts/docs_images.py

## schemas: export the JSON Schemas to schemas/ for editors' tools (.vscode/settings.json uses them)
schemas: $(STAMP)
	$(BIN)/python scripts/export_schemas.py

lint: $(STAMP)
	$(BIN)/ruff check bulletin bench scripts tests
	$(BIN)/lint-imports

clean:
	rm -rf build
