/* The s390x board: RAM below the test device, lowcore and boot area in the first 64 KiB. */
#include "arch/s390x/s390x.h"
#include "softkvm/board.h"

static const struct mem_region s390_carve[] = {
    {"boot-area", REGION_FIRMWARE, 0, S390_BOOT_END},
};

static const struct mem_region s390_fixed[] = {
    {"test-device", REGION_MMIO, S390_TESTDEV, SKVM_PAGE_SIZE},
    {"virtio-console", REGION_MMIO, S390_VCON_BASE, SKVM_PAGE_SIZE},
};

static const char *const s390_devices[] = {
    "softkvm-testdev,base=0xf0000000",
    "softkvm-virtio-console,base=0xf0001000,schid=0x10000",
    NULL,
};

static const struct board s390_board = {
    .name = "softkvm",
    .desc = "softkvm's s390x machine: lowcore, test device, virtio console on DIAGNOSE 0x500",
    .ram_low_max = S390_TESTDEV,
    .carve = s390_carve,
    .ncarve = 1,
    .fixed = s390_fixed,
    .nfixed = sizeof(s390_fixed) / sizeof(s390_fixed[0]),
    .devices = s390_devices,
};

const struct board *const s390_boards[] = {&s390_board, NULL};
