# The two set-up commands of the README: `make demo` and `make test`.
# Both install missing Debian packages, fetch DuckDB 1.4.4 (cached in .cache/) and build.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_ARGS ?=
PREFIX ?= /usr/local

.PHONY: all deps build binary demo test bench install coverage clean format format-check tidy

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/Makefile: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS)

build: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# Only the command: what the demo needs (the tests are built by `make build` and `make test`).
binary: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS) --target duckpart

demo: binary
	$(BUILD)/duckpart demo --replace

# The binary, libduckpart, its headers, the CMake package, pkg-config file, man page and
# bash completion, with libduckdb.so beside them: make install PREFIX=$$HOME/.local
install: deps $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS) --target duckpart duckpart_lib $(if $(wildcard /usr/bin/help2man),duckpart_man)
	cmake --install $(BUILD) --prefix $(PREFIX)

bench: build
	bench/run.sh

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 60

# Line and function coverage per source folder: a gcov build in its own folder, the
# whole test suite (heavy: run it rarely), then gcovr's summary grouped by folder.
COVERAGE_BUILD ?= build-coverage
coverage: deps
	cmake -S . -B $(COVERAGE_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="--coverage -O0" \
	    -DCMAKE_EXE_LINKER_FLAGS=--coverage $(CMAKE_ARGS)
	cmake --build $(COVERAGE_BUILD) -j $(JOBS)
	find $(COVERAGE_BUILD) -name '*.gcda' -delete
	-cd $(COVERAGE_BUILD) && ctest -j $(JOBS) --timeout 60 --output-on-failure
	gcovr --root . --filter 'src/' --filter 'include/' --object-directory $(COVERAGE_BUILD) \
	    --gcov-ignore-parse-errors --json-summary $(COVERAGE_BUILD)/coverage.json
	scripts/coverage-report.py $(COVERAGE_BUILD)/coverage.json

# Style: clang-format over every tracked source (format-check also runs as a test), and
# clang-tidy with the small set of checks of .clang-tidy over the library and the CLI.
format:
	git ls-files --cached --others --exclude-standard '*.cc' '*.h' | xargs clang-format -i

format-check:
	scripts/format-check.sh

tidy: deps $(BUILD)/Makefile
	git ls-files 'src/*.cc' | xargs -P $(JOBS) -n 4 clang-tidy -p $(BUILD) --quiet --warnings-as-errors='*'

clean:
	rm -rf $(BUILD) $(COVERAGE_BUILD)
