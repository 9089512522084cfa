# brokersec - one non-recursive Makefile. `make help` lists the targets.
.DEFAULT_GOAL := all

CC ?= cc
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0-dev)
PKGS := sqlite3 libsodium yaml-0.1 jansson libmicrohttpd gnutls libcrypto pangocairo cairo-pdf libzip zlib liblzma liblz4 libcurl libpsl libidn2 libcares libzstd rpm

# Recursive (=) so pkg-config runs only once a recipe needs it, after install-deps.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lcrack -lm
WARN := -Wall -Wextra -Werror -Wvla -Wformat-security -Wstrict-prototypes -Wmissing-prototypes \
	-Wshadow -Wpointer-arith -Wno-missing-field-initializers
ifeq ($(SANITIZE),1)
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDSAN := -fsanitize=address,undefined
else
  OPT := -O2 -g -D_FORTIFY_SOURCE=2 -fstack-protector-strong
  LDSAN :=
endif
CPPFLAGS_BASE = -std=c11 -D_GNU_SOURCE -DBS_VERSION='"$(VERSION)"' -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
# src/core/banned.h first in every compilation unit: strcpy, sprintf, gmtime ... do not compile.
CPPFLAGS_ALL = $(CPPFLAGS_BASE) -include core/banned.h
CFLAGS_ALL = $(OPT) $(WARN) -fPIE $(CFLAGS)
LDFLAGS_ALL = $(LDSAN) -pie -Wl,-z,relro,-z,now $(LDFLAGS)

SRC := $(sort $(wildcard src/*/*.c))
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/catalog_data.o $(BUILD)/obj/gen/migrations_data.o $(BUILD)/obj/gen/policies_data.o $(BUILD)/obj/gen/docs_data.o \
	$(BUILD)/obj/gen/web_data.o
CATALOG := catalog/sr.yaml catalog/a1.yaml catalog/a2.yaml catalog/a3.yaml
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
POLICIES := $(sort $(wildcard policies/*.yaml))
# The web UI (src/http/web.c serves it): every file under web/, embedded like the catalog.
WEB := $(sort $(shell find web -type f ! -name '.*' 2>/dev/null))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all check asan run docs docs-check clean install help deps test-deps test lint check-slow

all: $(BUILD)/brokersec

help:
	@echo "make            build $(BUILD)/brokersec"
	@echo "make run        install packages, build, init ./brokersec-data, scan this host, status summary, serve the web UI"
	@echo "make demo       a separate demo data directory ./brokersec-demo (init --demo), served on port 8444"
	@echo "make check      install packages, build, run every test (last line: N passed, N failed)"
	@echo "make asan       the test suite under ASan+UBSan (build-asan/)"
	@echo "make docs       regenerate docs/ (catalog, checks, registers) and the README's register row"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"
	@echo "make deb        the Debian package in $(BUILD)/deb/ (debian/, docs/install.md), checked by lintian"

deps:
	@./scripts/install-deps

# and what only the tests need (scripts/deps-test.txt)
test-deps:
	@./scripts/install-deps --test

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -Wextra -Werror -include src/core/banned.h -o $@ $<

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

# The list of web/'s files, rewritten only when a file is added or removed: a new file can be
# older than the last web_data.c (a checkout, an editor's copy), so its time alone would not
# make the embedding again.
$(BUILD)/gen/web.list: FORCE
	@mkdir -p $(@D)
	@echo $(WEB) > $@.tmp; if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

$(BUILD)/gen/web_data.c: $(WEB) $(BUILD)/gen/web.list $(BUILD)/tools/embed
	@mkdir -p $(@D)
	$(BUILD)/tools/embed bs_embed_web $@ $(WEB)

# bs_registers[] from the register files src/registry/reg_*.c, in the order of their .order
# (src/registry/registry.c includes it). Made on every run, since a file added or removed
# changes the list without being newer than it, but written only when it changes, so that
# nothing is recompiled for nothing.
$(BUILD)/gen/registers_list.c: FORCE
	@mkdir -p $(@D)
	@tools/gen-registers.sh $(sort $(wildcard src/registry/reg_*.c)) > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/obj/src/registry/registry.o: $(BUILD)/gen/registers_list.c
FORCE:

# Prints the registers' documentation from their descriptors (make docs, docs-check).
$(BUILD)/tools/registers-doc: tools/registers-doc.c $(BUILD)/libbrokersec.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(BUILD)/libbrokersec.a $(PKG_LIBS) -lpthread

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

# Builds run on every CPU unless make was given -j itself (as the fuzzing build does). The
# checks and builds first, then the tests alone: tests/run.sh runs N of them at a time (the
# -jN of this make, else one per CPU; TEST_JOBS overrides) and some time servers, so they do
# not share the CPUs with compilers. `make check -j` is fine: lint, docs-check and fuzz-check
# write nothing in common.
CHECK_JOBS ?= $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
check: deps test-deps js-deps ui-deps
	@$(MAKE) --no-print-directory $(CHECK_JOBS) lint docs-check fuzz-check $(BUILD)/brokersec $(UNIT_BIN)
	@$(MAKE) --no-print-directory test

# Test-only npm tools (tests/js: ajv-cli + ajv-formats validate the OSCAL report against NIST's
# schema in tests/oscal/), installed exactly as the lock file says, again when it changes.
.PHONY: js-deps
js-deps: tests/js/node_modules/.installed
tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	@echo "  NPM     tests/js (npm ci)"
	@cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# The web UI's browser tests (tests/ui: playwright-core drives Debian's chromium, axe-core
# checks accessibility; tests/cli/t0250-web-ui.sh), installed the same way.
.PHONY: ui-deps
ui-deps: tests/ui/node_modules/.installed
tests/ui/node_modules/.installed: tests/ui/package.json tests/ui/package-lock.json
	@echo "  NPM     tests/ui (npm ci)"
	@cd tests/ui && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

asan: deps test-deps js-deps ui-deps
	@$(MAKE) --no-print-directory $(CHECK_JOBS) BUILD=build-asan SANITIZE=1 build-asan/brokersec \
		$(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
	@$(MAKE) --no-print-directory BUILD=build-asan SANITIZE=1 test

# Lint: banned functions, no include cycle between modules, every bs_error() format translated
# to zh-TW with the same printf conversions and no stale row (tools/error-strings.sh; coverage
# printed), and every public header compiles on its own (without
# banned.h, whose system headers would hide a missing #include).
lint: $(BUILD)/gen/catalog_data.c banned-check
	@tools/check-layers.sh
	@tools/error-strings.sh --summary
	@for h in $(sort $(wildcard src/*/*.h)); do \
		printf '#include "%s"\n' "$${h#src/}" | \
		$(CC) $(CPPFLAGS_BASE) $(WARN) -fsyntax-only -x c - || { echo "header $$h does not compile alone" >&2; exit 1; }; \
	done

# Proves src/core/banned.h is in force with the flags every file is built with (the same
# CPPFLAGS_ALL and CFLAGS_ALL: _FORTIFY_SOURCE, or SANITIZE=1, or CC=clang-14): a call to each
# banned function must fail to compile, naming sorry_<fn>_is_a_banned_function, while the same
# file calling only allowed functions compiles (so a broken snippet or flag cannot pass).
BANNED_CALLS := 'strcpy(d, s)' 'strcat(d, s)' 'strncpy(d, s, 1)' 'sprintf(d, "%d", 1)' 'vsprintf(d, s, ap)' \
	'strtok(d, s)' 'gmtime(&t)' 'localtime(&t)' 'ctime(&t)' 'asctime(tm)' 'gets(d)'
.PHONY: banned-check
banned-check:
	@probe() { printf '#include <stdarg.h>\n#include <stdio.h>\n#include <string.h>\n#include <time.h>\n%s\n%s { %s; }\n' \
		'void f(char *d, const char *s, time_t t, struct tm *tm, va_list ap);' \
		'void f(char *d, const char *s, time_t t, struct tm *tm, va_list ap)' "$$1" | \
		$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fsyntax-only -x c - 2>&1; }; \
	out=$$(probe '(void)t; (void)tm; (void)ap; snprintf(d, 8, "%s", s)') || \
		{ printf '%s\n' "$$out" >&2; echo "banned-check: the probe does not compile without a banned call" >&2; exit 1; }; \
	for call in $(BANNED_CALLS); do \
		fn=$${call%%(*}; \
		if out=$$(probe "$$call"); then \
			echo "banned-check: '$$call' compiles: src/core/banned.h is not in force (CPPFLAGS_ALL)" >&2; exit 1; \
		fi; \
		case "$$out" in *sorry_$${fn}_is_a_banned_function*) ;; \
		*) printf '%s\n' "$$out" >&2; echo "banned-check: '$$call' failed, but not by banned.h" >&2; exit 1 ;; esac; \
	done

# The first run (scripts/run): init when missing, scan this host, the status summary, serve
# with the sign-in screen last. DATA=, PORT=, ORG=, INTERNAL_CONTROL= (README).
DATA ?= brokersec-data
PORT ?= 8443
run: deps
	@$(MAKE) --no-print-directory all
	@BROKERSEC=$(BUILD)/brokersec DATA="$(DATA)" PORT="$(PORT)" ./scripts/run

# `make demo`: a separate demo data directory, brokersec-demo/ (`init --demo`: generated records
# of a made-up broker, marked demo on every command, page and report), made when missing and
# served on PORT (default 8444 here, so that it runs beside `make run`) with the sign-in block
# last (the first administrator's one-time password until someone signs in). Never brokersec-data/.
# serve refuses root unless --allow-root: make run and make demo, often run as root, pass it.
ALLOW_ROOT = $(if $(filter 0,$(shell id -u)),--allow-root)
DEMO_PORT = $(if $(filter command line environment,$(origin PORT)),$(PORT),8444)
.PHONY: demo
demo: deps
	@$(MAKE) --no-print-directory all
	@if [ ! -d brokersec-demo ]; then $(BUILD)/brokersec init --demo --data brokersec-demo --password-at-serve; fi
	@if [ "$$(id -u)" -eq 0 ]; then echo "== serving as root (--allow-root): for a try on this host only (docs/install.md)"; fi
	@$(BUILD)/brokersec serve --data brokersec-demo --listen 127.0.0.1:$(DEMO_PORT) --welcome $(ALLOW_ROOT)

# The files (each with markers) that hold the registers' documentation, and the fragment of each.
REGDOCS := docs/openapi.yaml:openapi docs/registers.md:markdown README.md:readme

docs: $(BUILD)/brokersec $(BUILD)/tools/registers-doc
	$(BUILD)/brokersec controls --format markdown > docs/controls-matrix.md
	$(BUILD)/brokersec scan --list-checks --format markdown | cat - bench/scan/lynis-coverage.md > docs/checks.md
	@set -e; for d in $(REGDOCS); do f=$${d%%:*}; \
		$(BUILD)/tools/registers-doc $${d#*:} $$f > $(BUILD)/regdoc.tmp; \
		if ! cmp -s $(BUILD)/regdoc.tmp $$f; then cat $(BUILD)/regdoc.tmp > $$f; echo "  DOC     $$f"; fi; \
	done; rm -f $(BUILD)/regdoc.tmp

# CI fails when the committed docs are stale.
docs-check: $(BUILD)/brokersec $(BUILD)/tools/registers-doc
	@$(BUILD)/brokersec controls --format markdown > $(BUILD)/controls-matrix.md
	@cmp -s $(BUILD)/controls-matrix.md docs/controls-matrix.md || \
		{ echo "docs/controls-matrix.md is stale: run 'make docs' and commit it" >&2; exit 1; }
	@$(BUILD)/brokersec scan --list-checks --format markdown | cat - bench/scan/lynis-coverage.md > $(BUILD)/checks.md
	@cmp -s $(BUILD)/checks.md docs/checks.md || \
		{ echo "docs/checks.md is stale: run 'make docs' and commit it" >&2; exit 1; }
	@for d in $(REGDOCS); do f=$${d%%:*}; \
		$(BUILD)/tools/registers-doc $${d#*:} $$f > $(BUILD)/regdoc.tmp || exit 1; \
		cmp -s $(BUILD)/regdoc.tmp $$f || \
		{ echo "$$f: the registers' part is stale (src/registry/reg_*.c changed): run 'make docs' and commit it" >&2; \
		  exit 1; }; \
	done

# Not in CI: scans a minimal Debian root built with debootstrap (needs root and network).
check-slow: $(BUILD)/brokersec
	@BROKERSEC=$(CURDIR)/$(BUILD)/brokersec sh tests/cli/t06-debootstrap.slow

# Not in CI (root, network, minutes): the Debian package of an earlier commit, then of this tree,
# installed one over the other in a debootstrap chroot; the data, its migrations and log verify
# survive (tests/cli/t0029-deb-upgrade.slow; PREV=REV names the earlier commit).
.PHONY: check-deb-upgrade
check-deb-upgrade:
	@./scripts/install-deps --deb
	@TOP=$(CURDIR) sh tests/cli/t0029-deb-upgrade.slow

# Not in CI (minutes): testssl.sh and sqlmap against a real server, see bench/http/security.
.PHONY: check-security
check-security: $(BUILD)/brokersec
	@BUILD=$(BUILD) bench/http/security

install: $(BUILD)/brokersec man
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BUILD)/brokersec $(DESTDIR)$(PREFIX)/bin/brokersec
	install -d $(DESTDIR)$(PREFIX)/share/doc/brokersec
	install -m 0644 docs/windows-export.md scripts/windows/brokersec-collect.ps1 $(DESTDIR)$(PREFIX)/share/doc/brokersec/
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/zh_TW/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 $(BUILD)/man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(BUILD)/man/zh_TW/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/zh_TW/man1/
	install -m 0644 $(BUILD)/man/brokersec.bash-completion $(DESTDIR)$(PREFIX)/share/bash-completion/completions/brokersec

# The manual pages (brokersec(1), brokersec-CMD(1), English and zh_TW) and the bash completion,
# made from the binary's own --help so that they never drift (tools/gen-man.py; issue 22).
.PHONY: man
man: $(BUILD)/man/brokersec.bash-completion
$(BUILD)/man/brokersec.bash-completion: $(BUILD)/brokersec tools/gen-man.py
	@rm -rf $(BUILD)/man
	@python3 tools/gen-man.py $(BUILD)/brokersec $(BUILD)/man

# The Debian package (debian/, docs/install.md): dpkg-buildpackage -b -us -uc on a copy of the
# tree (the files git knows and new ones it does not ignore), so that nothing is left behind
# here; the .deb and its build log go to $(BUILD)/deb/. The packaging tools: scripts/deps-deb.txt.
.PHONY: deb
deb:
	@./scripts/install-deps --deb
	@v=$$(dpkg-parsechangelog -l debian/changelog -S Version); [ "$$v" = "$(VERSION)" ] || \
		{ echo "make deb: debian/changelog is at $$v, VERSION says $(VERSION): add an entry (dch -v $(VERSION))" >&2; exit 1; }
	@rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/brokersec-$(VERSION)
	@git ls-files -z --cached --others --exclude-standard | xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar --null -T - -cf - | tar -xf - -C $(BUILD)/deb/brokersec-$(VERSION)
	@echo "  DEB     $(BUILD)/deb (log: $(BUILD)/deb/build.log)"
	@cd $(BUILD)/deb/brokersec-$(VERSION) && dpkg-buildpackage -b -us -uc -j$(DEB_JOBS) >$(CURDIR)/$(BUILD)/deb/build.log 2>&1 || \
		{ tail -n 40 $(CURDIR)/$(BUILD)/deb/build.log; echo "make deb: dpkg-buildpackage failed (log: $(BUILD)/deb/build.log)" >&2; exit 1; }
	@rm -rf $(BUILD)/deb/brokersec-$(VERSION)
	@ls $(BUILD)/deb/*.deb
	@lintian --fail-on error $(BUILD)/deb/brokersec_$(VERSION)_*.changes >$(BUILD)/deb/lintian.txt 2>&1; \
		rc=$$?; cat $(BUILD)/deb/lintian.txt; [ $$rc -eq 0 ] || echo "make deb: lintian found errors" >&2; exit $$rc
DEB_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# libFuzzer harnesses (clang-14; docs/DEVELOPING.md "Fuzzing"): tests/fuzz/fuzz_<name>.c, each
# with a seed corpus tests/fuzz/corpus/<name>/ and optionally a dictionary tests/fuzz/<name>.dict,
# linked against a libbrokersec.a compiled with the fuzzing flags in $(BUILD)/fuzz/lib.
#   make fuzz [FUZZ_TIME=600] [FUZZ_TARGETS="csv http"]   each target in turn, FUZZ_TIME s each;
#       new inputs go to $(BUILD)/fuzz/<name>/, crashes to $(BUILD)/fuzz/artifacts/
#   make fuzz-check   (in `make check`) replays every corpus, then runs FUZZ_CHECK_RUNS fresh
#       inputs per target (a few seconds in all); a crash fails with the artifact's path
FUZZ_CC ?= clang-14
FUZZ_TIME ?= 60
FUZZ_CHECK_RUNS ?= 500
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= syslog csv winexport winzip policy catalog http bundle lookalike lookalikefeed fimpolicy notify backupmanifest backuplist vulnfeed spdxtv msrc
# -gline-tables-only: file:line in the reports, half the compile time of -g
FUZZ_OPT := -O1 -gline-tables-only -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB := $(BUILD)/fuzz/lib/libbrokersec.a
# The library without the commands (src/cmd: no harness needs them).
FUZZ_OBJ := $(patsubst %.c,$(BUILD)/fuzz/lib/obj/%.o,$(filter-out src/main.c src/cmd/%,$(SRC))) \
	$(patsubst %,$(BUILD)/fuzz/lib/obj/gen/%_data.o,catalog migrations policies docs web)
# The library's objects build in parallel unless make runs with -j already.
FUZZ_JOBS ?= $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
FUZZ_BIN := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%)
FUZZ_MAXLEN_syslog := 4096
FUZZ_MAXLEN_csv := 8192
FUZZ_MAXLEN_winexport := 8192
FUZZ_MAXLEN_winzip := 16384
FUZZ_MAXLEN_policy := 16384
FUZZ_MAXLEN_catalog := 16384
FUZZ_MAXLEN_http := 4096
FUZZ_MAXLEN_bundle := 4096
FUZZ_MAXLEN_vulnfeed := 16384
FUZZ_MAXLEN_spdxtv := 16384
FUZZ_MAXLEN_msrc := 16384
# The options of target $(1).
fuzz_args = -max_len=$(or $(FUZZ_MAXLEN_$(1)),4096) -timeout=$(FUZZ_TIMEOUT) $(addprefix -dict=,$(wildcard tests/fuzz/$(1).dict)) \
	-artifact_prefix=$(BUILD)/fuzz/artifacts/$(1)-
.PHONY: fuzz fuzz-build fuzz-check
fuzz: fuzz-build
	@$(foreach t,$(FUZZ_TARGETS),mkdir -p $(BUILD)/fuzz/$(t) && echo "  FUZZ    $(t) for $(FUZZ_TIME) s" && \
		$(BUILD)/fuzz/fuzz_$(t) -max_total_time=$(FUZZ_TIME) $(call fuzz_args,$(t)) \
		$(BUILD)/fuzz/$(t) tests/fuzz/corpus/$(t) || exit 1;)

# The bounded run `make check` does: one line per target, the log only when it finds something.
fuzz-check: fuzz-build
	@$(foreach t,$(FUZZ_TARGETS),rm -rf $(BUILD)/fuzz/check/$(t) && mkdir -p $(BUILD)/fuzz/check/$(t) && \
		n=$$(ls tests/fuzz/corpus/$(t) | wc -l) && echo "  FUZZ    $(t): $$n inputs replayed, $(FUZZ_CHECK_RUNS) new" && \
		{ $(BUILD)/fuzz/fuzz_$(t) -runs=$$((n + $(FUZZ_CHECK_RUNS))) $(call fuzz_args,$(t)) \
		$(BUILD)/fuzz/check/$(t) tests/fuzz/corpus/$(t) > $(BUILD)/fuzz/check/$(t).log 2>&1 || \
		{ tail -n 60 $(BUILD)/fuzz/check/$(t).log; \
		  echo "fuzz target $(t) failed: $$(sed -n 's/.*Test unit written to //p' $(BUILD)/fuzz/check/$(t).log)" \
		  "(log: $(BUILD)/fuzz/check/$(t).log)" >&2; exit 1; }; } &&) true

# The library once with the fuzzing flags (its own objects), then the harnesses against it.
fuzz-build:
	@mkdir -p $(BUILD)/fuzz/artifacts
	@$(MAKE) -s --no-print-directory $(FUZZ_JOBS) BUILD=$(BUILD)/fuzz/lib CC=$(FUZZ_CC) \
		OPT='$(FUZZ_OPT) -fsanitize=fuzzer-no-link' $(FUZZ_OBJ)
	@$(MAKE) -s --no-print-directory $(FUZZ_BIN)

$(FUZZ_LIB): $(FUZZ_OBJ)
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB)
	@echo "  FUZZCC  $@"
	@$(FUZZ_CC) $(CPPFLAGS_ALL) $(FUZZ_OPT) -fsanitize=fuzzer $(WARN) -MMD -MP -o $@ $< $(FUZZ_LIB) \
		$(PKG_LIBS) -lpthread

-include $(FUZZ_BIN:=.d)

clean:
	rm -rf build build-asan

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d)
