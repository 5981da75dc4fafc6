# softkvm: the two commands (make run, make test) and their parts. The build itself is CMake.
BUILD ?= build/release
ASAN_BUILD ?= build/asan
TSAN_BUILD ?= build/tsan
JOBS ?= $(shell nproc)
STAMP := build/deps/unicorn-2.1.4.stamp

.PHONY: all setup build run test test-asan test-release bench fuzz format format-check clean

all: build

setup:
	@scripts/setup.sh

# The engine is rebuilt when its patches or the script change (setup.sh compares hashes).
$(STAMP): scripts/setup.sh $(wildcard engine/patches/*.patch)
	@scripts/setup.sh
	@touch $(STAMP)

$(BUILD)/build.ninja $(BUILD)/Makefile: $(STAMP)
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(STAMP) $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

run: build
	$(BUILD)/softkvm run --stats $(BUILD)/guests/x86_64/hello

test: setup format-check test-release test-asan

test-release: build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

test-asan: $(STAMP)
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSOFTKVM_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j$(JOBS)

# Two VMs on two threads under ThreadSanitizer (tests/threads; Unicorn's own races suppressed by
# tests/threads/tsan.supp). Only what that test needs is built.
test-tsan: $(STAMP)
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSOFTKVM_TSAN=ON >/dev/null
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target two_vms guest_x86_64_smp_kick \
	  guest_x86_64_hypercall_regs guest_ppc_magic_page guest_ppc64_hypercall guest_s390x_diag_copied
	cd $(TSAN_BUILD) && ctest --output-on-failure -L threads

bench: build
	$(BUILD)/bench/softkvm-bench

# Coverage-guided fuzzing (libFuzzer, clang, ASan+UBSan in build/fuzz): FUZZ_SECONDS per target.
fuzz: $(STAMP)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-60} JOBS=$(JOBS) scripts/fuzz.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@out=$$(clang-format --dry-run $$(git ls-files '*.c' '*.h') 2>&1); \
	if [ -n "$$out" ]; then echo "$$out" | head -40; \
	  echo "format-check: run 'make format'"; exit 1; fi; echo "format-check: ok"

clean:
	rm -rf build/release build/asan build/debug build/fuzz
