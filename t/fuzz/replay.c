
/*
 * Copyright (C) ngx_http_apigw_module authors
 *
 * A main() for the fuzz targets without libFuzzer: each argument is an
 * input given once to LLVMFuzzerTestOneInput(), as libFuzzer replays a
 * corpus.  `make -C t/fuzz check` builds every target with it and the
 * system's cc (ASan, UBSan) and replays a few inputs, so that the targets
 * keep building and running where clang is not installed (make test).
 */


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


int
main(int argc, char **argv)
{
    int      i;
    long     n;
    FILE    *f;
    uint8_t *buf;

    for (i = 1; i < argc; i++) {
        f = fopen(argv[i], "rb");
        if (f == NULL
            || fseek(f, 0, SEEK_END) != 0
            || (n = ftell(f)) < 0
            || fseek(f, 0, SEEK_SET) != 0)
        {
            perror(argv[i]);
            return 1;
        }

        /* an input of its own size, as libFuzzer gives it */

        buf = malloc(n ? n : 1);
        if (buf == NULL || fread(buf, 1, n, f) != (size_t) n) {
            perror(argv[i]);
            return 1;
        }

        fclose(f);

        LLVMFuzzerTestOneInput(buf, n);

        free(buf);
    }

    printf("%s: %d inputs replayed\n", argv[0], argc - 1);

    return 0;
}
