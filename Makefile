# attain: the human entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
ATTAIN := target/release/attain
PLAN := rules/ostersund-2023

.PHONY: help
help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

.PHONY: build
build: ## build the core and the `attain` CLI (release)
	@# The workspace's default members, as the README's `cargo run --release` builds them: with
	@# `-p attain-cli` cargo resolves other features and builds core and the CLI a second time.
	$(CARGO) build --release

.PHONY: report
report: build ## the main job: the Östersund report in the terminal and as report.html
	$(ATTAIN) report $(PLAN)
	$(ATTAIN) report $(PLAN) --format html --out report.html

.PHONY: test
test: test-rust test-rules test-python test-wasm test-docs ## every suite: Rust, rule tests, Python, JavaScript, the browser and the docs' examples
	@echo "all suites passed"

.PHONY: test-rust
test-rust: ## Rust unit, integration, property, conformance and doc tests, and the core's shape
	python3 scripts/core-shape.py
	$(CARGO) test -p attain-core -p attain-cli -p attain-excel -p attain-kolada --features attain-core/schema

.PHONY: test-rules
test-rules: build ## rule tests of the std library and the Östersund plan, and property checks
	@# The README's main job reuses this build: if `cargo run --release` compiles anything, a new
	@# user waits twice (issue 14).
	@if $(CARGO) run --release -- --version 2>&1 | grep -E '^ *Compiling'; then echo "make build and the README's cargo run --release build different things" >&2; exit 1; fi
	$(ATTAIN) test rules/std --coverage
	$(ATTAIN) test $(PLAN) --coverage
	@# Full line coverage of both (issue 18): a line no case runs fails the step.
	@for p in rules/std $(PLAN); do \
	  if $(ATTAIN) test $$p --coverage | grep '^miss '; then echo "$$p: the lines above are run by no rule test case" >&2; exit 1; fi; \
	done
	@# Mutation testing (issue 18): std kills every mutant not listed as equivalent
	@# (rules/std/tests/equivalent-mutants.toml), the Östersund rules at least 90 %.
	$(ATTAIN) test rules/std --mutants --min-score 1
	$(ATTAIN) test $(PLAN) --mutants --min-score 0.9
	$(ATTAIN) check $(PLAN)

.PHONY: test-python
test-python: ## build the Python wheel in .venv and run pytest, the plugin and stubtest
	bash bindings-python/run-tests.sh

.PHONY: test-wasm
test-wasm: ## build the npm package and run the Node tests and the Chromium browser test
	bash bindings-wasm/run-tests.sh

.PHONY: test-docs
test-docs: build ## run every code block of README.md, docs/ and the bindings' READMEs (after test-python and test-wasm)
	python3 scripts/doc-examples.py
	@# The runner itself: every block of this file is wrong, and each must be reported.
	@out="$$(python3 scripts/doc-examples.py tests/doc-examples/broken.md || true)"; \
	  echo "$$out" | grep -q '^doc examples: 0 blocks run, 6 failed' || { echo "$$out"; echo "doc-examples.py missed a wrong block" >&2; exit 1; }

.PHONY: wasm
wasm: ## build the WebAssembly npm package (bindings-wasm/pkg)
	bash bindings-wasm/build.sh

.PHONY: npm-pack
npm-pack: wasm ## the npm package as a tarball, bindings-wasm/attain-wasm-<version>.tgz, for `npm install FILE`
	cd bindings-wasm && npm pack --silent

.PHONY: lint
lint: ## rustfmt and clippy with warnings as errors
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy -p attain-core -p attain-cli -p attain-excel -p attain-kolada -p attain-python -p attain-wasm --all-targets -- -D warnings

.PHONY: bench
bench: ## criterion benchmarks of the core (see docs/benchmarks.md)
	$(CARGO) bench -p attain-core

.PHONY: bench-compare
bench-compare: ## every ratio of issue 16 side by side in one run (scripts/bench-compare.py, about 5 minutes; needs .venv from test-python)
	python3 scripts/bench-compare.py

.PHONY: fuzz
fuzz: ## every fuzz target for FUZZ_SECONDS each (default 1800; not part of `make test`; docs/robustness.md)
	bash scripts/fuzz.sh

.PHONY: clean
clean: ## remove build output
	$(CARGO) clean
	rm -rf bindings-wasm/pkg report.html
