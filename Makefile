# folio: `make epub` builds the manuscript, `make test` runs every test.
CARGO ?= cargo
# `make release FOLIO=path/to/folio` uses a folio already built.
FOLIO ?= target/release/folio
TEST_ARGS ?=
# The release version: the tag, without its `v` (v1.0.0 -> 1.0.0).
VERSION ?= $(patsubst v%,%,$(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0))
# Reproducible: the build time is the commit time of HEAD unless given.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
MANUSCRIPT ?= manuscript
OUT ?= build

.PHONY: all epub pdf book test test-deps bench release clean folio

all: epub

folio:
ifeq ($(FOLIO),target/release/folio)
	$(CARGO) build --release --locked
endif

epub: folio
	$(FOLIO) build --format epub --manuscript $(MANUSCRIPT) --out $(OUT)

pdf: folio
	$(FOLIO) build --format pdf --manuscript $(MANUSCRIPT) --out $(OUT)

book: folio
	$(FOLIO) build --format all --manuscript $(MANUSCRIPT) --out $(OUT)

test-deps:
	bash scripts/test-deps.sh

test: test-deps
	$(CARGO) test --release --locked -- $(TEST_ARGS)

# dist/<slug>-<version>.epub and .pdf, and dist/SHA256SUMS.
release: folio
	rm -rf dist
	$(FOLIO) build --quiet --format all --manuscript $(MANUSCRIPT) --out dist --book-version $(VERSION)
	cd dist && sha256sum -- *.epub *.pdf > SHA256SUMS
	cat dist/SHA256SUMS

# Build time and memory on the benchmark book, and the peers' if installed.
bench: folio
	FOLIO=$(FOLIO) python3 benches/bench.py

clean:
	rm -rf $(OUT) dist
