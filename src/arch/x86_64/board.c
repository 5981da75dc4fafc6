/* The x86-64 boards: `softkvm` (softkvm's own guest contract, docs/platform.md). */
#include "arch/x86_64/x86.h"
#include "softkvm/board.h"

#define GIB (1ULL << 30)

static const struct mem_region softkvm_carve[] = {
    {"boot-area", REGION_FIRMWARE, 0, X86_BOOT_END},
};

static const struct mem_region softkvm_fixed[] = {
    {"test-device", REGION_MMIO, X86_TESTDEV, SKVM_PAGE_SIZE},
    {"lapic", REGION_MMIO, LAPIC_BASE, SKVM_PAGE_SIZE},
};

static const char *const softkvm_devices[] = {
    "isa-serial,iobase=0x3f8",
    "isa-debug-exit,iobase=0xf4,iosize=4",
    "softkvm-testdev,base=0xf0000000",
    "fw_cfg_io,iobase=0x510",
    NULL,
};

/* RAM from 0 up to 3 GiB, the rest from 4 GiB; the first MiB is softkvm's boot area. */
static const struct board softkvm_board = {
    .name = "softkvm",
    .desc = "softkvm's x86-64 machine: boot area in the first MiB, UART, debug exit, test device",
    .ram_low_max = 3 * GIB,
    .ram_high_base = 4 * GIB,
    .ram_start = 0,
    .carve = softkvm_carve,
    .ncarve = 1,
    .fixed = softkvm_fixed,
    .nfixed = sizeof(softkvm_fixed) / sizeof(softkvm_fixed[0]),
    .devices = softkvm_devices,
    .irq_lines = 0,
};

const struct board *const x86_boards[] = {&softkvm_board, NULL};
