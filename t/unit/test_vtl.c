
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * Unit tests of the VTL engine: the cases in vtl_cases (*.txt), then a few
 * checks written here (limits, parse once / render many, precompiled
 * JSONPath, writes into $context).
 *
 * A case file holds cases:
 *
 *     === name
 *     --- source
 *     where the expected output comes from (a citation; not used)
 *     --- template
 *     ...
 *     --- body | params | context | stage
 *     ...                       (params, context, stage: JSON)
 *     --- env
 *     null_literal=1 max_output=100 max_iterations=5 max_depth=3
 *     --- expect
 *     ...                       (the exact output)
 *     --- expect-context
 *     {...}                     ($context after rendering, JSON-equal)
 *     --- error
 *     3:5 message part          (parse error), or "render: message part"
 *
 * A section's text ends before the newline that precedes the next
 * "---" line; the last section of a case also loses one blank line
 * before the next "===" line (or the end of the file), which separates
 * cases.  A section named "xxx escaped" also decodes \n, \r, \t, \xHH
 * and \\ (for trailing newlines, CRs and odd bytes).
 */


#define NGX_HTTP_APIGW_VTL_PRIVATE
#include <ngx_http_apigw_vtl.h>

#include "tap.h"
#include "jv_jansson.h"

#include <dirent.h>
#include <stdlib.h>


/* an arena: freed after each case, so that ASan sees only real leaks */

typedef struct block_s  block_t;

struct block_s {
    block_t  *next;
    size_t    size;
};


static void *
arena_alloc(void *data, size_t size)
{
    block_t  **head = data, *b;

    b = malloc(sizeof(block_t) + size + 16);
    if (b == NULL) {
        return NULL;
    }

    b->next = *head;
    b->size = size;
    *head = b;

    return (u_char *) b + sizeof(block_t) + (16 - sizeof(block_t) % 16) % 16;
}


static void
arena_free(block_t **head)
{
    block_t  *b;

    while (*head) {
        b = *head;
        *head = b->next;
        free(b);
    }
}


typedef struct {
    char       *name;
    char       *template;
    size_t      template_len;
    char       *body;
    size_t      body_len;
    char       *params;
    char       *context;
    char       *stage;
    char       *env;
    char       *expect;
    size_t      expect_len;
    char       *expect_context;
    char       *error;
    int         has_expect;
} tcase_t;


static size_t
unescape(char *s, size_t len)
{
    size_t  i, o;
    char    hex[3];

    for (i = 0, o = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 == len) {
            s[o++] = s[i];
            continue;
        }

        switch (s[++i]) {
        case 'n':
            s[o++] = '\n';
            break;
        case 'r':
            s[o++] = '\r';
            break;
        case 't':
            s[o++] = '\t';
            break;
        case 'x':
            if (i + 2 < len) {
                hex[0] = s[i + 1];
                hex[1] = s[i + 2];
                hex[2] = '\0';
                s[o++] = (char) strtol(hex, NULL, 16);
                i += 2;
            }
            break;
        default:
            s[o++] = s[i];
        }
    }

    s[o] = '\0';

    return o;
}


static ngx_http_apigw_jv_t *
load_json(ngx_http_apigw_alloc_t *a, const char *s, const char *what,
    const char *name)
{
    ngx_http_apigw_jv_t  *j;

    if (s == NULL) {
        return NULL;
    }

    j = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_jv_t));

    if (ngx_http_apigw_test_jv(a, s, j) != NGX_OK) {
        printf("# %s: bad %s JSON\n", name, what);
        return NULL;
    }

    return j;
}


static void
env_option(ngx_http_apigw_vtl_env_t *env, const char *spec)
{
    char        *copy, *tok, *save;
    const char  *eq;

    copy = strdup(spec);

    for (tok = strtok_r(copy, " \t\n", &save); tok;
         tok = strtok_r(NULL, " \t\n", &save))
    {
        eq = strchr(tok, '=');
        if (eq == NULL) {
            continue;
        }

        if (strncmp(tok, "null_literal=", 13) == 0) {
            env->null_literal = atoi(eq + 1);

        } else if (strncmp(tok, "max_output=", 11) == 0) {
            env->max_output = atol(eq + 1);

        } else if (strncmp(tok, "max_iterations=", 15) == 0) {
            env->max_iterations = atol(eq + 1);

        } else if (strncmp(tok, "max_depth=", 10) == 0) {
            env->max_depth = atol(eq + 1);

        } else if (strncmp(tok, "max_memory=", 11) == 0) {
            env->max_memory = atol(eq + 1);

        } else if (strncmp(tok, "max_time=", 9) == 0) {
            env->max_time = atol(eq + 1);
        }
    }

    free(copy);
}


static void
run_case(const char *file, tcase_t *tc)
{
    int                          ok;
    char                         label[512], where[64];
    json_t                      *expect_ctx, *got;
    json_error_t                 jerr;
    block_t                     *arena;
    ngx_http_apigw_jv_t         *params, *context, *stage;
    ngx_str_t                    src, out;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_env_t     env;
    ngx_http_apigw_vtl_error_t   err;

    snprintf(label, sizeof(label), "%s: %s", file, tc->name);

    arena = NULL;
    a.alloc = arena_alloc;
    a.data = &arena;

    src.data = (u_char *) tc->template;
    src.len = tc->template_len;

    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);

    if (tpl == NULL) {
        snprintf(where, sizeof(where), "%lu:%lu ",
                 (unsigned long) err.line, (unsigned long) err.column);

        if (tc->error == NULL) {
            tap_ok(0, "%s (parse error %s%s)", label, where, err.message);

        } else {
            ok = strncmp(tc->error, where, strlen(where)) == 0
                 && strstr(err.message, tc->error + strlen(where)) != NULL;
            tap_ok(ok, "%s", label);

            if (!ok) {
                printf("#   got error '%s%s', expected '%s'\n", where,
                       err.message, tc->error);
            }
        }

        arena_free(&arena);
        return;
    }

    params = load_json(&a, tc->params, "params", label);
    context = load_json(&a, tc->context, "context", label);
    stage = load_json(&a, tc->stage, "stage", label);
    expect_ctx = tc->expect_context
                 ? json_loads(tc->expect_context, JSON_DECODE_ANY, &jerr)
                 : NULL;

    memset(&env, 0, sizeof(env));
    env.body.data = (u_char *) (tc->body ? tc->body : "");
    env.body.len = tc->body ? tc->body_len : 0;
    env.params = params;
    env.context = context;
    env.stage_variables = stage;

    if (tc->env) {
        env_option(&env, tc->env);
    }

    if (ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err) != NGX_OK) {
        if (tc->error && strncmp(tc->error, "render: ", 8) == 0) {
            ok = strstr(err.message, tc->error + 8) != NULL;
            tap_ok(ok, "%s", label);

            if (!ok) {
                printf("#   got render error '%s'\n", err.message);
            }

        } else {
            tap_ok(0, "%s (render error %lu:%lu %s)", label,
                   (unsigned long) err.line, (unsigned long) err.column,
                   err.message);
        }

    } else if (tc->error) {
        tap_ok(0, "%s (expected error '%s', got '%.*s')", label, tc->error,
               (int) out.len, out.data);

    } else if (tc->has_expect) {
        tap_is(out.data, out.len, tc->expect, tc->expect_len, "%s", label);

    } else {
        tap_ok(1, "%s (renders)", label);
    }

    if (expect_ctx) {
        got = context ? ngx_http_apigw_test_to_json(context) : NULL;
        ok = got && json_equal(got, expect_ctx);
        tap_ok(ok, "%s: $context", label);

        if (!ok && got) {
            char  *dump = json_dumps(got, JSON_COMPACT);
            printf("#   context: %s\n", dump);
            free(dump);
        }

        json_decref(got);
    }

    json_decref(expect_ctx);

    arena_free(&arena);
}


static int
cmp_names(const void *x, const void *y)
{
    return strcmp(*(char **) x, *(char **) y);
}


static void
run_file(const char *dir, const char *name)
{
    char     path[1024], *data, *p, *line, *next, **field, *sect;
    long     size;
    FILE    *f;
    size_t  *lenp, len;
    tcase_t  tc;
    int      escaped, have;

    snprintf(path, sizeof(path), "%s/%s", dir, name);

    f = fopen(path, "rb");
    if (f == NULL) {
        tap_ok(0, "open %s", path);
        return;
    }

    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);

    data = malloc(size + 1);
    if (fread(data, 1, size, f) != (size_t) size) {
        tap_ok(0, "read %s", path);
        fclose(f);
        free(data);
        return;
    }

    data[size] = '\0';
    fclose(f);

    memset(&tc, 0, sizeof(tc));
    have = 0;
    field = NULL;
    lenp = NULL;
    sect = NULL;
    escaped = 0;

    for (p = data; p && *p; p = next) {
        line = p;
        next = strchr(p, '\n');

        if (next) {
            next++;
        }

        if (strncmp(line, "=== ", 4) == 0 || strncmp(line, "--- ", 4) == 0) {

            /*
             * close the section before: drop its last newline, and at
             * the end of a case the blank line that separates cases
             */

            if (field && sect) {
                len = line - sect;

                if (len && sect[len - 1] == '\n') {
                    len--;
                }

                if (line[0] == '=' && len && sect[len - 1] == '\n') {
                    len--;
                }

                sect[len] = '\0';

                if (escaped) {
                    len = unescape(sect, len);
                }

                *field = sect;

                if (lenp) {
                    *lenp = len;
                }
            }

            field = NULL;
            lenp = NULL;
            sect = next;
            escaped = strstr(line, " escaped") != NULL
                      && strstr(line, " escaped") < (next ? next : line + 4096);

            if (line[0] == '=') {
                if (have) {
                    run_case(name, &tc);
                }

                memset(&tc, 0, sizeof(tc));
                have = 1;
                tc.name = line + 4;

                if (next) {
                    next[-1] = '\0';
                }

                continue;
            }

#define SECTION(s)  (strncmp(line + 4, s, sizeof(s) - 1) == 0)

            if (SECTION("template")) {
                field = &tc.template;
                lenp = &tc.template_len;

            } else if (SECTION("body")) {
                field = &tc.body;
                lenp = &tc.body_len;

            } else if (SECTION("params")) {
                field = &tc.params;

            } else if (SECTION("context")) {
                field = &tc.context;

            } else if (SECTION("stage")) {
                field = &tc.stage;

            } else if (SECTION("env")) {
                field = &tc.env;

            } else if (SECTION("expect-context")) {
                field = &tc.expect_context;

            } else if (SECTION("expect")) {
                field = &tc.expect;
                lenp = &tc.expect_len;
                tc.has_expect = 1;

            } else if (SECTION("error")) {
                field = &tc.error;
            }
        }
    }

    if (field && sect) {
        len = strlen(sect);

        if (len && sect[len - 1] == '\n') {
            len--;
        }

        if (len && sect[len - 1] == '\n') {
            len--;
        }

        sect[len] = '\0';

        if (escaped) {
            len = unescape(sect, len);
        }

        *field = sect;

        if (lenp) {
            *lenp = len;
        }
    }

    if (have) {
        run_case(name, &tc);
    }

    free(data);
}


static void
run_cases(const char *dir)
{
    DIR            *d;
    char          **names;
    size_t          n, i;
    struct dirent  *de;

    d = opendir(dir);
    if (d == NULL) {
        tap_ok(0, "open %s", dir);
        return;
    }

    names = NULL;
    n = 0;

    while ((de = readdir(d)) != NULL) {
        if (strlen(de->d_name) > 4
            && strcmp(de->d_name + strlen(de->d_name) - 4, ".txt") == 0)
        {
            names = realloc(names, (n + 1) * sizeof(char *));
            names[n++] = strdup(de->d_name);
        }
    }

    closedir(d);

    qsort(names, n, sizeof(char *), cmp_names);

    for (i = 0; i < n; i++) {
        run_file(dir, names[i]);
        free(names[i]);
    }

    free(names);
}


/* checks that need code */

static void
test_parse_once(void)
{
    block_t                     *arena;
    ngx_str_t                    src, out;
    ngx_http_apigw_jv_t          ctx1, ctx2, *ro, *st;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_env_t     env;
    ngx_http_apigw_vtl_error_t   err;
    ngx_http_apigw_vtl_node_t   *n;
    static char                  t[] =
        "#set($n = $input.path('$.n'))$input.json(\"$.a\")-$n"
        "#set($context.responseOverride.status = 400 + $n)";

    arena = NULL;
    a.alloc = arena_alloc;
    a.data = &arena;

    src.data = (u_char *) t;
    src.len = sizeof(t) - 1;

    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl != NULL, "parse once");

    if (tpl == NULL) {
        arena_free(&arena);
        return;
    }

    /* both JSONPath literals, '...' and "..." without references, compiled */

    n = tpl->root;
    tap_ok(n->type == NGX_HTTP_APIGW_VTL_SET
           && n->u.set.right->u.ref->mods[0].jsonpath != NULL,
           "constant '$.n' compiled at parse time");

    n = n->next;
    tap_ok(n->type == NGX_HTTP_APIGW_VTL_REF
           && n->u.ref->mods[0].jsonpath != NULL,
           "constant \"$.a\" compiled at parse time");

    memset(&env, 0, sizeof(env));
    (void) ngx_http_apigw_jv_new(&a, NGX_HTTP_APIGW_JV_OBJECT, &ctx1);
    env.context = &ctx1;
    ngx_str_set(&env.body, "{\"a\":[1,2],\"n\":1}");

    tap_ok(ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err) == NGX_OK
           && out.len == 7 && memcmp(out.data, "[1,2]-1", 7) == 0,
           "render 1");

    ro = ngx_http_apigw_jv_object_get(ctx1.u.c,
                                      (u_char *) "responseOverride", 16);
    st = ro ? ngx_http_apigw_jv_object_get(ro->u.c, (u_char *) "status", 6)
            : NULL;
    tap_ok(st && st->type == NGX_HTTP_APIGW_JV_INTEGER && st->u.i == 401,
           "render 1 wrote $context.responseOverride.status");

    (void) ngx_http_apigw_jv_new(&a, NGX_HTTP_APIGW_JV_OBJECT, &ctx2);
    env.context = &ctx2;
    ngx_str_set(&env.body, "{\"a\":{\"b\":true},\"n\":2}");

    tap_ok(ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err) == NGX_OK
           && out.len == 12 && memcmp(out.data, "{\"b\":true}-2", 12) == 0,
           "render 2 of the same tree");

    ro = ngx_http_apigw_jv_object_get(ctx2.u.c,
                                      (u_char *) "responseOverride", 16);
    st = ro ? ngx_http_apigw_jv_object_get(ro->u.c, (u_char *) "status", 6)
            : NULL;
    tap_ok(st && st->type == NGX_HTTP_APIGW_JV_INTEGER && st->u.i == 402,
           "render 2 wrote its own $context");

    arena_free(&arena);
}


static void
test_limits(void)
{
    size_t                       i;
    char                        *t;
    block_t                     *arena;
    ngx_str_t                    src, out;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_env_t     env;
    ngx_http_apigw_vtl_error_t   err;

    arena = NULL;
    a.alloc = arena_alloc;
    a.data = &arena;
    memset(&env, 0, sizeof(env));

    /* parser nesting */

    t = malloc(20000);
    strcpy(t, "#set($a = ");
    for (i = 0; i < 2000; i++) {
        strcat(t, "[");
    }

    strcat(t, "1");
    for (i = 0; i < 2000; i++) {
        strcat(t, "]");
    }

    strcat(t, ")");

    src.data = (u_char *) t;
    src.len = strlen(t);
    tap_ok(ngx_http_apigw_vtl_parse(&a, &src, &err) == NULL
           && strstr(err.message, "nested too deeply") != NULL,
           "deeply nested list literal is a parse error");

    strcpy(t, "");
    for (i = 0; i < 500; i++) {
        strcat(t, "#if(true)");
    }

    for (i = 0; i < 500; i++) {
        strcat(t, "#end");
    }

    src.len = strlen(t);
    tap_ok(ngx_http_apigw_vtl_parse(&a, &src, &err) == NULL
           && err.line == 1,
           "500 nested #if is a parse error");

    /* recursion through #define */

    strcpy(t, "#define($r)x$r#end$r");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "recursion") != NULL,
           "recursive #define stops at max_depth");

    /* recursion through a macro */

    strcpy(t, "#macro(m $x)$x#m($x)#end#m(1)");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "recursion") != NULL,
           "recursive macro stops at max_depth");

    /* iterations, total over nested loops */

    strcpy(t, "#foreach($i in [1..1000])#foreach($j in [1..1000])#end#end");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "iteration") != NULL,
           "1e6 iterations exceed the default 1e5");

    /* output */

    strcpy(t, "#set($s = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx')"
              "#foreach($i in [1..20])#set($s = \"$s$s\")#end$s");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR,
           "doubling a string 20 times hits a limit (%s)", err.message);

    env.max_output = 1000;
    strcpy(t, "#foreach($i in [1..1000])ab#end");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "output") != NULL,
           "max_output");

    env.max_output = 0;
    env.max_memory = 100000;
    strcpy(t, "#set($l = [1..100000])$l.size()");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "memory") != NULL,
           "max_memory stops a large range");

    /* a value nested 2000 deep prints, or fails, without a crash */

    env.max_memory = 0;
    strcpy(t, "#set($l = [])#foreach($i in [1..2000])#set($l = [$l])#end$l");
    src.len = strlen(t);
    tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
    tap_ok(tpl && ngx_http_apigw_vtl_render(tpl, &env, &a, &out, &err)
                  == NGX_ERROR
           && strstr(err.message, "nested") != NULL,
           "printing a list nested 2000 deep is an error, not a crash");

    free(t);
    arena_free(&arena);
}


/* what a template needs made for it, known from parsing */

static void
test_needs(void)
{
    size_t                       i;
    block_t                     *arena;
    ngx_str_t                    src, *names;
    ngx_uint_t                   n, needs;
    ngx_http_apigw_vtl_t        *tpl;
    ngx_http_apigw_alloc_t       a;
    ngx_http_apigw_vtl_error_t   err;

    static struct {
        const char  *tpl;
        ngx_uint_t   needs;
        const char  *names;
    } cases[] = {
        { "text only", 0, "" },
        { "$input.body $input.json('$.a') $input.path('$')", 0, "" },
        { "$input.params('x')", NGX_HTTP_APIGW_VTL_USES_PARAMS, "/x," },
        { "$input.params('x') $input.params(\"y\") $input.params('x')",
          NGX_HTTP_APIGW_VTL_USES_PARAMS, "/x,y," },
        { "$input.params('x') $input.params()",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/x," },
        { "$input.params($n)",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "$input.params(\"$n\")",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "$input.params('x', 'y')",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "$input.params().header",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "#set($input = 'mine')$input",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "#set($i = $input)$i.params()",
          NGX_HTTP_APIGW_VTL_USES_PARAMS | NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL,
          "/" },
        { "$context.requestId \"$context.stage\" $context.requestId",
          NGX_HTTP_APIGW_VTL_USES_CONTEXT, "requestId,stage," },
        { "#set($context.responseOverride.status = 400)",
          NGX_HTTP_APIGW_VTL_USES_CONTEXT, "responseOverride," },
        { "$context.identity.sourceIp $context",
          NGX_HTTP_APIGW_VTL_USES_CONTEXT
          | NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL, "identity," },
        { "$context.keySet()", NGX_HTTP_APIGW_VTL_USES_CONTEXT
                               | NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL, "" },
        { "$context['stage']", NGX_HTTP_APIGW_VTL_USES_CONTEXT
                               | NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL, "" },
        { "#macro(m $x)$stageVariables.v#end",
          NGX_HTTP_APIGW_VTL_USES_STAGE, "" },
    };

    arena = NULL;
    a.alloc = arena_alloc;
    a.data = &arena;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char  got[256], *p;

        src.data = (u_char *) cases[i].tpl;
        src.len = strlen(cases[i].tpl);

        tpl = ngx_http_apigw_vtl_parse(&a, &src, &err);
        if (tpl == NULL) {
            tap_ok(0, "needs of %s: parse error", cases[i].tpl);
            continue;
        }

        needs = ngx_http_apigw_vtl_needs(tpl);
        names = ngx_http_apigw_vtl_context_names(tpl, &n);

        p = got;
        *p = '\0';

        while (n--) {
            p += sprintf(p, "%.*s,", (int) names->len, names->data);
            names++;
        }

        /* the parameters named, after a "/", where the case expects them */

        if (strchr(cases[i].names, '/')) {
            names = ngx_http_apigw_vtl_param_names(tpl, &n);
            p += sprintf(p, "/");

            while (n--) {
                p += sprintf(p, "%.*s,", (int) names->len, names->data);
                names++;
            }
        }

        tap_ok(needs == cases[i].needs && strcmp(got, cases[i].names) == 0,
               "needs of %s: %lu %s", cases[i].tpl, (unsigned long) needs,
               got);
    }

    arena_free(&arena);
}


int
main(int argc, char **argv)
{
    run_cases(argc > 1 ? argv[1] : "vtl_cases");

    test_parse_once();
    test_limits();
    test_needs();

    return tap_done();
}
