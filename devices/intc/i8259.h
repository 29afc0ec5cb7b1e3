/*
 * The PC's two cascaded Intel 8259A programmable interrupt controllers as
 * one device, "i8259": the master at I/O ports 0x20-0x21 (IRQ 0-7), the
 * slave at 0xa0-0xa1 (IRQ 8-15) on the master's IR2, and the PIIX3
 * edge/level control registers ELCR1/ELCR2 at 0x4d0/0x4d1.
 *
 * Board wiring:
 *     Device *pic = i8259_create(m, io_space, apic_lint(lapic, 0));
 *     irq_set(i8259_input(pic, 4), 1);      // a device's IRQ line
 *     apic_set_extint_source(lapic, i8259_acknowledge, pic);
 * Without a local APIC, intr_out drives the cpu's INTR and
 * cpu->intr_ack = i8259_acknowledge, cpu->intr_opaque = pic.
 */
#ifndef DOPPEL_I8259_H
#define DOPPEL_I8259_H

#include "core/device.h"

struct MemoryRegion;

/* Create and realize; maps the ports in io (NULL: not mapped, tests).
 * intr_out follows "an unmasked interrupt is pending" on the master's
 * INT pin.  NULL after one printed line. */
Device *i8259_create(Machine *m, struct MemoryRegion *io, IrqLine *intr_out);
/* Input line of IRQ 0-15; level 1 = asserted.  NULL for a bad number.
 * IRQ 2 is the cascade and has no line of its own (the slave drives it). */
IrqLine *i8259_input(Device *pic, int irq);
/* The INTA cycle: the vector of the highest-priority request, moving it
 * into service (the spurious IRQ 7/15 vector if the request went away). */
int i8259_acknowledge(void *pic);

#endif
