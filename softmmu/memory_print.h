/*
 * The monitor's "info mtree": the memory region tree of address spaces as
 * QEMU prints it, so people and scripts that know QEMU's output read it
 * at once:
 *
 *     address-space: memory
 *       0000000000000000-fffffffffffffffe (prio 0, container): system
 *         0000000000000000-000000000009ffff (prio 0, ram): alias ram-below-640k @pc.ram
 * 0000000000000000-000000000009ffff 00000000fee00000-00000000fee00fff (prio 0, i/o): apic
 *
 *     memory-region: pc.ram
 *       0000000000000000-0000000007ffffff (prio 0, ram): pc.ram
 *
 * Addresses are absolute (a child's placement plus its parents'); an
 * alias shows its target's kind, the target and the range of it that it
 * shows; "[disabled]" marks disabled regions.  Regions that aliases point
 * into but that no printed space contains follow as "memory-region:"
 * blocks, as QEMU lists them.
 */
#ifndef DOPPEL_MEMORY_PRINT_H
#define DOPPEL_MEMORY_PRINT_H

#include <stdio.h>

#include "softmmu/memory.h"

/* The trees of spaces[0..n), then the alias targets outside them.  A
 * space whose root an earlier one already printed is listed by name only
 * (QEMU's grouping of spaces that share a root). */
void memory_print_mtree(AddressSpace *const *spaces, unsigned n, FILE *out);

/* The flat views (info mtree -f): "address-space: name", then one line
 * per section with the region and its offset. */
void memory_print_flat(AddressSpace *const *spaces, unsigned n, FILE *out);

#endif
