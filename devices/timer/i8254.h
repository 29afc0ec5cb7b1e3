/*
 * Intel 8254 programmable interval timer: three 16-bit counters clocked at
 * 1.193182 MHz.  On the PC, counter 0's OUT is IRQ0, counter 1 is the old
 * DRAM refresh timer and counter 2 drives the speaker, gated by port 0x61.
 */
#ifndef DOPPEL_I8254_H
#define DOPPEL_I8254_H

#include <stdbool.h>
#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct IrqLine IrqLine;

#define I8254_HZ 1193182

/* Create, realize and map the four ports at base in io (NULL: unmapped).
 * irq0 follows counter 0's OUT (may be NULL).  Needs m->clocks. */
Device *i8254_create(Machine *m, MemoryRegion *io, uint16_t base, IrqLine *irq0);
/* The GATE input of a counter (0-2).  Gates start high. */
void i8254_set_gate(Device *pit, int channel, bool level);
/* The OUT pin of a counter at the current virtual time. */
bool i8254_get_out(Device *pit, int channel);
MemoryRegion *i8254_region(Device *pit);

#endif
