/* The C guests' library: ASCII to EBCDIC for the 3215, number formatting. */
#include "guest.h"

static unsigned char ascii_to_ebcdic(char c)
{
    static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static const unsigned char upper_e[] = {0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9,
                                            0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9,
                                            0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9};
    if (c >= '0' && c <= '9') return (unsigned char)(0xf0 + (c - '0'));
    for (int i = 0; i < 26; i++) {
        if (c == upper[i]) return upper_e[i];
        if (c == upper[i] - 'A' + 'a') return (unsigned char)(upper_e[i] - 0x40);
    }
    switch (c) {
    case '.': return 0x4b;
    case ',': return 0x6b;
    case ':': return 0x7a;
    case '/': return 0x61;
    case '-': return 0x60;
    case '=': return 0x7e;
    default: return 0x40;
    }
}

void console_puts(const char *s)
{
    char line[132];
    int n = 0;
    while (s[n] && n < (int)sizeof line) {
        line[n] = (char)ascii_to_ebcdic(s[n]);
        n++;
    }
    console_write_ebcdic(line, n);
}

int format_unsigned(char *buf, unsigned v)
{
    char tmp[12];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < n; i++)
        buf[i] = tmp[n - 1 - i];
    buf[n] = 0;
    return n;
}

int text_equal(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}
