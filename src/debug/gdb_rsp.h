/* gdb remote serial protocol framing and hex helpers (pure functions, unit-tested). */
#ifndef SOFTKVM_DEBUG_GDB_RSP_H
#define SOFTKVM_DEBUG_GDB_RSP_H

#include <stddef.h>
#include <stdint.h>

#define RSP_MAX_PACKET 16384 /* the PacketSize the stub offers, payload bytes */

/* Incremental packet parser: feed bytes; a complete packet is reported once. */
struct rsp_parser {
    int state; /* 0 idle, 1 payload, 2 escape-free checksum hi, 3 checksum lo */
    char buf[RSP_MAX_PACKET + 1];
    size_t len;
    uint8_t sum, want;
    int overflow;
};

enum rsp_event {
    RSP_NONE = 0,  /* need more bytes */
    RSP_PACKET,    /* buf[0..len) is a packet (NUL-terminated), checksum good: ack with '+' */
    RSP_BAD,       /* a packet with a bad checksum or too long: nak with '-' */
    RSP_INTERRUPT, /* a 0x03 outside a packet */
};

void rsp_init(struct rsp_parser *p);

/* Feed one byte. */
enum rsp_event rsp_feed(struct rsp_parser *p, uint8_t c);

/* Frame payload[0..len) as "$payload#xx" into out (escaping '$', '#', '}' and '*'). Returns the
 * framed length, or 0 if out (of size outlen) is too small. */
size_t rsp_frame(const char *payload, size_t len, char *out, size_t outlen);

/* Hex of n bytes into out (2n chars + NUL). */
void rsp_hex(const uint8_t *bytes, size_t n, char *out);

/* Decode up to max bytes of hex from s; returns the count, or -1 on a bad digit or odd length. */
int rsp_unhex(const char *s, size_t slen, uint8_t *out, size_t max);

/* Parse a hex number at *s, advancing it. Returns 0, or -1 when there is none or it overflows. */
int rsp_hexnum(const char **s, uint64_t *v);

#endif
