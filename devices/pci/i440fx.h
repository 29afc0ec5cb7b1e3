/*
 * Intel 82441FX PCI and Memory Controller (PMC), the host bridge of the
 * i440FX PC at 00:00.0.  It owns PCI configuration mechanism #1 (I/O ports
 * 0xcf8 CONFIG_ADDRESS, 0xcfc-0xcff CONFIG_DATA) and the PAM registers that
 * shadow 0xc0000-0xfffff in RAM.
 *
 * Board wiring:
 *     PciBus *pci;
 *     i440fx_create(m, &io, m->system_memory, &ram, &pci);
 * creates the PCI bus (BARs map into system_memory and io, bus masters see
 * m->as), registers it as machine bus PCI_BUS_NAME and attaches itself at
 * 00.0.  ram is the whole guest RAM region, offset 0 = physical 0.
 *
 * The PAM segments are mapped at priority I440FX_PAM_PRIORITY in
 * system_memory; whatever the board maps below them at 0xc0000-0xfffff (the
 * BIOS ROM alias at 0xe0000, option ROM space) shows through a disabled
 * segment, and is what a write-only segment reads.
 *
 * Non-dword accesses to 0xcf8-0xcfb are not CONFIG_ADDRESS (PCI 3.0
 * §3.2.2.3.2): they go on to whatever is mapped at those ports below
 * priority I440FX_CONF_PRIORITY, such as the PIIX3 reset control at 0xcf9.
 */
#ifndef DOPPEL_I440FX_H
#define DOPPEL_I440FX_H

#include "devices/pci/pci.h"

#define I440FX_PAM_PRIORITY  10
#define I440FX_CONF_PRIORITY 1

/* Create and realize; NULL after one printed line. */
Device *i440fx_create(Machine *m, MemoryRegion *io, MemoryRegion *system_memory, MemoryRegion *ram,
                      PciBus **bus_out);

#endif
