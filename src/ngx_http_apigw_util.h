
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * API Gateway's $util functions, and the JSON text of $input.json(), as
 * pure functions (see docs/dev/engines.md).  Each fills out with memory
 * from the allocator and returns NGX_OK, NGX_DECLINED on input that
 * API Gateway rejects (its Java code throws), or NGX_ERROR on allocation
 * failure.
 *
 * API Gateway works on Java strings: bytes that are not well-formed
 * UTF-8 become U+FFFD, one for each maximal ill-formed subpart (as
 * Java's UTF-8 decoder and the Unicode standard do), in every function
 * here; outputs are always well-formed UTF-8.
 */


#ifndef _NGX_HTTP_APIGW_UTIL_H_INCLUDED_
#define _NGX_HTTP_APIGW_UTIL_H_INCLUDED_


#include <ngx_http_apigw_engine.h>
#include <ngx_http_apigw_jv.h>


/* bytes ngx_http_apigw_util_format_double() writes at most */
#define NGX_HTTP_APIGW_UTIL_DOUBLE_LEN  32


/*
 * $util.escapeJavaScript(): StringEscapeUtils.escapeJavaScript() of
 * commons-lang 2.x: \" \' \\ \/, \b \t \n \f \r, other characters below
 * U+0020 and all from U+0080 as \uXXXX (uppercase hex, UTF-16 surrogate
 * pairs above U+FFFF); DEL (U+007F) is kept.  The \' it makes is not
 * valid JSON, as the AWS documentation warns.
 */
ngx_int_t ngx_http_apigw_util_escape_javascript(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/*
 * the same, written to d (room for 6 bytes each of the len bytes at p,
 * or as many as it counts with d NULL); returns the length
 */
size_t ngx_http_apigw_util_escape_js(u_char *d, u_char *p, size_t len);

/*
 * $util.urlEncode(): java.net.URLEncoder.encode(s, "UTF-8"): a-z A-Z 0-9
 * . - * _ are kept, space becomes "+", every other byte of the UTF-8
 * form %XX (uppercase)
 */
ngx_int_t ngx_http_apigw_util_url_encode(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/*
 * $util.urlDecode(): java.net.URLDecoder.decode(s, "UTF-8"): "+" is a
 * space, runs of %XX are bytes decoded as UTF-8; NGX_DECLINED where
 * Java throws IllegalArgumentException: "%" with fewer than two
 * characters after it, or two that are not hex (Java's Integer.parseInt
 * also takes "+h", and "-0" as 0; so does this)
 */
ngx_int_t ngx_http_apigw_util_url_decode(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/* $util.base64Encode(): RFC 4648 base64 of the UTF-8 form, padded */
ngx_int_t ngx_http_apigw_util_base64_encode(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/*
 * $util.base64Decode(): as java.util.Base64.getDecoder(): the standard
 * alphabet, padding optional but correct if present, no whitespace;
 * NGX_DECLINED otherwise.  The bytes are read as UTF-8 (a Java string).
 */
ngx_int_t ngx_http_apigw_util_base64_decode(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/*
 * a JSON string literal with its quotes, escaped as jansson's
 * json_dumps() does: \" \\ \b \f \n \r \t, other characters below
 * U+0020 as \u00XX; "/" and non-ASCII characters are kept
 */
ngx_int_t ngx_http_apigw_util_json_quote(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);

/*
 * the same escaping without the quotes, written to dst (or only
 * measured when dst is NULL); returns the length.  dst must have room
 * for it: at most 6 * len bytes.
 */
size_t ngx_http_apigw_util_json_escape(u_char *dst, u_char *src, size_t len);

/*
 * $util.parseJson(): any JSON value, "\u0000" allowed in strings, nothing
 * after the value (see ngx_http_apigw_jv_parse(): as jansson's
 * json_loadb() with JSON_DECODE_ANY | JSON_ALLOW_NUL); NGX_DECLINED on a
 * syntax error.  Strings of *out may point into in.
 */
ngx_int_t ngx_http_apigw_util_parse_json(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_http_apigw_jv_t *out);

/*
 * the compact JSON text of a value, as $input.json() gives it:
 * {"a":1,"b":[1,2]}, members in their order, strings as in
 * ngx_http_apigw_util_json_quote(), integers as such, reals as Java's
 * Double.toString() (see ngx_http_apigw_util_format_double()); it may
 * be the text the value was parsed from (ngx_http_apigw_jv_text())
 */
ngx_int_t ngx_http_apigw_util_json_dump(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v, ngx_str_t *out);

/* the same text written to out, which grows as needed */
ngx_int_t ngx_http_apigw_util_json_write(ngx_http_apigw_alloc_t *a,
    ngx_http_apigw_jv_t *v, ngx_http_apigw_jv_out_t *out);

/*
 * Java's Double.toString() of a finite double: the shortest digits that
 * read back the same, "1.5", "10.0", "-0.0", "0.001", "1.0E7",
 * "1.0E-4", "1.7976931348623157E308"; NaN and infinities as Java
 * prints them.  Returns the end of what it wrote.
 */
u_char *ngx_http_apigw_util_format_double(u_char *buf, double d);

/* an integer in decimal (at most 20 bytes); returns the end */
u_char *ngx_http_apigw_util_format_int(u_char *buf, int64_t i);

/*
 * the input with ill-formed UTF-8 replaced by U+FFFD, as above; the
 * input itself (not a copy) when it is well-formed
 */
ngx_int_t ngx_http_apigw_util_utf8_sanitize(ngx_http_apigw_alloc_t *a,
    ngx_str_t *in, ngx_str_t *out);


#endif /* _NGX_HTTP_APIGW_UTIL_H_INCLUDED_ */
