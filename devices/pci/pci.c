/*
 * PCI local bus core (PCI Local Bus Specification 3.0, "PCI 3.0" below):
 * configuration space with write and write-one-to-clear masks, BAR sizing
 * and decoding, the expansion ROM BAR, INTx# with the PIRQ swizzle, and
 * bus-master DMA.  The API and its rules are in devices/pci/pci.h.
 */
#include "devices/pci/pci.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/machine.h"

#define PCI_SLOTS        32
#define PCI_FUNCS        8
#define PCI_DEVFNS       (PCI_SLOTS * PCI_FUNCS)
#define PCI_NUM_PIRQ     4
#define PCI_IO_SPACE_END 0x10000u
#define PCI_ROM_MIN_SIZE 0x800u /* PCI 3.0 §6.2.5.2: ROM address bits 31-11 */
#define PCI_ROM_ENABLE   0x1u

/* BARs sit below everything the board maps itself (RAM, firmware, the
 * APICs): the host bridge claims those addresses before PCI sees them. */
#define PCI_BAR_PRIORITY (-1)

enum {
    PCI_STATUS_ERROR_BITS = 0xf900, /* PCI 3.0 §6.2.3: bits 8, 11-15 are RW1C */
    PCI_COMMAND_WRITABLE =
        PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE,
};

typedef struct PciSlot {
    PciDevice *dev;
    MemoryRegion rom_view; /* read-only window onto the expansion ROM */
    bool intx_driven;      /* this function counts towards pirq_count[intx_pirq] */
    uint8_t intx_pirq;
} PciSlot;

struct PciBus {
    Machine *machine;
    MemoryRegion *mem, *io;
    AddressSpace *dma_as;
    PciSlot slots[PCI_DEVFNS];
    unsigned pirq_count[PCI_NUM_PIRQ]; /* functions asserting INTx onto each PIRQ */
    void (*set_pirq)(void *opaque, int pirq, int level);
    void *set_pirq_opaque;
};

/* ---- the bus ---- */

PciBus *pci_bus_new(Machine *m, MemoryRegion *mem, MemoryRegion *io, AddressSpace *dma_as)
{
    PciBus *bus = calloc(1, sizeof *bus);
    if (!bus) return NULL;
    bus->machine = m;
    bus->mem = mem;
    bus->io = io;
    bus->dma_as = dma_as;
    return bus;
}

void pci_bus_free(PciBus *bus)
{
    if (!bus) return;
    /* Functions still attached lose their bus now, so their own detach
     * at finalize (which may come later) finds nothing to undo. */
    for (int devfn = 0; devfn < PCI_DEVFNS; devfn++) {
        if (bus->slots[devfn].dev) pci_device_detach(bus->slots[devfn].dev);
    }
    free(bus);
}

MemoryRegion *pci_bus_mem(PciBus *bus)
{
    return bus->mem;
}

MemoryRegion *pci_bus_io(PciBus *bus)
{
    return bus->io;
}

AddressSpace *pci_bus_dma_as(PciBus *bus)
{
    return bus->dma_as;
}

void pci_bus_set_irq_handler(PciBus *bus, void (*set_pirq)(void *opaque, int pirq, int level),
                             void *opaque)
{
    bus->set_pirq = set_pirq;
    bus->set_pirq_opaque = opaque;
}

int pci_bus_pirq_level(PciBus *bus, int pirq)
{
    if (pirq < 0 || pirq >= PCI_NUM_PIRQ) return 0;
    return bus->pirq_count[pirq] != 0;
}

PciDevice *pci_bus_find(PciBus *bus, uint8_t devfn)
{
    return bus->slots[devfn].dev;
}

static bool pci_slot_has_other_functions(PciBus *bus, uint8_t devfn)
{
    uint8_t first = devfn & ~7u;
    for (uint8_t fn = 1; fn < PCI_FUNCS; fn++)
        if (bus->slots[first + fn].dev) return true;
    return false;
}

static uint32_t all_ones(unsigned len)
{
    return len >= 4 ? 0xffffffffu : (1u << (8 * len)) - 1;
}

static bool pci_config_access_ok(uint8_t reg, unsigned len)
{
    return (len == 1 || len == 2 || len == 4) && (reg & (len - 1)) == 0;
}

uint32_t pci_bus_config_read(PciBus *bus, uint8_t devfn, uint8_t reg, unsigned len)
{
    PciDevice *d = bus->slots[devfn].dev;
    if (!pci_config_access_ok(reg, len)) {
        LOG_MASK(LOG_GUEST_ERRORS, "pci: config read of %u bytes at %02x.%x+%#x misaligned\n", len,
                 devfn >> 3, devfn & 7, reg);
        return all_ones(len);
    }
    /* PCI 3.0 §6.1: a read of a function that does not exist ends in a
     * master abort, which the host bridge returns as all ones. */
    if (!d) return all_ones(len);
    uint32_t v;
    if (d->config_read) {
        v = d->config_read(d, reg, len);
    } else {
        v = 0;
        for (unsigned i = 0; i < len; i++)
            v |= (uint32_t)d->config[reg + i] << (8 * i);
    }
    /* PCI 3.0 §6.2.1: function 0 says whether the slot has more functions;
     * firmware and OSes probe functions 1-7 only when it does. */
    if ((devfn & 7) == 0 && reg <= PCI_HEADER_TYPE && reg + len > PCI_HEADER_TYPE &&
        pci_slot_has_other_functions(bus, devfn))
        v |= (uint32_t)PCI_HEADER_TYPE_MULTI_FUNCTION << (8 * (PCI_HEADER_TYPE - reg));
    return v & all_ones(len);
}

/* ---- BARs ---- */

static uint8_t pci_bar_reg(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : (uint8_t)(PCI_BASE_ADDRESS_0 + 4 * n);
}

/* Where BAR n decodes now per the command register and its address, or
 * PCI_BAR_UNMAPPED. */
static uint64_t pci_bar_decoded_addr(const PciDevice *d, int n)
{
    const PciBar *bar = &d->bars[n];
    uint16_t cmd = pci_get_word(&d->config[PCI_COMMAND]);
    uint32_t reg = pci_get_long(&d->config[pci_bar_reg(n)]);
    uint64_t addr = reg & ~(uint32_t)(bar->size - 1);
    if (!bar->mr) return PCI_BAR_UNMAPPED;
    if (bar->type & PCI_BAR_IO) {
        if (!(cmd & PCI_COMMAND_IO)) return PCI_BAR_UNMAPPED;
        /* Only 64 KiB of ports exist on the PC: a BAR above is not decoded. */
        if (addr == 0 || addr + bar->size > PCI_IO_SPACE_END) return PCI_BAR_UNMAPPED;
        return addr;
    }
    if (!(cmd & PCI_COMMAND_MEMORY)) return PCI_BAR_UNMAPPED;
    if (n == PCI_ROM_SLOT && !(reg & PCI_ROM_ENABLE)) return PCI_BAR_UNMAPPED;
    /* 0 and the all-ones pattern left by sizing are "not assigned". */
    if (addr == 0 || addr == (0xffffffffu & ~(bar->size - 1))) return PCI_BAR_UNMAPPED;
    return addr;
}

static MemoryRegion *pci_bar_region(PciDevice *d, int n)
{
    if (n == PCI_ROM_SLOT) return &d->bus->slots[d->devfn].rom_view;
    return d->bars[n].mr;
}

static void pci_bar_unmap(PciDevice *d, int n)
{
    PciBar *bar = &d->bars[n];
    if (bar->addr == PCI_BAR_UNMAPPED) return;
    MemoryRegion *mr = pci_bar_region(d, n);
    if (mr->parent) memory_region_del_subregion(mr->parent, mr);
    bar->addr = PCI_BAR_UNMAPPED;
}

static void pci_update_mappings(PciDevice *d)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PciBar *bar = &d->bars[n];
        uint64_t addr = pci_bar_decoded_addr(d, n);
        if (addr == bar->addr) continue;
        pci_bar_unmap(d, n);
        if (addr == PCI_BAR_UNMAPPED) continue;
        MemoryRegion *space = bar->type & PCI_BAR_IO ? d->bus->io : d->bus->mem;
        if (!space) continue;
        memory_region_add_subregion(space, addr, pci_bar_region(d, n), PCI_BAR_PRIORITY);
        bar->addr = addr;
    }
}

static uint64_t pow2_ceil(uint64_t v)
{
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

void pci_register_bar(PciDevice *d, int n, unsigned type, MemoryRegion *mr)
{
    bool rom = n == PCI_ROM_SLOT;
    /* BARs are declared by a device model after pci_device_attach. */
    if (!d->bus || n < 0 || n >= PCI_NUM_BARS || !mr || rom != (type == PCI_BAR_ROM)) {
        fprintf(stderr, "doppel: pci: bad BAR %d (type %#x) for %02x.%x\n", n, type, d->devfn >> 3,
                d->devfn & 7);
        abort(); /* a bug in the device model */
    }
    PciBar *bar = &d->bars[n];
    /* Smallest decodable sizes: 16 bytes of memory, 4 ports, and 2 KiB of
     * ROM (its address field starts at bit 11). */
    uint64_t min = type & PCI_BAR_IO ? 4 : rom ? PCI_ROM_MIN_SIZE : 16;
    pci_bar_unmap(d, n);
    bar->mr = mr;
    bar->type = type;
    bar->size = pow2_ceil(mr->size > min ? mr->size : min);
    bar->addr = PCI_BAR_UNMAPPED;
    uint8_t reg = pci_bar_reg(n);
    /* PCI 3.0 §6.2.5.1: the low bits give the type and are read-only; the
     * address bits below the size read as zero, which is how sizing works. */
    uint32_t type_bits = rom ? 0 : (type & 0xf);
    uint32_t wmask = ~(uint32_t)(bar->size - 1) & (type & PCI_BAR_IO ? ~3u : ~0xfu);
    if (rom) wmask = (~(uint32_t)(bar->size - 1) & ~0x7ffu) | PCI_ROM_ENABLE;
    pci_set_long(&d->config[reg], type_bits);
    pci_set_long(&d->wmask[reg], wmask);
    if (rom) {
        PciSlot *slot = &d->bus->slots[d->devfn];
        memory_region_init_alias(&slot->rom_view, mr->name, mr, 0, mr->size);
        slot->rom_view.readonly = true; /* not placed yet: no map update needed */
    }
}

/* ---- INTx ---- */

static void pci_bus_change_pirq(PciBus *bus, int pirq, bool up)
{
    unsigned before = bus->pirq_count[pirq];
    bus->pirq_count[pirq] = up ? before + 1 : before - 1;
    if ((before == 0) != (bus->pirq_count[pirq] == 0) && bus->set_pirq)
        bus->set_pirq(bus->set_pirq_opaque, pirq, bus->pirq_count[pirq] != 0);
}

/* Re-derive what the function puts on its PIRQ: its level unless
 * COMMAND.INTX_DISABLE (PCI 3.0 §6.2.2, bit 10). */
static void pci_update_intx(PciDevice *d)
{
    PciSlot *slot = &d->bus->slots[d->devfn];
    uint8_t pin = d->config[PCI_INTERRUPT_PIN];
    uint16_t cmd = pci_get_word(&d->config[PCI_COMMAND]);
    bool drive =
        d->irq_asserted && !(cmd & PCI_COMMAND_INTX_DISABLE) && pin >= 1 && pin <= PCI_NUM_PIRQ;
    if (drive == slot->intx_driven) return;
    if (slot->intx_driven) {
        slot->intx_driven = false;
        pci_bus_change_pirq(d->bus, slot->intx_pirq, false);
    }
    if (drive) {
        /* The board's wiring of slot INTx# to PIRQ A-D: QEMU's and SeaBIOS's
         * i440FX convention (slot 1 INTA# = PIRQA), which SeaBIOS's
         * interrupt line values and tables assume. */
        slot->intx_pirq = (uint8_t)(((d->devfn >> 3) + pin - 2) & 3);
        slot->intx_driven = true;
        pci_bus_change_pirq(d->bus, slot->intx_pirq, true);
    }
}

void pci_set_irq(PciDevice *d, int level)
{
    d->irq_asserted = level != 0;
    uint16_t status = pci_get_word(&d->config[PCI_STATUS]);
    status = d->irq_asserted ? status | PCI_STATUS_INTERRUPT : status & ~PCI_STATUS_INTERRUPT;
    pci_set_word(&d->config[PCI_STATUS], status);
    if (d->bus) pci_update_intx(d);
}

void pci_config_set_interrupt_pin(PciDevice *d, uint8_t pin)
{
    d->config[PCI_INTERRUPT_PIN] = pin <= PCI_NUM_PIRQ ? pin : 0;
    if (d->bus) pci_update_intx(d);
}

/* ---- configuration writes ---- */

static bool ranges_overlap(unsigned a, unsigned alen, unsigned b, unsigned blen)
{
    return a < b + blen && b < a + alen;
}

void pci_bus_config_write(PciBus *bus, uint8_t devfn, uint8_t reg, uint32_t value, unsigned len)
{
    PciDevice *d = bus->slots[devfn].dev;
    if (!pci_config_access_ok(reg, len)) {
        LOG_MASK(LOG_GUEST_ERRORS, "pci: config write of %u bytes at %02x.%x+%#x misaligned\n", len,
                 devfn >> 3, devfn & 7, reg);
        return;
    }
    if (!d) return; /* master abort: the write goes nowhere */
    for (unsigned i = 0; i < len; i++) {
        uint8_t a = (uint8_t)(reg + i), b = (uint8_t)(value >> (8 * i));
        d->config[a] = (uint8_t)((d->config[a] & ~d->wmask[a]) | (b & d->wmask[a]));
        d->config[a] &= (uint8_t) ~(b & d->w1cmask[a]);
    }
    if (ranges_overlap(reg, len, PCI_COMMAND, 2) ||
        ranges_overlap(reg, len, PCI_BASE_ADDRESS_0, 24) ||
        ranges_overlap(reg, len, PCI_ROM_ADDRESS, 4))
        pci_update_mappings(d);
    if (ranges_overlap(reg, len, PCI_COMMAND, 2)) pci_update_intx(d);
    if (d->config_write) d->config_write(d, reg, value, len);
}

/* ---- attaching ---- */

/* "addr" as QEMU spells it: slot[.function] in hex, with or without 0x. */
static bool pci_parse_addr(const char *s, int *devfn)
{
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
    if (!isxdigit((unsigned char)*s)) return false;
    char *end;
    unsigned long slot = strtoul(s, &end, 16), fn = 0;
    if (*end == '.') {
        const char *f = end + 1;
        if (!isxdigit((unsigned char)*f)) return false;
        fn = strtoul(f, &end, 16);
    }
    if (*end || slot >= PCI_SLOTS || fn >= PCI_FUNCS) return false;
    *devfn = (int)PCI_DEVFN(slot, fn);
    return true;
}

static void pci_init_header(PciDevice *d, uint16_t vendor, uint16_t device, uint8_t revision,
                            uint32_t class_code)
{
    memset(d->config, 0, sizeof d->config);
    memset(d->wmask, 0, sizeof d->wmask);
    memset(d->w1cmask, 0, sizeof d->w1cmask);
    pci_set_word(&d->config[PCI_VENDOR_ID], vendor);
    pci_set_word(&d->config[PCI_DEVICE_ID], device);
    d->config[PCI_REVISION_ID] = revision;
    d->config[PCI_CLASS_PROG] = (uint8_t)class_code;
    pci_set_word(&d->config[PCI_CLASS_DEVICE], (uint16_t)(class_code >> 8));
    pci_set_word(&d->config[PCI_SUBSYSTEM_VENDOR_ID], vendor);
    pci_set_word(&d->config[PCI_SUBSYSTEM_ID], device);
    pci_set_word(&d->wmask[PCI_COMMAND], PCI_COMMAND_WRITABLE);
    pci_set_word(&d->w1cmask[PCI_STATUS], PCI_STATUS_ERROR_BITS);
    /* Read/write scratch registers of every type-0 header (PCI 3.0 §6.2.4);
     * firmware and OSes program them. */
    d->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    d->wmask[PCI_LATENCY_TIMER] = 0xff;
    d->wmask[PCI_INTERRUPT_LINE] = 0xff;
    for (int n = 0; n < PCI_NUM_BARS; n++)
        d->bars[n] = (PciBar){.addr = PCI_BAR_UNMAPPED};
}

bool pci_device_attach(PciDevice *d, PciBus *bus, int devfn, uint16_t vendor, uint16_t device,
                       uint8_t revision, uint32_t class_code, char *err, size_t errlen)
{
    if (!bus) {
        snprintf(err, errlen, "this machine has no PCI bus");
        return false;
    }
    if (devfn < 0 && d->addr_str) {
        if (!pci_parse_addr(d->addr_str, &devfn)) {
            snprintf(err, errlen, "bad PCI address '%s' (expected slot[.function] in hex)",
                     d->addr_str);
            return false;
        }
    }
    if (devfn < 0) {
        for (int slot = 1; slot < PCI_SLOTS && devfn < 0; slot++)
            if (!bus->slots[PCI_DEVFN(slot, 0)].dev &&
                !pci_slot_has_other_functions(bus, PCI_DEVFN(slot, 0)))
                devfn = PCI_DEVFN(slot, 0);
        if (devfn < 0) {
            snprintf(err, errlen, "no free PCI slot");
            return false;
        }
    }
    if (devfn >= PCI_DEVFNS) {
        snprintf(err, errlen, "PCI address %#x out of range", devfn);
        return false;
    }
    if (bus->slots[devfn].dev) {
        snprintf(err, errlen, "PCI slot %02x.%x is already in use", devfn >> 3, devfn & 7);
        return false;
    }
    pci_init_header(d, vendor, device, revision, class_code);
    d->bus = bus;
    d->devfn = (uint8_t)devfn;
    d->irq_asserted = false;
    bus->slots[devfn] = (PciSlot){.dev = d};
    return true;
}

void pci_device_detach(PciDevice *d)
{
    PciBus *bus = d->bus;
    if (!bus) return;
    for (int n = 0; n < PCI_NUM_BARS; n++)
        pci_bar_unmap(d, n);
    d->irq_asserted = false;
    pci_update_intx(d);
    bus->slots[d->devfn].dev = NULL;
    d->bus = NULL;
}

void pci_device_reset(PciDevice *d)
{
    pci_set_word(&d->config[PCI_COMMAND], 0);
    uint16_t status = pci_get_word(&d->config[PCI_STATUS]);
    pci_set_word(&d->config[PCI_STATUS], status & ~(PCI_STATUS_ERROR_BITS | PCI_STATUS_INTERRUPT));
    d->config[PCI_CACHE_LINE_SIZE] = 0;
    d->config[PCI_LATENCY_TIMER] = 0;
    d->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        if (!d->bars[n].mr) continue;
        uint8_t reg = pci_bar_reg(n);
        pci_set_long(&d->config[reg], n == PCI_ROM_SLOT ? 0 : (d->bars[n].type & 0xf));
    }
    d->irq_asserted = false;
    if (!d->bus) return;
    pci_update_mappings(d);
    pci_update_intx(d);
}

void pci_device_post_load(PciDevice *d)
{
    /* The INTx level is not a table field: STATUS.Interrupt (PCI 3.0
     * §6.2.3, bit 3) mirrors it and travels in config space. */
    d->irq_asserted = pci_get_word(&d->config[PCI_STATUS]) & PCI_STATUS_INTERRUPT;
    if (!d->bus) return;
    pci_update_mappings(d);
    pci_update_intx(d);
}

/* ---- bus-master DMA ---- */

static bool pci_dma_allowed(PciDevice *d, uint64_t addr, bool is_write)
{
    /* PCI 3.0 §6.2.2, bit 2: no bus-master cycles while Bus Master is off. */
    if (d->bus && d->bus->dma_as && (pci_get_word(&d->config[PCI_COMMAND]) & PCI_COMMAND_MASTER))
        return true;
    LOG_MASK(LOG_GUEST_ERRORS, "pci: %02x.%x: DMA %s at %#" PRIx64 " with bus mastering off\n",
             d->devfn >> 3, d->devfn & 7, is_write ? "write" : "read", addr);
    return false;
}

MemTxResult pci_dma_read(PciDevice *d, uint64_t addr, void *buf, uint64_t len)
{
    if (!pci_dma_allowed(d, addr, false)) return MEMTX_ERROR;
    return dma_read(d->bus->dma_as, addr, buf, len);
}

MemTxResult pci_dma_write(PciDevice *d, uint64_t addr, const void *buf, uint64_t len)
{
    if (!pci_dma_allowed(d, addr, true)) return MEMTX_ERROR;
    return dma_write(d->bus->dma_as, addr, buf, len);
}
