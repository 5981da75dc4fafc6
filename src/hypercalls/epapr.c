/* The ePAPR hypercall family (vendor 1): the console byte channel and EV_IDLE. */
#include "hypercalls/hypercalls.h"
#include "hypercalls/ppc_hypercalls.h"

/* EV_BYTE_CHANNEL_SEND: r3 handle, r4 count, r5..r8 the bytes as four big-endian words (the low
 * 32 bits of each register). r3 status, r4 bytes sent. */
static enum hc_action hc_bc_send(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                 struct hc_result *res)
{
    uint64_t count = call->args[1];
    res->nout = 1;
    res->out[0] = 0;
    if (call->args[0] != EPAPR_CONSOLE_HANDLE || count > EV_BYTE_CHANNEL_MAX_BYTES) {
        res->ret = EV_EINVAL;
        return HC_DONE;
    }
    for (uint64_t i = 0; i < count; i++) {
        uint32_t word = (uint32_t)call->args[2 + i / 4];
        vm_console_putc(vm, (uint8_t)(word >> (24 - 8 * (i % 4))));
    }
    res->ret = EV_SUCCESS;
    res->out[0] = count;
    return HC_DONE;
}

/* EV_BYTE_CHANNEL_RECEIVE: r3 handle, r4 max count. The console has no input: r4 = 0 and r5..r8
 * (always written, as the convention says) are 0. */
static enum hc_action hc_bc_receive(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                    struct hc_result *res)
{
    res->nout = 5;
    for (unsigned i = 0; i < 5; i++)
        res->out[i] = 0;
    res->ret = call->args[0] == EPAPR_CONSOLE_HANDLE ? EV_SUCCESS : EV_EINVAL;
    return HC_DONE;
}

/* EV_BYTE_CHANNEL_POLL: r3 handle. r4 = bytes waiting to be received (0), r5 = room to send
 * (output is never held back: one full message). */
static enum hc_action hc_bc_poll(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                                 struct hc_result *res)
{
    res->nout = 2;
    res->out[0] = 0;
    res->out[1] = 0;
    if (call->args[0] != EPAPR_CONSOLE_HANDLE) {
        res->ret = EV_EINVAL;
        return HC_DONE;
    }
    res->out[1] = EV_BYTE_CHANNEL_MAX_BYTES;
    res->ret = EV_SUCCESS;
    return HC_DONE;
}

/* EV_IDLE: the vCPU halts until an interrupt (KVM's kvm_vcpu_halt); r3 = 0, r4 = 0. */
static enum hc_action hc_idle(struct vm *vm, struct vcpu *v, const struct hc_call *call,
                              struct hc_result *res)
{
    res->ret = EV_SUCCESS;
    return HC_HALT;
}

int epapr_hypercalls_register(struct hc_table *t)
{
    int rc =
        hc_register(t, EV_BYTE_CHANNEL_SEND, "EV_BYTE_CHANNEL_SEND", hc_bc_send, HC_NO_FEATURE, 6);
    if (rc == 0)
        rc = hc_register(t, EV_BYTE_CHANNEL_RECEIVE, "EV_BYTE_CHANNEL_RECEIVE", hc_bc_receive,
                         HC_NO_FEATURE, 2);
    if (rc == 0)
        rc = hc_register(t, EV_BYTE_CHANNEL_POLL, "EV_BYTE_CHANNEL_POLL", hc_bc_poll, HC_NO_FEATURE,
                         1);
    if (rc == 0)
        rc = hc_register(t, EV_IDLE, "EV_IDLE", hc_idle, HC_NO_FEATURE, 0);
    return rc;
}
