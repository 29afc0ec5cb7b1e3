/*
 * Intel 82371SB PIIX3 function 0: the PCI-to-ISA bridge.  Register names
 * and reset values are those of the 82371FB/SB datasheet (Intel 290550),
 * §2.2 "PCI to ISA/EIO bridge configuration registers"; the reset control
 * register is §2.4.
 *
 * Modelled: PIRQ routing (PIRQRC[A:D]) to the ISA interrupt inputs, with
 * every PIRQ also on its I/O APIC input as on QEMU-compatible boards; the
 * reset control register; the other registers as storage with their reset
 * values.  The bridge functions the PIIX3 leaves to other chips here (DMA,
 * PIC, PIT, RTC) are their own devices.
 */
#include "devices/pci/piix3.h"

#include <stdio.h>

#include "core/log.h"
#include "core/machine.h"
#include "softmmu/memory.h"

#define PIIX3_DEVFN      PCI_DEVFN(1, 0)
#define PIIX3_RCR_PORT   0xcf9
#define PIIX3_NUM_PIRQ   4
#define PIIX3_NUM_ISAIRQ 16

enum {
    PIIX3_PIRQRC = 0x60, /* PIRQRC[A:D], 0x60-0x63 */

    PIRQRC_DISABLE = 0x80, /* IRQROUTEEN# */
    PIRQRC_IRQ = 0x0f,
    /* §2.2.10: IRQ 3-7, 9-12, 14 and 15 may take a PIRQ; others reserved. */
    PIRQ_VALID_IRQS = 0xdef8,

    RCR_SRST = 0x02, /* system reset: hard (1) or soft (0) */
    RCR_RCPU = 0x04, /* 0 -> 1 starts the reset */
};

/* §2.2: registers past the header with reset value and writable bits. */
static const struct {
    uint8_t reg, reset, wmask;
} piix3_regs[] = {
    {0x4c, 0x4d, 0xff},             /* IORT: ISA I/O recovery timer */
    {0x4e, 0x03, 0xff},             /* XBCS: X-bus chip select (low) */
    {0x4f, 0x00, 0x03},             /* XBCS (high) */
    {PIIX3_PIRQRC + 0, 0x80, 0x8f}, /* PIRQRCA */
    {PIIX3_PIRQRC + 1, 0x80, 0x8f}, /* PIRQRCB */
    {PIIX3_PIRQRC + 2, 0x80, 0x8f}, /* PIRQRCC */
    {PIIX3_PIRQRC + 3, 0x80, 0x8f}, /* PIRQRCD */
    {0x69, 0x02, 0xfe},             /* TOM: top of memory */
    {0x6a, 0x00, 0xff},             /* MSTAT: miscellaneous status (low) */
    {0x6b, 0x00, 0xff},             /* MSTAT (high) */
    {0x70, 0x80, 0xef},             /* MBIRQ0: motherboard IRQ route */
    {0x71, 0x80, 0xef},             /* MBIRQ1 */
    {0x76, 0x0c, 0x87},             /* MBDMA0: motherboard DMA */
    {0x77, 0x0c, 0x87},             /* MBDMA1 */
    {0x78, 0x02, 0xff},             /* PCSC: programmable chip select (low) */
    {0x79, 0x00, 0xff},             /* PCSC (high) */
    {0x80, 0x00, 0x7f},             /* APICBASE */
    {0x82, 0x00, 0x0f},             /* DLC: deterministic latency control */
    {0xa0, 0x08, 0x1f},             /* SMICNTL */
    {0xa2, 0x00, 0xff},             /* SMIEN (low) */
    {0xa3, 0x00, 0x01},             /* SMIEN (high) */
    {0xa4, 0x00, 0xff},             /* SEE: system event enable */
    {0xa5, 0x00, 0xff},
    {0xa6, 0x00, 0xff},
    {0xa7, 0x00, 0xe0},
    {0xa8, 0x0f, 0xff}, /* FTMR: fast off timer */
    {0xaa, 0x00, 0xff}, /* SMIREQ (low) */
    {0xab, 0x00, 0x01}, /* SMIREQ (high) */
    {0xac, 0x00, 0xff}, /* CTLTMR: clock scale STPCLK low timer */
    {0xae, 0x00, 0xff}, /* CTHTMR: clock scale STPCLK high timer */
};

typedef struct Piix3 {
    PciDevice pci;
    /* connections, set before realize */
    PciBus *bus;
    IrqLine *isa_irq[PIIX3_NUM_ISAIRQ];
    IrqLine *ioapic_pirq[PIIX3_NUM_PIRQ];
    void (*reset_request)(void *opaque);
    void *reset_opaque;

    MemoryRegion rcr_region;
    uint8_t rcr;
    uint16_t isa_driven; /* ISA IRQs this bridge holds high now */
} Piix3;

/* The ISA IRQ PIRQ n goes to, or -1 while its routing is disabled. */
static int piix3_pirq_route(const Piix3 *s, int pirq)
{
    uint8_t r = s->pci.config[PIIX3_PIRQRC + pirq];
    if (r & PIRQRC_DISABLE) return -1;
    int irq = r & PIRQRC_IRQ;
    return (PIRQ_VALID_IRQS >> irq) & 1 ? irq : -1;
}

/* Each ISA IRQ is the OR of the PIRQs routed to it. */
static void piix3_update_isa_irqs(Piix3 *s)
{
    uint16_t want = 0;
    for (int p = 0; p < PIIX3_NUM_PIRQ; p++) {
        int irq = piix3_pirq_route(s, p);
        if (irq >= 0 && pci_bus_pirq_level(s->bus, p)) want |= (uint16_t)(1u << irq);
    }
    uint16_t changed = want ^ s->isa_driven;
    s->isa_driven = want;
    for (int irq = 0; irq < PIIX3_NUM_ISAIRQ; irq++)
        if ((changed >> irq) & 1) irq_set(s->isa_irq[irq], (want >> irq) & 1);
}

static void piix3_set_pirq(void *opaque, int pirq, int level)
{
    Piix3 *s = opaque;
    irq_set(s->ioapic_pirq[pirq], level);
    piix3_update_isa_irqs(s);
}

static void piix3_config_write(PciDevice *d, uint32_t addr, uint32_t value, unsigned len)
{
    Piix3 *s = (Piix3 *)d;
    if (addr >= PIIX3_PIRQRC + PIIX3_NUM_PIRQ || addr + len <= PIIX3_PIRQRC) return;
    for (int p = 0; p < PIIX3_NUM_PIRQ; p++) {
        uint8_t r = d->config[PIIX3_PIRQRC + p];
        if (!(r & PIRQRC_DISABLE) && piix3_pirq_route(s, p) < 0)
            LOG_MASK(LOG_GUEST_ERRORS, "piix3: PIRQ%c routed to reserved IRQ %d\n", 'A' + p,
                     r & PIRQRC_IRQ);
    }
    piix3_update_isa_irqs(s);
}

/* ---- reset control register, port 0xcf9 (§2.4) ---- */

static uint64_t piix3_rcr_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix3 *s = opaque;
    return s->rcr;
}

static void piix3_rcr_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Piix3 *s = opaque;
    s->rcr = (uint8_t)value & RCR_SRST;
    if ((value & RCR_RCPU) && s->reset_request) s->reset_request(s->reset_opaque);
}

static const MemoryRegionOps piix3_rcr_ops = {
    .read = piix3_rcr_read,
    .write = piix3_rcr_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- the device ---- */

static void piix3_reset(Device *dev)
{
    Piix3 *s = (Piix3 *)dev;
    PciDevice *d = &s->pci;
    pci_device_reset(d);
    /* §2.2: PCICMD 0007h (I/O, memory, bus master), PCISTS 0200h. */
    pci_set_word(&d->config[PCI_COMMAND], 0x0007);
    pci_set_word(&d->config[PCI_STATUS], 0x0200);
    for (size_t i = 0; i < sizeof piix3_regs / sizeof piix3_regs[0]; i++) {
        d->config[piix3_regs[i].reg] = piix3_regs[i].reset;
        d->wmask[piix3_regs[i].reg] = piix3_regs[i].wmask;
    }
    s->rcr = 0;
    piix3_update_isa_irqs(s);
}

static void piix3_post_load(Device *dev)
{
    Piix3 *s = (Piix3 *)dev;
    pci_device_post_load(&s->pci);
    piix3_update_isa_irqs(s);
}

static bool piix3_realize(Device *dev, Machine *m)
{
    Piix3 *s = (Piix3 *)dev;
    char err[128];
    if (!s->bus && m) s->bus = machine_find_bus(m, PCI_BUS_NAME);
    if (!pci_device_attach(&s->pci, s->bus, PIIX3_DEVFN, 0x8086, 0x7000, 0x00, 0x060100, err,
                           sizeof err)) {
        fprintf(stderr, "doppel: piix3: %s\n", err);
        return false;
    }
    s->pci.config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_MULTI_FUNCTION;
    s->pci.config_write = piix3_config_write;
    pci_bus_set_irq_handler(s->bus, piix3_set_pirq, s);
    memory_region_init_io(&s->rcr_region, "piix3-rcr", 1, &piix3_rcr_ops, s);
    if (pci_bus_io(s->bus))
        memory_region_add_subregion(pci_bus_io(s->bus), PIIX3_RCR_PORT, &s->rcr_region, 0);
    return true;
}

static void piix3_finalize(Device *dev)
{
    Piix3 *s = (Piix3 *)dev;
    memory_region_destroy(&s->rcr_region);
    if (s->pci.bus) pci_bus_set_irq_handler(s->pci.bus, NULL, NULL);
    pci_device_detach(&s->pci);
}

static const VMStateField piix3_vmstate[] = {
    VMSTATE_BUFFER(Piix3, pci.config),
    VMSTATE_U8(Piix3, rcr),
    VMSTATE_END,
};

static const DeviceClass piix3_class = {
    .name = "piix3",
    .desc = "Intel 82371SB PIIX3 PCI-to-ISA bridge (PIRQ routing, reset control)",
    .instance_size = sizeof(Piix3),
    .vmstate = piix3_vmstate,
    .realize = piix3_realize,
    .reset = piix3_reset,
    .post_load = piix3_post_load,
    .finalize = piix3_finalize,
};
DEVICE_REGISTER(piix3_class)

Device *piix3_create(Machine *m, PciBus *bus, IrqLine *isa_irq[16], IrqLine *ioapic_pirq[4],
                     void (*reset)(void *opaque), void *opaque)
{
    Device *dev = device_create(m, "piix3");
    if (!dev) return NULL;
    Piix3 *s = (Piix3 *)dev;
    s->bus = bus;
    for (int i = 0; isa_irq && i < PIIX3_NUM_ISAIRQ; i++)
        s->isa_irq[i] = isa_irq[i];
    for (int i = 0; ioapic_pirq && i < PIIX3_NUM_PIRQ; i++)
        s->ioapic_pirq[i] = ioapic_pirq[i];
    s->reset_request = reset;
    s->reset_opaque = opaque;
    return device_realize(dev) ? dev : NULL;
}
