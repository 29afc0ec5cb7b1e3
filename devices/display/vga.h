/*
 * The PC's display adapters: an IBM VGA with the Bochs VBE extension
 * (devices/display/vga_internal.h has the core), as QEMU's "-vga std"
 * (PCI, vendor 1234 device 1111) and "isa-vga" present it.  Each
 * registers itself as the machine's display (ui/display.h).
 */
#ifndef DOPPEL_VGA_H
#define DOPPEL_VGA_H

#include <stdint.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct PciBus PciBus;

#define VGA_STD_ROMFILE "/usr/share/seabios/vgabios-stdvga.bin"

/* The PCI VGA at devfn (-1: first free slot) on bus: BAR0 the 16 MiB
 * framebuffer, BAR2 the 4 KiB MMIO registers, the expansion ROM from
 * romfile (NULL: VGA_STD_ROMFILE; "": none), and the legacy window
 * 0xa0000-0xbffff and ports 0x3b0-0x3df, 0x1ce-0x1d0 in the bus's memory
 * and I/O spaces.  NULL after one printed line. */
Device *vga_pci_create(Machine *m, PciBus *bus, int devfn, const char *romfile);

/* The ISA VGA: the legacy window in mem, the ports in io, the linear
 * framebuffer (8 MiB) at 0xe0000000 in mem.  With -device isa-vga, mem
 * is the system memory and io the "isa" bus. */
Device *isa_vga_create(Machine *m, MemoryRegion *mem, MemoryRegion *io);

#endif
