# The engines' portable code: the JSON parser and $util.escapeJavaScript
# look at 16 bytes at a time with SSE2 where the compiler has it (always on
# x86-64), and byte by byte elsewhere.  The same tests again, built as for
# a machine without SSE2, so that the byte-by-byte paths are tested too.
# The sources are named with "=": their fragments are read after this one.

UNIT_TESTS += test_jv_portable test_util_portable test_vtl_portable

test_jv_portable_SRCS = $(test_jv_SRCS)
test_jv_portable_LIBS = $(test_jv_LIBS)
test_jv_portable_CPPFLAGS := -U__SSE2__

test_util_portable_SRCS = $(test_util_SRCS)
test_util_portable_LIBS = $(test_util_LIBS)
test_util_portable_CPPFLAGS := -U__SSE2__

test_vtl_portable_SRCS = $(test_vtl_SRCS)
test_vtl_portable_LIBS = $(test_vtl_LIBS)
test_vtl_portable_CPPFLAGS := -U__SSE2__
