/*
 * The local APIC of the PC's one x86 cpu in xAPIC mode (SDM Vol 3
 * chapter 10), version 0x14 with six LVT entries.  Its 4 KiB register
 * page sits where IA32_APIC_BASE says (0xfee00000 at reset) in the
 * machine's system memory, over RAM; the cpu tells it about MSR writes
 * through cpu->apic_base_changed, which apic_create sets.
 *
 * Board wiring:
 *     Device *lapic = apic_create(m, cpu, &bus);
 *     cpu->intr_ack = apic_intr_ack;  cpu->intr_opaque = lapic;
 *     bus.deliver = apic_deliver;     bus.deliver_opaque = lapic;
 *     pic = i8259_create(m, io, apic_lint(lapic, 0));
 *     apic_set_extint_source(lapic, i8259_acknowledge, pic);
 * LINT1 (apic_lint(lapic, 1)) is the board's NMI source, if any.
 */
#ifndef DOPPEL_APIC_H
#define DOPPEL_APIC_H

#include "core/device.h"
#include "devices/intc/apic_bus.h"
#include "frontends/x86/x86.h"

/* Priority of the register page in m->system_memory (above RAM at 0). */
#define APIC_MMIO_PRIORITY 10

/* Create and realize the local APIC of cpu; EOIs of level-triggered
 * vectors go to bus->eoi.  m may be NULL (no clock: the timer never
 * fires; no memory: the page is not mapped).  NULL after one line. */
Device *apic_create(Machine *m, X86CPU *cpu, ApicBus *bus);
/* An interrupt message from the APIC bus (I/O APIC, MSI). */
void apic_deliver(void *apic, const ApicMessage *msg);
/* The cpu takes the interrupt it was told of (CPU_INTERRUPT_HARD): the
 * vector, now in service, or -1 if nothing is deliverable any more. */
int apic_intr_ack(void *apic);
/* Local interrupt pins: 0 = LINT0 (the 8259's INTR), 1 = LINT1 (NMI). */
IrqLine *apic_lint(Device *apic, int n);
/* Where ExtINT vectors come from (the 8259's INTA cycle). */
void apic_set_extint_source(Device *apic, int (*ack)(void *opaque), void *opaque);

#endif
