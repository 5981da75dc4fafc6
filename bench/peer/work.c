/* The peer benchmark's guest workloads (sieve, branchy, memcopy): plain 64-bit code, built once
 * and linked both into softkvm's ELF64 format and into a multiboot ELF32 that QEMU boots. */
#include <stddef.h>
#include <stdint.h>

#ifndef PEER_WORKLOAD
#error "PEER_WORKLOAD must be 1 (sieve), 2 (branchy) or 3 (memcopy)"
#endif

#ifdef PEER_QUICK
#define SCALE 1
#else
#define SCALE 6
#endif

void peer_main(void);

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void putc_serial(char c)
{
    while ((inb(0x3FD) & 0x20) == 0) /* 16550 LSR: transmitter holding register empty */
        ;
    outb(0x3F8, (uint8_t)c);
}

static void puts_serial(const char *s)
{
    while (*s)
        putc_serial(*s++);
}

static void puthex(uint64_t v)
{
    for (int i = 60; i >= 0; i -= 4)
        putc_serial("0123456789abcdef"[(v >> i) & 0xF]);
}

#if PEER_WORKLOAD == 1
#define NAME "sieve"
/* Store-heavy: a byte sieve of Eratosthenes over 16 MiB, SCALE times (8 MiB when quick). */
#ifdef PEER_QUICK
#define SIEVE_N (8u << 20)
#else
#define SIEVE_N (16u << 20)
#endif
static uint8_t composite[SIEVE_N];

static uint64_t work(void)
{
    uint64_t sum = 0;
    for (unsigned round = 0; round < SCALE; round++) {
        for (uint32_t i = 0; i < SIEVE_N; i++)
            composite[i] = 0;
        for (uint32_t i = 2; (uint64_t)i * i < SIEVE_N; i++) {
            if (composite[i])
                continue;
            for (uint32_t j = i * i; j < SIEVE_N; j += i)
                composite[j] = 1;
        }
        uint64_t primes = 0;
        for (uint32_t i = 2; i < SIEVE_N; i++)
            primes += !composite[i];
        sum = sum * 31 + primes;
    }
    return sum;
}
#elif PEER_WORKLOAD == 2
#define NAME "branchy"
/* Branchy integer code: Collatz step counts, with a data-dependent branch per step. */
static uint64_t work(void)
{
    uint64_t total = 0, limit = 250000u * SCALE;
    for (uint64_t n = 1; n < limit; n++) {
        uint64_t x = n, steps = 0;
        while (x != 1) {
            if (x & 1)
                x = 3 * x + 1;
            else
                x >>= 1;
            steps++;
        }
        if (steps & 4)
            total += steps;
        else
            total ^= steps << 3;
    }
    return total;
}
#elif PEER_WORKLOAD == 3
#define NAME  "memcopy"
/* Memory copy: 8 MiB copied back and forth by a quadword loop and by `rep movsq`. */
#define WORDS ((8u << 20) / 8)
static uint64_t a[WORDS], b[WORDS];

static uint64_t work(void)
{
    for (uint64_t i = 0; i < WORDS; i++)
        a[i] = i * 0x9E3779B97F4A7C15ULL;
    for (unsigned round = 0; round < 4 * SCALE; round++) {
        for (uint64_t i = 0; i < WORDS; i++)
            b[i] = a[i] + round;
        void *d = a, *s = b;
        uint64_t n = WORDS;
        __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    }
    uint64_t sum = 0;
    for (uint64_t i = 0; i < WORDS; i += 511)
        sum = sum * 31 + a[i];
    return sum;
}
#endif

/* Runs the workload, prints its result on the serial port, ends through isa-debug-exit (0). */
void peer_main(void)
{
    uint64_t r = work();
    puts_serial("peer " NAME " result=");
    puthex(r);
    puts_serial("\n");
    __asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)0xF4));
    for (;;)
        __asm__ volatile("hlt");
}
