/* Unit tests for the gdb remote protocol's framing: checksums, escapes, interrupts, hex. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "debug/gdb_rsp.h"

static enum rsp_event feed(struct rsp_parser *p, const char *s)
{
    enum rsp_event e = RSP_NONE;
    for (; *s; s++) {
        e = rsp_feed(p, (uint8_t)*s);
        if (e != RSP_NONE)
            return e;
    }
    return e;
}

static void test_good_bad_and_interrupt(void **state)
{
    (void)state;
    static struct rsp_parser p;
    rsp_init(&p);
    assert_int_equal(feed(&p, "+$?#3f"), RSP_PACKET);
    assert_string_equal(p.buf, "?");
    assert_int_equal(feed(&p, "$?#3e"), RSP_BAD);
    assert_int_equal(feed(&p, "$g#zz"), RSP_BAD);
    assert_int_equal(rsp_feed(&p, 0x03), RSP_INTERRUPT);
    assert_int_equal(feed(&p, "$m10"), RSP_NONE); /* incomplete: nothing yet */
}

static void test_frame_roundtrip_with_escapes(void **state)
{
    (void)state;
    static struct rsp_parser p;
    char out[64];
    const char payload[] = "a$b#c}d*e";
    size_t n = rsp_frame(payload, strlen(payload), out, sizeof(out));
    assert_true(n > 0);
    out[n] = '\0';
    assert_null(strchr(out + 1, '$'));
    rsp_init(&p);
    assert_int_equal(feed(&p, out), RSP_PACKET);
    assert_string_equal(p.buf, payload);
    assert_int_equal(rsp_frame(payload, strlen(payload), out, 8), 0); /* too small */
}

static void test_overlong_packet_refused(void **state)
{
    (void)state;
    static struct rsp_parser p;
    rsp_init(&p);
    rsp_feed(&p, '$');
    uint8_t sum = 0;
    for (unsigned i = 0; i < RSP_MAX_PACKET + 10; i++) {
        assert_int_equal(rsp_feed(&p, 'x'), RSP_NONE);
        sum = (uint8_t)(sum + 'x');
    }
    char tail[4];
    snprintf(tail, sizeof(tail), "#%02x", sum);
    assert_int_equal(feed(&p, tail), RSP_BAD);
}

static void test_hex(void **state)
{
    (void)state;
    uint8_t b[4] = {0x00, 0xab, 0x10, 0xff};
    char h[9];
    rsp_hex(b, 4, h);
    assert_string_equal(h, "00ab10ff");
    uint8_t back[4];
    assert_int_equal(rsp_unhex(h, 8, back, 4), 4);
    assert_memory_equal(back, b, 4);
    assert_int_equal(rsp_unhex("abc", 3, back, 4), -1);
    assert_int_equal(rsp_unhex("zz", 2, back, 4), -1);
    const char *s = "1f,rest";
    uint64_t v;
    assert_int_equal(rsp_hexnum(&s, &v), 0);
    assert_true(v == 0x1f && *s == ',');
    s = "12345678123456789";
    assert_int_equal(rsp_hexnum(&s, &v), -1); /* 17 digits overflow */
    s = ",";
    assert_int_equal(rsp_hexnum(&s, &v), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_bad_and_interrupt),
        cmocka_unit_test(test_frame_roundtrip_with_escapes),
        cmocka_unit_test(test_overlong_packet_refused),
        cmocka_unit_test(test_hex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
