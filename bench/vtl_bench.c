
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * The VTL engine's speed alone, without nginx: renders per second of a
 * request and a response mapping template on JSON bodies, as
 * bench/mapping.sh measures them through nginx.  Built from the engine's
 * sources with -DNGX_HTTP_APIGW_UNIT (as t/unit builds them):
 *
 *     cc -O2 -DNGX_HTTP_APIGW_UNIT -Isrc -o vtl_bench bench/vtl_bench.c \
 *         src/ngx_http_apigw_vtl_parse.c src/ngx_http_apigw_vtl_eval.c \
 *         src/ngx_http_apigw_jsonpath.c src/ngx_http_apigw_util.c \
 *         src/ngx_http_apigw_jv.c src/ngx_http_apigw_jv_parse.c \
 *         -ljansson -lpcre2-8 -lm
 *
 *     vtl_bench [-s SECONDS] REQUEST.vtl RESPONSE.vtl BODY...
 *
 * Each template is parsed once, then rendered on each BODY for SECONDS
 * (default 2) of wall time, twice:
 *
 *   - "fresh": with a copy of $context (ngx_http_apigw_jv_copy()) made
 *     for every render, included in the time: in nginx $context is built
 *     for every request that uses it;
 *   - "reused": with one $context for all renders: the render alone.
 *
 * Memory comes from a bump-pointer arena reset after every render, which
 * is about what a request pool costs (nginx frees the pool with the
 * request); "allocated/render" is what a render took from it, the parsed
 * body included.  The first output of each template and body must be
 * valid JSON (jansson checks it), or the program fails.  Prints a
 * Markdown table.
 */


#include <ngx_http_apigw_vtl.h>
#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>


/* the arena: chunks of memory handed out front to back */

typedef struct chunk_s  chunk_t;

struct chunk_s {
    chunk_t  *next;
    size_t    size;
    size_t    used;
};

typedef struct {
    chunk_t  *chunks;       /* the current chunk first */
    size_t    total;        /* bytes handed out since the last reset */
} arena_t;


static void *
arena_alloc(void *data, size_t size)
{
    arena_t  *a = data;
    chunk_t  *c;
    size_t    n;

    size = (size + 15) & ~(size_t) 15;
    c = a->chunks;

    if (c == NULL || c->size - c->used < size) {
        n = c ? c->size * 2 : 1024 * 1024;
        while (n < size) {
            n *= 2;
        }

        c = malloc(sizeof(chunk_t) + 16 + n);
        if (c == NULL) {
            return NULL;
        }

        c->next = a->chunks;
        c->size = n;
        c->used = 0;
        a->chunks = c;
    }

    c->used += size;
    a->total += size;

    return (u_char *) c + ((sizeof(chunk_t) + 15) & ~(size_t) 15)
           + c->used - size;
}


/*
 * after a render: when it needed more than one chunk, one chunk as big
 * as all of them replaces them, so the steady state allocates nothing
 */

static void
arena_reset(arena_t *a)
{
    chunk_t  *c, *next;
    size_t    size;

    c = a->chunks;

    if (c && c->next) {
        size = 0;

        for ( /* void */ ; c; c = next) {
            next = c->next;
            size += c->size;
            free(c);
        }

        a->chunks = NULL;

        c = malloc(sizeof(chunk_t) + 16 + size);
        if (c == NULL) {
            fprintf(stderr, "vtl_bench: out of memory\n");
            exit(1);
        }

        c->next = NULL;
        c->size = size;
        a->chunks = c;
    }

    if (c) {
        c->used = 0;
    }

    a->total = 0;
}


static void
arena_free(arena_t *a)
{
    chunk_t  *c, *next;

    for (c = a->chunks; c; c = next) {
        next = c->next;
        free(c);
    }

    a->chunks = NULL;
}


static double
now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}


static char *
read_file(const char *name, size_t *len)
{
    FILE  *f;
    char  *buf;
    long   n;

    f = fopen(name, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fprintf(stderr, "vtl_bench: %s: %s\n", name, strerror(errno));
        exit(1);
    }

    buf = malloc(n + 1);
    if (buf == NULL || fread(buf, 1, n, f) != (size_t) n) {
        fprintf(stderr, "vtl_bench: cannot read %s\n", name);
        exit(1);
    }

    buf[n] = '\0';
    fclose(f);
    *len = n;

    return buf;
}


static const char *
base_name(const char *path)
{
    const char  *p = strrchr(path, '/');

    return p ? p + 1 : path;
}


/* a method request as the module sees one of bench/mapping.sh's */

static ngx_http_apigw_jv_t *
make_value(ngx_http_apigw_alloc_t *a, const char *text)
{
    size_t                len;
    u_char               *p;
    ngx_http_apigw_jv_t  *v;

    len = strlen(text);
    p = ngx_http_apigw_alloc(a, len);
    v = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_jv_t));

    if (p == NULL || v == NULL) {
        return NULL;
    }

    ngx_memcpy(p, text, len);

    return (ngx_http_apigw_jv_parse(a, p, len, 0, v) == NGX_OK) ? v : NULL;
}


static ngx_http_apigw_jv_t *
make_params(ngx_http_apigw_alloc_t *a)
{
    return make_value(a,
        "{\"path\": {}, \"querystring\": {\"x\": \"wrk\"},"
        " \"header\": {\"Host\": \"127.0.0.1:18480\","
        " \"Content-Type\": \"application/json\","
        " \"Content-Length\": \"1017\"}}");
}


/* with the overrides a render would add, so that no render writes */

static ngx_http_apigw_jv_t *
make_context(ngx_http_apigw_alloc_t *a)
{
    return make_value(a,
        "{\"resourceId\": \"x1y2z3\", \"resourcePath\": \"/map1k\","
        " \"httpMethod\": \"POST\","
        " \"extendedRequestId\": \"bGtRu5MvoAMF-Aw=\","
        " \"requestTime\": \"21/Nov/2026:09:43:00 +0000\","
        " \"path\": \"/dev/map1k\", \"accountId\": \"123456789012\","
        " \"protocol\": \"HTTP/1.1\", \"stage\": \"dev\","
        " \"domainPrefix\": \"127\", \"requestTimeEpoch\": 1795254180000,"
        " \"requestId\": \"5504aff4-225d-4cef-8416-6e770c57cc46\","
        " \"identity\": {\"cognitoIdentityPoolId\": null,"
        " \"accountId\": null, \"cognitoIdentityId\": null,"
        " \"caller\": null, \"sourceIp\": \"127.0.0.1\","
        " \"principalOrgId\": null, \"accessKey\": null,"
        " \"cognitoAuthenticationType\": null,"
        " \"cognitoAuthenticationProvider\": null, \"userArn\": null,"
        " \"userAgent\": \"wrk\", \"user\": null},"
        " \"domainName\": \"127.0.0.1\", \"deploymentId\": \"bench\","
        " \"apiId\": \"bench\", \"requestOverride\": {\"path\": {},"
        " \"header\": {}, \"querystring\": {}}, \"responseOverride\":"
        " {\"header\": {}}}");
}


typedef struct {
    double      rate;         /* renders per second */
    double      us;           /* microseconds per render */
    size_t      out;          /* bytes of output */
    size_t      mem;          /* bytes allocated per render */
    unsigned    n;
} result_t;


/*
 * one render as a request makes it: $context fresh (a copy of context)
 * or reused (context itself); the arena reset after it, as the request
 * pool is freed
 */

static void
render(ngx_http_apigw_vtl_t *tpl, const char *tname,
    ngx_http_apigw_vtl_env_t *env, ngx_http_apigw_jv_t *context,
    int fresh, arena_t *arena, ngx_str_t *out)
{
    ngx_http_apigw_jv_t          copy;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_error_t   err;

    a.alloc = arena_alloc;
    a.data = arena;

    memset(&err, 0, sizeof(err));

    env->context = context;

    if (fresh) {
        if (ngx_http_apigw_jv_copy(&a, context, &copy, 100) != NGX_OK) {
            fprintf(stderr, "vtl_bench: out of memory\n");
            exit(1);
        }

        env->context = &copy;
    }

    if (ngx_http_apigw_vtl_render(tpl, env, &a, out, &err) != NGX_OK) {
        fprintf(stderr, "vtl_bench: %s: render failed at %lu:%lu: %s\n",
                tname, (unsigned long) err.line, (unsigned long) err.column,
                err.message ? err.message : "?");
        exit(1);
    }
}


static void
bench(ngx_http_apigw_vtl_t *tpl, const char *tname, ngx_str_t *body,
    ngx_http_apigw_jv_t *params, ngx_http_apigw_jv_t *context, int fresh,
    double seconds, arena_t *arena, result_t *res)
{
    double                     start, t;
    json_t                    *check;
    unsigned                   n;
    ngx_str_t                  out;
    json_error_t               jerr;
    ngx_http_apigw_vtl_env_t   env;

    memset(&env, 0, sizeof(env));
    env.body = *body;
    env.params = params;
    env.stage_variables = NULL;

    /* the first output must be JSON */

    render(tpl, tname, &env, context, fresh, arena, &out);

    check = json_loadb((char *) out.data, out.len, 0, &jerr);
    if (check == NULL) {
        fprintf(stderr, "vtl_bench: %s: the output is not JSON: %s at %d:%d"
                "\n%.*s\n", tname, jerr.text, jerr.line, jerr.column,
                (int) (out.len > 500 ? 500 : out.len), (char *) out.data);
        exit(1);
    }

    json_decref(check);
    res->out = out.len;
    res->mem = arena->total;
    arena_reset(arena);

    /* a warm-up (caches, the arena's chunk, the CPU's clock), then timed */

    start = now();

    do {
        render(tpl, tname, &env, context, fresh, arena, &out);
        arena_reset(arena);
    } while (now() - start < seconds / 10);

    n = 0;
    start = now();

    do {
        render(tpl, tname, &env, context, fresh, arena, &out);
        arena_reset(arena);
        n++;
        t = now();
    } while (t - start < seconds);

    res->n = n;
    res->rate = n / (t - start);
    res->us = (t - start) * 1e6 / n;
}


static void
thousands(char *buf, size_t len, double v)
{
    unsigned long  n = (unsigned long) (v + 0.5);

    if (n >= 1000000) {
        snprintf(buf, len, "%lu,%03lu,%03lu", n / 1000000, n / 1000 % 1000,
                 n % 1000);

    } else if (n >= 1000) {
        snprintf(buf, len, "%lu,%03lu", n / 1000, n % 1000);

    } else {
        snprintf(buf, len, "%lu", n);
    }
}


int
main(int argc, char **argv)
{
    int                          i, t, fresh, first;
    char                        *src, *endp, rate[32], out[32], mem[32],
                                 size[32];
    double                       seconds, start, copy_us;
    size_t                       len;
    unsigned                     n;
    arena_t                      conf, arena;
    ngx_str_t                    s, body;
    result_t                     res;
    ngx_http_apigw_jv_t         *params, *context, c;
    ngx_http_apigw_alloc_t       a, ra;
    ngx_http_apigw_vtl_t        *tpl[2];
    ngx_http_apigw_vtl_error_t   err;

    seconds = 2;
    first = 1;

    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        seconds = strtod(argv[2], &endp);
        if (*endp != '\0' || seconds <= 0) {
            fprintf(stderr, "vtl_bench: bad -s %s\n", argv[2]);
            return 1;
        }

        first = 3;
    }

    if (argc - first < 3) {
        fprintf(stderr, "usage: vtl_bench [-s SECONDS] REQUEST.vtl "
                "RESPONSE.vtl BODY...\n");
        return 1;
    }

    /* the templates, parsed once as at configuration time */

    memset(&conf, 0, sizeof(conf));
    memset(&arena, 0, sizeof(arena));
    a.alloc = arena_alloc;
    a.data = &conf;

    for (t = 0; t < 2; t++) {
        src = read_file(argv[first + t], &len);
        s.data = (u_char *) src;
        s.len = len;

        tpl[t] = ngx_http_apigw_vtl_parse(&a, &s, &err);
        if (tpl[t] == NULL) {
            fprintf(stderr, "vtl_bench: %s:%lu:%lu: %s\n", argv[first + t],
                    (unsigned long) err.line, (unsigned long) err.column,
                    err.message ? err.message : "?");
            return 1;
        }

        free(src);
    }

    params = make_params(&a);
    context = make_context(&a);

    if (params == NULL || context == NULL) {
        fprintf(stderr, "vtl_bench: cannot make the env\n");
        return 1;
    }

    /* what a copy of $context costs alone */

    ra.alloc = arena_alloc;
    ra.data = &arena;
    n = 0;
    start = now();

    do {
        if (ngx_http_apigw_jv_copy(&ra, context, &c, 100) != NGX_OK) {
            return 1;
        }

        arena_reset(&arena);
        n++;
    } while (now() - start < seconds / 4);

    copy_us = (now() - start) * 1e6 / n;

    printf("| template | body | $context | renders/s | µs/render "
           "| output | allocated/render |\n");
    printf("|---|---|---|---:|---:|---:|---:|\n");

    for (i = first + 2; i < argc; i++) {
        src = read_file(argv[i], &len);
        body.data = (u_char *) src;
        body.len = len;
        thousands(size, sizeof(size), len);

        for (t = 0; t < 2; t++) {
            for (fresh = 1; fresh >= 0; fresh--) {
                bench(tpl[t], argv[first + t], &body, params, context, fresh,
                      seconds, &arena, &res);

                thousands(rate, sizeof(rate), res.rate);
                thousands(out, sizeof(out), res.out);
                thousands(mem, sizeof(mem), res.mem);

                printf("| %s | %s (%s B) | %s | %s | %.2f | %s B | %s B |\n",
                       base_name(argv[first + t]), base_name(argv[i]), size,
                       fresh ? "fresh copy" : "reused", rate, res.us, out,
                       mem);
                fflush(stdout);
            }
        }

        free(src);
    }

    printf("\nngx_http_apigw_jv_copy() of $context alone: %.2f µs\n", copy_us);

    arena_free(&arena);
    arena_free(&conf);

    return 0;
}
