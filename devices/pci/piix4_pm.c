/*
 * Intel 82371AB PIIX4 function 3: power management.  Register names are
 * those of the 82371AB datasheet (Intel 290562), §3.4 "Power management
 * configuration registers" and §7.2 "Power management I/O registers".
 *
 * Modelled: the PM1 status/enable/control registers, the 24-bit ACPI PM
 * timer (3.579545 MHz, virtual time) with its overflow event, GPE0
 * status/enable, the global and device registers as storage, the APM ports
 * and soft off.  There is no SMM: writing ACPI_ENABLE/ACPI_DISABLE to the
 * APM control port switches SCI_EN directly (what the BIOS's SMI handler
 * would do), and DEVACTB.APMC_EN is set at reset so firmware sees SMM set
 * up already.  The SMBus host controller is not implemented.
 */
#include "devices/pci/piix4_pm.h"

#include <stddef.h>
#include <stdio.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/options.h"
#include "softmmu/memory.h"

#define PM_IO_SIZE    64
#define PM_TIMER_HZ   3579545u
#define APM_PORT      0xb2
#define APM_ACPI_ON   0xf1
#define APM_ACPI_OFF  0xf0
#define PM_TIMER_MASK 0xffffffu
#define PM_TIMER_MSB  23

enum {
    /* configuration registers, §3.4 */
    PIIX4_PMBA = 0x40,
    PIIX4_DEVACTB = 0x58,
    PIIX4_PMREGMISC = 0x80,
    PIIX4_SMBBA = 0x90,
    PIIX4_SMBHSTCFG = 0xd2,

    PMBA_ADDR_MASK = 0xffc0,
    PMREGMISC_PMIOSE = 0x01,
    SMBHSTCFG_ENABLE = 0x01,

    /* PM I/O registers, §7.2 */
    PM_PMSTS = 0x00,
    PM_PMEN = 0x02,
    PM_PMCNTRL = 0x04,
    PM_PMTMR = 0x08,
    PM_GPSTS = 0x0c,
    PM_GPEN = 0x0e,
    PM_PCNTRL = 0x10,
    PM_PLVL2 = 0x14,
    PM_PLVL3 = 0x15,
    PM_GLBSTS = 0x18,
    PM_DEVSTS = 0x1c,
    PM_GLBEN = 0x20,
    PM_GLBCTL = 0x28,
    PM_DEVCTL = 0x2c,
    PM_GPIREG = 0x30,
    PM_GPOREG = 0x34,

    PMSTS_TMROF = 1u << 0,
    PMSTS_BM = 1u << 4,
    PMSTS_GBL = 1u << 5,
    PMSTS_PWRBTN = 1u << 8,
    PMSTS_RTC = 1u << 10,
    PMSTS_PWRBTNOR = 1u << 11,
    PMSTS_WAK = 1u << 15,
    PMSTS_SCI_EVENTS = PMSTS_TMROF | PMSTS_GBL | PMSTS_PWRBTN | PMSTS_RTC,

    PMCNTRL_SCI_EN = 1u << 0,
    PMCNTRL_SUS_TYP_SHIFT = 10,
    PMCNTRL_SUS_TYP = 7u << PMCNTRL_SUS_TYP_SHIFT,
    PMCNTRL_SUS_EN = 1u << 13,

    GLBCTL_BIOS_RLS = 1u << 1,
};

typedef struct Piix4Pm {
    PciDevice pci;
    /* connections, set before realize */
    PciBus *bus;
    IrqLine *sci;
    int devfn;

    MemoryRegion pm_io, apm_io;
    Timer *overflow_timer;
    uint16_t pm_base; /* where pm_io is mapped, 0 if not */

    /* PM I/O registers */
    uint16_t pmsts, pmen, pmcntrl, gpsts, gpen, glbsts, glben;
    uint32_t pcntrl, devsts, glbctl, devctl, gpireg, gporeg;
    /* APM ports */
    uint8_t apmc, apms;
} Piix4Pm;

/* §3.4: configuration bytes past the header: [first, last], reset value
 * of each byte, writable bits of each byte. */
static const struct {
    uint8_t first, last, reset, wmask;
} piix4_pm_config_regs[] = {
    {0x40, 0x40, 0x01, 0xc0}, /* PMBA: bits 15-6 the base, bit 0 says I/O */
    {0x41, 0x41, 0x00, 0xff}, {0x44, 0x4f, 0x00, 0xff}, /* CNTA, CNTB, GPICTL */
    {0x50, 0x57, 0x00, 0xff},                           /* DEVRESD, DEVACTA */
    {0x58, 0x5a, 0x00, 0xff},                           /* DEVACTB */
    {0x5b, 0x5b, 0x02, 0xff}, /* DEVACTB bit 25 APMC_EN: "SMM already set up" */
    {0x5c, 0x7f, 0x00, 0xff}, /* DEVRESA-DEVRESJ */
    {0x80, 0x80, 0x00, 0x01}, /* PMREGMISC */
    {0x90, 0x90, 0x01, 0xf0}, /* SMBBA */
    {0x91, 0x91, 0x00, 0xff}, {0xd2, 0xd2, 0x00, 0x0f}, /* SMBHSTCFG */
    {0xd3, 0xd5, 0x00, 0xff},                           /* SMBSLVC, SMBSHDW1/2 */
};

/* §7.2: the stored PM I/O registers, accessed bytewise through this table. */
typedef struct PmReg {
    uint8_t offset, width;
    size_t field;
    uint32_t wmask, w1c;
} PmReg;

#define PM_REG16(off, f, wm, w1)                                                                   \
    {                                                                                              \
        off, 2, offsetof(Piix4Pm, f), wm, w1                                                       \
    }
#define PM_REG32(off, f, wm, w1)                                                                   \
    {                                                                                              \
        off, 4, offsetof(Piix4Pm, f), wm, w1                                                       \
    }

static const PmReg pm_regs[] = {
    PM_REG16(PM_PMSTS, pmsts, 0,
             PMSTS_TMROF | PMSTS_BM | PMSTS_GBL | PMSTS_PWRBTN | PMSTS_RTC | PMSTS_PWRBTNOR |
                 PMSTS_WAK),
    PM_REG16(PM_PMEN, pmen, 0x0521, 0),
    PM_REG16(PM_PMCNTRL, pmcntrl, 0x1c03, 0), /* SUS_EN is write-only: handled apart */
    PM_REG16(PM_GPSTS, gpsts, 0, 0xffff),
    PM_REG16(PM_GPEN, gpen, 0xffff, 0),
    PM_REG32(PM_PCNTRL, pcntrl, 0x0003fe1e, 0),
    PM_REG16(PM_GLBSTS, glbsts, 0, 0x0d25),
    PM_REG32(PM_DEVSTS, devsts, 0, 0x3fffffff),
    PM_REG16(PM_GLBEN, glben, 0x8f07, 0),
    PM_REG32(PM_GLBCTL, glbctl, 0x0701ff07, 0),
    PM_REG32(PM_DEVCTL, devctl, 0x3fffffff, 0),
    PM_REG32(PM_GPIREG, gpireg, 0, 0),
    PM_REG32(PM_GPOREG, gporeg, 0xffffffff, 0),
};

static const PmReg *pm_reg_find(unsigned addr)
{
    for (size_t i = 0; i < sizeof pm_regs / sizeof pm_regs[0]; i++)
        if (addr >= pm_regs[i].offset && addr < pm_regs[i].offset + pm_regs[i].width)
            return &pm_regs[i];
    return NULL;
}

static uint32_t pm_reg_get(const Piix4Pm *s, const PmReg *r)
{
    const void *f = (const uint8_t *)s + r->field;
    return r->width == 2 ? *(const uint16_t *)f : *(const uint32_t *)f;
}

static void pm_reg_set(Piix4Pm *s, const PmReg *r, uint32_t v)
{
    void *f = (uint8_t *)s + r->field;
    if (r->width == 2)
        *(uint16_t *)f = (uint16_t)v;
    else
        *(uint32_t *)f = v;
}

/* ---- SCI ---- */

static void pm_update_sci(Piix4Pm *s)
{
    bool event = (s->pmsts & s->pmen & PMSTS_SCI_EVENTS) || (s->gpsts & s->gpen);
    irq_set(s->sci, event && (s->pmcntrl & PMCNTRL_SCI_EN));
}

/* ---- ACPI PM timer ---- */

static Clocks *pm_clocks(const Piix4Pm *s)
{
    return s->pci.dev.machine ? s->pci.dev.machine->clocks : NULL;
}

static uint64_t pm_timer_ticks(const Piix4Pm *s)
{
    Clocks *c = pm_clocks(s);
    if (!c) return 0;
    int64_t ns = clock_get_ns(c, CLK_VIRTUAL);
    return (uint64_t)((unsigned __int128)(ns < 0 ? 0 : ns) * PM_TIMER_HZ / 1000000000u);
}

/* Arm for the next change of the timer's bit 23, when TMROF_STS is set
 * (§7.2.1 PMSTS bit 0). */
static void pm_arm_overflow(Piix4Pm *s)
{
    if (!s->overflow_timer) return;
    uint64_t next = ((pm_timer_ticks(s) >> PM_TIMER_MSB) + 1) << PM_TIMER_MSB;
    uint64_t ns =
        (uint64_t)(((unsigned __int128)next * 1000000000u + PM_TIMER_HZ - 1) / PM_TIMER_HZ);
    timer_mod(s->overflow_timer, (int64_t)ns);
}

static void pm_overflow(void *opaque)
{
    Piix4Pm *s = opaque;
    s->pmsts |= PMSTS_TMROF;
    pm_update_sci(s);
    pm_arm_overflow(s);
}

/* ---- PM I/O block ---- */

static void pm_sleep(Piix4Pm *s, unsigned sus_typ)
{
    Machine *m = s->pci.dev.machine;
    if (sus_typ != 0) {
        LOG_MASK(LOG_UNIMP, "piix4-pm: sleep type %u not supported\n", sus_typ);
        return;
    }
    /* Soft off (the \_S5 package says SUS_TYP 0). */
    if (!m || (m->opts && m->opts->no_shutdown)) {
        LOG_MASK(LOG_GUEST_ERRORS, "piix4-pm: soft off ignored (-no-shutdown)\n");
        return;
    }
    machine_request_exit(m, 0);
}

static uint64_t pm_io_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix4Pm *s = opaque;
    uint32_t timer = (uint32_t)(pm_timer_ticks(s) & PM_TIMER_MASK);
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)offset + i;
        uint8_t b = 0;
        const PmReg *r = pm_reg_find(a);
        if (a >= PM_PMTMR && a < PM_PMTMR + 4)
            b = (uint8_t)(timer >> (8 * (a - PM_PMTMR)));
        else if (r)
            b = (uint8_t)(pm_reg_get(s, r) >> (8 * (a - r->offset)));
        /* PLVL2/PLVL3 reads would enter C2/C3: the cpu just goes on. */
        v |= (uint64_t)b << (8 * i);
    }
    return v;
}

static void pm_io_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Piix4Pm *s = opaque;
    bool sleep = false;
    for (unsigned i = 0; i < size; i++) {
        unsigned a = (unsigned)offset + i;
        uint8_t b = (uint8_t)(value >> (8 * i));
        const PmReg *r = pm_reg_find(a);
        if (!r) continue; /* PM timer and PLVLx: read-only */
        unsigned shift = 8 * (a - r->offset);
        uint32_t wm = (r->wmask >> shift) & 0xff, w1c = (r->w1c >> shift) & 0xff;
        uint32_t old = pm_reg_get(s, r), byte = (old >> shift) & 0xff;
        byte = ((byte & ~wm) | (b & wm)) & ~(b & w1c);
        pm_reg_set(s, r, (old & ~(0xffu << shift)) | (byte << shift));
        if (r->offset == PM_PMCNTRL && a == PM_PMCNTRL + 1 && (b & (PMCNTRL_SUS_EN >> 8)))
            sleep = true;
        if (r->offset == PM_GLBCTL && a == PM_GLBCTL && (b & GLBCTL_BIOS_RLS))
            s->pmsts |= PMSTS_GBL; /* §7.2: BIOS_RLS raises GBL_STS for the OS */
    }
    s->glbctl &= ~(uint32_t)GLBCTL_BIOS_RLS; /* write-only, reads 0 */
    pm_update_sci(s);
    if (sleep) pm_sleep(s, (s->pmcntrl & PMCNTRL_SUS_TYP) >> PMCNTRL_SUS_TYP_SHIFT);
}

static const MemoryRegionOps pm_io_ops = {
    .read = pm_io_read,
    .write = pm_io_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* ---- APM control/status, ports 0xb2/0xb3 (§3.4 "APMC", "APMS") ---- */

static uint64_t apm_read(void *opaque, uint64_t offset, unsigned size)
{
    Piix4Pm *s = opaque;
    return offset == 0 ? s->apmc : s->apms;
}

static void apm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Piix4Pm *s = opaque;
    if (offset == 1) {
        s->apms = (uint8_t)value;
        return;
    }
    s->apmc = (uint8_t)value;
    /* What the SMI handler of an ACPI BIOS does for the FADT's SMI_CMD. */
    if (s->apmc == APM_ACPI_ON) s->pmcntrl |= PMCNTRL_SCI_EN;
    if (s->apmc == APM_ACPI_OFF) s->pmcntrl &= (uint16_t)~PMCNTRL_SCI_EN;
    pm_update_sci(s);
}

static const MemoryRegionOps apm_ops = {
    .read = apm_read,
    .write = apm_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- configuration space ---- */

static void pm_update_io_mapping(Piix4Pm *s)
{
    const uint8_t *c = s->pci.config;
    uint16_t base =
        (c[PIIX4_PMREGMISC] & PMREGMISC_PMIOSE) ? pci_get_word(&c[PIIX4_PMBA]) & PMBA_ADDR_MASK : 0;
    if (base == s->pm_base) return;
    MemoryRegion *io = pci_bus_io(s->bus);
    if (s->pm_base) memory_region_del_subregion(io, &s->pm_io);
    s->pm_base = base;
    if (base) memory_region_add_subregion(io, base, &s->pm_io, 0);
}

static void piix4_pm_config_write(PciDevice *d, uint32_t addr, uint32_t value, unsigned len)
{
    Piix4Pm *s = (Piix4Pm *)d;
    pm_update_io_mapping(s);
    if (addr <= PIIX4_SMBHSTCFG && addr + len > PIIX4_SMBHSTCFG &&
        (d->config[PIIX4_SMBHSTCFG] & SMBHSTCFG_ENABLE))
        LOG_MASK(LOG_UNIMP, "piix4-pm: SMBus host controller not implemented\n");
}

/* ---- the device ---- */

static void piix4_pm_reset(Device *dev)
{
    Piix4Pm *s = (Piix4Pm *)dev;
    PciDevice *d = &s->pci;
    pci_device_reset(d);
    for (size_t i = 0; i < sizeof piix4_pm_config_regs / sizeof piix4_pm_config_regs[0]; i++)
        for (unsigned r = piix4_pm_config_regs[i].first; r <= piix4_pm_config_regs[i].last; r++) {
            d->config[r] = piix4_pm_config_regs[i].reset;
            d->wmask[r] = piix4_pm_config_regs[i].wmask;
        }
    s->pmsts = s->pmen = s->pmcntrl = s->gpsts = s->gpen = s->glbsts = s->glben = 0;
    s->pcntrl = s->devsts = s->glbctl = s->devctl = s->gpireg = s->gporeg = 0;
    s->apmc = s->apms = 0;
    pm_update_io_mapping(s);
    pm_update_sci(s);
    pm_arm_overflow(s);
}

static void piix4_pm_post_load(Device *dev)
{
    Piix4Pm *s = (Piix4Pm *)dev;
    pci_device_post_load(&s->pci);
    pm_update_io_mapping(s);
    pm_update_sci(s);
    pm_arm_overflow(s);
}

static bool piix4_pm_realize(Device *dev, Machine *m)
{
    Piix4Pm *s = (Piix4Pm *)dev;
    char err[128];
    if (!s->bus && m) s->bus = machine_find_bus(m, PCI_BUS_NAME);
    if (!pci_device_attach(&s->pci, s->bus, s->devfn, 0x8086, 0x7113, 0x03, 0x068000, err,
                           sizeof err)) {
        fprintf(stderr, "doppel: piix4-pm: %s\n", err);
        return false;
    }
    if (!pci_bus_io(s->bus)) {
        fprintf(stderr, "doppel: piix4-pm: the PCI bus has no I/O space\n");
        pci_device_detach(&s->pci);
        return false;
    }
    pci_config_set_interrupt_pin(&s->pci, 1);
    s->pci.config_write = piix4_pm_config_write;
    memory_region_init_io(&s->pm_io, "piix4-pm", PM_IO_SIZE, &pm_io_ops, s);
    memory_region_init_io(&s->apm_io, "apm", 2, &apm_ops, s);
    memory_region_add_subregion(pci_bus_io(s->bus), APM_PORT, &s->apm_io, 0);
    if (m && m->clocks) s->overflow_timer = timer_new(m->clocks, CLK_VIRTUAL, pm_overflow, s);
    return true;
}

static void piix4_pm_finalize(Device *dev)
{
    Piix4Pm *s = (Piix4Pm *)dev;
    timer_free(s->overflow_timer);
    memory_region_destroy(&s->pm_io);
    memory_region_destroy(&s->apm_io);
    pci_device_detach(&s->pci);
}

static const VMStateField piix4_pm_vmstate[] = {
    VMSTATE_BUFFER(Piix4Pm, pci.config),
    VMSTATE_U16(Piix4Pm, pmsts),
    VMSTATE_U16(Piix4Pm, pmen),
    VMSTATE_U16(Piix4Pm, pmcntrl),
    VMSTATE_U16(Piix4Pm, gpsts),
    VMSTATE_U16(Piix4Pm, gpen),
    VMSTATE_U16(Piix4Pm, glbsts),
    VMSTATE_U16(Piix4Pm, glben),
    VMSTATE_U32(Piix4Pm, pcntrl),
    VMSTATE_U32(Piix4Pm, devsts),
    VMSTATE_U32(Piix4Pm, glbctl),
    VMSTATE_U32(Piix4Pm, devctl),
    VMSTATE_U32(Piix4Pm, gpireg),
    VMSTATE_U32(Piix4Pm, gporeg),
    VMSTATE_U8(Piix4Pm, apmc),
    VMSTATE_U8(Piix4Pm, apms),
    VMSTATE_END,
};

static const DeviceClass piix4_pm_class = {
    .name = "piix4-pm",
    .desc = "Intel 82371AB PIIX4 power management (ACPI PM1, PM timer, GPE0, APM)",
    .instance_size = sizeof(Piix4Pm),
    .vmstate = piix4_pm_vmstate,
    .realize = piix4_pm_realize,
    .reset = piix4_pm_reset,
    .post_load = piix4_pm_post_load,
    .finalize = piix4_pm_finalize,
};
DEVICE_REGISTER(piix4_pm_class)

Device *piix4_pm_create(Machine *m, PciBus *bus, int devfn, IrqLine *sci)
{
    Device *dev = device_create(m, "piix4-pm");
    if (!dev) return NULL;
    Piix4Pm *s = (Piix4Pm *)dev;
    s->bus = bus;
    s->devfn = devfn;
    s->sci = sci;
    return device_realize(dev) ? dev : NULL;
}

uint16_t piix4_pm_io_base(Device *pm)
{
    return ((Piix4Pm *)pm)->pm_base;
}

void piix4_pm_power_button(Device *pm)
{
    Piix4Pm *s = (Piix4Pm *)pm;
    s->pmsts |= PMSTS_PWRBTN;
    pm_update_sci(s);
}
