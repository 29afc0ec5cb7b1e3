/*
 * Intel 82540EM gigabit Ethernet controller (PCI 8086:100e), the "e1000"
 * of QEMU's PC.  Also created with -device e1000,netdev=<id>[,mac=..][,addr=..].
 */
#ifndef DOPPEL_E1000_H
#define DOPPEL_E1000_H

#include "core/device.h"

/* Create and realize an e1000 on the machine's PCI bus, attached to the
 * -netdev named netdev (NULL: not connected); mac NULL for the default
 * 52:54:00:12:34:56, addr NULL for the first free slot.  NULL after one
 * printed line on error. */
Device *e1000_create(Machine *m, const char *netdev, const char *mac, const char *addr);

#endif
