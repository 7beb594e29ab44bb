# ngx_http_apigw_module: build against Debian's nginx, run the example, run the tests.
#
#   make run    install what is missing, build, serve examples/petstore.conf
#   make test   install what is missing, build, run the unit tests and t/*.t

SHELL      := /bin/bash
TOP        := $(CURDIR)
BUILD      := $(TOP)/build
NGX_SRC    ?= /usr/share/nginx/src
NGX_BUILD  := $(BUILD)/nginx
MODULE     := $(NGX_BUILD)/objs/ngx_http_apigw_module.so
NGINX_BIN  ?= /usr/sbin/nginx
PROVE      ?= prove
TESTS      ?= t/

DEBS := nginx nginx-dev libjansson-dev libjwt-dev libpcre2-dev libssl-dev \
        zlib1g-dev libtest-base-perl libwww-perl python3 python3-botocore \
        python3-jwt gcc make perl curl wrk openssl

SOURCES := config ngx_http_apigw_module.c $(wildcard src/*.c src/*.h)

.PHONY: all deps build run test unit prove bench clean

all: build

# Install the Debian packages that are missing (needs root or sudo).
deps:
	@missing=""; \
	for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null \
	        | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	    echo "installing:$$missing"; \
	    sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq \
	        --no-install-recommends $$missing; \
	fi

$(NGX_BUILD)/Makefile: $(NGX_SRC)/conf_flags config
	rm -rf $(NGX_BUILD)
	mkdir -p $(BUILD)
	cp -r $(NGX_SRC) $(NGX_BUILD)
	cd $(NGX_BUILD) && . ./conf_flags && \
	    ./configure "$${NGX_CONF_FLAGS[@]}" \
	        --add-dynamic-module=$(TOP) > $(BUILD)/configure.log 2>&1 \
	    || { tail -30 $(BUILD)/configure.log; exit 1; }

$(MODULE): $(NGX_BUILD)/Makefile $(SOURCES)
	$(MAKE) -C $(NGX_BUILD) -f objs/Makefile modules

build: deps $(MODULE)

run: build
	@bash examples/run.sh

unit: build
	$(MAKE) -C t/unit NGX_BUILD=$(NGX_BUILD)

prove: build
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES=$(MODULE) \
	    $(PROVE) -I. -r $(TESTS)

test: build
	$(MAKE) -C t/unit NGX_BUILD=$(NGX_BUILD)
	$(MAKE) -C t/fuzz check
	/usr/bin/python3 -m unittest tools/test_lambda_runtime.py
	TEST_NGINX_BINARY=$(NGINX_BIN) \
	TEST_NGINX_LOAD_MODULES=$(MODULE) \
	    $(PROVE) -I. -r $(TESTS)

bench: build
	bash bench/run.sh

.PHONY: bench-mapping
bench-mapping: build
	bash bench/mapping.sh

.PHONY: bench-lambda
bench-lambda: build
	bash bench/lambda.sh

clean:
	rm -rf $(BUILD) t/servroot*

.PHONY: bench-keys
bench-keys: build
	bash bench/keys.sh

.PHONY: bench-cache
bench-cache: build
	bash bench/cache.sh
.PHONY: bench-auth
bench-auth: build
	bash bench/auth.sh
.PHONY: bench-throttle
bench-throttle: build
	bash bench/throttle.sh
