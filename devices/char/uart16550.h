/*
 * National Semiconductor PC16550D UART with FIFOs, the serial port of PCs
 * and of many MMIO boards.
 */
#ifndef DOPPEL_UART16550_H
#define DOPPEL_UART16550_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct IrqLine IrqLine;
typedef struct Chardev Chardev;

/* Create, realize and map at addr in parent (NULL: unmapped).  Register n
 * sits at addr + (n << regshift).  irq and chr may be NULL. */
Device *uart16550_create(Machine *m, MemoryRegion *parent, uint64_t addr, unsigned regshift,
                         IrqLine *irq, Chardev *chr);
MemoryRegion *uart16550_region(Device *dev);

#endif
