/* The x86-64 boards: `softkvm` (softkvm's own guest contract) and `pc` (a PC as QEMU's pc has it
 * for multiboot and PVH kernels); docs/platform.md. */
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

/* A PC: RAM from 0 with the 640 KiB-1 MiB hole, whose top 128 KiB (the BIOS area, where the ACPI
 * RSDP is searched for) holds softkvm's firmware: its boot stub, GDT and tables. */
static const struct mem_region pc_carve[] = {
    {"vga-hole", REGION_RESERVED, 0xA0000, X86_PC_FW - 0xA0000},
    {"bios", REGION_FIRMWARE, X86_PC_FW, X86_BOOT_END - X86_PC_FW},
};

static const struct mem_region pc_fixed[] = {
    {"ioapic", REGION_MMIO, 0xFEC00000, SKVM_PAGE_SIZE},
    {"lapic", REGION_MMIO, LAPIC_BASE, SKVM_PAGE_SIZE},
};

static const char *const pc_devices[] = {
    "i8259",
    "ioapic",
    "isa-pit",
    "mc146818rtc",
    "isa-serial,iobase=0x3f8",
    "fw_cfg_io,iobase=0x510",
    "isa-debugcon,iobase=0xe9",
    NULL,
};

static const struct board pc_board = {
    .name = "pc",
    .desc = "a PC for multiboot and PVH kernels: RAM from 0 with the ISA hole, UART, fw_cfg, 0xE9",
    .ram_low_max = 3 * GIB,
    .ram_high_base = 4 * GIB,
    .ram_start = 0,
    .carve = pc_carve,
    .ncarve = sizeof(pc_carve) / sizeof(pc_carve[0]),
    .fixed = pc_fixed,
    .nfixed = sizeof(pc_fixed) / sizeof(pc_fixed[0]),
    .devices = pc_devices,
    .irq_lines = 24,
};

const struct board *const x86_boards[] = {&softkvm_board, &pc_board, NULL};
