
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * VTL: the Velocity Template Language of API Gateway mapping templates
 * (Apache Velocity 1.7 plus $input, $util, $context and $stageVariables),
 * a pure engine (see docs/dev/engines.md).  A template is parsed once at
 * configuration time into a tree and rendered per request.
 *
 * docs/mapping-templates.md describes the language as supported and
 * where it differs from AWS.
 */


#ifndef _NGX_HTTP_APIGW_VTL_H_INCLUDED_
#define _NGX_HTTP_APIGW_VTL_H_INCLUDED_


#include <ngx_http_apigw_engine.h>
#include <ngx_http_apigw_jv.h>


/* defaults of the limits of ngx_http_apigw_vtl_env_t */

#define NGX_HTTP_APIGW_VTL_MAX_OUTPUT      (10 * 1024 * 1024)
#define NGX_HTTP_APIGW_VTL_MAX_ITERATIONS  100000
#define NGX_HTTP_APIGW_VTL_MAX_DEPTH       64
#define NGX_HTTP_APIGW_VTL_MAX_MEMORY      (64 * 1024 * 1024)
#define NGX_HTTP_APIGW_VTL_MAX_TIME        2000

/* nesting of a template's syntax: blocks, parentheses, literals, strings */
#define NGX_HTTP_APIGW_VTL_MAX_PARSE_DEPTH 100


typedef struct ngx_http_apigw_vtl_s  ngx_http_apigw_vtl_t;


typedef struct {
    ngx_uint_t                  line;       /* 1-based, in the template */
    ngx_uint_t                  column;     /* 1-based, in bytes */
    const char                 *message;    /* static or from the allocator */
} ngx_http_apigw_vtl_error_t;


/* what a template needs from its caller: ngx_http_apigw_vtl_needs() */
#define NGX_HTTP_APIGW_VTL_USES_CONTEXT      1  /* $context.x */
#define NGX_HTTP_APIGW_VTL_USES_STAGE        2  /* $stageVariables */
#define NGX_HTTP_APIGW_VTL_USES_PARAMS       4  /* $input.params() */
#define NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL  8  /* $context as a whole */
#define NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL  16  /* not only params('x') */


typedef struct {
    /* $input.body: the raw request or response body */
    ngx_str_t                   body;

    /*
     * $input.params(): an object {"path":{..},"querystring":{..},
     * "header":{..}} of strings; NULL is three empty maps
     */
    ngx_http_apigw_jv_t        *params;

    /*
     * $context: an object; #set($context.responseOverride.status = 400),
     * $context.responseOverride.header.* and $context.requestOverride.*
     * write into it (a render of a template that may see or change
     * $context's members, not only read some, adds empty
     * "requestOverride": {"path": {}, "header": {}, "querystring": {}}
     * and "responseOverride": {"header": {}} when absent), so the caller
     * reads them afterwards; NULL is an empty context
     */
    ngx_http_apigw_jv_t        *context;

    /* $stageVariables: an object of strings; NULL is empty */
    ngx_http_apigw_jv_t        *stage_variables;

    size_t                      max_output;       /* 0: 10 MB */
    ngx_uint_t                  max_iterations;   /* #foreach total; 0: 1e5 */
    ngx_uint_t                  max_depth;        /* recursion; 0: 64 */
    size_t                      max_memory;       /* per render; 0: 64 MB */
    ngx_uint_t                  max_time;         /* ms of CPU; 0: 2000 */

    /*
     * 0 (the default): a reference whose value is null renders as the
     * empty string, as API Gateway does; 1: as its source text ("$foo"),
     * as stock Velocity 1.7 does.  $!foo renders empty either way.
     */
    ngx_uint_t                  null_literal;
} ngx_http_apigw_vtl_env_t;


/*
 * parses a template once (configuration time); NULL with *err filled on
 * a syntax error or allocation failure
 */
ngx_http_apigw_vtl_t *ngx_http_apigw_vtl_parse(ngx_http_apigw_alloc_t *a,
    ngx_str_t *src, ngx_http_apigw_vtl_error_t *err);

/*
 * what the template uses of the environment (NGX_HTTP_APIGW_VTL_USES_*):
 * a caller may leave the others NULL; and the members of $context it
 * names, when it uses only some ($context.requestId, not $context as a
 * whole): the caller may make only those
 */
ngx_uint_t ngx_http_apigw_vtl_needs(ngx_http_apigw_vtl_t *tpl);
ngx_str_t *ngx_http_apigw_vtl_context_names(ngx_http_apigw_vtl_t *tpl,
    ngx_uint_t *n);

/*
 * and the parameters it names, when it uses $input.params() only as
 * $input.params('x') (no NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL): the
 * caller may put only those in env->params, as path, query string and
 * header parameters of these names (headers in any case)
 */
ngx_str_t *ngx_http_apigw_vtl_param_names(ngx_http_apigw_vtl_t *tpl,
    ngx_uint_t *n);

/*
 * renders a parsed template; NGX_OK with *out allocated from a, or
 * NGX_ERROR with *err filled: a limit exceeded, an allocation failure,
 * or a runtime error where Java would throw (an index out of bounds, an
 * invalid regular expression, malformed input to $util.urlDecode(),
 * $util.base64Decode() or $util.parseJson()); API Gateway answers the
 * latter with 500.  Everything, the values written into env->context
 * too, comes from a.
 */
ngx_int_t ngx_http_apigw_vtl_render(ngx_http_apigw_vtl_t *tpl,
    ngx_http_apigw_vtl_env_t *env, ngx_http_apigw_alloc_t *a, ngx_str_t *out,
    ngx_http_apigw_vtl_error_t *err);


#ifdef NGX_HTTP_APIGW_VTL_PRIVATE

/* the tree shared by ngx_http_apigw_vtl_parse.c and _eval.c */

typedef struct ngx_http_apigw_vtl_node_s  ngx_http_apigw_vtl_node_t;
typedef struct ngx_http_apigw_vtl_expr_s  ngx_http_apigw_vtl_expr_t;
typedef struct ngx_http_apigw_vtl_ref_s   ngx_http_apigw_vtl_ref_t;


typedef enum {
    NGX_HTTP_APIGW_VTL_TEXT = 0,
    NGX_HTTP_APIGW_VTL_REF,
    NGX_HTTP_APIGW_VTL_SET,
    NGX_HTTP_APIGW_VTL_IF,
    NGX_HTTP_APIGW_VTL_FOREACH,
    NGX_HTTP_APIGW_VTL_BREAK,
    NGX_HTTP_APIGW_VTL_STOP,
    NGX_HTTP_APIGW_VTL_DEFINE,
    NGX_HTTP_APIGW_VTL_MACRO,
    NGX_HTTP_APIGW_VTL_CALL
} ngx_http_apigw_vtl_node_type_e;


typedef enum {
    NGX_HTTP_APIGW_VTL_E_STRING = 0,
    NGX_HTTP_APIGW_VTL_E_INT,
    NGX_HTTP_APIGW_VTL_E_DOUBLE,
    NGX_HTTP_APIGW_VTL_E_TRUE,
    NGX_HTTP_APIGW_VTL_E_FALSE,
    NGX_HTTP_APIGW_VTL_E_REF,
    NGX_HTTP_APIGW_VTL_E_LIST,
    NGX_HTTP_APIGW_VTL_E_MAP,
    NGX_HTTP_APIGW_VTL_E_RANGE,
    NGX_HTTP_APIGW_VTL_E_WORD,
    NGX_HTTP_APIGW_VTL_E_OR,
    NGX_HTTP_APIGW_VTL_E_AND,
    NGX_HTTP_APIGW_VTL_E_EQ,
    NGX_HTTP_APIGW_VTL_E_NE,
    NGX_HTTP_APIGW_VTL_E_LT,
    NGX_HTTP_APIGW_VTL_E_GT,
    NGX_HTTP_APIGW_VTL_E_LE,
    NGX_HTTP_APIGW_VTL_E_GE,
    NGX_HTTP_APIGW_VTL_E_ADD,
    NGX_HTTP_APIGW_VTL_E_SUB,
    NGX_HTTP_APIGW_VTL_E_MUL,
    NGX_HTTP_APIGW_VTL_E_DIV,
    NGX_HTTP_APIGW_VTL_E_MOD,
    NGX_HTTP_APIGW_VTL_E_NOT
} ngx_http_apigw_vtl_expr_type_e;


typedef enum {
    NGX_HTTP_APIGW_VTL_M_PROP = 0,
    NGX_HTTP_APIGW_VTL_M_METHOD,
    NGX_HTTP_APIGW_VTL_M_INDEX
} ngx_http_apigw_vtl_mod_type_e;


/*
 * names of properties and methods that a render tests often, known at
 * parse time, so that it compares numbers, not strings
 */
typedef enum {
    NGX_HTTP_APIGW_VTL_N_OTHER = 0,
    NGX_HTTP_APIGW_VTL_N_CLASS,
    NGX_HTTP_APIGW_VTL_N_ESCAPE_JAVASCRIPT,
    NGX_HTTP_APIGW_VTL_N_HAS_NEXT,
    NGX_HTTP_APIGW_VTL_N_SIZE,
    NGX_HTTP_APIGW_VTL_N_PARAMS,
    NGX_HTTP_APIGW_VTL_N_JSON,
    NGX_HTTP_APIGW_VTL_N_PATH,
    NGX_HTTP_APIGW_VTL_N_BODY,
    NGX_HTTP_APIGW_VTL_N_GET
} ngx_http_apigw_vtl_name_e;


typedef struct {
    ngx_http_apigw_vtl_mod_type_e   type;
    ngx_http_apigw_vtl_name_e       id;        /* of name */
    ngx_str_t                       name;      /* property or method */
    ngx_uint_t                      nargs;
    ngx_http_apigw_vtl_expr_t     **args;      /* method args; index: 1 */

    /* compiled at parse time when the first argument is a constant */
    void                           *jsonpath;  /* $input.json/path */
    const char                     *jsonpath_err;
    void                           *regex;     /* pcre2_code_8 */
    const char                     *regex_err;

    /*
     * a property's member in the last JSON object it was read from:
     * objects of an array usually have their members in the same order
     */
    ngx_uint_t                      hint;
} ngx_http_apigw_vtl_mod_t;


/*
 * variables are numbered at parse time (a slot each name, the same for
 * every use): a render keeps them in an array
 */
#define NGX_HTTP_APIGW_VTL_SLOT_INPUT            0
#define NGX_HTTP_APIGW_VTL_SLOT_UTIL             1
#define NGX_HTTP_APIGW_VTL_SLOT_CONTEXT          2
#define NGX_HTTP_APIGW_VTL_SLOT_STAGE            3
#define NGX_HTTP_APIGW_VTL_SLOT_FOREACH          4
#define NGX_HTTP_APIGW_VTL_SLOT_VELOCITY_COUNT   5
#define NGX_HTTP_APIGW_VTL_SLOT_VELOCITY_HAS_NEXT 6


struct ngx_http_apigw_vtl_ref_s {
    ngx_str_t                       name;      /* the root identifier */
    ngx_uint_t                      slot;      /* its variable's */
    ngx_str_t                       literal;   /* "$a.b('c')" as written */
    ngx_str_t                       prefix;    /* "#" of "#$a", "$" of "$$a" */
    ngx_uint_t                      escapes;   /* backslashes before "$" */
    ngx_uint_t                      nmods;
    ngx_http_apigw_vtl_mod_t       *mods;
    ngx_uint_t                      line;
    ngx_uint_t                      column;
    unsigned                        quiet:1;   /* $!a */
    unsigned                        props:1;   /* $a.b.c: properties only */
};


struct ngx_http_apigw_vtl_expr_s {
    ngx_http_apigw_vtl_expr_type_e  type;
    ngx_uint_t                      line;
    ngx_uint_t                      column;
    ngx_str_t                       literal;   /* source text */

    union {
        struct {
            ngx_str_t                   value;  /* raw, without quotes */
            ngx_http_apigw_vtl_node_t  *tpl;    /* interpolated "..$x.." */
        } str;

        int64_t                         integer;
        double                          dbl;
        ngx_http_apigw_vtl_ref_t       *ref;
        ngx_str_t                       word;

        struct {
            ngx_uint_t                  nelts;  /* map: 2 per entry */
            ngx_http_apigw_vtl_expr_t **elts;
        } list;

        struct {
            ngx_http_apigw_vtl_expr_t  *left;
            ngx_http_apigw_vtl_expr_t  *right;  /* NULL for "!" */
        } op;
    } u;
};


typedef struct ngx_http_apigw_vtl_branch_s  ngx_http_apigw_vtl_branch_t;

struct ngx_http_apigw_vtl_branch_s {
    ngx_http_apigw_vtl_expr_t      *cond;      /* NULL: #else */
    ngx_http_apigw_vtl_node_t      *body;
    ngx_http_apigw_vtl_branch_t    *next;
};


struct ngx_http_apigw_vtl_node_s {
    ngx_http_apigw_vtl_node_type_e  type;
    ngx_uint_t                      line;
    ngx_uint_t                      column;
    ngx_http_apigw_vtl_node_t      *next;

    union {
        ngx_str_t                       text;
        ngx_http_apigw_vtl_ref_t       *ref;

        struct {
            ngx_http_apigw_vtl_ref_t   *left;
            ngx_http_apigw_vtl_expr_t  *right;
        } set;

        ngx_http_apigw_vtl_branch_t    *branches;   /* #if */

        struct {
            ngx_str_t                   var;
            ngx_uint_t                  slot;    /* var's */
            ngx_http_apigw_vtl_expr_t  *iterable;
            ngx_http_apigw_vtl_node_t  *body;
        } foreach;

        struct {
            ngx_str_t                   name;    /* #define, #macro */
            ngx_uint_t                  slot;    /* #define's variable */
            ngx_uint_t                  nparams;
            ngx_str_t                  *params;  /* #macro: "$a" names */
            ngx_uint_t                 *slots;   /* #macro: theirs */
            ngx_http_apigw_vtl_node_t  *body;
        } define;

        struct {
            ngx_str_t                   name;    /* #name(args) */
            ngx_str_t                   literal; /* as written */
            ngx_uint_t                  nargs;
            ngx_http_apigw_vtl_expr_t **args;
        } call;
    } u;
};


struct ngx_http_apigw_vtl_s {
    ngx_http_apigw_vtl_node_t      *root;
    ngx_http_apigw_vtl_node_t     **macros;    /* #macro nodes */
    ngx_uint_t                      nmacros;
    ngx_uint_t                      uses;      /* NGX_HTTP_APIGW_VTL_USES_* */
    ngx_uint_t                      nslots;    /* variables */
    ngx_str_t                      *context_names;  /* $context.x */
    ngx_uint_t                      ncontext_names;
    ngx_str_t                      *param_names;    /* params('x') */
    ngx_uint_t                      nparam_names;
    unsigned                        context_overrides:1;

    size_t                          out_hint;  /* the last output's size */
    size_t                          mem_hint;  /* the last render's chunks */
};


ngx_int_t ngx_http_apigw_vtl_regex_compile(ngx_http_apigw_alloc_t *a,
    ngx_str_t *pattern, void **code, const char **err);

#endif /* NGX_HTTP_APIGW_VTL_PRIVATE */


#endif /* _NGX_HTTP_APIGW_VTL_H_INCLUDED_ */
