# kpipe — build, run, test, install.
#   make run    builds, then extracts the bundled seed fixture into out/
#   make test   installs what is missing, builds, runs every test, then runs
#               them again under AddressSanitizer + UndefinedBehaviorSanitizer

PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
VERSION := 0.1.0

# pkg-config name : Debian package that provides it
BUILD_DEPS := glib-2.0:libglib2.0-dev poppler-glib:libpoppler-glib-dev cairo:libcairo2-dev \
              libpcre2-8:libpcre2-dev jansson:libjansson-dev sqlite3:libsqlite3-dev \
              tesseract:libtesseract-dev
TEST_DEPS  := cmocka:libcmocka-dev
PKGS       := glib-2.0 poppler-glib cairo libpcre2-8 jansson sqlite3
# Tesseract: its headers only; ocr.c loads the library when a page needs it
HEADER_PKGS := tesseract

CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
DEFS     := -D_GNU_SOURCE -DKPIPE_VERSION='"$(VERSION)"' \
            -DKPIPE_RULES_DIR='"$(PREFIX)/share/kpipe/rules"'
# evaluated when used, after `deps` has installed the -dev packages
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(HEADER_PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm
ALL_CFLAGS = $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) $(CFLAGS) $(SAN)

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
# schema/kpi-sqlite.sql, compiled in as a C string (the database's schema
# lives in one file, which people read and kpipe runs)
SCHEMA_C := $(BUILD)/gen/schema_sql.c
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/schema_sql.o
HEADERS  := $(wildcard include/kpipe/*.h src/*.h)
BIN      := $(BUILD)/kpipe
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZERS  := figure text rules json pdf
REPLAY_BIN := $(FUZZERS:%=$(BUILD)/tests/replay_%)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all deps test-deps run test check-unit clean install uninstall fixtures fuzz memcheck bench pot

all: deps
	@$(MAKE) --no-print-directory $(BIN) $(MO_FILES)

# Installs the Debian -dev packages that pkg-config cannot find (as root, or
# through sudo where there is one).
deps:
	@$(call install_missing,$(BUILD_DEPS))
	@command -v msgfmt >/dev/null 2>&1 || { echo "kpipe: installing gettext"; $(call install_apt,gettext); }
	@ls /usr/share/tesseract-ocr/*/tessdata/jpn.traineddata >/dev/null 2>&1 || \
	  { echo "kpipe: installing tesseract-ocr-jpn"; $(call install_apt,tesseract-ocr-jpn); }

# Message catalogues: po/LANG.po, compiled beside the program (the program
# looks for locale/ there, and for share/locale when installed). `make pot`
# gathers the messages marked _() into po/kpipe.pot and merges them into
# each po/LANG.po; the tests check that every message has its translation.
LANGS    := $(basename $(notdir $(wildcard po/*.po)))
MO_FILES := $(LANGS:%=$(BUILD)/locale/%/LC_MESSAGES/kpipe.mo)

$(BUILD)/locale/%/LC_MESSAGES/kpipe.mo: po/%.po
	@mkdir -p $(@D)
	@echo "  MSGFMT $<"
	@msgfmt --check -o $@ $<

pot:
	xgettext --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --from-code=UTF-8 \
	  --add-comments=TRANSLATORS --package-name=kpipe -o po/kpipe.pot src/*.c
	for l in $(LANGS); do msgmerge --quiet --update --backup=none po/$$l.po po/kpipe.pot; done

# The SARIF validator for the check tests: Microsoft's SARIF Multitool, from
# the npm registry (a self-contained Linux build inside the package).
SARIF_VERSION := 5.7.0
SARIF_TOOL    := $(BUILD)/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
# The report's tests: headless Chromium (Debian) and html-validate (npm).
HTML_VALIDATE_VERSION := 8.29.0
HTML_VALIDATE := $(BUILD)/tools/node_modules/.bin/html-validate

test-deps: deps
	@$(call install_missing,$(TEST_DEPS))
	@command -v qpdf >/dev/null 2>&1 || { echo "kpipe: installing qpdf"; $(call install_apt,qpdf); }
	@[ -x /usr/bin/time ] || { echo "kpipe: installing time (the catalogue measures peak RSS)"; $(call install_apt,time); }
	@command -v sqlite3 >/dev/null 2>&1 || { echo "kpipe: installing sqlite3 (the tests query the database with it)"; $(call install_apt,sqlite3); }
	@command -v chromium >/dev/null 2>&1 || { echo "kpipe: installing chromium (the report is tested in a browser)"; $(call install_apt,chromium fonts-noto-cjk); }
	@command -v pdfinfo >/dev/null 2>&1 || { echo "kpipe: installing poppler-utils"; $(call install_apt,poppler-utils); }
	@if [ ! -x $(HTML_VALIDATE) ]; then \
	  command -v npm >/dev/null 2>&1 || $(call install_apt,nodejs npm); \
	  echo "kpipe: installing html-validate@$(HTML_VALIDATE_VERSION) into $(BUILD)/tools"; \
	  mkdir -p $(BUILD)/tools && \
	  npm install --prefix $(BUILD)/tools --no-audit --no-fund --loglevel=error \
	    html-validate@$(HTML_VALIDATE_VERSION) >/dev/null || \
	    { echo "kpipe: could not install html-validate" >&2; exit 2; }; \
	fi
	@command -v man >/dev/null 2>&1 || { echo "kpipe: installing man-db (the install test renders the man page)"; $(call install_apt,man-db); }
	@/usr/bin/python3 -c 'import jsonschema' 2>/dev/null || \
	  { echo "kpipe: installing python3-jsonschema"; $(call install_apt,python3-jsonschema); }
	@if [ ! -x $(SARIF_TOOL) ]; then \
	  command -v npm >/dev/null 2>&1 || $(call install_apt,nodejs npm); \
	  echo "kpipe: installing @microsoft/sarif-multitool@$(SARIF_VERSION) into $(BUILD)/tools"; \
	  mkdir -p $(BUILD)/tools && \
	  npm install --prefix $(BUILD)/tools --no-audit --no-fund --loglevel=error \
	    @microsoft/sarif-multitool@$(SARIF_VERSION) >/dev/null && \
	  chmod u+x $(SARIF_TOOL) || { echo "kpipe: could not install the SARIF validator" >&2; exit 2; }; \
	fi

define install_apt
{ sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
  $$sudo apt-get update -q >/dev/null && \
  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $(1) >/dev/null; }
endef

define install_missing
missing=""; \
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
for pair in $(1); do \
  pc=$${pair%%:*}; deb=$${pair#*:}; \
  pkg-config --exists "$$pc" 2>/dev/null || missing="$$missing $$deb"; \
done; \
if [ -n "$$missing" ]; then \
  echo "kpipe: installing$$missing"; \
  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
  $$sudo apt-get update -q >/dev/null && \
  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing >/dev/null || \
  { echo "kpipe: could not install:$$missing" >&2; exit 2; }; \
fi
endef

$(SCHEMA_C): schema/kpi-sqlite.sql
	@mkdir -p $(@D)
	@echo "  GEN   $@"
	@{ echo '/* generated from schema/kpi-sqlite.sql by the Makefile */'; \
	  echo 'const char kp_schema_sql[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/    "/' -e 's/$$/\\n"/' $<; \
	  echo ';'; } >$@

$(BUILD)/obj/schema_sql.o: $(SCHEMA_C)
	@mkdir -p $(@D)
	@echo "  CC    $<"
	@$(CC) $(ALL_CFLAGS) -Wno-missing-variable-declarations -c $< -o $@

$(BUILD)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC    $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BIN): $(LIB_OBJ) $(BUILD)/obj/main.o
	@echo "  LINK  $@"
	@$(CC) $(ALL_CFLAGS) $^ -o $@ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(HEADERS) tests/unit/kp_test.h
	@mkdir -p $(@D)
	@echo "  TEST  $@"
	@$(CC) $(ALL_CFLAGS) -DKP_SOURCE_DIR='"$(CURDIR)"' $< $(LIB_OBJ) -o $@ \
	  $(PKG_LIBS) $(shell pkg-config --libs cmocka)

# The main job: the published PDF (here the seed as Calc prints it) to kpi-json.
# A fuzz harness with a plain main() that replays files: the seed corpora and
# every crash the fuzzers found run in `make test`, under ASan+UBSan there.
$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/run_inputs.c tests/fuzz/fuzz_common.h $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	@echo "  FUZZ  $@"
	@$(CC) $(ALL_CFLAGS) -DKP_SOURCE_DIR='"$(CURDIR)"' $< tests/fuzz/run_inputs.c $(LIB_OBJ) -o $@ $(PKG_LIBS)

run: all
	@mkdir -p out
	$(BIN) extract fixtures/ebetsu-kpi-r4.calc.pdf -o out/ebetsu-kpi-r4.json
	$(BIN) extract fixtures/ebetsu-kpi-r4.calc.pdf --pretty -o out/ebetsu-kpi-r4.pretty.json
	$(BIN) text fixtures/ebetsu-kpi-r4.calc.pdf -o out/ebetsu-kpi-r4.tables.txt
	@echo "kpipe: wrote out/ebetsu-kpi-r4.json, .pretty.json and .tables.txt"
	@# the seed's edition and the next one, into the database of every edition
	$(BIN) ingest fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf --db out/kpi.sqlite
	$(BIN) history --db out/kpi.sqlite --kpi 観光入込客数
	@# the page to open first: each KPI's path, the two editions drawn together
	$(BIN) report fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf -o out/report.html
	@echo "kpipe: wrote out/report.html (open it in a browser)"

# Rebuilds the PDF fixtures (needs LibreOffice, Chromium, openpyxl, fonts:
# see fixtures/build.sh). CI uses the committed PDFs.
fixtures:
	sh fixtures/build.sh

# The whole suite, then the whole suite again under ASan + UBSan.
test: test-deps
	@$(MAKE) --no-print-directory check-unit
	@$(MAKE) --no-print-directory check-unit BUILD=$(BUILD)/san SAN="$(SAN_FLAGS)" CFLAGS="-O1 -g" \
	  SARIF_TOOL=$(abspath $(SARIF_TOOL)) HTML_VALIDATE=$(abspath $(HTML_VALIDATE))
	@echo "kpipe: all tests passed, plain and under ASan+UBSan"

# ASan's quarantine of freed blocks is 64 MB, not 256: Tesseract's many
# allocations pass through ASan's allocator, and a reader OCR-ing a page
# then held 787 MB resident (333 MB with 32), past kpipe's cap on readers.
check-unit: $(BIN) $(MO_FILES) $(UNIT_BIN) $(REPLAY_BIN)
	@ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=64 UBSAN_OPTIONS=print_stacktrace=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	  SARIF_TOOL=$(abspath $(SARIF_TOOL)) HTML_VALIDATE=$(abspath $(HTML_VALIDATE)) \
	  sh tests/run.sh $(BUILD)

# The program, its rules and schemas, the kpi-json reference, the man page
# and the bash completion (and, once built, the message catalogues).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/kpipe/rules
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/kpipe
	install -m 644 rules/*.rules $(DESTDIR)$(PREFIX)/share/kpipe/rules/
	install -d $(DESTDIR)$(PREFIX)/share/kpipe/schema
	install -m 644 schema/*.schema.json schema/kpi-sqlite.sql $(DESTDIR)$(PREFIX)/share/kpipe/schema/
	install -d $(DESTDIR)$(PREFIX)/share/doc/kpipe $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 docs/kpi-json.md README.md $(DESTDIR)$(PREFIX)/share/doc/kpipe/
	install -m 644 docs/kpipe.1 $(DESTDIR)$(PREFIX)/share/man/man1/kpipe.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 completion/kpipe.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kpipe
	for l in $(LANGS); do \
	  install -d $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES && \
	  install -m 644 $(BUILD)/locale/$$l/LC_MESSAGES/kpipe.mo $(DESTDIR)$(PREFIX)/share/locale/$$l/LC_MESSAGES/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kpipe $(DESTDIR)$(PREFIX)/share/man/man1/kpipe.1
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/kpipe
	rm -f $(DESTDIR)$(PREFIX)/share/locale/*/LC_MESSAGES/kpipe.mo
	rm -rf $(DESTDIR)$(PREFIX)/share/kpipe $(DESTDIR)$(PREFIX)/share/doc/kpipe

# libFuzzer (clang, with ASan and UBSan) on each harness for FUZZ_SECONDS,
# from seed corpora made of the fixtures. A crash is saved under
# $(BUILD)/fuzz/crashes; copy it to tests/fuzz/regressions/HARNESS/ so that
# `make test` replays it from then on.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC     := $(LIB_SRC) $(SCHEMA_C)

fuzz: deps $(SCHEMA_C)
	@mkdir -p $(BUILD)/fuzz/crashes
	@for h in $(FUZZERS); do \
	  echo "  CLANG $(BUILD)/fuzz/fuzz_$$h"; \
	  $(FUZZ_CC) $(WARN) $(DEFS) -Iinclude $(PKG_CFLAGS) $(FUZZ_FLAGS) -DKP_SOURCE_DIR='"$(CURDIR)"' \
	    tests/fuzz/fuzz_$$h.c $(FUZZ_SRC) -o $(BUILD)/fuzz/fuzz_$$h $(PKG_LIBS) || exit 2; \
	done
	@sh tests/fuzz/corpus.sh $(BUILD)/fuzz/corpus
	@for h in $(FUZZERS); do \
	  echo "kpipe: fuzzing $$h for $(FUZZ_SECONDS) s"; \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp \
	  $(BUILD)/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    -rss_limit_mb=4096 -timeout=30 -artifact_prefix=$(BUILD)/fuzz/crashes/$$h- \
	    $(BUILD)/fuzz/corpus/$$h tests/fuzz/regressions/$$h \
	    >$(BUILD)/fuzz/$$h.log 2>&1; rc=$$?; \
	  runs=$$(grep -o 'stat::number_of_executed_units: *[0-9]*' $(BUILD)/fuzz/$$h.log | grep -o '[0-9]*$$'); \
	  echo "kpipe: fuzz_$$h: $${runs:-?} executions, exit $$rc (log: $(BUILD)/fuzz/$$h.log)"; \
	done

# Speed and memory against poppler's pdftotext (tests/bench.sh; README
# "Performance"). Not a test: it reports what it measures.
bench: all
	@command -v qpdf >/dev/null && command -v pdftotext >/dev/null && [ -x /usr/bin/time ] && \
	  command -v bc >/dev/null || { echo "kpipe: installing qpdf poppler-utils time bc"; \
	  $(call install_apt,qpdf poppler-utils time bc); }
	@sh tests/bench.sh $(BUILD) $(BENCH_RUNS)

BENCH_RUNS ?= 7

# valgrind over the command on the fixtures: no definite leak, no error.
# (PCRE2's JIT code is opaque to valgrind: it runs without JIT here.)
FIXTURE_PDFS := fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r4.chromium.pdf \
                fixtures/ebetsu-kpi-r5.calc.pdf fixtures/hokushin-kpi-h30.calc.pdf \
                fixtures/hokushin-kpi-h30.chromium.pdf

memcheck: export KPIPE_PCRE2_JIT = 0
memcheck: all
	@command -v valgrind >/dev/null && command -v qpdf >/dev/null || \
	  { echo "kpipe: installing valgrind qpdf"; $(call install_apt,valgrind qpdf); }
	@# reader processes report into the log too: any line there fails the run
	@rm -f $(BUILD)/memcheck.log; \
	vg="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
	  --error-exitcode=3 --log-file=$(BUILD)/memcheck.log.%p"; \
	for f in fixtures/ebetsu-kpi-r4.txt fixtures/ebetsu-kpi-r4.calc.pdf fixtures/hokushin-kpi-h30.chromium.pdf; do \
	  echo "kpipe: valgrind extract $$f"; \
	  $$vg $(BIN) extract $$f -o /dev/null || exit 1; \
	done; \
	echo "kpipe: valgrind extract -j 2 (27 pages joined by qpdf, read by reader processes)"; \
	qpdf --empty --pages $(FIXTURE_PDFS) -- $(BUILD)/memcheck-joined.pdf || exit 1; \
	$$vg $(BIN) extract $(BUILD)/memcheck-joined.pdf -j 2 -o /dev/null || exit 1; \
	echo "kpipe: valgrind diff, check"; \
	$$vg $(BIN) diff fixtures/ebetsu-kpi-r4.calc.pdf fixtures/ebetsu-kpi-r5.calc.pdf >/dev/null || exit 1; \
	$$vg $(BIN) check --ocr never fixtures/ebetsu-kpi-r4.txt fixtures/bad/no-text.pdf >/dev/null; \
	[ $$? -le 2 ] || exit 1; \
	echo "kpipe: valgrind extract, one scanned page read by OCR"; \
	$$vg $(BIN) extract fixtures/scans/minamihara-summary.writer.200dpi.pdf -o /dev/null || exit 1; \
	cat $(BUILD)/memcheck.log.* >$(BUILD)/memcheck.log; rm -f $(BUILD)/memcheck.log.*; \
	if [ -s $(BUILD)/memcheck.log ]; then cat $(BUILD)/memcheck.log; \
	  echo "kpipe: memcheck found errors (above; $(BUILD)/memcheck.log)" >&2; exit 1; fi
	@echo "kpipe: memcheck clean"

clean:
	rm -rf $(BUILD)
