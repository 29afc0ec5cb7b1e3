/*
 * PCI local bus (PCI Local Bus Specification 3.0): one bus of 32 slots x 8
 * functions, each function a Device that embeds PciDevice first.  The host
 * bridge turns configuration mechanism #1 (ports 0xcf8/0xcfc) into
 * pci_bus_config_read/write; BARs are mapped into the bus's memory and I/O
 * containers when the guest programs them and enables decoding in the
 * command register; INTx pins reach the interrupt router as PIRQ A-D as the
 * i440FX boards of QEMU and SeaBIOS wire them: (slot + pin - 2) & 3, pin 1
 * being INTA#.
 *
 * A device's realize:
 *     PciBus *bus = machine_find_bus(m, PCI_BUS_NAME);
 *     if (!pci_device_attach(&s->pci, bus, -1, 0x8086, 0x100e, 0x03, 0x020000, err, sizeof err))
 *         ... print "doppel: e1000: <err>", return false
 *     pci_config_set_interrupt_pin(&s->pci, 1);            // INTA#
 *     memory_region_init_io(&s->mmio, "e1000-mmio", 0x20000, &ops, s);
 *     pci_register_bar(&s->pci, 0, PCI_BAR_MEM32, &s->mmio);
 * and its finalize calls pci_device_detach first.
 */
#ifndef DOPPEL_PCI_H
#define DOPPEL_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/device.h"
#include "softmmu/memory.h"

#define PCI_BUS_NAME        "pci"
#define PCI_CONFIG_SIZE     256
#define PCI_NUM_BARS        7 /* BAR0-5 and the expansion ROM (index 6) */
#define PCI_ROM_SLOT        6
#define PCI_BAR_UNMAPPED    UINT64_MAX
#define PCI_DEVFN(slot, fn) ((uint8_t)(((slot) << 3) | (fn)))

/* Configuration header offsets (PCI 3.0 §6.1). */
enum {
    PCI_VENDOR_ID = 0x00,
    PCI_DEVICE_ID = 0x02,
    PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06,
    PCI_REVISION_ID = 0x08,
    PCI_CLASS_PROG = 0x09,
    PCI_CLASS_DEVICE = 0x0a,
    PCI_CACHE_LINE_SIZE = 0x0c,
    PCI_LATENCY_TIMER = 0x0d,
    PCI_HEADER_TYPE = 0x0e,
    PCI_BASE_ADDRESS_0 = 0x10,
    PCI_SUBSYSTEM_VENDOR_ID = 0x2c,
    PCI_SUBSYSTEM_ID = 0x2e,
    PCI_ROM_ADDRESS = 0x30,
    PCI_CAPABILITY_LIST = 0x34,
    PCI_INTERRUPT_LINE = 0x3c,
    PCI_INTERRUPT_PIN = 0x3d,
};

enum {
    PCI_COMMAND_IO = 0x0001,
    PCI_COMMAND_MEMORY = 0x0002,
    PCI_COMMAND_MASTER = 0x0004,
    PCI_COMMAND_INTX_DISABLE = 0x0400,
    PCI_STATUS_INTERRUPT = 0x0008,
    PCI_STATUS_CAP_LIST = 0x0010,
    PCI_HEADER_TYPE_MULTI_FUNCTION = 0x80,
};

/* BAR types: the low bits of the BAR register (PCI 3.0 §6.2.5.1). */
enum {
    PCI_BAR_MEM32 = 0x0,
    PCI_BAR_IO = 0x1,
    PCI_BAR_MEM32_PREFETCH = 0x8,
    PCI_BAR_ROM = 0x100, /* only for PCI_ROM_SLOT */
};

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

typedef struct PciBar {
    MemoryRegion *mr; /* NULL: BAR not implemented (reads 0) */
    uint64_t size;    /* power of two: mr->size rounded up (min 16 mem, 4 io) */
    unsigned type;    /* PCI_BAR_* */
    uint64_t addr;    /* where it is mapped now, or PCI_BAR_UNMAPPED */
} PciBar;

struct PciDevice {
    Device dev; /* first: a PciDevice is a Device */
    PciBus *bus;
    uint8_t devfn;
    char *addr_str; /* the "addr" property: "slot[.fn]" in hex, NULL = any */
    uint8_t config[PCI_CONFIG_SIZE];
    uint8_t wmask[PCI_CONFIG_SIZE];   /* bits the guest may change */
    uint8_t w1cmask[PCI_CONFIG_SIZE]; /* write-one-to-clear bits */
    PciBar bars[PCI_NUM_BARS];
    bool irq_asserted; /* INTx as the device drives it */
    /* Optional: device-specific registers.  config_write is called after
     * the generic update (BARs, command) with the value written; a device
     * may read back d->config.  config_read may override what the guest
     * sees (default: the config bytes). */
    uint32_t (*config_read)(PciDevice *d, uint32_t addr, unsigned len);
    void (*config_write)(PciDevice *d, uint32_t addr, uint32_t value, unsigned len);
};

/* Property line for a PCI device's class: DEFINE_PROP_PCI_ADDR(State, pci). */
#define DEFINE_PROP_PCI_ADDR(S, member)                                                            \
    DEFINE_PROP_STRING("addr", S, member.addr_str, NULL, "PCI slot[.function] in hex (any free)")

/* ---- the bus (host bridge and board) ---- */

/* mem and io are the containers BARs map into (on the PC: the system
 * memory root and the 64 KiB port space); dma_as is what bus masters see. */
PciBus *pci_bus_new(Machine *m, MemoryRegion *mem, MemoryRegion *io, AddressSpace *dma_as);
void pci_bus_free(PciBus *bus);
MemoryRegion *pci_bus_mem(PciBus *bus);
MemoryRegion *pci_bus_io(PciBus *bus);
AddressSpace *pci_bus_dma_as(PciBus *bus);
/* The interrupt router (PIIX3): called with PIRQ 0-3 (A-D) and its level
 * whenever the OR of the INTx pins swizzled onto it changes. */
void pci_bus_set_irq_handler(PciBus *bus, void (*set_pirq)(void *opaque, int pirq, int level),
                             void *opaque);
/* Current level of PIRQ 0-3 (for routers whose routing changes). */
int pci_bus_pirq_level(PciBus *bus, int pirq);
/* Configuration cycles for bus 0 (other bus numbers read all ones);
 * reg is the byte offset, len 1, 2 or 4 and reg aligned to it.  A missing
 * function reads all ones. */
uint32_t pci_bus_config_read(PciBus *bus, uint8_t devfn, uint8_t reg, unsigned len);
void pci_bus_config_write(PciBus *bus, uint8_t devfn, uint8_t reg, uint32_t value, unsigned len);
PciDevice *pci_bus_find(PciBus *bus, uint8_t devfn);

/* ---- devices ---- */

/* Attach to bus at devfn (-1: d->addr_str if set, else the first free
 * slot from 1 up), with its identity and 24-bit class code (base class,
 * subclass, prog-if).  Sets a type-0 header with the subsystem ids equal
 * to the vendor/device (QEMU's 0x1af4/0x1100 are not used), the command
 * register writable for IO/MEMORY/MASTER/INTX_DISABLE, and the status
 * register's error bits write-one-to-clear.  False with one line in err
 * (no bus, slot taken, bad addr). */
bool pci_device_attach(PciDevice *d, PciBus *bus, int devfn, uint16_t vendor, uint16_t device,
                       uint8_t revision, uint32_t class_code, char *err, size_t errlen);
/* Unmap the BARs, drop INTx, leave the bus (finalize). */
void pci_device_detach(PciDevice *d);
/* Reset the generic part (command 0, BARs unmapped and cleared, INTx off):
 * the device's reset calls it. */
void pci_device_reset(PciDevice *d);
void pci_config_set_interrupt_pin(PciDevice *d, uint8_t pin); /* 1 = INTA# .. 4 = INTD#, 0 none */
/* Declare BAR n (0-5, or PCI_ROM_SLOT with PCI_BAR_ROM) backed by mr. */
void pci_register_bar(PciDevice *d, int n, unsigned type, MemoryRegion *mr);
/* After a snapshot load: map the BARs the loaded config programs and
 * drive INTx# from the loaded level. */
void pci_device_post_load(PciDevice *d);
/* Drive INTx# (level-triggered; ignored while COMMAND.INTX_DISABLE, but
 * STATUS.INTERRUPT always follows the device's level). */
void pci_set_irq(PciDevice *d, int level);
/* Bus-master DMA: MEMTX_ERROR without touching memory while
 * COMMAND.MASTER is clear. */
MemTxResult pci_dma_read(PciDevice *d, uint64_t addr, void *buf, uint64_t len);
MemTxResult pci_dma_write(PciDevice *d, uint64_t addr, const void *buf, uint64_t len);

/* Little-endian config helpers. */
static inline void pci_set_byte(uint8_t *p, uint8_t v)
{
    p[0] = v;
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
