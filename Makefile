# dwell - one GNU Makefile (see docs/ARCHITECTURE.md).
#
#   make              release build: build/release/dwell
#   make SAN=1        ASan+UBSan build in build/san
#   make test         sanitizer build, every test, ends with "N passed, N failed"
#   make bench        throughput and peak RSS next to the peer tools
#   make fuzz         libFuzzer targets (clang) in build/fuzz
#   make fuzz-run T=sshd SECS=60
#   make check        test + source checks (scripts/checksrc.sh)

PKGS    := zlib sqlite3 nettle
CC      ?= cc
PREFIX  ?= /usr/local

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lz -lsqlite3 -lnettle)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE    := -std=c11 -D_GNU_SOURCE -pthread -MMD -MP $(WARN) $(PKG_CFLAGS)
ifeq ($(WERROR),1)
BASE    += -Werror
endif

ifeq ($(SAN),1)
BUILD   ?= build/san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
else
BUILD   ?= build/release
OPT     := -O3 -g -DNDEBUG -flto=auto
AR      := gcc-ar
endif

CFLAGS  ?=
LDLIBS  := $(PKG_LIBS) -lunistring -lm -pthread
ALLCFLAGS := $(BASE) $(OPT) $(CFLAGS)

LIB_SRC  := $(sort $(wildcard src/core/*.c src/event/*.c src/input/*.c src/parse/*.c \
                              src/detect/*.c src/incident/*.c src/output/*.c \
                              src/store/*.c src/leak/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c tests/unit/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_T   := $(patsubst fuzz/fuzz_%.c,%,$(FUZZ_SRC))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)

LIB      := $(BUILD)/libdwell.a
BIN      := $(BUILD)/dwell
TESTBIN  := $(BUILD)/tests/run
REPLAY   := $(FUZZ_T:%=$(BUILD)/fuzz/replay_%)
TOOLS    := $(BUILD)/tests/evtxdump

.PHONY: all test check bench fuzz fuzz-run clean install deps-check
all: deps-check $(BIN)

deps-check:
	@pkg-config --exists $(PKGS) || { echo "missing libraries: apt-get install -y build-essential pkg-config zlib1g-dev libsqlite3-dev nettle-dev libunistring-dev" >&2; exit 1; }

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALLCFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

$(TESTBIN): $(TEST_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -o $@ $(TEST_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/tests/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/onefile.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -o $@ fuzz/fuzz_$*.c fuzz/onefile.c $(LIB) $(LDLIBS)

# make test always uses the sanitizer build.
ifeq ($(SAN),1)
test: $(BIN) $(TESTBIN) $(REPLAY) $(TOOLS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  DWELL=$(BIN) BUILD=$(BUILD) bash tests/run_all.sh
else
test:
	@$(MAKE) --no-print-directory SAN=1 test
endif

check:
	bash scripts/checksrc.sh
	@$(MAKE) --no-print-directory test

bench: $(BIN)
	DWELL=$(BIN) bash bench/bench.sh

fuzz:
	@for t in $(FUZZ_T); do mkdir -p build/fuzz; \
	  echo "clang fuzz_$$t"; \
	  clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
	    -o build/fuzz/fuzz_$$t fuzz/fuzz_$$t.c $(LIB_SRC) $(LDLIBS) || exit 1; done

T    ?= sshd
SECS ?= 60
# New inputs go to build/fuzz/new-$(T) (the first corpus directory), so the
# minimised corpus in fuzz/corpus/$(T) is read but not grown; merge by hand.
fuzz-run: fuzz
	mkdir -p build/fuzz/new-$(T)
	build/fuzz/fuzz_$(T) -max_total_time=$(SECS) -timeout=2 -rss_limit_mb=512 \
	  $(if $(wildcard fuzz/dict/$(T).dict),-dict=fuzz/dict/$(T).dict) \
	  build/fuzz/new-$(T) fuzz/corpus/$(T)

install: $(BIN)
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/dwell

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_OBJ:.o=.d)
