# Two commands do everything on a fresh machine: `make run` and `make test`.
.PHONY: run test check bench setup lint fmt registry dist screenshots reports corpus-images

setup:
	@scripts/setup

run: setup
	@scripts/run

test: setup
	@scripts/test

bench: setup
	@scripts/bench

# The folder to upload to a static host (see README, "Hosting").
dist: setup
	@scripts/dist

# PNGs of the main views at desktop, tablet and phone sizes, in docs/screenshots/
screenshots: setup
	@scripts/screenshots

# The three printable reports of a sample batch as PDFs (and PNGs of
# their first pages), in docs/reports/.
reports: setup
	@scripts/reports

# The realistic image corpus the benchmarks read (A4 scans at 300 dpi, phone
# photos, PDFs of such pages), drawn here with Debian's Thai fonts into
# target/corpus-images/; nothing is downloaded.
corpus-images: setup
	@scripts/corpus-images target/corpus-images --scans 300 --photos 200 --pdf-pages 40

# The fast loop while developing: lint + native tests (needs `make setup` once).
check:
	@scripts/check

# Formatting, clippy on both targets, the layer rules.
lint:
	@scripts/lint

fmt:
	cargo fmt

# Regenerates src/core/domain/registry_data.rs from the ECT reference files.
registry:
	python3 scripts/gen_registry.py $(ECT_DIR)
