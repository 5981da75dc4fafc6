/* Value parsers shared by every command line front end (softkvm run, a QEMU-compatible one). */
#ifndef SOFTKVM_CLI_VALUES_H
#define SOFTKVM_CLI_VALUES_H

#include <stddef.h>
#include <stdint.h>

/* A decimal whole number with no sign, space or suffix, in [min, max]. Returns 0 with *out set,
 * -EINVAL if s is NULL or not such a number, -ERANGE if it is outside [min, max] (or 64 bits). */
int cli_value_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* A size: a decimal whole number with an optional suffix K, M, G or T (powers of 1024, either
 * case, optionally followed by 'B' or 'iB'); a bare number counts in units of default_unit bytes
 * (QEMU's -m: 1 MiB). The size in bytes goes to *bytes. Returns 0, -EINVAL for a malformed size,
 * -ERANGE if it does not fit in 64 bits or is outside [min, max] bytes. */
int cli_value_size(const char *s, uint64_t default_unit, uint64_t min, uint64_t max,
                   uint64_t *bytes);

/* One of n names, compared exactly. Returns 0 with *index set, -EINVAL if s is NULL or none. */
int cli_value_enum(const char *s, const char *const names[], unsigned n, unsigned *index);

/* A comma-separated list of names from names[n] (repeats allowed, empty items ignored: "a,,b" is
 * "a,b"; s itself must not be empty). Each item's index i sets bit i of *mask (n <= 64). Returns
 * 0, or -EINVAL with *bad_at and *bad_len naming the first unknown item (*bad_at NULL if s is
 * NULL or empty). */
int cli_value_list(const char *s, const char *const names[], unsigned n, uint64_t *mask,
                   const char **bad_at, size_t *bad_len);

/* s as it can go into a one-line message: control and non-ASCII bytes as '?', at most len - 1
 * bytes (longer ones end in "..."). Returns buf. */
const char *cli_printable(const char *s, char *buf, size_t len);

#endif
