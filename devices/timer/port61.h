/*
 * PC/AT system control port B (I/O port 0x61): the 8254 counter 2 gate and
 * speaker enable, the refresh-request toggle and counter 2's OUT.
 */
#ifndef DOPPEL_PORT61_H
#define DOPPEL_PORT61_H

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;

/* Create, realize and map at 0x61 in io (NULL: unmapped).  pit is the
 * i8254 whose counter 2 this port gates and reads. */
Device *port61_create(Machine *m, MemoryRegion *io, Device *pit);
MemoryRegion *port61_region(Device *dev);

#endif
