/* printf-style formatting for guests: gprintf to the console, gsnprintf into a buffer. */
#include "guest/softkvm_guest.h"

/* Where formatted bytes go. */
struct sink {
    char *buf;   /* NULL: the console */
    size_t size; /* buffer size */
    size_t len;  /* bytes produced so far (may exceed size) */
};

static void sink_put(struct sink *s, char c)
{
    if (s->buf == NULL)
        arch_putc(c);
    else if (s->len + 1 < s->size)
        s->buf[s->len] = c;
    s->len++;
}

/* Emit digits of v in base (10 or 16) with width/zero/left-justify handling. */
static void put_number(struct sink *s, unsigned long long v, unsigned base, bool upper,
                       bool negative, int width, bool zero, bool left)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v != 0);
    int total = n + (negative ? 1 : 0);
    if (!left && !zero)
        for (int i = total; i < width; i++)
            sink_put(s, ' ');
    if (negative)
        sink_put(s, '-');
    if (!left && zero)
        for (int i = total; i < width; i++)
            sink_put(s, '0');
    while (n > 0)
        sink_put(s, tmp[--n]);
    if (left)
        for (int i = total; i < width; i++)
            sink_put(s, ' ');
}

static void put_string(struct sink *s, const char *str, int width, bool left)
{
    if (str == NULL)
        str = "(null)";
    int n = (int)strlen(str);
    if (!left)
        for (int i = n; i < width; i++)
            sink_put(s, ' ');
    while (*str)
        sink_put(s, *str++);
    if (left)
        for (int i = n; i < width; i++)
            sink_put(s, ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        for (;; fmt++) {
            if (*fmt == '0')
                zero = true;
            else if (*fmt == '-')
                left = true;
            else
                break;
        }
        int width = 0;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        int lng = 0; /* 0 int, 1 long, 2 long long, 3 size_t */
        if (*fmt == 'l') {
            lng = 1;
            if (*++fmt == 'l') {
                lng = 2;
                fmt++;
            }
        } else if (*fmt == 'z') {
            lng = 3;
            fmt++;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long long v;
            if (lng == 0)
                v = va_arg(ap, int);
            else if (lng == 1)
                v = va_arg(ap, long);
            else if (lng == 2)
                v = va_arg(ap, long long);
            else
                v = (long long)va_arg(ap, size_t);
            unsigned long long mag = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            put_number(s, mag, 10, false, v < 0, width, zero, left);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long long v;
            if (lng == 0)
                v = va_arg(ap, unsigned int);
            else if (lng == 1)
                v = va_arg(ap, unsigned long);
            else if (lng == 2)
                v = va_arg(ap, unsigned long long);
            else
                v = va_arg(ap, size_t);
            put_number(s, v, *fmt == 'u' ? 10 : 16, *fmt == 'X', false, width, zero, left);
            break;
        }
        case 'p':
            sink_put(s, '0');
            sink_put(s, 'x');
            put_number(s, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, false, false,
                       width > 2 ? width - 2 : 0, zero, left);
            break;
        case 's':
            put_string(s, va_arg(ap, const char *), width, left);
            break;
        case 'c':
            sink_put(s, (char)va_arg(ap, int));
            break;
        case '%':
            sink_put(s, '%');
            break;
        case '\0':
            return;
        default: /* unknown conversion: print it as is */
            sink_put(s, '%');
            sink_put(s, *fmt);
            break;
        }
    }
}

int gvprintf(const char *fmt, va_list ap)
{
    struct sink s = {NULL, 0, 0};
    format(&s, fmt, ap);
    return (int)s.len;
}

int gprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = gvprintf(fmt, ap);
    va_end(ap);
    return n;
}

int gsnprintf(char *buf, size_t size, const char *fmt, ...)
{
    struct sink s = {buf, size, 0};
    va_list ap;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    if (size > 0)
        buf[s.len < size ? s.len : size - 1] = '\0';
    return (int)s.len;
}

int puts(const char *str)
{
    while (*str)
        arch_putc(*str++);
    arch_putc('\n');
    return 1;
}
