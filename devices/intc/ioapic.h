/*
 * Intel 82093AA I/O APIC: 24 interrupt input pins, each with a
 * redirection table entry that turns it into an APIC bus message.  The
 * registers are reached indirectly: IOREGSEL at base+0x00 selects, IOWIN
 * at base+0x10 reads and writes (82093AA datasheet §3.0).
 *
 * The ID register resets to the "id" property (default 0): a board whose
 * MADT names another ID sets it (device_set_prop, then device_reset).
 *
 * Board wiring (one ApicBus shared with the local APIC):
 *     bus.deliver = apic_deliver;  bus.deliver_opaque = lapic;
 *     bus.eoi = ioapic_eoi;        bus.eoi_opaque = ioapic;
 *     Device *ioapic = ioapic_create(m, m->system_memory, IOAPIC_DEFAULT_BASE, &bus);
 *     irq_set(ioapic_input(ioapic, pin), 1);
 */
#ifndef DOPPEL_IOAPIC_H
#define DOPPEL_IOAPIC_H

#include <stdint.h>

#include "core/device.h"
#include "devices/intc/apic_bus.h"

struct MemoryRegion;

#define IOAPIC_NUM_PINS     24
#define IOAPIC_DEFAULT_BASE 0xfec00000u

/* Create and realize; maps its 4 KiB page at base in mem (NULL: not
 * mapped).  Messages go to bus->deliver.  NULL after one printed line. */
Device *ioapic_create(Machine *m, struct MemoryRegion *mem, uint64_t base, ApicBus *bus);
/* Input pin 0-23 (NULL otherwise); level 1 = asserted, whatever the
 * entry's polarity bit says (the board drives the logical state). */
IrqLine *ioapic_input(Device *ioapic, int pin);
/* A local APIC's EOI for vector: clears Remote IRR of the level-triggered
 * entries with that vector and re-delivers those still asserted. */
void ioapic_eoi(void *ioapic, uint8_t vector);
/* The I/O APIC's memory region (tests). */
struct MemoryRegion *ioapic_region(Device *ioapic);

#endif
