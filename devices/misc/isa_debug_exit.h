/*
 * isa-debug-exit: QEMU's test exit port for x86 guests.  A write of v (any
 * size) to the port range ends the emulator with status (v << 1) | 1, so
 * a guest can never produce the plain 0 of a clean shutdown.
 *
 * The device sits in the board's I/O port space, the bus named "isa" (a
 * MemoryRegion container); -device isa-debug-exit,iobase=0xf4,iosize=4
 * creates one as on QEMU.
 */
#ifndef DOPPEL_ISA_DEBUG_EXIT_H
#define DOPPEL_ISA_DEBUG_EXIT_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;

#define ISA_DEBUG_EXIT_BUS "isa"

/* Create and realize one at iobase (iosize bytes) on the machine's "isa"
 * bus; NULL after one printed line. */
Device *isa_debug_exit_create(Machine *m, uint16_t iobase, uint16_t iosize);

#endif
