/*
 * Intel 82371SB PIIX3 function 0, the PCI-to-ISA bridge of the i440FX PC
 * at 00:01.0: PCI interrupt routing (PIRQ A-D to ISA IRQs and to the I/O
 * APIC), the reset control register at port 0xcf9, and the bridge's
 * configuration registers.
 *
 * Board wiring:
 *     piix3_create(m, pci, isa_irq, ioapic_pirq, pc_reset_request, m);
 * isa_irq[n] is the 8259 input for ISA IRQ n (NULL entries are fine);
 * ioapic_pirq[0..3] are the I/O APIC inputs 16-19.  The PIIX3 registers
 * itself as the bus's interrupt router.  reset is called for a guest
 * write of bit 2 to port 0xcf9 (bit 1 says hard or soft; both reset the
 * machine here).
 */
#ifndef DOPPEL_PIIX3_H
#define DOPPEL_PIIX3_H

#include "devices/pci/pci.h"

/* Create and realize at 00:01.0; NULL after one printed line. */
Device *piix3_create(Machine *m, PciBus *bus, IrqLine *isa_irq[16], IrqLine *ioapic_pirq[4],
                     void (*reset)(void *opaque), void *opaque);

#endif
