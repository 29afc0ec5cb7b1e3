/*
 * The PC/AT's two cascaded Intel 8237A DMA controllers: 8-bit channels
 * 0-3 at ports 0x00-0x0f, 16-bit channels 4-7 at 0xc0-0xdf (word
 * addressing; channel 4 cascades the first controller), and the page
 * registers at 0x81-0x8f.
 *
 * ISA devices that use DMA (the floppy controller, later Sound Blaster)
 * hold the Device * and move data with i8237_transfer when their DREQ
 * would be asserted; the controller decides direction, address, count
 * and terminal count as the guest programmed it.
 */
#ifndef DOPPEL_I8237_H
#define DOPPEL_I8237_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;

/* Create, realize and map both controllers and the page registers in io
 * (the ISA port space); guest memory is reached through as.  NULL after
 * one printed line. */
Device *i8237_create(Machine *m, MemoryRegion *io, AddressSpace *as);

/* A device asks for a transfer on channel ch (0-7): up to len bytes
 * between buf and guest memory in the direction the channel's mode
 * register says (to_memory is the device's own direction, for checking).
 * Returns the bytes moved and sets *tc when the count ran out (terminal
 * count).  Masked, cascade and unprogrammed channels move nothing; a
 * verify transfer counts without touching memory or buf. */
size_t i8237_transfer(Device *dma, int ch, void *buf, size_t len, bool to_memory, bool *tc);

/* True when channel ch would accept a request now (controller enabled,
 * channel and the cascade unmasked, a transfer mode programmed). */
bool i8237_channel_ready(Device *dma, int ch);

#endif
