/* The PowerPC board (ppc and ppc64): RAM below the test device, boot info at 64 KiB. */
#include "arch/ppc/ppc.h"
#include "softkvm/board.h"

static const struct mem_region ppc_carve[] = {
    {"boot-area", REGION_FIRMWARE, PPC_BOOT_INFO, PPC_BOOT_END - PPC_BOOT_INFO},
};

static const struct mem_region ppc_fixed[] = {
    {"test-device", REGION_MMIO, PPC_TESTDEV, SKVM_PAGE_SIZE},
    {"irq-line", REGION_MMIO, PPC_IRQDEV, SKVM_PAGE_SIZE},
};

static const char *const ppc_devices[] = {"softkvm-testdev,base=0xf0000000", NULL};

static const struct board ppc_board = {
    .name = "softkvm",
    .desc = "softkvm's PowerPC machine: ePAPR boot, test device, external-interrupt line",
    .ram_low_max = PPC_TESTDEV,
    .carve = ppc_carve,
    .ncarve = 1,
    .fixed = ppc_fixed,
    .nfixed = sizeof(ppc_fixed) / sizeof(ppc_fixed[0]),
    .devices = ppc_devices,
};

const struct board *const ppc_boards[] = {&ppc_board, NULL};
