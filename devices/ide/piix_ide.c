/*
 * Intel 82371SB PIIX3 IDE interface (function 1 of the PIIX3, 8086:7010):
 * compatibility-mode decode of the two legacy channels gated by the IDETIM
 * decode-enable bits, and the bus-master IDE function at BAR4 with its
 * physical region descriptor (PRD) tables.  Register names and bits are
 * those of the 82371FB/SB datasheet (Intel 290550) §2.4 "PCI configuration
 * registers - IDE interface" and §2.6 "Bus master IDE I/O registers"; the
 * PRD format is SFF-8038i rev. 1.0 §2.
 */
#include "devices/ide/piix_ide.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/machine.h"
#include "devices/ide/ide_core.h"

enum {
    PIIX_IDETIM = 0x40,  /* primary at 40h-41h, secondary at 42h-43h */
    PIIX_SIDETIM = 0x44, /* slave IDE timing */
    IDETIM_IDE = 0x80,   /* high byte bit 7: IDE decode enable */

    BM_CMD_START = 0x01,
    BM_CMD_TO_MEMORY = 0x08, /* read/write control: 1 = bus master writes memory */
    BM_STATUS_ACTIVE = 0x01,
    BM_STATUS_ERROR = 0x02,
    BM_STATUS_INT = 0x04,
    BM_STATUS_DMA_CAP = 0x60, /* drive 0/1 DMA capable: plain storage */

    PRD_EOT = 0x80, /* in the descriptor's last byte */
    PRD_SIZE = 8,
};

static const uint16_t piix_cmd_base[2] = {0x1f0, 0x170};
static const uint16_t piix_ctl_base[2] = {0x3f6, 0x376};

typedef struct PiixIde PiixIde;

/* One channel's bus master (§2.6) and its PRD walk for the current
 * transfer (transfers run within one register write: not saved). */
typedef struct PiixBm {
    PiixIde *s;
    int ch;
    uint8_t cmd, status;
    uint32_t prd;
    uint8_t armed; /* started and no transfer run since */
    uint32_t prd_next, cur_addr, cur_left;
    bool eot, failed;
} PiixBm;

struct PiixIde {
    PciDevice pci;
    /* set by piix3_ide_create */
    PciBus *pci_bus;
    int devfn;
    BlockBackend *drives[4];
    bool cdrom[4];

    IdeBus bus[2];
    PiixBm bm[2];
    MemoryRegion cmd_io[2], ctl_io[2], bm_io;
    bool legacy_mapped[2];
};

/* ---- legacy ports ---- */

static uint64_t piix_cmd_read(void *opaque, uint64_t offset, unsigned size)
{
    IdeBus *bus = opaque;
    if (offset == 0) return ide_cmd_read(bus, 0, size);
    uint64_t v = 0;
    for (unsigned i = 0; i < size && offset + i < 8; i++)
        v |= (uint64_t)(ide_cmd_read(bus, (unsigned)offset + i, 1) & 0xff) << (8 * i);
    return v;
}

static void piix_cmd_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    IdeBus *bus = opaque;
    if (offset == 0) {
        ide_cmd_write(bus, 0, (uint32_t)value, size);
        return;
    }
    for (unsigned i = 0; i < size && offset + i < 8; i++)
        ide_cmd_write(bus, (unsigned)offset + i, (uint8_t)(value >> (8 * i)), 1);
}

static const MemoryRegionOps piix_cmd_ops = {
    .read = piix_cmd_read,
    .write = piix_cmd_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4, /* 32-bit PIO on the data port */
};

static uint64_t piix_ctl_read(void *opaque, uint64_t offset, unsigned size)
{
    return ide_ctl_read(opaque);
}

static void piix_ctl_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    ide_ctl_write(opaque, (uint8_t)value);
}

static const MemoryRegionOps piix_ctl_ops = {
    .read = piix_ctl_read,
    .write = piix_ctl_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* §2.4.3 IDETIM: a channel decodes when its IDE bit is set and PCICMD
 * I/O space access is enabled. */
static void piix_update_legacy(PiixIde *s)
{
    MemoryRegion *io = s->pci.bus ? pci_bus_io(s->pci.bus) : NULL;
    bool iose = pci_get_word(&s->pci.config[PCI_COMMAND]) & PCI_COMMAND_IO;
    for (int ch = 0; ch < 2; ch++) {
        bool on = io && iose && (s->pci.config[PIIX_IDETIM + 2 * ch + 1] & IDETIM_IDE);
        if (on == s->legacy_mapped[ch]) continue;
        if (on) {
            memory_region_add_subregion(io, piix_cmd_base[ch], &s->cmd_io[ch], 0);
            memory_region_add_subregion(io, piix_ctl_base[ch], &s->ctl_io[ch], 0);
        } else {
            memory_region_del_subregion(s->cmd_io[ch].parent, &s->cmd_io[ch]);
            memory_region_del_subregion(s->ctl_io[ch].parent, &s->ctl_io[ch]);
        }
        s->legacy_mapped[ch] = on;
    }
}

static void piix_config_write(PciDevice *d, uint32_t addr, uint32_t value, unsigned len)
{
    piix_update_legacy((PiixIde *)d);
}

/* ---- interrupts: legacy IRQ 14/15; the bus master latches each rise ---- */

static void piix_set_irq(void *opaque, int level)
{
    PiixBm *bm = opaque;
    if (level) bm->status |= BM_STATUS_INT;
    irq_set(bm->s->pci.dev.irq_out[bm->ch], level);
}

/* ---- bus master (§2.6, SFF-8038i) ---- */

static void piix_bm_fail(PiixBm *bm, const char *why, uint32_t addr)
{
    LOG_MASK(LOG_GUEST_ERRORS, "piix-ide: channel %d bus master: %s at %#" PRIx32 "\n", bm->ch, why,
             addr);
    bm->status |= BM_STATUS_ERROR;
    bm->failed = true;
}

static bool piix_bm_begin(void *opaque)
{
    PiixBm *bm = opaque;
    if (!(bm->cmd & BM_CMD_START) || !bm->armed) return false;
    bm->armed = 0;
    bm->prd_next = bm->prd;
    bm->cur_left = 0;
    bm->eot = bm->failed = false;
    int dir = ide_bus_dma_direction(&bm->s->bus[bm->ch]);
    if (dir >= 0 && dir != !!(bm->cmd & BM_CMD_TO_MEMORY))
        LOG_MASK(LOG_GUEST_ERRORS, "piix-ide: channel %d: DMA direction differs from the command\n",
                 bm->ch);
    return true;
}

static bool piix_bm_rw(void *opaque, uint8_t *buf, uint32_t len, bool to_memory)
{
    PiixBm *bm = opaque;
    PciDevice *pci = &bm->s->pci;
    while (len) {
        if (!bm->cur_left) {
            uint8_t e[PRD_SIZE];
            if (bm->eot) {
                /* SFF-8038i §2: the drive has more data than the table. */
                piix_bm_fail(bm, "PRD table ends before the transfer", bm->prd_next);
                return false;
            }
            if (pci_dma_read(pci, bm->prd_next, e, PRD_SIZE) != MEMTX_OK) {
                piix_bm_fail(bm, "PRD table unreadable", bm->prd_next);
                return false;
            }
            /* Base address (bit 0 zero), byte count (bit 0 zero, 0 = 64 KiB). */
            bm->cur_addr = pci_get_long(e) & ~1u;
            uint32_t count = pci_get_word(&e[4]) & 0xfffe;
            bm->cur_left = count ? count : 0x10000;
            bm->eot = e[7] & PRD_EOT;
            bm->prd_next += PRD_SIZE;
        }
        uint32_t n = len < bm->cur_left ? len : bm->cur_left;
        MemTxResult r = to_memory ? pci_dma_write(pci, bm->cur_addr, buf, n)
                                  : pci_dma_read(pci, bm->cur_addr, buf, n);
        if (r != MEMTX_OK) {
            piix_bm_fail(bm, "PRD region outside memory", bm->cur_addr);
            return false;
        }
        buf += n;
        len -= n;
        bm->cur_addr += n;
        bm->cur_left -= n;
    }
    return true;
}

static void piix_bm_end(void *opaque)
{
    PiixBm *bm = opaque;
    /* §2.6.2 BMISX: Active clears when the last descriptor (EOT) is used
     * up or on an error; a longer table leaves it set. */
    if (bm->failed || (bm->eot && !bm->cur_left)) bm->status &= (uint8_t)~BM_STATUS_ACTIVE;
}

static const IdeDmaOps piix_dma_ops = {
    .begin = piix_bm_begin,
    .rw = piix_bm_rw,
    .end = piix_bm_end,
};

static uint8_t piix_bm_read_byte(PiixBm *bm, unsigned reg)
{
    switch (reg) {
    case 0: return bm->cmd;
    case 2: return bm->status;
    case 4:
    case 5:
    case 6:
    case 7: return (uint8_t)(bm->prd >> (8 * (reg - 4)));
    }
    return 0;
}

static void piix_bm_write_byte(PiixBm *bm, unsigned reg, uint8_t v)
{
    switch (reg) {
    case 0: { /* BMICX */
        uint8_t old = bm->cmd;
        bm->cmd = v & (BM_CMD_START | BM_CMD_TO_MEMORY);
        if ((v & BM_CMD_START) && !(old & BM_CMD_START)) {
            bm->status |= BM_STATUS_ACTIVE;
            bm->armed = 1;
            ide_bus_dma_kick(&bm->s->bus[bm->ch]);
        } else if (!(v & BM_CMD_START) && (old & BM_CMD_START)) {
            bm->status &= (uint8_t)~BM_STATUS_ACTIVE; /* stop: the transfer is abandoned */
            bm->armed = 0;
        }
        break;
    }
    case 2: /* BMISX: DMA capable bits R/W, error and interrupt write-1-to-clear */
        bm->status = (uint8_t)((bm->status & ~BM_STATUS_DMA_CAP) | (v & BM_STATUS_DMA_CAP));
        bm->status &= (uint8_t) ~(v & (BM_STATUS_ERROR | BM_STATUS_INT));
        break;
    case 4:
    case 5:
    case 6:
    case 7: { /* BMIDTPX: dword aligned */
        unsigned shift = 8 * (reg - 4);
        bm->prd = (bm->prd & ~(0xffu << shift)) | ((uint32_t)v << shift);
        bm->prd &= ~3u;
        break;
    }
    }
}

static uint64_t piix_bm_read(void *opaque, uint64_t offset, unsigned size)
{
    PiixIde *s = opaque;
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)offset + i;
        v |= (uint64_t)piix_bm_read_byte(&s->bm[off >> 3 & 1], off & 7) << (8 * i);
    }
    return v;
}

static void piix_bm_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    PiixIde *s = opaque;
    for (unsigned i = 0; i < size; i++) {
        unsigned off = (unsigned)offset + i;
        piix_bm_write_byte(&s->bm[off >> 3 & 1], off & 7, (uint8_t)(value >> (8 * i)));
    }
}

static const MemoryRegionOps piix_bm_ops = {
    .read = piix_bm_read,
    .write = piix_bm_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 4,
};

/* ---- device ---- */

static void piix_ide_reset(Device *dev)
{
    PiixIde *s = (PiixIde *)dev;
    PciDevice *d = &s->pci;
    pci_device_reset(d);
    pci_set_word(&d->config[PCI_STATUS], 0x0280); /* §2.4.2: fast back-to-back, medium DEVSEL */
    memset(&d->config[PIIX_IDETIM], 0, PIIX_SIDETIM + 1 - PIIX_IDETIM);
    for (int ch = 0; ch < 2; ch++) {
        PiixBm *bm = &s->bm[ch];
        bm->cmd = bm->status = bm->armed = 0;
        bm->prd = 0;
        ide_bus_reset(&s->bus[ch]);
    }
    piix_update_legacy(s);
}

static bool piix_ide_realize(Device *dev, Machine *m)
{
    PiixIde *s = (PiixIde *)dev;
    PciDevice *d = &s->pci;
    char err[128];
    PciBus *bus = s->pci_bus ? s->pci_bus : m ? machine_find_bus(m, PCI_BUS_NAME) : NULL;
    /* §2.4: 8086:7010, mass storage / IDE, compatibility mode, bus master. */
    if (!pci_device_attach(d, bus, s->devfn, 0x8086, 0x7010, 0x00, 0x010180, err, sizeof err)) {
        fprintf(stderr, "doppel: piix3-ide: %s\n", err);
        return false;
    }
    d->config_write = piix_config_write;
    d->wmask[PIIX_IDETIM] = d->wmask[PIIX_IDETIM + 2] = 0xff;
    d->wmask[PIIX_IDETIM + 1] = d->wmask[PIIX_IDETIM + 3] = 0xf3; /* bits 11-10 reserved */
    d->wmask[PIIX_SIDETIM] = 0xff;
    memory_region_init_io(&s->bm_io, "piix-bmdma", 16, &piix_bm_ops, s);
    pci_register_bar(d, 4, PCI_BAR_IO, &s->bm_io);
    for (int ch = 0; ch < 2; ch++) {
        PiixBm *bm = &s->bm[ch];
        bm->s = s;
        bm->ch = ch;
        ide_bus_init(&s->bus[ch], ch, piix_set_irq, bm, &piix_dma_ops, bm);
        for (int unit = 0; unit < 2; unit++) {
            int i = 2 * ch + unit;
            if (s->cdrom[i])
                ide_drive_attach(&s->bus[ch], unit, IDE_KIND_ATAPI, s->drives[i]);
            else if (s->drives[i])
                ide_drive_attach(&s->bus[ch], unit, IDE_KIND_ATA, s->drives[i]);
        }
        memory_region_init_io(&s->cmd_io[ch], ch ? "ide1-cmd" : "ide0-cmd", 8, &piix_cmd_ops,
                              &s->bus[ch]);
        memory_region_init_io(&s->ctl_io[ch], ch ? "ide1-ctl" : "ide0-ctl", 1, &piix_ctl_ops,
                              &s->bus[ch]);
    }
    return true;
}

static void piix_ide_finalize(Device *dev)
{
    PiixIde *s = (PiixIde *)dev;
    for (int ch = 0; ch < 2; ch++) {
        memory_region_destroy(&s->cmd_io[ch]);
        memory_region_destroy(&s->ctl_io[ch]);
    }
    pci_device_detach(&s->pci);
    memory_region_destroy(&s->bm_io);
}

static void piix_ide_post_load(Device *dev)
{
    PiixIde *s = (PiixIde *)dev;
    pci_device_post_load(&s->pci);
    piix_update_legacy(s);
    for (int ch = 0; ch < 2; ch++) {
        s->bm[ch].prd &= ~3u;
        ide_bus_post_load(&s->bus[ch]);
    }
}

/* Every guest-visible field of one drive (c: channel, u: unit). */
#define IDE_DRIVE_VMSTATE(c, u)                                                                    \
    VMSTATE_U8(PiixIde, bus[c].drive[u].feature), VMSTATE_U8(PiixIde, bus[c].drive[u].nsector),    \
        VMSTATE_U8(PiixIde, bus[c].drive[u].sector), VMSTATE_U8(PiixIde, bus[c].drive[u].lcyl),    \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hcyl),                                                 \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hob_feature),                                          \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hob_nsector),                                          \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hob_sector),                                           \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hob_lcyl),                                             \
        VMSTATE_U8(PiixIde, bus[c].drive[u].hob_hcyl),                                             \
        VMSTATE_U8(PiixIde, bus[c].drive[u].select), VMSTATE_U8(PiixIde, bus[c].drive[u].status),  \
        VMSTATE_U8(PiixIde, bus[c].drive[u].error), VMSTATE_U8(PiixIde, bus[c].drive[u].command),  \
        VMSTATE_BOOL(PiixIde, bus[c].drive[u].intrq),                                              \
        VMSTATE_U8(PiixIde, bus[c].drive[u].mult_sectors),                                         \
        VMSTATE_U8(PiixIde, bus[c].drive[u].xfer_mode),                                            \
        VMSTATE_BOOL(PiixIde, bus[c].drive[u].write_cache),                                        \
        VMSTATE_U16(PiixIde, bus[c].drive[u].cur_cylinders),                                       \
        VMSTATE_U16(PiixIde, bus[c].drive[u].cur_heads),                                           \
        VMSTATE_U16(PiixIde, bus[c].drive[u].cur_sectors),                                         \
        VMSTATE_U8(PiixIde, bus[c].drive[u].xfer), VMSTATE_U8(PiixIde, bus[c].drive[u].dma),       \
        VMSTATE_BOOL(PiixIde, bus[c].drive[u].lba48), VMSTATE_BOOL(PiixIde, bus[c].drive[u].chs),  \
        VMSTATE_U32(PiixIde, bus[c].drive[u].data_pos),                                            \
        VMSTATE_U32(PiixIde, bus[c].drive[u].data_end),                                            \
        VMSTATE_U32(PiixIde, bus[c].drive[u].buf_len),                                             \
        VMSTATE_U64(PiixIde, bus[c].drive[u].xfer_lba),                                            \
        VMSTATE_U32(PiixIde, bus[c].drive[u].xfer_left),                                           \
        VMSTATE_U32(PiixIde, bus[c].drive[u].xfer_block),                                          \
        VMSTATE_U8_ARRAY(PiixIde, bus[c].drive[u].packet),                                         \
        VMSTATE_U8(PiixIde, bus[c].drive[u].sense_key), VMSTATE_U8(PiixIde, bus[c].drive[u].asc),  \
        VMSTATE_U8(PiixIde, bus[c].drive[u].ascq),                                                 \
        VMSTATE_BOOL(PiixIde, bus[c].drive[u].medium_present),                                     \
        VMSTATE_BOOL(PiixIde, bus[c].drive[u].locked),                                             \
        VMSTATE_U8(PiixIde, bus[c].drive[u].media_event),                                          \
        VMSTATE_U16(PiixIde, bus[c].drive[u].byte_limit),                                          \
        VMSTATE_BUFFER(PiixIde, bus[c].drive[u].io_buffer)

#define IDE_CHANNEL_VMSTATE(c)                                                                     \
    IDE_DRIVE_VMSTATE(c, 0), IDE_DRIVE_VMSTATE(c, 1), VMSTATE_U8(PiixIde, bus[c].unit),            \
        VMSTATE_U8(PiixIde, bus[c].devctl), VMSTATE_U8(PiixIde, bm[c].cmd),                        \
        VMSTATE_U8(PiixIde, bm[c].status), VMSTATE_U32(PiixIde, bm[c].prd),                        \
        VMSTATE_U8(PiixIde, bm[c].armed)

static const VMStateField piix_ide_vmstate[] = {
    VMSTATE_BUFFER(PiixIde, pci.config),
    IDE_CHANNEL_VMSTATE(0),
    IDE_CHANNEL_VMSTATE(1),
    VMSTATE_END,
};

static const Property piix_ide_props[] = {
    DEFINE_PROP_PCI_ADDR(PiixIde, pci),
    DEFINE_PROP_END,
};

static const DeviceClass piix_ide_class = {
    .name = "piix3-ide",
    .desc = "Intel PIIX3 IDE controller: two channels, ATA disks and ATAPI CD-ROMs, bus-master DMA",
    .instance_size = sizeof(PiixIde),
    .props = piix_ide_props,
    .vmstate = piix_ide_vmstate,
    .vmstate_version = 1,
    .realize = piix_ide_realize,
    .reset = piix_ide_reset,
    .post_load = piix_ide_post_load,
    .finalize = piix_ide_finalize,
};
DEVICE_REGISTER(piix_ide_class)

Device *piix3_ide_create(Machine *m, PciBus *bus, int devfn, IrqLine *irq14, IrqLine *irq15,
                         BlockBackend *drive[4], const bool cdrom[4])
{
    Device *dev = device_create(m, "piix3-ide");
    if (!dev) return NULL;
    PiixIde *s = (PiixIde *)dev;
    s->pci_bus = bus;
    s->devfn = devfn;
    for (int i = 0; i < 4; i++) {
        s->drives[i] = drive ? drive[i] : NULL;
        s->cdrom[i] = cdrom && cdrom[i];
    }
    device_connect_irq(dev, 0, irq14);
    device_connect_irq(dev, 1, irq15);
    return device_realize(dev) ? dev : NULL;
}
