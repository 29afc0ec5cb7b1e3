/* The little library C guest programs share (guest.c) and crt0.S. */
#ifndef GUEST_H
#define GUEST_H

void console_write_ebcdic(const char *buf, int len);
/* Write an ASCII string as one console line. */
void console_puts(const char *s);
/* Decimal digits of v into buf (NUL-terminated); returns their count. */
int format_unsigned(char *buf, unsigned v);
int text_equal(const char *a, const char *b);

#endif
