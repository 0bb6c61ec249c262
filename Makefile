# Makefile: build, run and test the help center (README.md "Two commands").

PORT		?= 8888
ARTICLES	?= articles
DATA		?= var
BASE_URL	?= http://127.0.0.1:$(PORT)
DEFAULT_LANG	?= zh-CN
RATE_LIMITS	?= on
export PORT ARTICLES DATA BASE_URL DEFAULT_LANG RATE_LIMITS

# Debian packages: what building needs, and what the tests need on top.
BUILD_PKGS	= kore libcmark-gfm-dev libcmark-gfm-extensions-dev libyaml-dev \
		  libgit2-dev \
		  libsqlite3-dev libjansson-dev libssl-dev git pkg-config libpq-dev \
		  libxapian-dev libopencc-dev libicu-dev zlib1g-dev g++ \
		  libcurl4-openssl-dev libgmime-3.0-dev libxml2-dev
# Every program the suites call, named: a minimal Debian has none of them
# (python3 runs the e2e and relevance suites, node and npm the browser ones,
# sqlite3 and procps's ps/pgrep are used by the shell suites, aiosmtpd is
# the SMTP receiver of the mail suites; postgresql runs the throwaway
# server of make unit and make multinode, haproxy the round robin of
# make multinode).
TEST_PKGS	= libcmocka-dev chromium fonts-noto-cjk curl python3 nodejs npm \
		  sqlite3 procps python3-aiosmtpd postgresql haproxy
# make bench (wrk drives the load, nginx is the static-file reference),
# make asan (GCC's runtimes), make leakcheck, make fuzz (clang's libFuzzer).
BENCH_PKGS	= wrk nginx
ASAN_PKGS	= libasan8 libubsan1
LEAK_PKGS	= valgrind
FUZZ_PKGS	= clang libclang-rt-14-dev

CC		= cc
CXX		= g++
KORE_FEATURES	= $(shell cat /usr/share/kore/features 2>/dev/null)
WARNINGS	= -Wall -Werror -Wstrict-prototypes -Wmissing-prototypes \
		  -Wmissing-declarations -Wshadow -Wpointer-arith -Wcast-qual \
		  -Wsign-compare -Wtype-limits
# SAN_FLAGS: sanitizer flags for compiling and linking (make asan sets them).
SAN_FLAGS	=
# Email: libcurl (SMTP), GMime (MIME; GLib), libxml2 (HTML mail as text).
# Their headers as system headers: GLib's trip the warnings above.
MAIL_PKGS	= libcurl gmime-3.0 libxml-2.0
MAIL_CFLAGS	= $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(MAIL_PKGS) 2>/dev/null))
MAIL_LIBS	= $(shell pkg-config --libs $(MAIL_PKGS) 2>/dev/null)
CFLAGS		+= -std=gnu99 -O2 -g -fPIC -fstack-protector-strong $(WARNINGS) \
		   -Isrc -I/usr/include/postgresql -D_GNU_SOURCE $(MAIL_CFLAGS) \
		   $(SAN_FLAGS)
CXXFLAGS	+= -std=c++17 -O2 -g -fPIC -Wall -Werror -Isrc -fvisibility=hidden \
		   $(SAN_FLAGS)
LIBS		= -lcmark-gfm-extensions -lcmark-gfm -lyaml -lsqlite3 -ljansson \
		  -lcrypto -lxapian -lopencc -licui18n -licuuc -licudata -lgit2 -lz \
		  -lpq $(MAIL_LIBS) -lstdc++ -lpthread -lm

BUILD		= build
# Domain code shared by the server module and hcctl (no Kore in it).
CORE_SRC	= src/settings.c $(wildcard src/util/*.c src/store/*.c \
		  src/render/*.c src/catalog/*.c src/search/*.c src/publish/*.c \
		  src/auth/*.c src/deflection/*.c src/tickets/*.c src/community/*.c \
		  src/mail/*.c)
# The Xapian shim: the only C++, behind src/search/search.h.
SHIM_SRC	= $(wildcard src/search/*.cc)
# The HTTP layer: src/http/core and each domain's folder, on top of the core.
SERVER_SRC	= src/app.c $(wildcard src/http/*/*.c)
HCCTL_SRC	= $(wildcard src/hcctl/*.c)

CORE_OBJ	= $(CORE_SRC:%.c=$(BUILD)/%.o) $(SHIM_SRC:%.cc=$(BUILD)/%.o)
SERVER_OBJ	= $(SERVER_SRC:%.c=$(BUILD)/%.o)
HCCTL_OBJ	= $(HCCTL_SRC:%.c=$(BUILD)/%.o)
UNIT_TESTS	= $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps test-deps run test unit e2e browser relevance check bench soak layers multinode \
	faults clean binaries fuzzers asan leakcheck fuzz

all: deps $(BUILD)/helpcenter.so $(BUILD)/hcctl

# Installs missing Debian packages when root; otherwise prints the line.
deps:
	@./tests/install-deps.sh $(BUILD_PKGS)

test-deps:
	@./tests/install-deps.sh $(BUILD_PKGS) $(TEST_PKGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS) $(KORE_FEATURES) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	@echo "CXX $<"
	@$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/helpcenter.so: $(CORE_OBJ) $(SERVER_OBJ)
	@echo "LD $@"
	@$(CC) $(SAN_FLAGS) -shared -o $@ $^ $(LIBS)

$(BUILD)/hcctl: $(CORE_OBJ) $(HCCTL_OBJ)
	@echo "LD $@"
	@$(CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

# The tracked kore.conf with PORT applied; DATA holds it, no tracked file changes.
$(DATA)/kore.conf: kore.conf FORCE
	@mkdir -p $(DATA)
	@sed -e 's/^\(\s*bind\s\+127\.0\.0\.1\s\+\)8888/\1$(PORT)/' kore.conf > $@

# As root: chroot into DATA and drop to the helpcenter user. Otherwise -n -r.
run: all $(DATA)/kore.conf
	@if [ "$$(id -u)" = 0 ]; then id helpcenter >/dev/null 2>&1 || \
	    useradd --system --no-create-home --shell /usr/sbin/nologin helpcenter; \
	    exec kore -f -c $(DATA)/kore.conf; \
	else exec kore -f -n -r -c $(DATA)/kore.conf; fi

check: all
	$(BUILD)/hcctl check

$(BUILD)/tests/%: tests/unit/%.c $(CORE_OBJ)
	@mkdir -p $(dir $@)
	@echo "CC $@"
	@$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-missing-declarations -o $@ $^ $(LIBS) -lcmocka

# Every binary runs on SQLite, and those with a database again on a
# throwaway PostgreSQL (tests/unit/run.sh starts and stops it); the target
# fails at the end if any did.
unit: test-deps $(UNIT_TESTS)
	@./tests/unit/run.sh $(UNIT_TESTS)

e2e: test-deps all
	@./tests/e2e/run.sh
	@./tests/e2e/crash.sh
	@./tests/e2e/proxy.sh
	@./tests/e2e/events_stop.sh
	@./tests/e2e/mail.sh
	@./tests/faults/run.sh quick

browser: test-deps all
	@./tests/browser/run.sh

relevance: test-deps all
	@./tests/relevance/run.sh

# Two nodes on one throwaway PostgreSQL behind haproxy, and what must hold
# across them (docs/operations.md, "Several nodes"); about 15 s.
multinode: test-deps all
	@./tests/multinode/run.sh

# A layer includes only the layers below it (docs/architecture.md).
layers:
	@./tests/layers/check.sh

test: test-deps layers all unit e2e multinode relevance browser
	@echo "make test: all suites passed"

# The bare Kore handler of tests/bench/article.sh, with the server's flags.
$(BUILD)/bench/bare.so: tests/bench/bare_kore/bare.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS) $(KORE_FEATURES) -shared -o $@ $<

# Every part runs even when one fails, then one table (tests/out/bench-table.md);
# fails if a part failed outright, not on a missed speed target.
bench: test-deps all $(BUILD)/bench/bare.so
	@./tests/install-deps.sh $(BENCH_PKGS)
	@./tests/bench/all.sh

# Bounded (loopback, SOAK_SECONDS, 300 by default): never part of make test.
soak: test-deps all
	@./tests/soak/soak.sh

# Every fault case runs even when one fails (tests/faults/*.sh).
faults: test-deps all
	@./tests/faults/run.sh

# ---- Sanitizers, leaks, fuzzing: each in its own build folder, so that
# build/ stays the plain build (docs/testing.md "Sanitizers and fuzzing").
ASAN_FLAGS	= -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=undefined -DHC_ASAN
FUZZ_FLAGS	= -fsanitize=fuzzer-no-link,address,undefined \
		  -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SECONDS	?= 30
FUZZ_BINS	= $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,\
		  $(wildcard tests/fuzz/fuzz_*.c))
export FUZZ_SECONDS

# Everything one build folder holds (make asan builds it into build-asan).
binaries: $(BUILD)/helpcenter.so $(BUILD)/hcctl $(UNIT_TESTS)

# libFuzzer executables (clang only; make fuzz builds them into build-fuzz),
# linked by clang++ for UBSan's C++ runtime (the shim is C++).
$(BUILD)/fuzz/%.o: tests/fuzz/%.c
	@mkdir -p $(dir $@)
	@echo "CC $<"
	@$(CC) $(CFLAGS) -Wno-missing-prototypes -Wno-missing-declarations \
	    -MMD -MP -c $< -o $@

$(BUILD)/fuzz/%: $(BUILD)/fuzz/%.o $(CORE_OBJ)
	@echo "LD $@"
	@$(CXX) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

.PRECIOUS: $(BUILD)/fuzz/%.o
fuzzers: $(FUZZ_BINS)

# Unit tests and the e2e suites with ASan and UBSan; ASAN_SHORT=1 runs the
# unit tests and e2e.py only (what CI runs).
asan: test-deps
	@./tests/install-deps.sh $(ASAN_PKGS)
	@$(MAKE) --no-print-directory BUILD=build-asan \
	    SAN_FLAGS="$(ASAN_FLAGS)" binaries
	@./tests/sanitize/asan.sh

# The unit tests and hcctl's commands under valgrind; any leak fails.
leakcheck: test-deps all $(UNIT_TESTS)
	@./tests/install-deps.sh $(LEAK_PKGS)
	@./tests/sanitize/leakcheck.sh

# Every target in tests/fuzz for FUZZ_SECONDS each, from its corpus.
fuzz: test-deps
	@./tests/install-deps.sh $(FUZZ_PKGS)
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang CXX=clang++ \
	    SAN_FLAGS="$(FUZZ_FLAGS)" fuzzers
	@./tests/fuzz/run.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz

FORCE:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
