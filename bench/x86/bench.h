/*
 * The bench kernels' freestanding runtime: COM1 output and a checksum
 * line.  Each kernel defines ITERS (set by run.sh with -DITERS=n) and
 * prints "checksum <hex>" so that every emulator's result can be compared.
 */
#ifndef DOPPEL_BENCH_X86_H
#define DOPPEL_BENCH_X86_H

#include <stdint.h>

#ifndef ITERS
#define ITERS 100
#endif

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void serial_putc(char c)
{
    while (!(inb(0x3fd) & 0x20)) /* 16550 LSR: transmitter holding register empty */
        ;
    outb(0x3f8, (uint8_t)c);
}

static void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

static void print_checksum(const char *name, uint32_t sum)
{
    static const char hex[] = "0123456789abcdef";
    serial_puts(name);
    serial_puts(" checksum ");
    for (int i = 28; i >= 0; i -= 4)
        serial_putc(hex[(sum >> i) & 15]);
    serial_putc('\n');
}

#endif
