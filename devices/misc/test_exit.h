/*
 * test-exit: the guest test programs' way out (blueprint §8).  A write of
 * v ends the emulator with exit status (v << 1) | 1, QEMU's isa-debug-exit
 * convention, so a guest cannot fake a plain 0 ("success") by accident.
 */
#ifndef DOPPEL_TEST_EXIT_H
#define DOPPEL_TEST_EXIT_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;

/* Create, realize and map the 4-byte register at addr in parent (an MMIO
 * container or a port I/O space; NULL: left unmapped, see test_exit_region). */
Device *test_exit_create(Machine *m, MemoryRegion *parent, uint64_t addr);
MemoryRegion *test_exit_region(Device *dev);

#endif
