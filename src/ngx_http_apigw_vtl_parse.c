
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * VTL parser: template text to the tree of ngx_http_apigw_vtl.h.
 *
 * It follows the lexical decisions of Velocity 1.7 (a JavaCC longest-match
 * lexer with states), which fix what a template outputs:
 * - text runs up to "$", "#" or "\"; "$" or "#" that starts nothing is
 *   text, as is an unknown "#word" (with "(args)": its source text);
 * - "#set(" also takes the blanks before it when they start a token (that
 *   is, follow a directive, a reference, a comment or an escape rather
 *   than text), and its ")" the blanks and one newline after it;
 * - the ")" closing #if, #elseif, #foreach and any "#name(...)" takes the
 *   blanks and one newline after it, and so do "#else" and "#end";
 *   blanks before these directives stay;
 * - "##" comments take their newline, "#* *#" comments do not;
 * - identifiers are [a-zA-Z_][a-zA-Z0-9_-]*, "." must be followed by a
 *   letter, and "-" directly before a digit makes a negative number.
 */


#define NGX_HTTP_APIGW_VTL_PRIVATE
#include <ngx_http_apigw_vtl.h>
#include <ngx_http_apigw_jsonpath.h>

#include <stdlib.h>


typedef struct {
    ngx_http_apigw_alloc_t     *a;
    ngx_http_apigw_vtl_error_t *err;
    u_char                     *start;     /* the template */
    u_char                     *p;
    u_char                     *last;
    ngx_uint_t                  depth;
    ngx_http_apigw_vtl_t       *tpl;
    ngx_http_apigw_vtl_node_t **macros;    /* defined so far */
    ngx_uint_t                  nmacros;
    ngx_uint_t                  nalloc;
    ngx_str_t                  *names;     /* of the variables' slots */
    ngx_uint_t                  nnames;
    ngx_uint_t                  names_alloc;

    /* position cache for line and column */
    u_char                     *lc_p;
    ngx_uint_t                  lc_line;
    ngx_uint_t                  lc_col;
} ngx_http_apigw_vtl_parser_t;


/* in the order of NGX_HTTP_APIGW_VTL_SLOT_* */

static ngx_str_t  ngx_http_apigw_vtl_builtins[] = {
    ngx_string("input"),
    ngx_string("util"),
    ngx_string("context"),
    ngx_string("stageVariables"),
    ngx_string("foreach"),
    ngx_string("velocityCount"),
    ngx_string("velocityHasNext"),
    ngx_null_string
};


/* a block ends at a terminator */
#define NGX_HTTP_APIGW_VTL_DONE      -4


/* terminators of a block */

#define NGX_HTTP_APIGW_VTL_T_EOF     0
#define NGX_HTTP_APIGW_VTL_T_END     1
#define NGX_HTTP_APIGW_VTL_T_ELSE    2
#define NGX_HTTP_APIGW_VTL_T_ELSEIF  3


/* tokens of the directive state */

typedef enum {
    NGX_HTTP_APIGW_VTL_K_EOF = 0,
    NGX_HTTP_APIGW_VTL_K_BAD,
    NGX_HTTP_APIGW_VTL_K_STRING,
    NGX_HTTP_APIGW_VTL_K_INT,
    NGX_HTTP_APIGW_VTL_K_FLOAT,
    NGX_HTTP_APIGW_VTL_K_TRUE,
    NGX_HTTP_APIGW_VTL_K_FALSE,
    NGX_HTTP_APIGW_VTL_K_WORD,
    NGX_HTTP_APIGW_VTL_K_DOLLAR,
    NGX_HTTP_APIGW_VTL_K_LBRACKET,
    NGX_HTTP_APIGW_VTL_K_RBRACKET,
    NGX_HTTP_APIGW_VTL_K_LCURLY,
    NGX_HTTP_APIGW_VTL_K_RCURLY,
    NGX_HTTP_APIGW_VTL_K_LPAREN,
    NGX_HTTP_APIGW_VTL_K_RPAREN,
    NGX_HTTP_APIGW_VTL_K_COMMA,
    NGX_HTTP_APIGW_VTL_K_COLON,
    NGX_HTTP_APIGW_VTL_K_DOUBLEDOT,
    NGX_HTTP_APIGW_VTL_K_OR,
    NGX_HTTP_APIGW_VTL_K_AND,
    NGX_HTTP_APIGW_VTL_K_EQ,
    NGX_HTTP_APIGW_VTL_K_NE,
    NGX_HTTP_APIGW_VTL_K_LT,
    NGX_HTTP_APIGW_VTL_K_GT,
    NGX_HTTP_APIGW_VTL_K_LE,
    NGX_HTTP_APIGW_VTL_K_GE,
    NGX_HTTP_APIGW_VTL_K_PLUS,
    NGX_HTTP_APIGW_VTL_K_MINUS,
    NGX_HTTP_APIGW_VTL_K_MUL,
    NGX_HTTP_APIGW_VTL_K_DIV,
    NGX_HTTP_APIGW_VTL_K_MOD,
    NGX_HTTP_APIGW_VTL_K_NOT,
    NGX_HTTP_APIGW_VTL_K_ASSIGN
} ngx_http_apigw_vtl_tok_e;


typedef struct {
    ngx_http_apigw_vtl_tok_e    type;
    u_char                     *start;
    u_char                     *end;
} ngx_http_apigw_vtl_tok_t;


static ngx_int_t ngx_http_apigw_vtl_block(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t **head, ngx_uint_t mode, ngx_uint_t *term);
static ngx_int_t ngx_http_apigw_vtl_dollar(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, ngx_uint_t escapes, u_char *bs,
    ngx_str_t *prefix);
static ngx_int_t ngx_http_apigw_vtl_hash(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, ngx_uint_t mode, ngx_uint_t *term);
static ngx_int_t ngx_http_apigw_vtl_backslash(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_node_t ***tail);
static ngx_int_t ngx_http_apigw_vtl_set(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start);
static ngx_int_t ngx_http_apigw_vtl_if(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start);
static ngx_int_t ngx_http_apigw_vtl_directive(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_node_t ***tail,
    u_char *start, ngx_str_t *name);
static ngx_int_t ngx_http_apigw_vtl_args(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_expr_t ***args, ngx_uint_t *nargs);
static ngx_int_t ngx_http_apigw_vtl_ref(ngx_http_apigw_vtl_parser_t *ps,
    ngx_uint_t escapes, ngx_str_t *prefix, ngx_http_apigw_vtl_ref_t **ref);
static ngx_int_t ngx_http_apigw_vtl_method(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_mod_t *mod);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_expr(
    ngx_http_apigw_vtl_parser_t *ps);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_binary(
    ngx_http_apigw_vtl_parser_t *ps, ngx_uint_t level);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_unary(
    ngx_http_apigw_vtl_parser_t *ps);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_primary(
    ngx_http_apigw_vtl_parser_t *ps, ngx_uint_t kind);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_string(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_tok_t *t);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_number(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_tok_t *t);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_bracket(
    ngx_http_apigw_vtl_parser_t *ps);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_map(
    ngx_http_apigw_vtl_parser_t *ps);
static void ngx_http_apigw_vtl_token(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_tok_t *t);
static void ngx_http_apigw_vtl_skip_ws(ngx_http_apigw_vtl_parser_t *ps);
static u_char *ngx_http_apigw_vtl_rparen(ngx_http_apigw_vtl_parser_t *ps,
    u_char *p);
static u_char *ngx_http_apigw_vtl_eol(u_char *p, u_char *last);
static u_char *ngx_http_apigw_vtl_match_set(u_char *p, u_char *last);
static u_char *ngx_http_apigw_vtl_word(u_char *p, u_char *last);
static u_char *ngx_http_apigw_vtl_ident(u_char *p, u_char *last);
static ngx_uint_t ngx_http_apigw_vtl_is_directive(
    ngx_http_apigw_vtl_parser_t *ps, u_char *p, size_t len);
static ngx_http_apigw_vtl_node_t *ngx_http_apigw_vtl_node(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_node_type_e type,
    u_char *pos);
static ngx_http_apigw_vtl_expr_t *ngx_http_apigw_vtl_new_expr(
    ngx_http_apigw_vtl_parser_t *ps, ngx_http_apigw_vtl_expr_type_e type,
    u_char *pos);
static ngx_int_t ngx_http_apigw_vtl_text(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start, size_t len);
static void ngx_http_apigw_vtl_precompile(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_ref_t *ref);
static ngx_int_t ngx_http_apigw_vtl_slot(ngx_http_apigw_vtl_parser_t *ps,
    ngx_str_t *name);
static ngx_int_t ngx_http_apigw_vtl_add_name(ngx_http_apigw_vtl_parser_t *ps,
    ngx_str_t **names, ngx_uint_t *n, ngx_str_t *name);
static void ngx_http_apigw_vtl_uses(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_ref_t *ref);
static ngx_http_apigw_vtl_name_e ngx_http_apigw_vtl_name_id(
    ngx_str_t *name);
static ngx_int_t ngx_http_apigw_vtl_fail(ngx_http_apigw_vtl_parser_t *ps,
    u_char *pos, const char *msg);
static void ngx_http_apigw_vtl_position(ngx_http_apigw_vtl_parser_t *ps,
    u_char *pos, ngx_uint_t *line, ngx_uint_t *col);
static ngx_int_t ngx_http_apigw_vtl_enter(ngx_http_apigw_vtl_parser_t *ps);


#define ngx_http_apigw_vtl_is_alpha(c)                                      \
    (((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z'))
#define ngx_http_apigw_vtl_is_digit(c)  ((c) >= '0' && (c) <= '9')
#define ngx_http_apigw_vtl_is_blank(c)  ((c) == ' ' || (c) == '\t')
#define ngx_http_apigw_vtl_is_ws(c)                                         \
    ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

#define ngx_http_apigw_vtl_str_eq(p, len, s)                                \
    ((len) == sizeof(s) - 1 && memcmp(p, s, sizeof(s) - 1) == 0)


/* primary kinds: what a position accepts */

#define NGX_HTTP_APIGW_VTL_P_EXPR     0   /* PrimaryExpression */
#define NGX_HTTP_APIGW_VTL_P_PARAM    1   /* method arg, list element */
#define NGX_HTTP_APIGW_VTL_P_INDEX    2   /* $a[...] */
#define NGX_HTTP_APIGW_VTL_P_ARG      3   /* #directive(...) argument */


ngx_http_apigw_vtl_t *
ngx_http_apigw_vtl_parse(ngx_http_apigw_alloc_t *a, ngx_str_t *src,
    ngx_http_apigw_vtl_error_t *err)
{
    u_char                       *copy;
    ngx_uint_t                    term, i;
    ngx_http_apigw_vtl_t         *tpl;
    ngx_http_apigw_vtl_parser_t   ps;

    err->line = 0;
    err->column = 0;
    err->message = NULL;

    tpl = ngx_http_apigw_alloc(a, sizeof(ngx_http_apigw_vtl_t));
    copy = ngx_http_apigw_alloc(a, src->len + 1);

    if (tpl == NULL || copy == NULL) {
        err->message = "out of memory";
        return NULL;
    }

    ngx_memzero(tpl, sizeof(ngx_http_apigw_vtl_t));

    if (src->len) {
        ngx_memcpy(copy, src->data, src->len);
    }

    copy[src->len] = '\0';

    ngx_memzero(&ps, sizeof(ngx_http_apigw_vtl_parser_t));
    ps.a = a;
    ps.err = err;
    ps.start = copy;
    ps.p = copy;
    ps.last = copy + src->len;
    ps.tpl = tpl;
    ps.lc_p = copy;
    ps.lc_line = 1;
    ps.lc_col = 1;

    /* the variables a render sets itself, in their fixed slots */

    for (i = 0; ngx_http_apigw_vtl_builtins[i].len; i++) {
        if (ngx_http_apigw_vtl_slot(&ps, &ngx_http_apigw_vtl_builtins[i])
            == NGX_ERROR)
        {
            return NULL;
        }
    }

    if (ngx_http_apigw_vtl_block(&ps, &tpl->root, 0, &term) != NGX_OK) {
        return NULL;
    }

    tpl->macros = ps.macros;
    tpl->nmacros = ps.nmacros;
    tpl->nslots = ps.nnames;

    /*
     * a template that may see or change $context's members makes sure
     * of its overrides; one that only reads some of them ($context.x,
     * not an override) cannot tell
     */

    if (tpl->uses & NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL) {
        tpl->context_overrides = 1;
    }

    for (i = 0; i < tpl->ncontext_names; i++) {
        if (ngx_http_apigw_vtl_str_eq(tpl->context_names[i].data,
                                      tpl->context_names[i].len,
                                      "requestOverride")
            || ngx_http_apigw_vtl_str_eq(tpl->context_names[i].data,
                                         tpl->context_names[i].len,
                                         "responseOverride"))
        {
            tpl->context_overrides = 1;
        }
    }

    return tpl;
}


ngx_uint_t
ngx_http_apigw_vtl_needs(ngx_http_apigw_vtl_t *tpl)
{
    return tpl->uses;
}


ngx_str_t *
ngx_http_apigw_vtl_context_names(ngx_http_apigw_vtl_t *tpl, ngx_uint_t *n)
{
    *n = tpl->ncontext_names;

    return tpl->context_names;
}


ngx_str_t *
ngx_http_apigw_vtl_param_names(ngx_http_apigw_vtl_t *tpl, ngx_uint_t *n)
{
    *n = tpl->nparam_names;

    return tpl->param_names;
}


/* a member of $context, or a parameter, the template names, once */

static ngx_int_t
ngx_http_apigw_vtl_add_name(ngx_http_apigw_vtl_parser_t *ps,
    ngx_str_t **names, ngx_uint_t *n, ngx_str_t *name)
{
    ngx_str_t   *nn;
    ngx_uint_t   i;

    for (i = 0; i < *n; i++) {
        if ((*names)[i].len == name->len
            && memcmp((*names)[i].data, name->data, name->len) == 0)
        {
            return NGX_OK;
        }
    }

    /* a new array each time: templates name few */

    nn = ngx_http_apigw_alloc(ps->a, (*n + 1) * sizeof(ngx_str_t));
    if (nn == NULL) {
        return NGX_ERROR;
    }

    if (*n) {
        ngx_memcpy(nn, *names, *n * sizeof(ngx_str_t));
    }

    nn[(*n)++] = *name;
    *names = nn;

    return NGX_OK;
}


/* the slot of a variable's name, a new one for a new name */

static ngx_int_t
ngx_http_apigw_vtl_slot(ngx_http_apigw_vtl_parser_t *ps, ngx_str_t *name)
{
    ngx_str_t   *names;
    ngx_uint_t   i;

    for (i = 0; i < ps->nnames; i++) {
        if (ps->names[i].len == name->len
            && memcmp(ps->names[i].data, name->data, name->len) == 0)
        {
            return (ngx_int_t) i;
        }
    }

    if (ps->nnames == ps->names_alloc) {
        names = ngx_http_apigw_alloc(ps->a, (ps->names_alloc * 2 + 16)
                                            * sizeof(ngx_str_t));
        if (names == NULL) {
            return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        }

        if (ps->nnames) {
            ngx_memcpy(names, ps->names, ps->nnames * sizeof(ngx_str_t));
        }

        ps->names = names;
        ps->names_alloc = ps->names_alloc * 2 + 16;
    }

    ps->names[ps->nnames] = *name;

    return (ngx_int_t) ps->nnames++;
}


/* statements up to EOF, or #end / #else / #elseif inside a block */

static ngx_int_t
ngx_http_apigw_vtl_block(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t **head, ngx_uint_t mode, ngx_uint_t *term)
{
    u_char                      *q, *start;
    ngx_int_t                    rc;
    ngx_http_apigw_vtl_node_t  **tail;

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NGX_ERROR;
    }

    *head = NULL;
    tail = head;
    *term = NGX_HTTP_APIGW_VTL_T_EOF;

    while (ps->p < ps->last) {

        start = ps->p;

        /* "#set(" and the blanks that start the same token */

        if (*start == ' ' || *start == '\t' || *start == '#') {
            q = ngx_http_apigw_vtl_match_set(start, ps->last);

            if (q != NULL) {
                ps->p = q;

                if (ngx_http_apigw_vtl_set(ps, &tail, start) != NGX_OK) {
                    return NGX_ERROR;
                }

                continue;
            }
        }

        switch (*start) {

        case '$':
            rc = ngx_http_apigw_vtl_dollar(ps, &tail, 0, start, NULL);
            break;

        case '#':
            rc = ngx_http_apigw_vtl_hash(ps, &tail, mode, term);

            if (rc == NGX_HTTP_APIGW_VTL_DONE) {
                ps->depth--;
                return NGX_OK;
            }

            break;

        case '\\':
            rc = ngx_http_apigw_vtl_backslash(ps, &tail);
            break;

        default:
            q = start;

            while (q < ps->last && *q != '$' && *q != '#' && *q != '\\') {
                q++;
            }

            ps->p = q;
            rc = ngx_http_apigw_vtl_text(ps, &tail, start, q - start);
            break;
        }

        if (rc != NGX_OK) {
            return NGX_ERROR;
        }
    }

    ps->depth--;

    return NGX_OK;
}


/*
 * "$..." at ps->p (after "bs", the first of "escapes" backslashes, and
 * a prefix such as the "#" of "#$a"): a reference, or text
 */

static ngx_int_t
ngx_http_apigw_vtl_dollar(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, ngx_uint_t escapes, u_char *bs,
    ngx_str_t *prefix)
{
    u_char                     *p, *dollar;
    ngx_int_t                   rc;
    ngx_str_t                   pfx;
    ngx_http_apigw_vtl_ref_t   *ref;
    ngx_http_apigw_vtl_node_t  *node;

    dollar = ps->p;

    /* "$$a": the first "$" is a prefix, as "#" of "#$a" */

    p = dollar;

    while (p + 1 < ps->last && p[1] == '$') {
        p++;
    }

    if (prefix != NULL && prefix->len) {
        pfx.data = prefix->data;
        pfx.len = p - prefix->data;

    } else {
        pfx.data = dollar;
        pfx.len = p - dollar;
    }

    ps->p = p;

    rc = ngx_http_apigw_vtl_ref(ps, escapes, &pfx, &ref);

    if (rc == NGX_ERROR) {
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_REF, p);
        if (node == NULL) {
            return NGX_ERROR;
        }

        node->u.ref = ref;
        **tail = node;
        *tail = &node->next;

        return NGX_OK;
    }

    /*
     * not a reference: "${" and "$!{" stay text as written; otherwise
     * Velocity keeps the backslashes, "#" and "$" but drops a "!"
     */

    p++;

    if (p < ps->last && *p == '!') {
        if (p + 1 < ps->last && p[1] == '{') {
            p += 2;

        } else {
            if (ngx_http_apigw_vtl_text(ps, tail, bs, p - bs) != NGX_OK) {
                return NGX_ERROR;
            }

            ps->p = p + 1;
            return NGX_OK;
        }

    } else if (p < ps->last && *p == '{') {
        p++;
    }

    ps->p = p;

    return ngx_http_apigw_vtl_text(ps, tail, bs, p - bs);
}


/* "#...": a directive, a comment or text; ..._DONE for a terminator */

static ngx_int_t
ngx_http_apigw_vtl_hash(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, ngx_uint_t mode, ngx_uint_t *term)
{
    u_char                     *p, *start, *q;
    ngx_str_t                   name, pfx;
    ngx_http_apigw_vtl_node_t  *node;

    start = ps->p;
    p = start + 1;

    if (p >= ps->last) {
        ps->p = p;
        return ngx_http_apigw_vtl_text(ps, tail, start, 1);
    }

    /* "##" comment, with its newline */

    if (*p == '#') {
        q = p + 1;

        while (q < ps->last && *q != '\n' && *q != '\r') {
            q++;
        }

        ps->p = ngx_http_apigw_vtl_eol(q, ps->last);
        return NGX_OK;
    }

    /* "#* *#" and "#** *#" comments */

    if (*p == '*') {
        for (q = p + 1; q + 1 < ps->last; q++) {
            if (q[0] == '*' && q[1] == '#') {
                ps->p = q + 2;
                return NGX_OK;
            }
        }

        return ngx_http_apigw_vtl_fail(ps, start, "unterminated #* comment");
    }

    /* "#[[ unparsed ]]#" */

    if (*p == '[' && p + 1 < ps->last && p[1] == '[') {
        for (q = p + 2; q + 2 < ps->last; q++) {
            if (q[0] == ']' && q[1] == ']' && q[2] == '#') {
                ps->p = q + 3;
                return ngx_http_apigw_vtl_text(ps, tail, p + 2, q - (p + 2));
            }
        }

        return ngx_http_apigw_vtl_fail(ps, start,
                                       "unterminated #[[ block");
    }

    /* "#$a": a reference with the prefix "#" */

    if (*p == '$') {
        ps->p = p;
        pfx.data = start;
        pfx.len = 1;
        return ngx_http_apigw_vtl_dollar(ps, tail, 0, start, &pfx);
    }

    if (*p == '{') {
        q = ngx_http_apigw_vtl_word(p + 1, ps->last);

        if (q == NULL || q >= ps->last || *q != '}') {
            ps->p = p;
            return ngx_http_apigw_vtl_text(ps, tail, start, 1);
        }

        name.data = p + 1;
        name.len = q - (p + 1);
        p = q + 1;

    } else {
        q = ngx_http_apigw_vtl_word(p, ps->last);

        if (q == NULL) {
            /* "#1", "# ": text */
            ps->p = p;
            return ngx_http_apigw_vtl_text(ps, tail, start, 1);
        }

        name.data = p;
        name.len = q - p;
        p = q;
    }

    if (ngx_http_apigw_vtl_str_eq(name.data, name.len, "end")
        || ngx_http_apigw_vtl_str_eq(name.data, name.len, "else")
        || ngx_http_apigw_vtl_str_eq(name.data, name.len, "elseif"))
    {
        if (name.len == 6) {
            if (mode != 2) {
                return ngx_http_apigw_vtl_fail(ps, start,
                                               "#elseif without #if");
            }

            ps->p = p;
            *term = NGX_HTTP_APIGW_VTL_T_ELSEIF;
            return NGX_HTTP_APIGW_VTL_DONE;
        }

        if (name.len == 4 && mode != 2) {
            return ngx_http_apigw_vtl_fail(ps, start, "#else without #if");
        }

        if (name.len == 3 && mode == 0) {
            return ngx_http_apigw_vtl_fail(ps, start,
                                           "#end without a block");
        }

        /* blanks and a newline after #end and #else */

        q = p;

        while (q < ps->last && ngx_http_apigw_vtl_is_blank(*q)) {
            q++;
        }

        if (q < ps->last && (*q == '\n' || *q == '\r')) {
            p = ngx_http_apigw_vtl_eol(q, ps->last);
        }

        ps->p = p;
        *term = (name.len == 3) ? NGX_HTTP_APIGW_VTL_T_END
                                : NGX_HTTP_APIGW_VTL_T_ELSE;
        return NGX_HTTP_APIGW_VTL_DONE;
    }

    if (ngx_http_apigw_vtl_str_eq(name.data, name.len, "if")) {
        ps->p = p;
        return ngx_http_apigw_vtl_if(ps, tail, start);
    }

    if (ngx_http_apigw_vtl_str_eq(name.data, name.len, "stop")) {
        node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_STOP, start);
        if (node == NULL) {
            return NGX_ERROR;
        }

        **tail = node;
        *tail = &node->next;
        ps->p = p;
        return NGX_OK;
    }

    ps->p = p;

    return ngx_http_apigw_vtl_directive(ps, tail, start, &name);
}


/*
 * backslashes: "\$a" and "\#if" escape; before anything else they are
 * text, as are "\\" pairs except before a directive, where each pair
 * renders one backslash
 */

static ngx_int_t
ngx_http_apigw_vtl_backslash(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail)
{
    u_char     *start, *p, *q, *w;
    size_t      n;
    ngx_str_t   word;

    start = ps->p;
    p = start;

    while (p < ps->last && *p == '\\') {
        p++;
    }

    n = p - start;

    if (p < ps->last && *p == '$') {
        ps->p = p;
        return ngx_http_apigw_vtl_dollar(ps, tail, n, start, NULL);
    }

    if (p + 1 < ps->last && *p == '#') {

        q = p + 1;
        word.data = NULL;
        word.len = 0;

        if (*q == '{') {
            w = ngx_http_apigw_vtl_word(q + 1, ps->last);

            if (w != NULL && w < ps->last && *w == '}') {
                word.data = q + 1;
                word.len = w - (q + 1);
                q = w + 1;
            }

        } else {
            w = ngx_http_apigw_vtl_word(q, ps->last);

            if (w != NULL) {
                word.data = q;
                word.len = w - q;
                q = w;
            }
        }

        if (n % 2 == 1 && word.len) {

            /* an escaped directive: "\#if" renders "#if" */

            ps->p = q;

            if (!ngx_http_apigw_vtl_is_directive(ps, word.data, word.len)) {
                return ngx_http_apigw_vtl_text(ps, tail, start, q - start);
            }

            if (ngx_http_apigw_vtl_text(ps, tail, start, (n - 1) / 2)
                != NGX_OK)
            {
                return NGX_ERROR;
            }

            return ngx_http_apigw_vtl_text(ps, tail, p, q - p);
        }

        if (n % 2 == 0 && word.len
            && ngx_http_apigw_vtl_is_directive(ps, word.data, word.len)
            && !ngx_http_apigw_vtl_str_eq(word.data, word.len, "set"))
        {
            /* "\\#if(...)": one backslash, then the directive */
            ps->p = p;
            return ngx_http_apigw_vtl_text(ps, tail, start, n / 2);
        }
    }

    ps->p = p;

    return ngx_http_apigw_vtl_text(ps, tail, start, n);
}


/* "#set(" seen; ps->p after "(" */

static ngx_int_t
ngx_http_apigw_vtl_set(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start)
{
    u_char                     *hash;
    ngx_int_t                   rc;
    ngx_http_apigw_vtl_tok_t    t;
    ngx_http_apigw_vtl_node_t  *node;

    hash = start;

    while (*hash != '#') {
        hash++;
    }

    node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_SET, hash);
    if (node == NULL) {
        return NGX_ERROR;
    }

    ngx_http_apigw_vtl_skip_ws(ps);

    if (ps->p >= ps->last || *ps->p != '$') {
        return ngx_http_apigw_vtl_fail(ps, ps->p,
                                       "#set expects a reference");
    }

    rc = ngx_http_apigw_vtl_ref(ps, 0, NULL, &node->u.set.left);

    if (rc == NGX_DECLINED) {
        return ngx_http_apigw_vtl_fail(ps, ps->p,
                                       "#set expects a reference");
    }

    if (rc != NGX_OK) {
        return NGX_ERROR;
    }

    if (node->u.set.left->slot == NGX_HTTP_APIGW_VTL_SLOT_CONTEXT) {
        /* it may add a member: the overrides first, in their place */
        ps->tpl->context_overrides = 1;
    }

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type != NGX_HTTP_APIGW_VTL_K_ASSIGN) {
        return ngx_http_apigw_vtl_fail(ps, t.start, "#set expects \"=\"");
    }

    ps->p = t.end;

    node->u.set.right = ngx_http_apigw_vtl_expr(ps);
    if (node->u.set.right == NULL) {
        return NGX_ERROR;
    }

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type != NGX_HTTP_APIGW_VTL_K_RPAREN) {
        return ngx_http_apigw_vtl_fail(ps, t.start, "#set expects \")\"");
    }

    ps->p = ngx_http_apigw_vtl_rparen(ps, t.start);

    **tail = node;
    *tail = &node->next;

    return NGX_OK;
}


/* "#if" seen: ( cond ) block [#elseif ( cond ) block]* [#else block] #end */

static ngx_int_t
ngx_http_apigw_vtl_if(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start)
{
    ngx_uint_t                    term, seen_else;
    ngx_http_apigw_vtl_tok_t      t;
    ngx_http_apigw_vtl_node_t    *node;
    ngx_http_apigw_vtl_branch_t  *br, **brp;

    node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_IF, start);
    if (node == NULL) {
        return NGX_ERROR;
    }

    brp = &node->u.branches;
    seen_else = 0;

    for ( ;; ) {

        br = ngx_http_apigw_alloc(ps->a, sizeof(ngx_http_apigw_vtl_branch_t));
        if (br == NULL) {
            return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        }

        ngx_memzero(br, sizeof(ngx_http_apigw_vtl_branch_t));
        *brp = br;
        brp = &br->next;

        if (!seen_else) {
            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type != NGX_HTTP_APIGW_VTL_K_LPAREN) {
                return ngx_http_apigw_vtl_fail(ps, t.start,
                                               "#if expects \"(\"");
            }

            ps->p = t.end;

            br->cond = ngx_http_apigw_vtl_expr(ps);
            if (br->cond == NULL) {
                return NGX_ERROR;
            }

            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type != NGX_HTTP_APIGW_VTL_K_RPAREN) {
                return ngx_http_apigw_vtl_fail(ps, t.start,
                                               "#if expects \")\"");
            }

            ps->p = ngx_http_apigw_vtl_rparen(ps, t.start);
        }

        if (ngx_http_apigw_vtl_block(ps, &br->body, seen_else ? 1 : 2, &term)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        if (term == NGX_HTTP_APIGW_VTL_T_END) {
            break;
        }

        if (term == NGX_HTTP_APIGW_VTL_T_EOF) {
            return ngx_http_apigw_vtl_fail(ps, start, "#if without #end");
        }

        if (seen_else) {
            return ngx_http_apigw_vtl_fail(ps, ps->p,
                                           "#else or #elseif after #else");
        }

        if (term == NGX_HTTP_APIGW_VTL_T_ELSE) {
            seen_else = 1;
        }
    }

    **tail = node;
    *tail = &node->next;

    return NGX_OK;
}


/* "#name" seen, ps->p after it: #foreach, #break, #define, #macro, ... */

static ngx_int_t
ngx_http_apigw_vtl_directive(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start, ngx_str_t *name)
{
    u_char                      *p, *after;
    ngx_uint_t                   nargs, i, term, is_foreach, is_define,
                                 is_macro;
    ngx_http_apigw_vtl_expr_t  **args;

    args = NULL;
    nargs = 0;
    ngx_http_apigw_vtl_node_t   *node, *body;

    /* "(" after optional blanks and newlines */

    p = ps->p;

    while (p < ps->last && ngx_http_apigw_vtl_is_ws(*p)) {
        p++;
    }

    is_foreach = ngx_http_apigw_vtl_str_eq(name->data, name->len, "foreach");
    is_define = ngx_http_apigw_vtl_str_eq(name->data, name->len, "define");
    is_macro = ngx_http_apigw_vtl_str_eq(name->data, name->len, "macro");

    if (ngx_http_apigw_vtl_str_eq(name->data, name->len, "include")
        || ngx_http_apigw_vtl_str_eq(name->data, name->len, "parse")
        || ngx_http_apigw_vtl_str_eq(name->data, name->len, "evaluate")
        || ngx_http_apigw_vtl_str_eq(name->data, name->len, "literal")
        || (name->len && name->data[0] == '@'))
    {
        return ngx_http_apigw_vtl_fail(ps, start, "unsupported directive");
    }

    if (p >= ps->last || *p != '(') {

        if (ngx_http_apigw_vtl_str_eq(name->data, name->len, "break")) {
            node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_BREAK,
                                           start);
            if (node == NULL) {
                return NGX_ERROR;
            }

            **tail = node;
            *tail = &node->next;
            return NGX_OK;
        }

        if (is_foreach || is_define || is_macro) {
            return ngx_http_apigw_vtl_fail(ps, start,
                                           "directive expects arguments");
        }

        /* "#word" that is no directive: text */

        return ngx_http_apigw_vtl_text(ps, tail, start, ps->p - start);
    }

    ps->p = p + 1;

    if (ngx_http_apigw_vtl_args(ps, &args, &nargs) != NGX_OK) {
        return NGX_ERROR;
    }

    after = ps->p;

    if (ngx_http_apigw_vtl_str_eq(name->data, name->len, "break")) {
        node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_BREAK, start);
        if (node == NULL) {
            return NGX_ERROR;
        }

        **tail = node;
        *tail = &node->next;
        return NGX_OK;
    }

    if (!is_foreach && !is_define && !is_macro) {

        /* a macro call, or text when no such macro exists */

        node = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_CALL, start);
        if (node == NULL) {
            return NGX_ERROR;
        }

        node->u.call.name = *name;
        node->u.call.literal.data = start;
        node->u.call.literal.len = after - start;
        node->u.call.nargs = nargs;
        node->u.call.args = args;

        **tail = node;
        *tail = &node->next;
        return NGX_OK;
    }

    node = ngx_http_apigw_vtl_node(ps, is_foreach ? NGX_HTTP_APIGW_VTL_FOREACH
                                   : is_define ? NGX_HTTP_APIGW_VTL_DEFINE
                                   : NGX_HTTP_APIGW_VTL_MACRO, start);
    if (node == NULL) {
        return NGX_ERROR;
    }

    if (is_foreach) {
        if (nargs != 3
            || args[0]->type != NGX_HTTP_APIGW_VTL_E_REF
            || args[0]->u.ref->nmods != 0
            || args[1]->type != NGX_HTTP_APIGW_VTL_E_WORD
            || !ngx_http_apigw_vtl_str_eq(args[1]->u.word.data,
                                          args[1]->u.word.len, "in"))
        {
            return ngx_http_apigw_vtl_fail(ps, start,
                                           "#foreach expects ($a in ...)");
        }

        node->u.foreach.var = args[0]->u.ref->name;
        node->u.foreach.slot = args[0]->u.ref->slot;
        node->u.foreach.iterable = args[2];

    } else if (is_define) {
        if (nargs != 1 || args[0]->type != NGX_HTTP_APIGW_VTL_E_REF
            || args[0]->u.ref->nmods != 0)
        {
            return ngx_http_apigw_vtl_fail(ps, start,
                                           "#define expects ($name)");
        }

        node->u.define.name = args[0]->u.ref->name;
        node->u.define.slot = args[0]->u.ref->slot;

    } else {
        if (nargs == 0 || args[0]->type != NGX_HTTP_APIGW_VTL_E_WORD) {
            return ngx_http_apigw_vtl_fail(ps, start,
                                           "#macro expects (name ...)");
        }

        node->u.define.name = args[0]->u.word;
        node->u.define.nparams = nargs - 1;
        node->u.define.params = ngx_http_apigw_alloc(ps->a,
                                               nargs * sizeof(ngx_str_t));
        node->u.define.slots = ngx_http_apigw_alloc(ps->a,
                                               nargs * sizeof(ngx_uint_t));
        if (node->u.define.params == NULL || node->u.define.slots == NULL) {
            return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        }

        for (i = 1; i < nargs; i++) {
            if (args[i]->type != NGX_HTTP_APIGW_VTL_E_REF
                || args[i]->u.ref->nmods != 0)
            {
                return ngx_http_apigw_vtl_fail(ps, args[i]->literal.data,
                                          "#macro parameters are $names");
            }

            node->u.define.params[i - 1] = args[i]->u.ref->name;
            node->u.define.slots[i - 1] = args[i]->u.ref->slot;
        }

        /* known from here on, for "\#name" */

        if (ps->nmacros == ps->nalloc) {
            ngx_http_apigw_vtl_node_t  **m;

            m = ngx_http_apigw_alloc(ps->a,
                                     (ps->nalloc * 2 + 4) * sizeof(void *));
            if (m == NULL) {
                return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
            }

            if (ps->nmacros) {
                ngx_memcpy(m, ps->macros, ps->nmacros * sizeof(void *));
            }

            ps->macros = m;
            ps->nalloc = ps->nalloc * 2 + 4;
        }

        ps->macros[ps->nmacros++] = node;
    }

    if (ngx_http_apigw_vtl_block(ps, &body, 1, &term) != NGX_OK) {
        return NGX_ERROR;
    }

    if (term != NGX_HTTP_APIGW_VTL_T_END) {
        return ngx_http_apigw_vtl_fail(ps, start, "directive without #end");
    }

    if (is_foreach) {
        node->u.foreach.body = body;

    } else {
        node->u.define.body = body;
    }

    **tail = node;
    *tail = &node->next;

    return NGX_OK;
}


/* directive arguments after "(": [ws] [, [ws]] arg ... ")" */

static ngx_int_t
ngx_http_apigw_vtl_args(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_expr_t ***args, ngx_uint_t *nargs)
{
    ngx_uint_t                   n, nalloc;
    ngx_http_apigw_vtl_tok_t     t;
    ngx_http_apigw_vtl_expr_t   *e, **v, **nv;

    n = 0;
    nalloc = 4;

    v = ngx_http_apigw_alloc(ps->a, nalloc * sizeof(void *));
    if (v == NULL) {
        return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
    }

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NGX_ERROR;
    }

    for ( ;; ) {
        ngx_http_apigw_vtl_token(ps, &t);

        if (t.type == NGX_HTTP_APIGW_VTL_K_RPAREN) {
            ps->p = ngx_http_apigw_vtl_rparen(ps, t.start);
            break;
        }

        if (t.type == NGX_HTTP_APIGW_VTL_K_COMMA && n > 0) {
            ps->p = t.end;
        }

        e = ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_ARG);
        if (e == NULL) {
            return NGX_ERROR;
        }

        if (n == nalloc) {
            nv = ngx_http_apigw_alloc(ps->a, 2 * nalloc * sizeof(void *));
            if (nv == NULL) {
                return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
            }

            ngx_memcpy(nv, v, n * sizeof(void *));
            v = nv;
            nalloc *= 2;
        }

        v[n++] = e;
    }

    ps->depth--;

    *args = v;
    *nargs = n;

    return NGX_OK;
}


/*
 * a reference at ps->p ("$"): NGX_OK, NGX_DECLINED when no identifier
 * follows (ps->p unchanged), NGX_ERROR
 */

static ngx_int_t
ngx_http_apigw_vtl_ref(ngx_http_apigw_vtl_parser_t *ps, ngx_uint_t escapes,
    ngx_str_t *prefix, ngx_http_apigw_vtl_ref_t **refp)
{
    u_char                     *dollar, *p, *q;
    ngx_int_t                   slot;
    ngx_uint_t                  quiet, formal, n, nalloc, i;
    ngx_http_apigw_vtl_ref_t   *ref;
    ngx_http_apigw_vtl_mod_t   *mods, *nm, *mod;
    ngx_http_apigw_vtl_tok_t    t;

    dollar = ps->p;
    p = dollar + 1;
    quiet = 0;
    formal = 0;

    if (p < ps->last && *p == '!') {
        quiet = 1;
        p++;
    }

    if (p < ps->last && *p == '{') {
        formal = 1;
        p++;
    }

    q = ngx_http_apigw_vtl_ident(p, ps->last);

    if (q == NULL
        || ngx_http_apigw_vtl_str_eq(p, (size_t) (q - p), "true")
        || ngx_http_apigw_vtl_str_eq(p, (size_t) (q - p), "false"))
    {
        return NGX_DECLINED;
    }

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NGX_ERROR;
    }

    ref = ngx_http_apigw_alloc(ps->a, sizeof(ngx_http_apigw_vtl_ref_t));
    if (ref == NULL) {
        return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
    }

    ngx_memzero(ref, sizeof(ngx_http_apigw_vtl_ref_t));

    ref->name.data = p;
    ref->name.len = q - p;
    ref->quiet = quiet;
    ref->escapes = escapes;

    slot = ngx_http_apigw_vtl_slot(ps, &ref->name);
    if (slot == NGX_ERROR) {
        return NGX_ERROR;
    }

    ref->slot = (ngx_uint_t) slot;


    if (prefix != NULL) {
        ref->prefix = *prefix;
    }

    ngx_http_apigw_vtl_position(ps, dollar, &ref->line, &ref->column);

    p = q;
    n = 0;
    nalloc = 0;
    mods = NULL;

    for ( ;; ) {

        if (p >= ps->last) {
            break;
        }

        if (*p != '[' && !(*p == '.' && p + 1 < ps->last
                           && ngx_http_apigw_vtl_is_alpha(p[1])))
        {
            break;
        }

        if (*p == '.') {
            q = ngx_http_apigw_vtl_ident(p + 1, ps->last);

            if (ngx_http_apigw_vtl_str_eq(p + 1, (size_t) (q - p - 1), "true")
                || ngx_http_apigw_vtl_str_eq(p + 1, (size_t) (q - p - 1),
                                             "false"))
            {
                break;
            }
        }

        if (n == nalloc) {
            nalloc = nalloc ? nalloc * 2 : 4;
            nm = ngx_http_apigw_alloc(ps->a,
                                  nalloc * sizeof(ngx_http_apigw_vtl_mod_t));
            if (nm == NULL) {
                return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
            }

            if (n) {
                ngx_memcpy(nm, mods, n * sizeof(ngx_http_apigw_vtl_mod_t));
            }

            mods = nm;
        }

        mod = &mods[n++];
        ngx_memzero(mod, sizeof(ngx_http_apigw_vtl_mod_t));

        if (*p == '[') {
            mod->type = NGX_HTTP_APIGW_VTL_M_INDEX;
            mod->nargs = 1;
            mod->args = ngx_http_apigw_alloc(ps->a, sizeof(void *));
            if (mod->args == NULL) {
                return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
            }

            ps->p = p + 1;

            mod->args[0] = ngx_http_apigw_vtl_primary(ps,
                                                 NGX_HTTP_APIGW_VTL_P_INDEX);
            if (mod->args[0] == NULL) {
                return NGX_ERROR;
            }

            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type != NGX_HTTP_APIGW_VTL_K_RBRACKET) {
                return ngx_http_apigw_vtl_fail(ps, t.start,
                                               "\"]\" expected");
            }

            p = t.end;
            continue;
        }

        /* ".name" or ".name(args)" */

        mod->name.data = p + 1;
        mod->name.len = q - (p + 1);
        mod->id = ngx_http_apigw_vtl_name_id(&mod->name);
        p = q;

        if (p < ps->last && *p == '(') {
            mod->type = NGX_HTTP_APIGW_VTL_M_METHOD;
            ps->p = p + 1;

            if (ngx_http_apigw_vtl_method(ps, mod) != NGX_OK) {
                return NGX_ERROR;
            }

            p = ps->p;

        } else {
            mod->type = NGX_HTTP_APIGW_VTL_M_PROP;
        }
    }

    if (formal) {
        if (p >= ps->last || *p != '}') {
            return ngx_http_apigw_vtl_fail(ps, p, "\"}\" expected");
        }

        p++;
    }

    ref->nmods = n;
    ref->mods = mods;
    ref->literal.data = dollar;
    ref->literal.len = p - dollar;

    ps->p = p;
    ps->depth--;

    ref->props = (n > 0);

    for (i = 0; i < n; i++) {
        if (mods[i].type != NGX_HTTP_APIGW_VTL_M_PROP) {
            ref->props = 0;
        }
    }

    ngx_http_apigw_vtl_precompile(ps, ref);
    ngx_http_apigw_vtl_uses(ps, ref);

    *refp = ref;

    return NGX_OK;
}


/* the number of a property's or a method's name */

static ngx_http_apigw_vtl_name_e
ngx_http_apigw_vtl_name_id(ngx_str_t *name)
{
    ngx_uint_t  i;

    static struct {
        ngx_str_t                   name;
        ngx_http_apigw_vtl_name_e   id;
    } names[] = {
        { ngx_string("class"), NGX_HTTP_APIGW_VTL_N_CLASS },
        { ngx_string("escapeJavaScript"),
          NGX_HTTP_APIGW_VTL_N_ESCAPE_JAVASCRIPT },
        { ngx_string("hasNext"), NGX_HTTP_APIGW_VTL_N_HAS_NEXT },
        { ngx_string("size"), NGX_HTTP_APIGW_VTL_N_SIZE },
        { ngx_string("params"), NGX_HTTP_APIGW_VTL_N_PARAMS },
        { ngx_string("json"), NGX_HTTP_APIGW_VTL_N_JSON },
        { ngx_string("path"), NGX_HTTP_APIGW_VTL_N_PATH },
        { ngx_string("body"), NGX_HTTP_APIGW_VTL_N_BODY },
        { ngx_string("get"), NGX_HTTP_APIGW_VTL_N_GET }
    };

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (name->len == names[i].name.len
            && memcmp(name->data, names[i].name.data, name->len) == 0)
        {
            return names[i].id;
        }
    }

    return NGX_HTTP_APIGW_VTL_N_OTHER;
}


/*
 * what a render must be given for this template: $context and
 * $stageVariables when named; $input.params() when called, or when
 * $input goes anywhere but .body, .json() and .path() (it may be called
 * there), so that a caller makes these costly values only when needed
 */

static void
ngx_http_apigw_vtl_uses(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_ref_t *ref)
{
    ngx_str_t                 *m;
    ngx_uint_t                *uses;
    ngx_http_apigw_vtl_mod_t  *mod;

    uses = &ps->tpl->uses;

    if (ngx_http_apigw_vtl_str_eq(ref->name.data, ref->name.len, "context")) {
        *uses |= NGX_HTTP_APIGW_VTL_USES_CONTEXT;

        /* $context.x names a member; anything else may see them all */

        if (ref->nmods == 0
            || ref->mods[0].type != NGX_HTTP_APIGW_VTL_M_PROP
            || ngx_http_apigw_vtl_add_name(ps, &ps->tpl->context_names,
                                           &ps->tpl->ncontext_names,
                                           &ref->mods[0].name)
               != NGX_OK)
        {
            *uses |= NGX_HTTP_APIGW_VTL_USES_CONTEXT_ALL;
        }

        return;
    }

    if (ngx_http_apigw_vtl_str_eq(ref->name.data, ref->name.len,
                                  "stageVariables"))
    {
        *uses |= NGX_HTTP_APIGW_VTL_USES_STAGE;
        return;
    }

    if (!ngx_http_apigw_vtl_str_eq(ref->name.data, ref->name.len, "input")) {
        return;
    }

    m = ref->nmods ? &ref->mods[0].name : NULL;

    if (m != NULL
        && (ngx_http_apigw_vtl_str_eq(m->data, m->len, "body")
            || ngx_http_apigw_vtl_str_eq(m->data, m->len, "getBody")
            || ngx_http_apigw_vtl_str_eq(m->data, m->len, "json")
            || ngx_http_apigw_vtl_str_eq(m->data, m->len, "path")))
    {
        return;
    }

    *uses |= NGX_HTTP_APIGW_VTL_USES_PARAMS;

    /* $input.params('x') names a parameter; anything else may see all */

    if (m == NULL) {
        *uses |= NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL;
        return;
    }

    mod = &ref->mods[0];

    if (mod->type != NGX_HTTP_APIGW_VTL_M_METHOD
        || mod->nargs != 1
        || !ngx_http_apigw_vtl_str_eq(m->data, m->len, "params")
        || mod->args[0]->type != NGX_HTTP_APIGW_VTL_E_STRING
        || mod->args[0]->u.str.tpl != NULL
        || ngx_http_apigw_vtl_add_name(ps, &ps->tpl->param_names,
                                       &ps->tpl->nparam_names,
                                       &mod->args[0]->u.str.value)
           != NGX_OK)
    {
        *uses |= NGX_HTTP_APIGW_VTL_USES_PARAMS_ALL;
    }
}


/* method arguments after "(": [param (, param)*] ")" */

static ngx_int_t
ngx_http_apigw_vtl_method(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_mod_t *mod)
{
    ngx_uint_t                   nalloc;
    ngx_http_apigw_vtl_tok_t     t;
    ngx_http_apigw_vtl_expr_t   *e, **nv;

    nalloc = 0;

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type == NGX_HTTP_APIGW_VTL_K_RPAREN) {
        ps->p = t.end;
        return NGX_OK;
    }

    for ( ;; ) {
        e = ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_PARAM);
        if (e == NULL) {
            return NGX_ERROR;
        }

        if (mod->nargs == nalloc) {
            nalloc = nalloc ? nalloc * 2 : 2;
            nv = ngx_http_apigw_alloc(ps->a, nalloc * sizeof(void *));
            if (nv == NULL) {
                return ngx_http_apigw_vtl_fail(ps, NULL, NULL);
            }

            if (mod->nargs) {
                ngx_memcpy(nv, mod->args, mod->nargs * sizeof(void *));
            }

            mod->args = nv;
        }

        mod->args[mod->nargs++] = e;

        ngx_http_apigw_vtl_token(ps, &t);

        if (t.type == NGX_HTTP_APIGW_VTL_K_RPAREN) {
            ps->p = t.end;
            return NGX_OK;
        }

        if (t.type != NGX_HTTP_APIGW_VTL_K_COMMA) {
            return ngx_http_apigw_vtl_fail(ps, t.start,
                                           "\",\" or \")\" expected");
        }

        ps->p = t.end;
    }
}


/* expressions: || && (== !=) (< > <= >=) (+ -) (* / %) ! primary */

static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_expr(ngx_http_apigw_vtl_parser_t *ps)
{
    ngx_http_apigw_vtl_expr_t  *e;

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NULL;
    }

    e = ngx_http_apigw_vtl_binary(ps, 0);

    ps->depth--;

    return e;
}


static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_binary(ngx_http_apigw_vtl_parser_t *ps, ngx_uint_t level)
{
    u_char                          *start;
    ngx_http_apigw_vtl_tok_t         t;
    ngx_http_apigw_vtl_expr_t       *left, *right, *e;
    ngx_http_apigw_vtl_expr_type_e   type;

    ngx_http_apigw_vtl_skip_ws(ps);
    start = ps->p;

    left = (level == 5) ? ngx_http_apigw_vtl_unary(ps)
                        : ngx_http_apigw_vtl_binary(ps, level + 1);
    if (left == NULL) {
        return NULL;
    }

    for ( ;; ) {
        ngx_http_apigw_vtl_token(ps, &t);

        switch (t.type) {
        case NGX_HTTP_APIGW_VTL_K_OR:
            type = NGX_HTTP_APIGW_VTL_E_OR;
            break;
        case NGX_HTTP_APIGW_VTL_K_AND:
            type = NGX_HTTP_APIGW_VTL_E_AND;
            break;
        case NGX_HTTP_APIGW_VTL_K_EQ:
            type = NGX_HTTP_APIGW_VTL_E_EQ;
            break;
        case NGX_HTTP_APIGW_VTL_K_NE:
            type = NGX_HTTP_APIGW_VTL_E_NE;
            break;
        case NGX_HTTP_APIGW_VTL_K_LT:
            type = NGX_HTTP_APIGW_VTL_E_LT;
            break;
        case NGX_HTTP_APIGW_VTL_K_GT:
            type = NGX_HTTP_APIGW_VTL_E_GT;
            break;
        case NGX_HTTP_APIGW_VTL_K_LE:
            type = NGX_HTTP_APIGW_VTL_E_LE;
            break;
        case NGX_HTTP_APIGW_VTL_K_GE:
            type = NGX_HTTP_APIGW_VTL_E_GE;
            break;
        case NGX_HTTP_APIGW_VTL_K_PLUS:
            type = NGX_HTTP_APIGW_VTL_E_ADD;
            break;
        case NGX_HTTP_APIGW_VTL_K_MINUS:
            type = NGX_HTTP_APIGW_VTL_E_SUB;
            break;
        case NGX_HTTP_APIGW_VTL_K_MUL:
            type = NGX_HTTP_APIGW_VTL_E_MUL;
            break;
        case NGX_HTTP_APIGW_VTL_K_DIV:
            type = NGX_HTTP_APIGW_VTL_E_DIV;
            break;
        case NGX_HTTP_APIGW_VTL_K_MOD:
            type = NGX_HTTP_APIGW_VTL_E_MOD;
            break;
        default:
            return left;
        }

        if (!((level == 0 && type == NGX_HTTP_APIGW_VTL_E_OR)
              || (level == 1 && type == NGX_HTTP_APIGW_VTL_E_AND)
              || (level == 2 && (type == NGX_HTTP_APIGW_VTL_E_EQ
                                 || type == NGX_HTTP_APIGW_VTL_E_NE))
              || (level == 3 && type >= NGX_HTTP_APIGW_VTL_E_LT
                  && type <= NGX_HTTP_APIGW_VTL_E_GE)
              || (level == 4 && (type == NGX_HTTP_APIGW_VTL_E_ADD
                                 || type == NGX_HTTP_APIGW_VTL_E_SUB))
              || (level == 5 && type >= NGX_HTTP_APIGW_VTL_E_MUL
                  && type <= NGX_HTTP_APIGW_VTL_E_MOD)))
        {
            return left;
        }

        ps->p = t.end;

        right = (level == 5) ? ngx_http_apigw_vtl_unary(ps)
                             : ngx_http_apigw_vtl_binary(ps, level + 1);
        if (right == NULL) {
            return NULL;
        }

        e = ngx_http_apigw_vtl_new_expr(ps, type, start);
        if (e == NULL) {
            return NULL;
        }

        e->u.op.left = left;
        e->u.op.right = right;
        e->literal.len = ps->p - start;
        left = e;
    }
}


static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_unary(ngx_http_apigw_vtl_parser_t *ps)
{
    ngx_http_apigw_vtl_tok_t    t;
    ngx_http_apigw_vtl_expr_t  *e;

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type != NGX_HTTP_APIGW_VTL_K_NOT) {
        return ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_EXPR);
    }

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NULL;
    }

    ps->p = t.end;

    e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_NOT, t.start);
    if (e == NULL) {
        return NULL;
    }

    e->u.op.left = ngx_http_apigw_vtl_unary(ps);
    if (e->u.op.left == NULL) {
        return NULL;
    }

    e->literal.len = ps->p - t.start;
    ps->depth--;

    return e;
}


/*
 * a primary of the given kind: literals, references, lists, maps,
 * ranges, and for expressions "( expr )", for directive args words
 */

static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_primary(ngx_http_apigw_vtl_parser_t *ps, ngx_uint_t kind)
{
    ngx_int_t                   rc;
    ngx_http_apigw_vtl_tok_t    t;
    ngx_http_apigw_vtl_expr_t  *e;

    ngx_http_apigw_vtl_token(ps, &t);

    switch (t.type) {

    case NGX_HTTP_APIGW_VTL_K_STRING:
        return ngx_http_apigw_vtl_string(ps, &t);

    case NGX_HTTP_APIGW_VTL_K_INT:
        return ngx_http_apigw_vtl_number(ps, &t);

    case NGX_HTTP_APIGW_VTL_K_FLOAT:
        if (kind == NGX_HTTP_APIGW_VTL_P_INDEX) {
            break;
        }

        return ngx_http_apigw_vtl_number(ps, &t);

    case NGX_HTTP_APIGW_VTL_K_TRUE:
    case NGX_HTTP_APIGW_VTL_K_FALSE:
        e = ngx_http_apigw_vtl_new_expr(ps,
                                  t.type == NGX_HTTP_APIGW_VTL_K_TRUE
                                  ? NGX_HTTP_APIGW_VTL_E_TRUE
                                  : NGX_HTTP_APIGW_VTL_E_FALSE, t.start);
        if (e == NULL) {
            return NULL;
        }

        e->literal.len = t.end - t.start;
        ps->p = t.end;
        return e;

    case NGX_HTTP_APIGW_VTL_K_DOLLAR:
        e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_REF,
                                        t.start);
        if (e == NULL) {
            return NULL;
        }

        ps->p = t.start;

        rc = ngx_http_apigw_vtl_ref(ps, 0, NULL, &e->u.ref);

        if (rc == NGX_DECLINED) {
            break;
        }

        if (rc != NGX_OK) {
            return NULL;
        }

        e->literal = e->u.ref->literal;
        return e;

    case NGX_HTTP_APIGW_VTL_K_LBRACKET:
        if (kind == NGX_HTTP_APIGW_VTL_P_INDEX) {
            break;
        }

        ps->p = t.end;
        return ngx_http_apigw_vtl_bracket(ps);

    case NGX_HTTP_APIGW_VTL_K_LCURLY:
        if (kind == NGX_HTTP_APIGW_VTL_P_INDEX) {
            break;
        }

        ps->p = t.end;
        return ngx_http_apigw_vtl_map(ps);

    case NGX_HTTP_APIGW_VTL_K_LPAREN:
        if (kind != NGX_HTTP_APIGW_VTL_P_EXPR) {
            break;
        }

        ps->p = t.end;

        e = ngx_http_apigw_vtl_expr(ps);
        if (e == NULL) {
            return NULL;
        }

        ngx_http_apigw_vtl_token(ps, &t);

        if (t.type != NGX_HTTP_APIGW_VTL_K_RPAREN) {
            ngx_http_apigw_vtl_fail(ps, t.start, "\")\" expected");
            return NULL;
        }

        ps->p = t.end;
        return e;

    case NGX_HTTP_APIGW_VTL_K_WORD:
        if (kind != NGX_HTTP_APIGW_VTL_P_ARG) {
            break;
        }

        e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_WORD,
                                        t.start);
        if (e == NULL) {
            return NULL;
        }

        e->u.word.data = t.start;
        e->u.word.len = t.end - t.start;
        e->literal = e->u.word;
        ps->p = t.end;
        return e;

    default:
        break;
    }

    ngx_http_apigw_vtl_fail(ps, t.start,
                            t.type == NGX_HTTP_APIGW_VTL_K_EOF
                            ? "unexpected end of template"
                            : "unexpected character");
    return NULL;
}


/* a string literal; "..." with "$" or "#" is parsed as a template */

static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_string(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_tok_t *t)
{
    u_char                      *save_last, *p;
    size_t                       len;
    ngx_uint_t                   term, interpolate;
    ngx_http_apigw_vtl_expr_t   *e;
    ngx_http_apigw_vtl_node_t   *tpl, *n;

    e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_STRING,
                                    t->start);
    if (e == NULL) {
        return NULL;
    }

    e->literal.len = t->end - t->start;
    e->u.str.value.data = t->start + 1;
    e->u.str.value.len = t->end - t->start - 2;

    interpolate = 0;

    if (*t->start == '"') {
        for (p = t->start + 1; p < t->end - 1; p++) {
            if (*p == '$' || *p == '#') {
                interpolate = 1;
                break;
            }
        }
    }

    ps->p = t->end;

    if (!interpolate) {
        return e;
    }

    save_last = ps->last;
    ps->p = t->start + 1;
    ps->last = t->end - 1;

    if (ngx_http_apigw_vtl_block(ps, &tpl, 0, &term) != NGX_OK) {
        return NULL;
    }

    ps->last = save_last;
    ps->p = t->end;

    /* only text: a constant */

    len = 0;

    for (n = tpl; n; n = n->next) {
        if (n->type != NGX_HTTP_APIGW_VTL_TEXT) {
            e->u.str.tpl = tpl;
            return e;
        }

        len += n->u.text.len;
    }

    p = ngx_http_apigw_alloc(ps->a, len + 1);
    if (p == NULL) {
        ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        return NULL;
    }

    e->u.str.value.data = p;
    e->u.str.value.len = len;

    for (n = tpl; n; n = n->next) {
        p = ngx_cpymem(p, n->u.text.data, n->u.text.len);
    }

    return e;
}


static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_number(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_tok_t *t)
{
    u_char                     *p;
    char                        buf[64];
    size_t                      len;
    int64_t                     v, d;
    ngx_uint_t                  neg;
    ngx_http_apigw_vtl_expr_t  *e;

    ps->p = t->end;
    len = t->end - t->start;

    if (t->type == NGX_HTTP_APIGW_VTL_K_FLOAT) {
        e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_DOUBLE,
                                        t->start);
        if (e == NULL) {
            return NULL;
        }

        if (len >= sizeof(buf)) {
            ngx_http_apigw_vtl_fail(ps, t->start, "number too long");
            return NULL;
        }

        ngx_memcpy(buf, t->start, len);
        buf[len] = '\0';

        e->u.dbl = strtod(buf, NULL);
        e->literal.len = len;
        return e;
    }

    e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_INT, t->start);
    if (e == NULL) {
        return NULL;
    }

    e->literal.len = len;

    p = t->start;
    neg = 0;

    if (*p == '-') {
        neg = 1;
        p++;
    }

    v = 0;

    for ( /* void */ ; p < t->end; p++) {
        d = *p - '0';

        if (v > (INT64_MAX - d) / 10) {
            ngx_http_apigw_vtl_fail(ps, t->start, "integer too large");
            return NULL;
        }

        v = v * 10 + d;
    }

    e->u.integer = neg ? -v : v;

    return e;
}


/* after "[": a list [a, b] or a range [a..b] */

static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_bracket(ngx_http_apigw_vtl_parser_t *ps)
{
    u_char                      *start, *save;
    ngx_uint_t                   n, nalloc;
    ngx_http_apigw_vtl_tok_t     t;
    ngx_http_apigw_vtl_expr_t   *e, *first, **v, **nv;

    start = ps->p - 1;

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NULL;
    }

    ngx_http_apigw_vtl_token(ps, &t);

    /* a range: "[" (ref | int) ".." (ref | int) "]" */

    if (t.type == NGX_HTTP_APIGW_VTL_K_INT
        || t.type == NGX_HTTP_APIGW_VTL_K_DOLLAR)
    {
        save = ps->p;

        first = ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_INDEX);

        if (first != NULL
            && (first->type == NGX_HTTP_APIGW_VTL_E_INT
                || first->type == NGX_HTTP_APIGW_VTL_E_REF))
        {
            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type == NGX_HTTP_APIGW_VTL_K_DOUBLEDOT) {
                ps->p = t.end;

                e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_RANGE,
                                                start);
                if (e == NULL) {
                    return NULL;
                }

                e->u.op.left = first;

                ngx_http_apigw_vtl_token(ps, &t);

                if (t.type != NGX_HTTP_APIGW_VTL_K_INT
                    && t.type != NGX_HTTP_APIGW_VTL_K_DOLLAR)
                {
                    ngx_http_apigw_vtl_fail(ps, t.start,
                                            "range expects an integer");
                    return NULL;
                }

                e->u.op.right = ngx_http_apigw_vtl_primary(ps,
                                                 NGX_HTTP_APIGW_VTL_P_INDEX);
                if (e->u.op.right == NULL) {
                    return NULL;
                }

                ngx_http_apigw_vtl_token(ps, &t);

                if (t.type != NGX_HTTP_APIGW_VTL_K_RBRACKET) {
                    ngx_http_apigw_vtl_fail(ps, t.start, "\"]\" expected");
                    return NULL;
                }

                ps->p = t.end;
                e->literal.len = ps->p - start;
                ps->depth--;
                return e;
            }
        }

        if (first == NULL) {
            return NULL;
        }

        /* not a range: parse again as a list */

        ps->p = save;
    }

    e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_LIST, start);
    if (e == NULL) {
        return NULL;
    }

    n = 0;
    nalloc = 0;
    v = NULL;

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type != NGX_HTTP_APIGW_VTL_K_RBRACKET) {

        for ( ;; ) {
            first = ngx_http_apigw_vtl_primary(ps,
                                               NGX_HTTP_APIGW_VTL_P_PARAM);
            if (first == NULL) {
                return NULL;
            }

            if (n == nalloc) {
                nalloc = nalloc ? 2 * nalloc : 4;
                nv = ngx_http_apigw_alloc(ps->a, nalloc * sizeof(void *));
                if (nv == NULL) {
                    ngx_http_apigw_vtl_fail(ps, NULL, NULL);
                    return NULL;
                }

                if (n) {
                    ngx_memcpy(nv, v, n * sizeof(void *));
                }

                v = nv;
            }

            v[n++] = first;

            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type == NGX_HTTP_APIGW_VTL_K_RBRACKET) {
                break;
            }

            if (t.type != NGX_HTTP_APIGW_VTL_K_COMMA) {
                ngx_http_apigw_vtl_fail(ps, t.start,
                                        "\",\" or \"]\" expected");
                return NULL;
            }

            ps->p = t.end;
        }
    }

    ps->p = t.end;

    e->u.list.nelts = n;
    e->u.list.elts = v;
    e->literal.len = ps->p - start;
    ps->depth--;

    return e;
}


/* after "{": a map {k: v, ...} */

static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_map(ngx_http_apigw_vtl_parser_t *ps)
{
    u_char                      *start;
    ngx_uint_t                   n, nalloc;
    ngx_http_apigw_vtl_tok_t     t;
    ngx_http_apigw_vtl_expr_t   *e, *k, *v, **elts, **nv;

    start = ps->p - 1;

    if (ngx_http_apigw_vtl_enter(ps) != NGX_OK) {
        return NULL;
    }

    e = ngx_http_apigw_vtl_new_expr(ps, NGX_HTTP_APIGW_VTL_E_MAP, start);
    if (e == NULL) {
        return NULL;
    }

    n = 0;
    nalloc = 0;
    elts = NULL;

    ngx_http_apigw_vtl_token(ps, &t);

    if (t.type != NGX_HTTP_APIGW_VTL_K_RCURLY) {

        for ( ;; ) {
            k = ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_PARAM);
            if (k == NULL) {
                return NULL;
            }

            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type != NGX_HTTP_APIGW_VTL_K_COLON) {
                ngx_http_apigw_vtl_fail(ps, t.start, "\":\" expected");
                return NULL;
            }

            ps->p = t.end;

            v = ngx_http_apigw_vtl_primary(ps, NGX_HTTP_APIGW_VTL_P_PARAM);
            if (v == NULL) {
                return NULL;
            }

            if (n + 2 > nalloc) {
                nalloc = nalloc ? 2 * nalloc : 8;
                nv = ngx_http_apigw_alloc(ps->a, nalloc * sizeof(void *));
                if (nv == NULL) {
                    ngx_http_apigw_vtl_fail(ps, NULL, NULL);
                    return NULL;
                }

                if (n) {
                    ngx_memcpy(nv, elts, n * sizeof(void *));
                }

                elts = nv;
            }

            elts[n++] = k;
            elts[n++] = v;

            ngx_http_apigw_vtl_token(ps, &t);

            if (t.type == NGX_HTTP_APIGW_VTL_K_RCURLY) {
                break;
            }

            if (t.type != NGX_HTTP_APIGW_VTL_K_COMMA) {
                ngx_http_apigw_vtl_fail(ps, t.start,
                                        "\",\" or \"}\" expected");
                return NULL;
            }

            ps->p = t.end;
        }
    }

    ps->p = t.end;

    e->u.list.nelts = n;
    e->u.list.elts = elts;
    e->literal.len = ps->p - start;
    ps->depth--;

    return e;
}


/* the next token of the directive state after whitespace; not consumed */

static void
ngx_http_apigw_vtl_token(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_tok_t *t)
{
    u_char  *p, *q, *last, *end;

    ngx_http_apigw_vtl_skip_ws(ps);

    p = ps->p;
    last = ps->last;
    t->start = p;
    t->end = p + 1;

    if (p >= last) {
        t->type = NGX_HTTP_APIGW_VTL_K_EOF;
        t->end = p;
        return;
    }

    switch (*p) {

    case '"':

        /*
         * the longest match: the first '"' not after a backslash ends
         * it; without one, the last '"' after a backslash
         */

        end = NULL;

        for (q = p + 1; q < last; q++) {
            if (*q == '"') {
                end = q;

                if (q[-1] != '\\') {
                    break;
                }
            }
        }

        if (end == NULL) {
            t->type = NGX_HTTP_APIGW_VTL_K_BAD;
            return;
        }

        t->type = NGX_HTTP_APIGW_VTL_K_STRING;
        t->end = end + 1;
        return;

    case '\'':
        for (q = p + 1; q < last && *q != '\''; q++) {
            /* void */
        }

        if (q >= last) {
            t->type = NGX_HTTP_APIGW_VTL_K_BAD;
            return;
        }

        t->type = NGX_HTTP_APIGW_VTL_K_STRING;
        t->end = q + 1;
        return;

    case '$':
        t->type = NGX_HTTP_APIGW_VTL_K_DOLLAR;
        return;

    case '[':
        t->type = NGX_HTTP_APIGW_VTL_K_LBRACKET;
        return;

    case ']':
        t->type = NGX_HTTP_APIGW_VTL_K_RBRACKET;
        return;

    case '{':
        t->type = NGX_HTTP_APIGW_VTL_K_LCURLY;
        return;

    case '}':
        t->type = NGX_HTTP_APIGW_VTL_K_RCURLY;
        return;

    case '(':
        t->type = NGX_HTTP_APIGW_VTL_K_LPAREN;
        return;

    case ')':
        t->type = NGX_HTTP_APIGW_VTL_K_RPAREN;
        return;

    case ',':
        t->type = NGX_HTTP_APIGW_VTL_K_COMMA;
        return;

    case ':':
        t->type = NGX_HTTP_APIGW_VTL_K_COLON;
        return;

    case '+':
        t->type = NGX_HTTP_APIGW_VTL_K_PLUS;
        return;

    case '*':
        t->type = NGX_HTTP_APIGW_VTL_K_MUL;
        return;

    case '/':
        t->type = NGX_HTTP_APIGW_VTL_K_DIV;
        return;

    case '%':
        t->type = NGX_HTTP_APIGW_VTL_K_MOD;
        return;

    case '&':
    case '|':
        if (p + 1 < last && p[1] == *p) {
            t->type = (*p == '&') ? NGX_HTTP_APIGW_VTL_K_AND
                                  : NGX_HTTP_APIGW_VTL_K_OR;
            t->end = p + 2;
            return;
        }

        t->type = NGX_HTTP_APIGW_VTL_K_BAD;
        return;

    case '=':
    case '!':
    case '<':
    case '>':
        if (p + 1 < last && p[1] == '=') {
            t->end = p + 2;
            t->type = (*p == '=') ? NGX_HTTP_APIGW_VTL_K_EQ
                      : (*p == '!') ? NGX_HTTP_APIGW_VTL_K_NE
                      : (*p == '<') ? NGX_HTTP_APIGW_VTL_K_LE
                      : NGX_HTTP_APIGW_VTL_K_GE;
            return;
        }

        t->type = (*p == '=') ? NGX_HTTP_APIGW_VTL_K_ASSIGN
                  : (*p == '!') ? NGX_HTTP_APIGW_VTL_K_NOT
                  : (*p == '<') ? NGX_HTTP_APIGW_VTL_K_LT
                  : NGX_HTTP_APIGW_VTL_K_GT;
        return;

    default:
        break;
    }

    /* numbers: -?\d+ ("1..3" is an integer), -?\d+.\d*, -?.\d+, exponent */

    q = p;

    if (*q == '-') {
        q++;
    }

    if (q < last && (ngx_http_apigw_vtl_is_digit(*q)
                     || (*q == '.' && q + 1 < last
                         && ngx_http_apigw_vtl_is_digit(q[1]))))
    {
        ngx_uint_t  is_float = 0;

        while (q < last && ngx_http_apigw_vtl_is_digit(*q)) {
            q++;
        }

        if (q < last && *q == '.' && !(q + 1 < last && q[1] == '.')) {
            is_float = 1;
            q++;

            while (q < last && ngx_http_apigw_vtl_is_digit(*q)) {
                q++;
            }
        }

        if (q < last && (*q == 'e' || *q == 'E')) {
            u_char  *x = q + 1;

            if (x < last && (*x == '+' || *x == '-')) {
                x++;
            }

            if (x < last && ngx_http_apigw_vtl_is_digit(*x)) {
                while (x < last && ngx_http_apigw_vtl_is_digit(*x)) {
                    x++;
                }

                is_float = 1;
                q = x;
            }
        }

        t->type = is_float ? NGX_HTTP_APIGW_VTL_K_FLOAT
                           : NGX_HTTP_APIGW_VTL_K_INT;
        t->end = q;
        return;
    }

    if (*p == '-') {
        t->type = NGX_HTTP_APIGW_VTL_K_MINUS;
        return;
    }

    if (*p == '.' && p + 1 < last && p[1] == '.') {
        t->type = NGX_HTTP_APIGW_VTL_K_DOUBLEDOT;
        t->end = p + 2;
        return;
    }

    q = ngx_http_apigw_vtl_word(p, last);

    if (q == NULL) {
        t->type = NGX_HTTP_APIGW_VTL_K_BAD;
        return;
    }

    t->end = q;
    t->type = NGX_HTTP_APIGW_VTL_K_WORD;

    switch (q - p) {
    case 2:
        if (p[0] == 'o' && p[1] == 'r') {
            t->type = NGX_HTTP_APIGW_VTL_K_OR;

        } else if (p[0] == 'e' && p[1] == 'q') {
            t->type = NGX_HTTP_APIGW_VTL_K_EQ;

        } else if (p[0] == 'n' && p[1] == 'e') {
            t->type = NGX_HTTP_APIGW_VTL_K_NE;

        } else if (p[0] == 'l' && p[1] == 't') {
            t->type = NGX_HTTP_APIGW_VTL_K_LT;

        } else if (p[0] == 'g' && p[1] == 't') {
            t->type = NGX_HTTP_APIGW_VTL_K_GT;

        } else if (p[0] == 'l' && p[1] == 'e') {
            t->type = NGX_HTTP_APIGW_VTL_K_LE;

        } else if (p[0] == 'g' && p[1] == 'e') {
            t->type = NGX_HTTP_APIGW_VTL_K_GE;
        }

        break;

    case 3:
        if (memcmp(p, "and", 3) == 0) {
            t->type = NGX_HTTP_APIGW_VTL_K_AND;

        } else if (memcmp(p, "not", 3) == 0) {
            t->type = NGX_HTTP_APIGW_VTL_K_NOT;
        }

        break;

    case 4:
        if (memcmp(p, "true", 4) == 0) {
            t->type = NGX_HTTP_APIGW_VTL_K_TRUE;
        }

        break;

    case 5:
        if (memcmp(p, "false", 5) == 0) {
            t->type = NGX_HTTP_APIGW_VTL_K_FALSE;
        }

        break;
    }
}


static void
ngx_http_apigw_vtl_skip_ws(ngx_http_apigw_vtl_parser_t *ps)
{
    while (ps->p < ps->last && ngx_http_apigw_vtl_is_ws(*ps->p)) {
        ps->p++;
    }
}


/* the ")" at p closing a directive also takes blanks and a newline */

static u_char *
ngx_http_apigw_vtl_rparen(ngx_http_apigw_vtl_parser_t *ps, u_char *p)
{
    u_char  *q;

    p++;
    q = p;

    while (q < ps->last && ngx_http_apigw_vtl_is_blank(*q)) {
        q++;
    }

    if (q < ps->last && (*q == '\n' || *q == '\r')) {
        return ngx_http_apigw_vtl_eol(q, ps->last);
    }

    return p;
}


/* past one "\n", "\r" or "\r\n" at p (or p itself at the end) */

static u_char *
ngx_http_apigw_vtl_eol(u_char *p, u_char *last)
{
    if (p >= last) {
        return p;
    }

    if (*p == '\r' && p + 1 < last && p[1] == '\n') {
        return p + 2;
    }

    return p + 1;
}


/* [ \t]* ("#set" | "#{set}") " "* "(" at p: the position after "(" */

static u_char *
ngx_http_apigw_vtl_match_set(u_char *p, u_char *last)
{
    while (p < last && ngx_http_apigw_vtl_is_blank(*p)) {
        p++;
    }

    if (last - p >= 4 && memcmp(p, "#set", 4) == 0) {
        p += 4;

    } else if (last - p >= 6 && memcmp(p, "#{set}", 6) == 0) {
        p += 6;

    } else {
        return NULL;
    }

    while (p < last && *p == ' ') {
        p++;
    }

    if (p < last && *p == '(') {
        return p + 1;
    }

    return NULL;
}


/* a directive word: [a-zA-Z_@][a-zA-Z0-9_@]*; NULL if none */

static u_char *
ngx_http_apigw_vtl_word(u_char *p, u_char *last)
{
    if (p >= last
        || !(ngx_http_apigw_vtl_is_alpha(*p) || *p == '_' || *p == '@'))
    {
        return NULL;
    }

    p++;

    while (p < last && (ngx_http_apigw_vtl_is_alpha(*p)
                        || ngx_http_apigw_vtl_is_digit(*p)
                        || *p == '_' || *p == '@'))
    {
        p++;
    }

    return p;
}


/* an identifier: [a-zA-Z_][a-zA-Z0-9_-]*; NULL if none */

static u_char *
ngx_http_apigw_vtl_ident(u_char *p, u_char *last)
{
    if (p >= last || !(ngx_http_apigw_vtl_is_alpha(*p) || *p == '_')) {
        return NULL;
    }

    p++;

    while (p < last && (ngx_http_apigw_vtl_is_alpha(*p)
                        || ngx_http_apigw_vtl_is_digit(*p)
                        || *p == '_' || *p == '-'))
    {
        p++;
    }

    return p;
}


static ngx_uint_t
ngx_http_apigw_vtl_is_directive(ngx_http_apigw_vtl_parser_t *ps, u_char *p,
    size_t len)
{
    ngx_uint_t         i;
    static const char *names[] = {
        "if", "else", "elseif", "end", "set", "stop", "foreach", "include",
        "parse", "macro", "literal", "evaluate", "break", "define", NULL
    };

    for (i = 0; names[i]; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], p, len) == 0) {
            return 1;
        }
    }

    for (i = 0; i < ps->nmacros; i++) {
        if (ps->macros[i]->u.define.name.len == len
            && memcmp(ps->macros[i]->u.define.name.data, p, len) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static ngx_http_apigw_vtl_node_t *
ngx_http_apigw_vtl_node(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_type_e type, u_char *pos)
{
    ngx_http_apigw_vtl_node_t  *n;

    n = ngx_http_apigw_alloc(ps->a, sizeof(ngx_http_apigw_vtl_node_t));
    if (n == NULL) {
        ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        return NULL;
    }

    ngx_memzero(n, sizeof(ngx_http_apigw_vtl_node_t));
    n->type = type;
    ngx_http_apigw_vtl_position(ps, pos, &n->line, &n->column);

    return n;
}


static ngx_http_apigw_vtl_expr_t *
ngx_http_apigw_vtl_new_expr(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_expr_type_e type, u_char *pos)
{
    ngx_http_apigw_vtl_expr_t  *e;

    e = ngx_http_apigw_alloc(ps->a, sizeof(ngx_http_apigw_vtl_expr_t));
    if (e == NULL) {
        ngx_http_apigw_vtl_fail(ps, NULL, NULL);
        return NULL;
    }

    ngx_memzero(e, sizeof(ngx_http_apigw_vtl_expr_t));
    e->type = type;
    e->literal.data = pos;
    ngx_http_apigw_vtl_position(ps, pos, &e->line, &e->column);

    return e;
}


/* appends a text node */

static ngx_int_t
ngx_http_apigw_vtl_text(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_node_t ***tail, u_char *start, size_t len)
{
    ngx_http_apigw_vtl_node_t  *n;

    if (len == 0) {
        return NGX_OK;
    }

    n = ngx_http_apigw_vtl_node(ps, NGX_HTTP_APIGW_VTL_TEXT, start);
    if (n == NULL) {
        return NGX_ERROR;
    }

    n->u.text.data = start;
    n->u.text.len = len;

    **tail = n;
    *tail = &n->next;

    return NGX_OK;
}


/*
 * $input.json('...') and $input.path('...') compile their JSONPath, and
 * replaceAll(), replaceFirst(), matches() and split() their regular
 * expression, once here when the argument is a constant
 */

static void
ngx_http_apigw_vtl_precompile(ngx_http_apigw_vtl_parser_t *ps,
    ngx_http_apigw_vtl_ref_t *ref)
{
    size_t                      pos;
    ngx_uint_t                  i;
    ngx_str_t                  *arg;
    ngx_http_apigw_vtl_mod_t   *mod;
    ngx_http_apigw_vtl_expr_t  *e;

    for (i = 0; i < ref->nmods; i++) {
        mod = &ref->mods[i];

        if (mod->type != NGX_HTTP_APIGW_VTL_M_METHOD || mod->nargs == 0) {
            continue;
        }

        e = mod->args[0];

        if (e->type != NGX_HTTP_APIGW_VTL_E_STRING || e->u.str.tpl != NULL) {
            continue;
        }

        arg = &e->u.str.value;

        if (i == 0 && mod->nargs == 1
            && ngx_http_apigw_vtl_str_eq(ref->name.data, ref->name.len,
                                         "input")
            && (ngx_http_apigw_vtl_str_eq(mod->name.data, mod->name.len,
                                          "json")
                || ngx_http_apigw_vtl_str_eq(mod->name.data, mod->name.len,
                                             "path")))
        {
            mod->jsonpath = ngx_http_apigw_jsonpath_compile(ps->a, arg,
                                                   &mod->jsonpath_err, &pos);
            if (mod->jsonpath == NULL && mod->jsonpath_err == NULL) {
                mod->jsonpath_err = "invalid JSONPath";
            }

            continue;
        }

        if ((mod->nargs == 2
             && (ngx_http_apigw_vtl_str_eq(mod->name.data, mod->name.len,
                                           "replaceAll")
                 || ngx_http_apigw_vtl_str_eq(mod->name.data, mod->name.len,
                                              "replaceFirst")))
            || (mod->nargs == 1
                && (ngx_http_apigw_vtl_str_eq(mod->name.data, mod->name.len,
                                              "matches")
                    || ngx_http_apigw_vtl_str_eq(mod->name.data,
                                                 mod->name.len, "split"))))
        {
            if (ngx_http_apigw_vtl_regex_compile(ps->a, arg, &mod->regex,
                                                 &mod->regex_err)
                != NGX_OK)
            {
                mod->regex = NULL;

                if (mod->regex_err == NULL) {
                    mod->regex_err = "invalid regular expression";
                }
            }
        }
    }
}


static ngx_int_t
ngx_http_apigw_vtl_fail(ngx_http_apigw_vtl_parser_t *ps, u_char *pos,
    const char *msg)
{
    if (ps->err->message != NULL) {
        return NGX_ERROR;
    }

    if (pos == NULL) {
        pos = ps->p;
    }

    if (msg == NULL) {
        msg = "out of memory";
    }

    if (pos > ps->last) {
        pos = ps->last;
    }

    ngx_http_apigw_vtl_position(ps, pos, &ps->err->line, &ps->err->column);
    ps->err->message = msg;

    return NGX_ERROR;
}


static void
ngx_http_apigw_vtl_position(ngx_http_apigw_vtl_parser_t *ps, u_char *pos,
    ngx_uint_t *line, ngx_uint_t *col)
{
    u_char  *p;

    if (pos < ps->lc_p) {
        ps->lc_p = ps->start;
        ps->lc_line = 1;
        ps->lc_col = 1;
    }

    for (p = ps->lc_p; p < pos; p++) {
        if (*p == '\n' || (*p == '\r' && p[1] != '\n')) {
            ps->lc_line++;
            ps->lc_col = 1;

        } else {
            ps->lc_col++;
        }
    }

    ps->lc_p = pos;

    *line = ps->lc_line;
    *col = ps->lc_col;
}


static ngx_int_t
ngx_http_apigw_vtl_enter(ngx_http_apigw_vtl_parser_t *ps)
{
    if (++ps->depth > NGX_HTTP_APIGW_VTL_MAX_PARSE_DEPTH) {
        return ngx_http_apigw_vtl_fail(ps, ps->p, "template nested too deeply");
    }

    return NGX_OK;
}
