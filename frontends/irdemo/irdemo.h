/*
 * The IR demo guest: the built-in program that the default machine runs
 * until a real guest ISA lands (issue 2).  Its "instructions" are one byte
 * each in a program ROM, and each byte names a hand-written IR routine: a
 * block of real IR, decoded through the translator's code fetch, cached,
 * chained and executed by the interpreter against real devices through the
 * soft TLB.  It computes the primes below a bound with a sieve in guest RAM
 * and prints them on a 16550 UART.
 */
#ifndef DOPPEL_IRDEMO_H
#define DOPPEL_IRDEMO_H

#include <stdint.h>

#include "core/cpu.h"

#define IRDEMO_NREGS 8

typedef struct IrDemoCPU {
    CPUState common;
    uint64_t r[IRDEMO_NREGS];
} IrDemoCPU;

/* Physical (= virtual) memory map of the ir-demo machine. */
#define IRDEMO_RAM_BASE  0x00000000ull
#define IRDEMO_UART_BASE 0xfffe0000ull
#define IRDEMO_EXIT_BASE 0xfffd0000ull
#define IRDEMO_ROM_BASE  0xffff0000ull
#define IRDEMO_ROM_SIZE  0x1000ull

/* Guest exceptions. */
enum {
    IRDEMO_EXCP_ILLEGAL = 1, /* a byte that names no routine */
};

extern const ArchOps irdemo_arch_ops;

/* The program ROM image (routine numbers, then strings); returns its size. */
uint32_t irdemo_program_image(uint8_t *buf, uint32_t len, uint32_t prime_limit);

#endif
