/* What every fuzz target shares: the libFuzzer entry point and a reader of the input's bytes. */
#ifndef SOFTKVM_TESTS_FUZZ_H
#define SOFTKVM_TESTS_FUZZ_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libFuzzer contract: run one input, return 0. A failed check aborts (a crash to keep). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with a message when an invariant the target checks does not hold. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Consumes an input front to back; reads past its end give zeros. */
struct fuzz_in {
    const uint8_t *p;
    size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint64_t)(in->left > 0 ? *in->p : 0) << (8 * i);
        if (in->left > 0) {
            in->p++;
            in->left--;
        }
    }
    return v;
}

#endif
