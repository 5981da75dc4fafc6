/* Guest test: the ePAPR byte channel console (SEND, RECEIVE, POLL) and its error answers. */
#include "guest/ppc/kvm_para.h"
#include "guest/ppc/ppc.h"

static unsigned long bc(unsigned long nr, unsigned long h, unsigned long a, unsigned long *out)
{
    unsigned long in[8] = {h, a, 0x11111111, 0x22222222, 0x33333333, 0x44444444, 7, 7};
    return epapr_hypercall(in, out, EV_HCALL_TOKEN(nr));
}

int kmain(const struct skvm_boot_info *bi)
{
    (void)bi;
    test_start(PPC64 ? "ppc64_byte_channel" : "ppc_byte_channel");
    unsigned long h = (unsigned long)epapr_console_handle, sent = 0, out[8];
    EXPECT_EQ(h, 1);

    gprintf("check: SEND of 16, 5 and 0 bytes\n");
    EXPECT_EQ(ev_byte_channel_send(h, 16, "[0123456789abcd]", &sent), EV_SUCCESS);
    EXPECT_EQ(sent, 16);
    EXPECT_EQ(ev_byte_channel_send(h, 5, "<bc>\n", &sent), EV_SUCCESS);
    EXPECT_EQ(sent, 5);
    EXPECT_EQ(ev_byte_channel_send(h, 0, "", &sent), EV_SUCCESS);
    EXPECT_EQ(sent, 0);

    gprintf("check: SEND of 17 bytes or to another handle: EV_EINVAL, nothing sent\n");
    EXPECT_EQ(ev_byte_channel_send(h, 17, "xxxxxxxxxxxxxxxxx", &sent), EV_EINVAL);
    EXPECT_EQ(sent, 0);
    EXPECT_EQ(ev_byte_channel_send(h + 1, 1, "x", &sent), EV_EINVAL);
    EXPECT_EQ(ev_byte_channel_send(0, 1, "x", &sent), EV_EINVAL);

    gprintf("check: RECEIVE: no input, r4 = 0 and r5..r8 = 0\n");
    EXPECT_EQ(bc(EV_BYTE_CHANNEL_RECEIVE, h, 16, out), EV_SUCCESS);
    for (int i = 0; i < 5; i++)
        EXPECT_EQ(out[i], 0);
    EXPECT_EQ(out[5], 7); /* r9, r10 untouched */
    EXPECT_EQ(bc(EV_BYTE_CHANNEL_RECEIVE, h + 5, 16, out), EV_EINVAL);

    gprintf("check: POLL: r4 = 0 bytes to receive, r5 = 16 bytes of room\n");
    EXPECT_EQ(bc(EV_BYTE_CHANNEL_POLL, h, 0, out), EV_SUCCESS);
    EXPECT_EQ(out[0], 0);
    EXPECT_EQ(out[1], 16);
    EXPECT_EQ(out[2], 0x22222222); /* r6 untouched */
    EXPECT_EQ(bc(EV_BYTE_CHANNEL_POLL, 99, 0, out), EV_EINVAL);

#if PPC64
    gprintf("check: each data register gives its low 32 bits only\n");
    unsigned long in[8] = {h, 7, 0xFFFFFFFF3C646174UL, 0xFFFFFFFF613E0A00UL};
    EXPECT_EQ(epapr_hypercall(in, out, EV_HCALL_TOKEN(EV_BYTE_CHANNEL_SEND)), EV_SUCCESS);
    EXPECT_EQ(out[0], 7);
#endif
    test_done();
}
