/*
 * The PC debug console: every byte written to its port goes to a chardev
 * (QEMU's isa-debugcon convention, port 0x402, read back as 0xe9 so
 * firmware can detect it).  SeaBIOS and other firmware print their log
 * there: -debugcon file:bios.log.
 */
#ifndef DOPPEL_DEBUGCON_H
#define DOPPEL_DEBUGCON_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct Chardev Chardev;

#define DEBUGCON_PORT 0x402u

Device *debugcon_create(Machine *m, MemoryRegion *io, uint16_t port, Chardev *chr);

#endif
