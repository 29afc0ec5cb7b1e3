/*
 * Intel 82371AB PIIX4 function 3: power management, the ACPI hardware of
 * a QEMU-compatible PC (SeaBIOS and Linux drive it through the FADT).
 * PM1 event/control blocks, the ACPI PM timer and GPE0 live in a 64-port
 * block at PMBA (config 0x40) once PMREGMISC (0x80) bit 0 enables it; the
 * APM control/status ports 0xb2/0xb3 are always decoded.
 *
 * What the ACPI tables must say (firmware engineer): SCI_INT 9,
 * SMI_CMD 0xb2, ACPI_ENABLE 0xf1, ACPI_DISABLE 0xf0, PM1a_EVT_BLK = PMBA,
 * PM1a_CNT_BLK = PMBA + 4, PM_TMR_BLK = PMBA + 8 (24-bit timer),
 * GPE0_BLK = PMBA + 0x0c (length 4), \_S5 = {0, 0}.  SeaBIOS sets PMBA
 * itself (0x600 on QEMU-like boards) and reports it through fw_cfg/ACPI.
 *
 * Board wiring:
 *     piix4_pm_create(m, pci, PCI_DEVFN(1, 3), isa_irq[9]);
 */
#ifndef DOPPEL_PIIX4_PM_H
#define DOPPEL_PIIX4_PM_H

#include <stdint.h>

#include "devices/pci/pci.h"

/* Create and realize at devfn; sci is the SCI output (ISA IRQ 9 on the
 * PC).  NULL after one printed line. */
Device *piix4_pm_create(Machine *m, PciBus *bus, int devfn, IrqLine *sci);
/* The PM I/O block's base port, 0 while it is not enabled. */
uint16_t piix4_pm_io_base(Device *pm);
/* Press the power button: PWRBTN_STS, and an SCI if enabled (the monitor's
 * system_powerdown). */
void piix4_pm_power_button(Device *pm);

#endif
