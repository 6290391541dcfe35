# The commands a weir user or developer types. `make test` and `make demo` work on a
# fresh Debian 12 machine as root: they install what is missing, configure, build
# and run. With nothing changed, a second `make test` rebuilds nothing.

BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CTEST_FLAGS ?=

WEIR := $(BUILD_DIR)/tools/weir/weir

.PHONY: all deps build test test-fast demo bench format clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/build.ninja
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test: unit, end-to-end and the slow tier.
test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600 $(CTEST_FLAGS)

# The fast tier only (about a minute).
test-fast: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) -LE slow $(CTEST_FLAGS)

demo: build
	@$(WEIR) demo

bench: build
	@$(BUILD_DIR)/bench/micro/batch_benchmark
	@$(BUILD_DIR)/bench/micro/log_benchmark
	@$(BUILD_DIR)/bench/micro/expr_benchmark
	@$(BUILD_DIR)/bench/micro/format_benchmark
	@$(BUILD_DIR)/bench/micro/text_paths_benchmark
	@$(BUILD_DIR)/bench/micro/query_benchmark
	@$(BUILD_DIR)/bench/micro/stream_benchmark
	@$(BUILD_DIR)/bench/micro/window_benchmark
	@$(BUILD_DIR)/bench/micro/state_store_benchmark
	@$(BUILD_DIR)/bench/micro/state_restore_benchmark
	@$(BUILD_DIR)/bench/micro/nexmark_benchmark
	@$(WEIR) --data-dir $(BUILD_DIR)/bench-data bench nexmark --query q1 --events 10000000
	@$(WEIR) --data-dir $(BUILD_DIR)/bench-data bench nexmark --query q5 --events 2000000
	@$(BUILD_DIR)/bench/micro/kafka_benchmark

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
