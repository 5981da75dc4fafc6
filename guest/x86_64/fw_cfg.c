/* x86-64 guest fw_cfg reads: a 16-bit key to the selector port, the item byte by byte. */
#include "guest/x86_64/fw_cfg.h"

#include "guest/x86_64/x86.h"

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

void fw_cfg_read(uint16_t key, void *buf, size_t len)
{
    uint8_t *p = buf;
    outw(FW_CFG_PORT_SEL, key);
    for (size_t i = 0; i < len; i++)
        p[i] = x86_inb(FW_CFG_PORT_DATA);
}

uint64_t fw_cfg_read_le(uint16_t key, size_t len)
{
    uint8_t b[8] = {0};
    fw_cfg_read(key, b, len > 8 ? 8 : len);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | b[i];
    return v;
}
