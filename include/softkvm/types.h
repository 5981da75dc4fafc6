/* Basic types shared by every layer of softkvm: guest addresses and limits. */
#ifndef SOFTKVM_TYPES_H
#define SOFTKVM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A guest-physical address. Never a host pointer: turn it into one only through gmem. */
typedef uint64_t gpa_t;

/* A guest-virtual (effective) address, translated by the arch's page walker. */
typedef uint64_t gva_t;

#define SKVM_PAGE_SIZE 4096ULL
#define SKVM_PAGE_MASK (~(SKVM_PAGE_SIZE - 1))

/* Hard caps, checked where configured. */
#define SKVM_MAX_VCPUS   64
#define SKVM_MIN_RAM_MIB 2
#define SKVM_MAX_RAM_MIB (1u << 24) /* 16 TiB: the host decides what it can give */

#endif
