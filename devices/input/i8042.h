/*
 * Intel 8042 keyboard controller of the PC/AT and PS/2 (ports 0x60 data,
 * 0x64 status/command) with a PS/2 keyboard and mouse behind it.
 */
#ifndef DOPPEL_I8042_H
#define DOPPEL_I8042_H

#include <stdbool.h>

typedef struct Machine Machine;
typedef struct Device Device;
typedef struct MemoryRegion MemoryRegion;
typedef struct IrqLine IrqLine;

/* Create the controller, its "ps2-kbd" and "ps2-mouse" devices, realize
 * them and map ports 0x60 and 0x64 in io (NULL: unmapped).  kbd_irq
 * (IRQ1) and aux_irq (IRQ12) are high while the output buffer holds a byte
 * from that side and the command byte enables its interrupt.  a20 is
 * called when output port bit 1 changes (the A20 gate), reset when the
 * guest drives the system reset line (output port bit 0 cleared, or a
 * pulse command such as 0xFE); either may be NULL. */
Device *i8042_create(Machine *m, MemoryRegion *io, IrqLine *kbd_irq, IrqLine *aux_irq,
                     void (*a20)(void *opaque, bool on), void (*reset)(void *opaque), void *opaque);
MemoryRegion *i8042_data_region(Device *dev);    /* port 0x60 */
MemoryRegion *i8042_command_region(Device *dev); /* port 0x64 */

#endif
