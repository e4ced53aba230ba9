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
# for AWS credentials: quake-ddb-put's alone); fewer libraries, less RSS
BIN_LDFLAGS = -Wl,--as-needed

LIB_MODULES = qerr log qtime buf json event ndjson ack sigv4 ddb creds seen state http geo rules alert marks stalta sample coinc shake trigline fdsnq quakeml fdsntext geojson
LIB_SRCS  = $(LIB_MODULES:%=lib/%.c) lib/creds_env.c lib/creds_sts.c lib/creds_file.c \
            lib/creds_process.c lib/creds_ecs.c lib/creds_imds.c lib/creds_util.c
LIB_OBJS  = $(LIB_SRCS:lib/%.c=$(B)/lib/%.o)
LIB_HDRS  = $(LIB_MODULES:%=lib/%.h) lib/quake.h lib/creds_util.h
# one line per binary: its name here, its link rule below
BINS      = emsc-tail
BINS     += quake-produce
BINS     += quake-consume
BINS     += quake-ddb-put
BINS     += quake-map
BINS     += quake-shake
BINS     += quake-alert
BIN_PATHS = $(BINS:%=$(B)/bin/%)
TOOL_OBJ  = $(B)/cmd/tool.o $(B)/cmd/ring.o $(B)/cmd/ackq.o $(B)/cmd/ackread.o
MAP_OBJS  = $(B)/cmd/httpd.o $(B)/cmd/mapstore.o $(B)/cmd/mapsse.o $(B)/cmd/sselist.o $(B)/cmd/mapfdsn.o $(B)/cmd/mapstat.o $(B)/cmd/mapdet.o $(B)/cmd/dets.o
ASSETSDIR ?= $(PREFIX)/share/quake/web
# cmd/ modules with unit tests (each links the objects listed below)
CMD_UNITS = ring partition ackq dets
UNIT_TESTS = $(LIB_MODULES:%=$(B)/tests/unit_%) $(CMD_UNITS:%=$(B)/tests/unit_%)

all: $(B)/lib/libquake.a $(B)/lib/libquake.so $(B)/quake.pc $(BIN_PATHS) web

# ---- quake-map's page: web/ and the pinned npm packages (web/package-lock.json),
# copied as they are (no bundler) into $(WEB) = what `quake-map --assets` serves
WEB       = $(B)/share/quake/web
WEB_SRCS  = $(wildcard web/*.html web/*.js web/*.css web/*.svg web/LICENSES)
WEB_NPM   = web/node_modules/leaflet/dist/leaflet.js web/node_modules/leaflet/dist/leaflet.css \
            web/node_modules/topojson-client/dist/topojson-client.min.js \
            web/node_modules/world-atlas/countries-110m.json
web: $(WEB)/.stamp
$(WEB_NPM): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund >/dev/null
	touch $(WEB_NPM)
$(WEB)/.stamp: $(WEB_SRCS) $(WEB_NPM)
	@mkdir -p $(WEB)/vendor/images
	cp $(WEB_SRCS) $(WEB)/
	cp $(WEB_NPM) $(WEB)/vendor/
	cp web/node_modules/leaflet/dist/images/*.png $(WEB)/vendor/images/
	touch $@

$(B)/lib/%.o: lib/%.c $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

CMD_HDRS  = $(wildcard cmd/*.h)

$(B)/cmd/%.o: cmd/%.c $(CMD_HDRS) $(LIB_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ $<

$(B)/lib/libquake.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(B)/lib/libquake.so: $(LIB_OBJS)
	$(CC) -shared -Wl,-soname,libquake.so.0 $(LDFLAGS) -o $@ $(LIB_OBJS) $(LIB_LIBS)

$(B)/quake.pc: Makefile
	@mkdir -p $(@D)
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' \
	  'includedir=$${prefix}/include' '' 'Name: quake' \
	  'Description: EMSC earthquake events, NDJSON, SigV4 and DynamoDB helpers' \
	  'Version: $(VERSION)' 'Requires.private: jansson libcurl libcrypto' \
	  'Libs: -L$${libdir} -lquake' 'Libs.private: -lm' \
	  'Cflags: -I$${includedir}' > $@

$(B)/bin/emsc-tail: $(B)/cmd/emsc-tail.o $(B)/cmd/emsc-live.o $(B)/cmd/emsc-checkpoint.o $(B)/cmd/feed.o $(B)/cmd/fdsn.o $(B)/cmd/trust.o $(TOOL_OBJ) $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(WS_LIBS) $(SSL_LIBS)

$(B)/bin/quake-produce: $(B)/cmd/quake-produce.o $(B)/cmd/stage.o $(B)/cmd/partition.o $(B)/cmd/kinds.o $(TOOL_OBJ) $(B)/cmd/kafka.o $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(KAFKA_LIBS)

$(B)/bin/quake-consume: $(B)/cmd/quake-consume.o $(TOOL_OBJ) $(B)/cmd/kafka.o $(B)/cmd/offsets.o $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(KAFKA_LIBS)

$(B)/bin/quake-ddb-put: $(B)/cmd/quake-ddb-put.o $(B)/cmd/dynamodb.o $(TOOL_OBJ) $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS)

$(B)/bin/quake-map: $(B)/cmd/quake-map.o $(MAP_OBJS) $(TOOL_OBJ) $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(WS_LIBS) $(SSL_LIBS)

$(B)/bin/quake-shake: $(B)/cmd/quake-shake.o $(B)/cmd/shakecoinc.o $(B)/cmd/shakein.o $(B)/cmd/shakerecv.o $(B)/cmd/shakeack.o $(B)/cmd/httpd.o $(TOOL_OBJ) $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS) $(WS_LIBS) $(SSL_LIBS)

$(B)/bin/quake-alert: $(B)/cmd/quake-alert.o $(B)/cmd/judge.o $(B)/cmd/deliver.o $(TOOL_OBJ) $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $^ $(LIB_LIBS)

# ---- tests ----
$(B)/tests/unit_%: tests/unit_%.c tests/unit.h $(B)/lib/libquake.a
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -iquote tests $(LDFLAGS) $(BIN_LDFLAGS) -o $@ $< \
	  $(filter %.o,$^) $(B)/lib/libquake.a $(LIB_LIBS) $(KAFKA_LIBS)

$(B)/tests/unit_ring: $(B)/cmd/ring.o
$(B)/tests/unit_partition: $(B)/cmd/partition.o
$(B)/tests/unit_ackq: $(B)/cmd/ackq.o $(B)/cmd/tool.o $(B)/cmd/ring.o
$(B)/tests/unit_dets: $(B)/cmd/dets.o

$(B)/tests/sigv4_sign: tests/sigv4_sign.c $(B)/lib/libquake.a
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

TEST_TOOLS = $(UNIT_TESTS) $(B)/tests/sigv4_sign $(B)/tests/creds_get $(B)/tests/ack_check $(B)/tests/geo_eval

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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
	  $(DESTDIR)$(PREFIX)/include/quake $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(BIN_PATHS) scripts/quake-ingest scripts/quake-sink scripts/quake-web scripts/quake-alerts scripts/quake-shake-in scripts/quake-shake-detect scripts/quake-shake-coincide $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/lib/quake $(DESTDIR)$(PREFIX)/lib/systemd/system $(DESTDIR)$(PREFIX)/share/quake
	install -m 644 scripts/quake-service.sh $(DESTDIR)$(PREFIX)/lib/quake/
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-ingest.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-ingest.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-sink.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-sink.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-web.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-web.service
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/quake-alerts.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/quake-alerts.service
	for u in quake-shake-in quake-shake-detect quake-shake-coincide; do sed 's|/usr/local/bin/|$(PREFIX)/bin/|' scripts/systemd/$$u.service > $(DESTDIR)$(PREFIX)/lib/systemd/system/$$u.service; done
	install -m 644 scripts/quake.env $(DESTDIR)$(PREFIX)/share/quake/quake.env.example
	install -d $(DESTDIR)$(PREFIX)/share/quake/web/vendor/images
	install -m 644 $(WEB)/*.* $(WEB)/LICENSES $(DESTDIR)$(PREFIX)/share/quake/web/
	install -m 644 $(WEB)/vendor/*.* $(DESTDIR)$(PREFIX)/share/quake/web/vendor/
	install -m 644 $(WEB)/vendor/images/*.png $(DESTDIR)$(PREFIX)/share/quake/web/vendor/images/
	install -m 644 $(B)/lib/libquake.a $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(B)/lib/libquake.so $(DESTDIR)$(PREFIX)/lib/libquake.so.0
	ln -sf libquake.so.0 $(DESTDIR)$(PREFIX)/lib/libquake.so
	install -m 644 $(B)/quake.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 $(LIB_MODULES:%=lib/%.h) $(DESTDIR)$(PREFIX)/include/quake/
	install -m 644 lib/quake.h $(DESTDIR)$(PREFIX)/include/
	for m in man/*.1; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/; done; true
	for m in man/*.7; do [ -f "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man7/; done; true

lint-man:
	mandoc -Tlint -Wwarning man/*.[1-9]

clean:
	rm -rf build

.PHONY: all test check bench install lint-man clean run chaos web

fuzz:
	fuzz/run $(FUZZ_SECONDS)

.PHONY: fuzz
