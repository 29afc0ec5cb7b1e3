/*
 * Intel 82371SB (PIIX3) IDE interface, PCI function 00:01.1 of the
 * i440FX PC: two channels in compatibility mode (primary 0x1f0-0x1f7,
 * 0x3f6, IRQ 14; secondary 0x170-0x177, 0x376, IRQ 15) decoded when the
 * guest sets IDETIM.IDE and PCICMD.IOSE, and the bus-master IDE registers
 * at BAR4.
 *
 * Board wiring:
 *     BlockBackend *drive[4] = {hda, hdb, hdc, hdd};  // NULL: absent
 *     bool cdrom[4] = {false, false, true, false};     // ATAPI CD-ROM
 *     piix3_ide_create(m, pci, PCI_DEVFN(1, 1), &pic[14], &pic[15], drive, cdrom);
 * drive[i]: 0 primary master, 1 primary slave, 2 secondary master, 3
 * secondary slave.  A CD-ROM may have no medium (cdrom[i] set, drive[i]
 * NULL).  The device does not own the BlockBackends: the board closes
 * them after the device is freed.  The legacy ports go into the bus's I/O
 * container (pci_bus_io), bus-master DMA through pci_dma_read/write.
 */
#ifndef DOPPEL_PIIX_IDE_H
#define DOPPEL_PIIX_IDE_H

#include <stdbool.h>

#include "block/block.h"
#include "core/device.h"
#include "devices/pci/pci.h"

/* Create and realize; NULL after one printed line. */
Device *piix3_ide_create(Machine *m, PciBus *bus, int devfn, IrqLine *irq14, IrqLine *irq15,
                         BlockBackend *drive[4], const bool cdrom[4]);

#endif
