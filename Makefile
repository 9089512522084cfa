# brokersec - one non-recursive Makefile. `make help` lists the targets.
.DEFAULT_GOAL := all

CC ?= cc
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0-dev)
PKGS := sqlite3 libsodium yaml-0.1 jansson libmicrohttpd gnutls libcrypto

# Recursive (=) so pkg-config runs only once a recipe needs it, after install-deps.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lcrack
WARN := -Wall -Wextra -Werror -Wvla -Wformat-security -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wpointer-arith -Wno-missing-field-initializers
ifeq ($(SANITIZE),1)
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDSAN := -fsanitize=address,undefined
else
  OPT := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
  LDSAN :=
endif
CPPFLAGS_ALL = -std=c11 -D_GNU_SOURCE -DBS_VERSION='"$(VERSION)"' -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
CFLAGS_ALL = $(OPT) $(WARN) -fPIE $(CFLAGS)
LDFLAGS_ALL = $(LDSAN) -pie -Wl,-z,relro,-z,now $(LDFLAGS)

SRC := $(sort $(wildcard src/*/*.c))
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/catalog_data.o $(BUILD)/obj/gen/migrations_data.o $(BUILD)/obj/gen/policies_data.o $(BUILD)/obj/gen/docs_data.o
CATALOG := catalog/sr.yaml catalog/a1.yaml catalog/a2.yaml catalog/a3.yaml
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
POLICIES := $(sort $(wildcard policies/*.yaml))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check asan run docs docs-check clean install help deps test lint check-slow

all: $(BUILD)/brokersec

help:
	@echo "make            build $(BUILD)/brokersec"
	@echo "make run        install packages, build, init ./brokersec-data, show status"
	@echo "make check      install packages, build, run every test (last line: N passed, N failed)"
	@echo "make asan       the test suite under ASan+UBSan (build-asan/)"
	@echo "make docs       regenerate docs/ from the catalog"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"

deps:
	@./scripts/install-deps

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

$(BUILD)/gen/catalog_data.c: $(CATALOG) $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed bs_embed_catalog $@ $(CATALOG)

$(BUILD)/gen/migrations_data.c: $(MIGRATIONS) $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed bs_embed_migrations $@ $(MIGRATIONS)

$(BUILD)/gen/docs_data.c: docs/openapi.yaml $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed bs_embed_docs $@ docs/openapi.yaml

$(BUILD)/gen/policies_data.c: $(POLICIES) $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed bs_embed_policies $@ $(POLICIES)

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(BUILD)/libbrokersec.a: $(filter-out $(BUILD)/obj/src/main.o,$(OBJ))
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

$(BUILD)/brokersec: $(BUILD)/obj/src/main.o $(BUILD)/libbrokersec.a
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $^ $(PKG_LIBS) -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libbrokersec.a
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-missing-prototypes -MMD -MP $(LDFLAGS_ALL) -o $@ $< \
		$(BUILD)/libbrokersec.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) -lpthread

# The test suite against whatever BUILD holds; prints "N passed, N failed" last.
test: $(BUILD)/brokersec $(UNIT_BIN)
	@BUILD=$(BUILD) tests/run.sh

check: deps
	@$(MAKE) --no-print-directory lint docs-check fuzz-check test

asan: deps
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 test

# Lint: banned functions, and every public header compiles on its own.
lint: $(BUILD)/gen/catalog_data.c
	@tools/check-banned.sh
	@for h in $(sort $(wildcard src/*/*.h)); do \
		printf '#include "%s"\n' "$${h#src/}" | \
		$(CC) $(CPPFLAGS_ALL) $(WARN) -fsyntax-only -x c - || { echo "header $$h does not compile alone" >&2; exit 1; }; \
	done

run: deps
	@$(MAKE) --no-print-directory all
	@if [ ! -d brokersec-data ]; then \
		$(BUILD)/brokersec init --data brokersec-data --org "$${ORG:-示範保險經紀人股份有限公司}" \
			--internal-control "$${INTERNAL_CONTROL:-yes}"; \
	fi
	@$(BUILD)/brokersec status --data brokersec-data

docs: $(BUILD)/brokersec
	$(BUILD)/brokersec controls --format markdown > docs/controls-matrix.md
	$(BUILD)/brokersec scan --list-checks --format markdown | cat - bench/scan/lynis-coverage.md > docs/checks.md

# CI fails when the committed docs are stale.
docs-check: $(BUILD)/brokersec
	@$(BUILD)/brokersec controls --format markdown > $(BUILD)/controls-matrix.md
	@cmp -s $(BUILD)/controls-matrix.md docs/controls-matrix.md || \
		{ echo "docs/controls-matrix.md is stale: run 'make docs' and commit it" >&2; exit 1; }
	@$(BUILD)/brokersec scan --list-checks --format markdown | cat - bench/scan/lynis-coverage.md > $(BUILD)/checks.md
	@cmp -s $(BUILD)/checks.md docs/checks.md || \
		{ echo "docs/checks.md is stale: run 'make docs' and commit it" >&2; exit 1; }

# Not in CI: scans a minimal Debian root built with debootstrap (needs root and network).
check-slow: $(BUILD)/brokersec
	@BROKERSEC=$(CURDIR)/$(BUILD)/brokersec sh tests/cli/t06-debootstrap.slow

# Not in CI (minutes): testssl.sh and sqlmap against a real server, see bench/http/security.
.PHONY: check-security
check-security: $(BUILD)/brokersec
	@BUILD=$(BUILD) bench/http/security

install: $(BUILD)/brokersec
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/brokersec $(DESTDIR)$(PREFIX)/bin/brokersec

# libFuzzer harnesses (clang-14): each runs FUZZ_TIME seconds over its seed corpus. The
# corpora also replay as unit tests (tests/unit/test_syslog_corpus.c) in `make check`.
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_CHECK_TIME ?= 20
.PHONY: fuzz fuzz-build fuzz-check
fuzz: fuzz-build
	$(BUILD)/fuzz/fuzz_syslog -max_total_time=$(FUZZ_TIME) -max_len=4096 $(BUILD)/fuzz/syslog tests/fuzz/corpus/syslog

# The bounded run `make check` does: quiet unless it finds something.
fuzz-check: fuzz-build
	@echo "  FUZZ    syslog parsers for $(FUZZ_CHECK_TIME) s"
	@$(BUILD)/fuzz/fuzz_syslog -max_total_time=$(FUZZ_CHECK_TIME) -max_len=4096 -artifact_prefix=$(BUILD)/fuzz/ \
		$(BUILD)/fuzz/syslog tests/fuzz/corpus/syslog > $(BUILD)/fuzz/log 2>&1 || \
		{ tail -n 40 $(BUILD)/fuzz/log; echo "fuzzing found a crash: see $(BUILD)/fuzz/" >&2; exit 1; }

fuzz-build:
	@mkdir -p $(BUILD)/fuzz/syslog
	@$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -Isrc -g -O1 -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS) \
		-o $(BUILD)/fuzz/fuzz_syslog tests/fuzz/fuzz_syslog.c src/syslog/syslog.c src/intake/event.c \
		src/core/buf.c src/core/clock.c src/core/error.c src/core/utf8.c $(PKG_LIBS)

clean:
	rm -rf build build-asan

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d)
