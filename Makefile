# tacit: build, test and install.  See README.md.
VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBEXECDIR ?= $(PREFIX)/libexec/tacit
LIBDIR ?= $(PREFIX)/lib
INCDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/tacit

CC ?= cc
PKG_CONFIG ?= pkg-config
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
	-Wmissing-prototypes -Wvla -Wconversion
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) -Ilib -fPIC \
	-DTACIT_VERSION='"$(VERSION)"' -DTACIT_LIBEXECDIR='"$(LIBEXECDIR)"' \
	-DTACIT_DATADIR='"$(DATADIR)"'
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) -Wl,--as-needed

ifeq ($(SAN),1)
BUILD = build/san
ALL_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -O1
ALL_LDFLAGS += -fsanitize=address,undefined
BIN = $(BUILD)/bin
else
BUILD = build
BIN = bin
endif

LIBS_SANITISE = $(shell $(PKG_CONFIG) --libs libexif yaml-0.1 2>/dev/null || echo -lexif -lyaml) -lmagic
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)
LIBS_CRYPTO = $(shell $(PKG_CONFIG) --libs libsodium 2>/dev/null || echo -lsodium)
LIBS_CURL = $(shell $(PKG_CONFIG) --libs libcurl 2>/dev/null || echo -lcurl)

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o) $(BUILD)/lib/rules_default.o \
	$(BUILD)/lib/tracking_yaml.o
LIB_HDR = $(wildcard lib/tacit/*.h)
TOOLS = sanitise keygen seal open expire preview
KEY_TOOLS = keygen seal open expire
PROGS = $(BIN)/tacit $(TOOLS:%=$(BIN)/tacit-%)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
MAN_SRC = $(wildcard docs/*.scd)
MAN = $(MAN_SRC:docs/%.scd=docs/%)

.PHONY: all deps check unit cli demo install uninstall clean fuzz bench man \
	format-check fuzz-smoke
.DELETE_ON_ERROR:

all: $(PROGS) $(BUILD)/libtacit.a $(BUILD)/tacit.pc man

man: $(MAN)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The default rules are compiled in, so the tools work before make install:
# rules2c loads rules/metadata.yaml with the library's own loader and
# writes it as a C table, so no YAML is parsed at start-up.
RULES_LOADER = $(BUILD)/lib/rules.o $(BUILD)/lib/io.o

$(BUILD)/rules2c: rules/rules2c.c $(RULES_LOADER) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(RULES_LOADER) $(ALL_LDFLAGS) \
		$(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)

$(BUILD)/lib/rules_default.c: rules/metadata.yaml $(BUILD)/rules2c
	@mkdir -p $(@D)
	$(BUILD)/rules2c rules/metadata.yaml > $@

$(BUILD)/lib/rules_default.o: $(BUILD)/lib/rules_default.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The tracking rules for URLs are compiled in as text: libyaml parses
# them when first needed (they are small).
$(BUILD)/yaml2c: rules/yaml2c.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

$(BUILD)/lib/tracking_yaml.c: rules/tracking.yaml $(BUILD)/yaml2c
	@mkdir -p $(@D)
	$(BUILD)/yaml2c tacit_tracking_yaml rules/tracking.yaml > $@

$(BUILD)/lib/tracking_yaml.o: $(BUILD)/lib/tracking_yaml.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libtacit.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BIN)/tacit: tools/tacit.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(ALL_LDFLAGS)

$(BIN)/tacit-sanitise: tools/sanitise.c $(BUILD)/libtacit.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libtacit.a $(ALL_LDFLAGS) \
		$(LIBS_SANITISE) -lpthread

# The key tools need libsodium and threads, never libexif or libcurl.
$(BUILD)/tools/cli.o: tools/cli.c tools/cli.h $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(KEY_TOOLS:%=$(BIN)/tacit-%): $(BIN)/tacit-%: tools/%.c $(BUILD)/tools/cli.o \
		$(BUILD)/libtacit.a $(LIB_HDR) tools/cli.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/tools/cli.o $(BUILD)/libtacit.a \
		$(ALL_LDFLAGS) $(LIBS_CRYPTO) -lpthread

# preview: libcurl, and libtacit's sanitiser for --image.
$(BIN)/tacit-preview: tools/preview.c $(BUILD)/tools/cli.o \
		$(BUILD)/libtacit.a $(LIB_HDR) tools/cli.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/tools/cli.o $(BUILD)/libtacit.a \
		$(ALL_LDFLAGS) $(LIBS_SANITISE) $(LIBS_CRYPTO) $(LIBS_CURL) \
		-lpthread

$(BUILD)/tests/test_%: tests/unit/test_%.c $(BUILD)/libtacit.a $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Wno-conversion -o $@ $< $(BUILD)/libtacit.a \
		$(ALL_LDFLAGS) $(LIBS_SANITISE) $(LIBS_CRYPTO) $(LIBS_CURL) -lz \
		-lpthread $(CMOCKA_LIBS)

$(BUILD)/tacit.pc: Makefile
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' \
	  'includedir=$(INCDIR)' '' 'Name: tacit' \
	  'Description: privacy toolkit library (metadata removal)' \
	  'Version: $(VERSION)' 'Requires.private: libexif yaml-0.1 libsodium' \
	  'Libs: -L$${libdir} -ltacit' 'Libs.private: -lmagic' \
	  'Cflags: -I$${includedir}' > $@

docs/%: docs/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

deps:
	@sh tests/deps.sh

# Every layer prints "N passed, N failed"; tests/summary adds them up.
check: deps all $(UNIT_BIN)
	@BIN=$(BIN) BUILD=$(BUILD) sh tests/run.sh $(UNIT_BIN)

unit: all $(UNIT_BIN)
	@BIN=$(BIN) BUILD=$(BUILD) sh tests/run.sh --unit $(UNIT_BIN)

cli: all
	@BIN=$(BIN) BUILD=$(BUILD) sh tests/run.sh --cli

demo: deps all
	@BIN=$(BIN) sh tests/demo.sh

fuzz:
	@$(MAKE) -f tests/fuzz/Makefile

# Every fuzz target over its corpus for a bounded time (CI).
fuzz-smoke:
	@$(MAKE) -f tests/fuzz/Makefile smoke

bench: all
	@sh bench/sanitise && sh bench/seal && sh bench/preview && sh bench/audit

format-check:
	@clang-format --dry-run --Werror lib/*.c lib/tacit/*.h tools/*.c \
		tools/*.h tests/unit/*.c tests/fuzz/*.c tests/fuzz/*.h

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR) \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR)/tacit \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DATADIR)/rules
	install -m 755 $(BIN)/tacit $(DESTDIR)$(BINDIR)/tacit
	for t in $(TOOLS); do \
	  install -m 755 $(BIN)/tacit-$$t $(DESTDIR)$(BINDIR)/tacit-$$t || exit 1; \
	done
	install -m 644 $(BUILD)/libtacit.a $(DESTDIR)$(LIBDIR)/libtacit.a
	install -m 644 $(BUILD)/tacit.pc $(DESTDIR)$(LIBDIR)/pkgconfig/tacit.pc
	install -m 644 lib/tacit/*.h $(DESTDIR)$(INCDIR)/tacit/
	install -m 644 rules/*.yaml $(DESTDIR)$(DATADIR)/rules/
	for m in $(MAN); do \
	  install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tacit $(TOOLS:%=$(DESTDIR)$(BINDIR)/tacit-%)
	rm -f $(DESTDIR)$(LIBDIR)/libtacit.a $(DESTDIR)$(LIBDIR)/pkgconfig/tacit.pc
	rm -rf $(DESTDIR)$(INCDIR)/tacit $(DESTDIR)$(DATADIR)
	rm -f $(MAN:docs/%=$(DESTDIR)$(MANDIR)/man1/%)

clean:
	rm -rf build bin $(MAN)
