# folio: `make epub` builds the manuscript, `make test` runs every test.
CARGO ?= cargo
FOLIO := target/release/folio
MANUSCRIPT ?= manuscript
OUT ?= build

.PHONY: all epub pdf book test test-deps bench clean folio

all: epub

folio:
	$(CARGO) build --release --locked

epub: folio
	$(FOLIO) build --format epub --manuscript $(MANUSCRIPT) --out $(OUT)

pdf: folio
	$(FOLIO) build --format pdf --manuscript $(MANUSCRIPT) --out $(OUT)

book: folio
	$(FOLIO) build --format all --manuscript $(MANUSCRIPT) --out $(OUT)

test-deps:
	bash scripts/test-deps.sh

test: test-deps
	$(CARGO) test --release --locked

clean:
	rm -rf $(OUT)
