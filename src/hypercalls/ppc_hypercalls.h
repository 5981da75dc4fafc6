/* The PowerPC hypercall families (ePAPR vendor 1, KVM vendor 42), their ABI numbers, and the one
 * service they need from the PowerPC backend. */
#ifndef SOFTKVM_PPC_HYPERCALLS_H
#define SOFTKVM_PPC_HYPERCALLS_H

#include "softkvm/vm.h"
#include "softkvm/kvm_abi.h"

/* ePAPR hcall numbers (asm/epapr_hcalls.h). */

/* ePAPR return codes (r3). */

/* KVM_FEATURE_* on PowerPC: bit numbers of the KVM_HC_FEATURES result. */

/* MAP_MAGIC_PAGE's r4 flag: the guest does not map the page no-execute. */

/* The byte channel softkvm gives the guest as its console (hv-handle in the device tree). */
#define EPAPR_CONSOLE_HANDLE 1

/* Register the ePAPR calls into t (numbers of vendor 1): byte channel SEND / RECEIVE / POLL on
 * the console and EV_IDLE. Returns 0 or a negative errno from hc_register. */
int epapr_hypercalls_register(struct hc_table *t);

/* Register the KVM calls into t (numbers of vendor 42): KVM_HC_FEATURES and
 * KVM_HC_PPC_MAP_MAGIC_PAGE. Returns 0 or a negative errno from hc_register. */
int kvm_ppc_hypercalls_register(struct hc_table *t);

/* Provided by the PowerPC backend: map v's magic page at real address pa (page-aligned) and
 * effective address ea (page-aligned; flags are in ea_flags' low 12 bits) and fill it from the
 * registers. Returns an EV_* status; on EV_SUCCESS *features holds the KVM_MAGIC_FEAT_* bits. */
int ppc_magic_page_map(struct vcpu *v, uint64_t pa, uint64_t ea_flags, uint64_t *features);

#endif
