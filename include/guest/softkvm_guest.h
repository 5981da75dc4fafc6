/* softkvm guest SDK, arch-neutral part: boot info, test device, console, strings, self-checks. */
#ifndef SOFTKVM_GUEST_H
#define SOFTKVM_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Boot information block (docs/platform.md) ---- */

#define SKVM_BOOT_MAGIC   0x4D564B53u /* "SKVM" as little-endian bytes */
#define SKVM_BOOT_VERSION 1u

/* flags */
#define SKVM_BOOT_F_X86_VMMCALL (1u << 0) /* x86: the native hypercall is VMMCALL (AMD) */

struct skvm_boot_info {
    uint32_t magic;           /* SKVM_BOOT_MAGIC */
    uint32_t version;         /* SKVM_BOOT_VERSION */
    uint64_t ram_size;        /* bytes of RAM (x86: where, mem_map says; else 0 .. ram_size-1) */
    uint32_t ncpus;           /* number of vCPUs */
    uint32_t flags;           /* SKVM_BOOT_F_* */
    uint64_t testdev_base;    /* test device base (0xF0000000) */
    uint64_t boot_area_end;   /* kernel segments lie at or above this */
    uint64_t x86_pml4;        /* x86: guest-physical address of softkvm's PML4; 0 elsewhere */
    uint64_t mem_map;         /* x86: guest-physical address of the memory map; 0 elsewhere */
    uint32_t mem_map_entries; /* x86: entries there; 0: RAM is 0 .. ram_size - 1 */
    uint32_t reserved;
};

/* One memory-map entry (x86): RAM (type 1) may have a hole below 4 GiB when it is larger than
 * 3 GiB; softkvm's boot area is type 2. */
struct skvm_mem_entry {
    uint64_t addr, size;
    uint32_t type;
    uint32_t reserved;
};
#define SKVM_MEM_RAM      1u
#define SKVM_MEM_RESERVED 2u

_Static_assert(offsetof(struct skvm_boot_info, ram_size) == 8, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, ncpus) == 16, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, flags) == 20, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, testdev_base) == 24, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, boot_area_end) == 32, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, x86_pml4) == 40, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, mem_map) == 48, "boot info layout");
_Static_assert(offsetof(struct skvm_boot_info, mem_map_entries) == 56, "boot info layout");
_Static_assert(sizeof(struct skvm_boot_info) == 64, "boot info layout");
_Static_assert(sizeof(struct skvm_mem_entry) == 24, "memory map layout");

/* The block the kernel was entered with (set by crt0 before kmain runs). */
extern const struct skvm_boot_info *skvm_boot;

/* The kernel's entry point: crt0 calls it and ends the run with its return value. */
int kmain(const struct skvm_boot_info *bi);

/* ---- Test device (MMIO, 4 KiB) ---- */

#define SKVM_TESTDEV_BASE    0xF0000000UL
#define SKVM_TESTDEV_EXIT    0x0 /* 32-bit write of v: the run ends with status v & 0xFF */
#define SKVM_TESTDEV_CONSOLE 0x4 /* 8-bit write: the byte goes to the console */

/* End the run with status (32-bit store to the test device), then spin. */
__attribute__((noreturn)) void guest_exit(int status);

/* ---- Console ---- */

/* One byte to the console, by the arch's usual device (x86: the 16550 UART at 0x3F8). */
void arch_putc(char c);

/* One byte to the console through the test device instead (offset 4). */
void testdev_putc(char c);

/* Write s and a newline. Returns a non-negative number like the C library's. */
int puts(const char *s);

/* printf subset: %d %i %u %x %X %p %s %c %%, length l / ll / z, flag 0 and '-', width.
 * Returns the number of bytes written. */
__attribute__((format(printf, 1, 2))) int gprintf(const char *fmt, ...);
__attribute__((format(printf, 1, 0))) int gvprintf(const char *fmt, va_list ap);

/* The same formatting into buf (always NUL-terminated when size > 0); returns the length the
 * full output would have. */
__attribute__((format(printf, 3, 4))) int gsnprintf(char *buf, size_t size, const char *fmt, ...);

/* ---- Freestanding string functions (the compiler may also call these) ---- */

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- Self-checking tests ---- */

/* Name the test (printed by test_done) and print "TEST <name>". */
void test_start(const char *name);

/* Print "PASS <name> (<n> checks)" or "FAIL <name> (<n> failures)" and end the run with status
 * 0 or 1. */
__attribute__((noreturn)) void test_done(void);

/* Number of failed checks so far. */
unsigned test_failures(void);

/* Reporting helpers behind the macros. */
void test_check_result(bool ok, const char *file, int line, const char *expr);
void test_expect_result(bool ok, const char *file, int line, const char *expr,
                        unsigned long long got, unsigned long long want);

/* CHECK(cond): "FAIL: <file>:<line> <cond>" when cond is false. */
#define CHECK(cond) test_check_result(!!(cond), __FILE__, __LINE__, #cond)

/* EXPECT_EQ(got, want): compares as 64-bit unsigned; on mismatch prints
 * "FAIL: <file>:<line> <got> got 0x.. want 0x..". */
#define EXPECT_EQ(got, want)                                                                       \
    do {                                                                                           \
        unsigned long long got_ = (unsigned long long)(got);                                       \
        unsigned long long want_ = (unsigned long long)(want);                                     \
        test_expect_result(got_ == want_, __FILE__, __LINE__, #got, got_, want_);                  \
    } while (0)

/* EXPECT_NE(got, bad): fails when got equals bad (prints the same way, "want" being bad). */
#define EXPECT_NE(got, bad)                                                                        \
    do {                                                                                           \
        unsigned long long got_ = (unsigned long long)(got);                                       \
        unsigned long long bad_ = (unsigned long long)(bad);                                       \
        test_expect_result(got_ != bad_, __FILE__, __LINE__, #got " (must differ)", got_, bad_);   \
    } while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
