/*
 * ATA register file and protocol engine of one IDE channel: task file
 * with the 48-bit HOB registers, status and interrupts, PIO data in and
 * out, DMA commands handed to the controller's bus master, and the ATA
 * command set of a hard disk.  ATAPI packets are in atapi.c.  Section
 * numbers are those of ATA/ATAPI-6 (T13/1410D rev. 3b).
 */
#include "devices/ide/ide_core.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"

#define IDE_CHS_MAX_CYLINDERS 16383
#define IDE_LBA28_MAX         0x0fffffffull

enum {
    /* ATA-6 §8.46 SET FEATURES subcommands. */
    SETF_WCACHE_ON = 0x02,
    SETF_XFER_MODE = 0x03,
    SETF_WCACHE_OFF = 0x82,
    SETF_LOOKAHEAD_OFF = 0x55,
    SETF_DEFAULTS_OFF = 0x66,
    SETF_LOOKAHEAD_ON = 0xaa,
    SETF_DEFAULTS_ON = 0xcc,
};

static inline IdeDrive *ide_selected(IdeBus *bus)
{
    return &bus->drive[bus->unit];
}

bool ide_bus_has_drives(const IdeBus *bus)
{
    return bus->drive[0].kind != IDE_KIND_NONE || bus->drive[1].kind != IDE_KIND_NONE;
}

/* ---- interrupts (ATA-6 §5.2.9: INTRQ follows the selected device's
 * pending interrupt unless nIEN) ---- */

static bool ide_bus_intrq(IdeBus *bus)
{
    IdeDrive *sel = ide_selected(bus);
    return sel->intrq && sel->kind != IDE_KIND_NONE && !(bus->devctl & IDE_CTL_NIEN);
}

void ide_drive_update_irq(IdeDrive *d)
{
    IdeBus *bus = d->bus;
    bool level = ide_bus_intrq(bus);
    if (level == bus->irq_level) return;
    bus->irq_level = level;
    if (bus->set_irq) bus->set_irq(bus->irq_opaque, level);
}

void ide_raise_irq(IdeDrive *d)
{
    d->intrq = true;
    ide_drive_update_irq(d);
}

static void ide_xfer_stop(IdeDrive *d)
{
    d->xfer = IDE_XFER_NONE;
    d->dma = IDE_DMA_NONE;
    d->data_pos = d->data_end = 0;
}

void ide_cmd_done(IdeDrive *d)
{
    ide_xfer_stop(d);
    d->status = IDE_STAT_DRDY | IDE_STAT_DSC;
    ide_raise_irq(d);
}

void ide_cmd_error(IdeDrive *d, uint8_t error)
{
    ide_xfer_stop(d);
    d->error = error;
    d->status = IDE_STAT_DRDY | IDE_STAT_ERR;
    ide_raise_irq(d);
}

void ide_drq_block(IdeDrive *d, uint32_t len, IdeXfer xfer)
{
    d->data_pos = 0;
    d->data_end = len;
    d->xfer = (uint8_t)xfer;
    d->status = IDE_STAT_DRDY | IDE_STAT_DSC | IDE_STAT_DRQ;
}

void ide_set_signature(IdeDrive *d)
{
    /* ATA-6 §9.12: packet devices put 14h/EBh in the cylinder registers. */
    d->select &= IDE_SEL_DEV;
    d->nsector = d->sector = 1;
    bool atapi = d->kind == IDE_KIND_ATAPI;
    d->lcyl = atapi ? 0x14 : 0;
    d->hcyl = atapi ? 0xeb : 0;
}

/* ---- addressing ---- */

static uint32_t ide_sector_count(const IdeDrive *d)
{
    if (d->lba48) {
        uint32_t n = (uint32_t)d->hob_nsector << 8 | d->nsector;
        return n ? n : 65536;
    }
    return d->nsector ? d->nsector : 256;
}

/* The command's first sector from LBA28, LBA48 or CHS registers; false
 * for a CHS address outside the current translation. */
static bool ide_decode_address(IdeDrive *d, uint64_t *lba)
{
    d->chs = !(d->select & IDE_SEL_LBA) && !d->lba48;
    if (d->lba48) {
        *lba = (uint64_t)d->hob_hcyl << 40 | (uint64_t)d->hob_lcyl << 32 |
               (uint64_t)d->hob_sector << 24 | (uint64_t)d->hcyl << 16 | (uint64_t)d->lcyl << 8 |
               d->sector;
    } else if (!d->chs) {
        *lba = (uint64_t)(d->select & 0x0f) << 24 | (uint64_t)d->hcyl << 16 |
               (uint64_t)d->lcyl << 8 | d->sector;
    } else {
        unsigned cyl = (unsigned)d->hcyl << 8 | d->lcyl, head = d->select & 0x0f;
        if (d->sector == 0 || d->sector > d->cur_sectors || head >= d->cur_heads) return false;
        *lba = ((uint64_t)cyl * d->cur_heads + head) * d->cur_sectors + d->sector - 1;
    }
    return true;
}

/* Leave the task file pointing at lba (the next or the failing sector). */
static void ide_set_address(IdeDrive *d, uint64_t lba)
{
    if (d->chs) {
        uint32_t per_cyl = (uint32_t)d->cur_heads * d->cur_sectors;
        uint64_t cyl = lba / per_cyl;
        uint32_t r = (uint32_t)(lba % per_cyl);
        d->lcyl = (uint8_t)cyl;
        d->hcyl = (uint8_t)(cyl >> 8);
        d->select = (uint8_t)((d->select & 0xf0) | (r / d->cur_sectors));
        d->sector = (uint8_t)(r % d->cur_sectors + 1);
        return;
    }
    d->sector = (uint8_t)lba;
    d->lcyl = (uint8_t)(lba >> 8);
    d->hcyl = (uint8_t)(lba >> 16);
    if (d->lba48) {
        d->hob_sector = (uint8_t)(lba >> 24);
        d->hob_lcyl = (uint8_t)(lba >> 32);
        d->hob_hcyl = (uint8_t)(lba >> 40);
    } else {
        d->select = (uint8_t)((d->select & 0xf0) | ((lba >> 24) & 0x0f));
    }
}

/* ---- sector I/O ---- */

/* Move n sectors at lba between io_buffer and the image; on failure the
 * command ends with the error the block layer's result stands for. */
static bool ide_sector_io(IdeDrive *d, uint64_t lba, uint32_t n, bool write)
{
    if (lba >= d->nb_sectors || n > d->nb_sectors - lba) {
        /* ATA-6 §8.27 READ SECTORS: IDNF for an address past the end,
         * reported at the first sector that does not exist. */
        ide_set_address(d, lba > d->nb_sectors ? lba : d->nb_sectors);
        ide_cmd_error(d, IDE_ERR_IDNF);
        return false;
    }
    uint64_t off = lba * IDE_SECTOR_SIZE;
    size_t len = (size_t)n * IDE_SECTOR_SIZE;
    int ret = write ? blk_pwrite(d->blk, off, d->io_buffer, len)
                    : blk_pread(d->blk, off, d->io_buffer, len);
    if (ret == 0) return true;
    ide_set_address(d, lba);
    if (ret == -EINVAL)
        ide_cmd_error(d, IDE_ERR_IDNF);
    else if (!write && ret == -EIO)
        ide_cmd_error(d, IDE_ERR_UNC);
    else
        ide_cmd_error(d, IDE_ERR_ABRT); /* write failures, read-only image */
    return false;
}

/* With the write cache off, a write completes only once on the medium. */
static bool ide_write_through(IdeDrive *d)
{
    if (d->write_cache || blk_flush(d->blk) == 0) return true;
    ide_cmd_error(d, IDE_ERR_ABRT);
    return false;
}

static uint32_t ide_pio_block_sectors(const IdeDrive *d)
{
    return d->xfer_left < d->xfer_block ? d->xfer_left : d->xfer_block;
}

/* READ SECTORS/MULTIPLE: the next DRQ block, with its interrupt. */
static void ide_pio_read_block(IdeDrive *d)
{
    uint32_t n = ide_pio_block_sectors(d);
    if (!ide_sector_io(d, d->xfer_lba, n, false)) return;
    ide_drq_block(d, n * IDE_SECTOR_SIZE, IDE_XFER_ATA_IN);
    ide_raise_irq(d);
}

static void ide_pio_advance(IdeDrive *d)
{
    uint32_t n = ide_pio_block_sectors(d);
    d->xfer_lba += n;
    d->xfer_left -= n;
    ide_set_address(d, d->xfer_lba);
}

static void ide_pio_in_block_done(IdeDrive *d)
{
    ide_pio_advance(d);
    if (d->xfer_left) {
        ide_pio_read_block(d);
        return;
    }
    /* ATA-6 §9.7 PIO data-in: no interrupt after the last block. */
    ide_xfer_stop(d);
    d->status = IDE_STAT_DRDY | IDE_STAT_DSC;
}

static void ide_pio_out_block_done(IdeDrive *d)
{
    if (!ide_sector_io(d, d->xfer_lba, ide_pio_block_sectors(d), true)) return;
    ide_pio_advance(d);
    if (d->xfer_left) {
        ide_drq_block(d, ide_pio_block_sectors(d) * IDE_SECTOR_SIZE, IDE_XFER_ATA_OUT);
        ide_raise_irq(d);
        return;
    }
    if (ide_write_through(d)) ide_cmd_done(d);
}

/* ---- DMA ---- */

bool ide_dma_move(IdeDrive *d, uint8_t *buf, uint32_t len, bool to_memory)
{
    IdeBus *bus = d->bus;
    return bus->dma_ops && bus->dma_ops->rw(bus->dma_opaque, buf, len, to_memory);
}

static void ide_ata_dma_run(IdeDrive *d, bool write)
{
    while (d->xfer_left) {
        uint32_t n = d->xfer_left < IDE_BUF_SECTORS ? d->xfer_left : IDE_BUF_SECTORS;
        uint32_t len = n * IDE_SECTOR_SIZE;
        if (!write && !ide_sector_io(d, d->xfer_lba, n, false)) return;
        if (!ide_dma_move(d, d->io_buffer, len, !write)) {
            ide_set_address(d, d->xfer_lba);
            ide_cmd_error(d, IDE_ERR_ABRT);
            return;
        }
        if (write && !ide_sector_io(d, d->xfer_lba, n, true)) return;
        d->xfer_lba += n;
        d->xfer_left -= n;
        ide_set_address(d, d->xfer_lba);
    }
    if (write && !ide_write_through(d)) return;
    ide_cmd_done(d);
}

void ide_dma_try(IdeDrive *d)
{
    IdeBus *bus = d->bus;
    if (d->dma == IDE_DMA_NONE || !bus->dma_ops || !bus->dma_ops->begin(bus->dma_opaque)) return;
    uint8_t cmd = d->dma;
    d->dma = IDE_DMA_NONE;
    if (cmd == IDE_DMA_ATAPI_IN)
        atapi_dma_run(d);
    else
        ide_ata_dma_run(d, cmd == IDE_DMA_ATA_WRITE);
    bus->dma_ops->end(bus->dma_opaque);
}

void ide_bus_dma_kick(IdeBus *bus)
{
    ide_dma_try(ide_selected(bus));
}

int ide_bus_dma_direction(const IdeBus *bus)
{
    const IdeDrive *d = &bus->drive[bus->unit];
    if (d->dma == IDE_DMA_NONE) return -1;
    return d->dma != IDE_DMA_ATA_WRITE;
}

/* ---- IDENTIFY DEVICE (ATA-6 §8.15) ---- */

void ide_identify_string(uint16_t *words, const char *s, unsigned nchars)
{
    size_t len = strlen(s);
    for (unsigned i = 0; i < nchars; i++) {
        uint8_t c = i < len ? (uint8_t)s[i] : ' ';
        words[i / 2] = (i & 1) ? (uint16_t)(words[i / 2] | c) : (uint16_t)(c << 8);
    }
}

void ide_identify_finish(IdeDrive *d, uint16_t *words)
{
    /* §8.15.9 word 255: signature A5h, then a checksum that makes the
     * sum of all 512 bytes zero. */
    words[255] = 0xa5;
    uint8_t sum = 0;
    for (int i = 0; i < 256; i++) {
        d->io_buffer[2 * i] = (uint8_t)words[i];
        d->io_buffer[2 * i + 1] = (uint8_t)(words[i] >> 8);
        if (i < 255) sum = (uint8_t)(sum + (uint8_t)words[i] + (uint8_t)(words[i] >> 8));
    }
    sum = (uint8_t)(sum + 0xa5);
    d->io_buffer[511] = (uint8_t)-sum;
}

static uint16_t ide_mode_bits(const IdeDrive *d, unsigned mode_class, uint16_t supported)
{
    /* SET FEATURES 03h value: class in bits 7-3, mode in bits 2-0. */
    uint16_t selected =
        (d->xfer_mode >> 3) == mode_class ? (uint16_t)(0x100 << (d->xfer_mode & 7)) : 0;
    return supported | selected;
}

static void ide_identify_ata(IdeDrive *d)
{
    uint16_t w[256] = {0};
    char serial[24];
    uint64_t n = d->nb_sectors;
    uint32_t lba28 = (uint32_t)(n > IDE_LBA28_MAX ? IDE_LBA28_MAX : n);
    uint32_t cur_chs = (uint32_t)d->cur_cylinders * d->cur_heads * d->cur_sectors;
    snprintf(serial, sizeof serial, "DP%02u%05u", d->bus->channel,
             (unsigned)(d - d->bus->drive) + 1);
    w[0] = 0x0040; /* fixed device */
    w[1] = d->cylinders;
    w[3] = d->heads;
    w[6] = d->sectors;
    ide_identify_string(&w[10], serial, 20);
    ide_identify_string(&w[23], "1.0", 8);
    ide_identify_string(&w[27], "DOPPEL HARDDISK", 40);
    w[47] = 0x8000 | IDE_MAX_MULT;
    w[49] = 0x0f00; /* IORDY, IORDY can be disabled, LBA, DMA */
    w[50] = 0x4000;
    w[51] = w[52] = 0x0200;
    w[53] = 0x0007; /* words 54-58, 64-70 and 88 valid */
    w[54] = d->cur_cylinders;
    w[55] = d->cur_heads;
    w[56] = d->cur_sectors;
    w[57] = (uint16_t)cur_chs;
    w[58] = (uint16_t)(cur_chs >> 16);
    w[59] = d->mult_sectors ? (uint16_t)(0x100 | d->mult_sectors) : 0;
    w[60] = (uint16_t)lba28;
    w[61] = (uint16_t)(lba28 >> 16);
    w[63] = ide_mode_bits(d, 4, 0x07); /* multiword DMA 0-2 */
    w[64] = 0x0003;                    /* PIO 3 and 4 */
    w[65] = w[66] = w[67] = w[68] = 120;
    w[80] = 0x007e; /* ATA-1 to ATA-6 */
    w[82] = 0x0028; /* power management, write cache */
    w[83] = 0x7400; /* FLUSH CACHE EXT, FLUSH CACHE, 48-bit address */
    w[84] = 0x4000;
    w[85] = (uint16_t)(0x0008 | (d->write_cache ? 0x0020 : 0));
    w[86] = 0x3400;
    w[87] = 0x4000;
    w[88] = ide_mode_bits(d, 8, 0x3f); /* Ultra DMA 0-5 */
    w[93] = 0x6001;                    /* 80-conductor cable, reset result valid */
    for (int i = 0; i < 4; i++)
        w[100 + i] = (uint16_t)(n >> (16 * i));
    ide_identify_finish(d, w);
}

/* ---- commands ---- */

enum {
    CMD_ATA = 0x01,   /* a hard disk accepts it */
    CMD_ATAPI = 0x02, /* a packet device accepts it */
    CMD_SIG = 0x04,   /* a packet device aborts it with its signature (ATA-6 §8.15.6) */
    /* read/write shapes */
    RW_WRITE = 0x10,
    RW_LBA48 = 0x20,
    RW_MULT = 0x40,
    RW_DMA = 0x80,
    RW_VERIFY = 0x100,
};

typedef void IdeCmdFn(IdeDrive *d, unsigned flags);

static void ide_cmd_rw(IdeDrive *d, unsigned flags)
{
    uint64_t lba;
    bool write = flags & RW_WRITE;
    d->lba48 = flags & RW_LBA48;
    if (!ide_decode_address(d, &lba)) {
        ide_cmd_error(d, IDE_ERR_IDNF);
        return;
    }
    uint32_t count = ide_sector_count(d);
    if ((write && blk_is_read_only(d->blk)) || ((flags & RW_MULT) && !d->mult_sectors)) {
        ide_cmd_error(d, IDE_ERR_ABRT);
        return;
    }
    if (flags & RW_VERIFY) {
        /* READ VERIFY SECTOR(S): the range must exist; no data moves. */
        if (lba >= d->nb_sectors || count > d->nb_sectors - lba) {
            ide_set_address(d, lba > d->nb_sectors ? lba : d->nb_sectors);
            ide_cmd_error(d, IDE_ERR_IDNF);
            return;
        }
        ide_set_address(d, lba + count - 1);
        ide_cmd_done(d);
        return;
    }
    d->xfer_lba = lba;
    d->xfer_left = count;
    d->xfer_block = (flags & RW_MULT) ? d->mult_sectors : 1;
    if (flags & RW_DMA) {
        d->dma = write ? IDE_DMA_ATA_WRITE : IDE_DMA_ATA_READ;
        d->status = IDE_STAT_DRDY | IDE_STAT_DSC | IDE_STAT_DRQ;
        ide_dma_try(d);
    } else if (write) {
        /* ATA-6 §9.8 PIO data-out: DRQ for the first block, no interrupt. */
        ide_drq_block(d, ide_pio_block_sectors(d) * IDE_SECTOR_SIZE, IDE_XFER_ATA_OUT);
    } else {
        ide_pio_read_block(d);
    }
}

static void ide_cmd_identify(IdeDrive *d, unsigned flags)
{
    if (d->kind == IDE_KIND_ATAPI)
        atapi_identify(d);
    else
        ide_identify_ata(d);
    ide_drq_block(d, 512, IDE_XFER_INFO);
    ide_raise_irq(d);
}

static void ide_cmd_nop_done(IdeDrive *d, unsigned flags)
{
    ide_cmd_done(d);
}

static void ide_cmd_set_multiple(IdeDrive *d, unsigned flags)
{
    /* §8.39: 0 disables; otherwise a power of two up to word 47's limit. */
    uint8_t n = d->nsector;
    if (n > IDE_MAX_MULT || (n & (n - 1))) {
        ide_cmd_error(d, IDE_ERR_ABRT);
        return;
    }
    d->mult_sectors = n;
    ide_cmd_done(d);
}

static bool ide_xfer_mode_valid(uint8_t v)
{
    unsigned mode = v & 7;
    switch (v >> 3) {
    case 0: return mode <= 1; /* PIO default (mode 1: IORDY disabled) */
    case 1: return mode <= 4; /* PIO flow control */
    case 4: return mode <= 2; /* multiword DMA */
    case 8: return mode <= 5; /* Ultra DMA */
    }
    return false;
}

static void ide_cmd_set_features(IdeDrive *d, unsigned flags)
{
    switch (d->feature) {
    case SETF_WCACHE_ON:
    case SETF_WCACHE_OFF:
        if (d->kind != IDE_KIND_ATA) break;
        d->write_cache = d->feature == SETF_WCACHE_ON;
        /* Turning the cache off must not leave cached data behind. */
        if (!d->write_cache && blk_flush(d->blk) != 0) break;
        ide_cmd_done(d);
        return;
    case SETF_XFER_MODE:
        if (!ide_xfer_mode_valid(d->nsector)) break;
        d->xfer_mode = d->nsector;
        ide_cmd_done(d);
        return;
    case SETF_LOOKAHEAD_OFF:
    case SETF_LOOKAHEAD_ON:
    case SETF_DEFAULTS_OFF:
    case SETF_DEFAULTS_ON: ide_cmd_done(d); return;
    }
    LOG_MASK(LOG_UNIMP, "ide: SET FEATURES %#x not supported\n", d->feature);
    ide_cmd_error(d, IDE_ERR_ABRT);
}

static void ide_cmd_init_params(IdeDrive *d, unsigned flags)
{
    /* §8.16 INITIALIZE DEVICE PARAMETERS: heads from the device register,
     * sectors per track from the sector count. */
    if (d->nsector == 0) {
        ide_cmd_error(d, IDE_ERR_ABRT);
        return;
    }
    d->cur_heads = (uint16_t)((d->select & 0x0f) + 1);
    d->cur_sectors = d->nsector;
    uint64_t cyl = d->nb_sectors / ((uint32_t)d->cur_heads * d->cur_sectors);
    d->cur_cylinders = (uint16_t)(cyl > 0xffff ? 0xffff : cyl);
    ide_cmd_done(d);
}

static void ide_cmd_flush(IdeDrive *d, unsigned flags)
{
    if (blk_flush(d->blk) != 0) {
        ide_cmd_error(d, IDE_ERR_ABRT);
        return;
    }
    ide_cmd_done(d);
}

static void ide_cmd_check_power(IdeDrive *d, unsigned flags)
{
    d->nsector = 0xff; /* §8.6: active or idle */
    ide_cmd_done(d);
}

static void ide_cmd_read_native_max(IdeDrive *d, unsigned flags)
{
    d->lba48 = flags & RW_LBA48;
    d->chs = false;
    ide_set_address(d, d->nb_sectors ? d->nb_sectors - 1 : 0);
    ide_cmd_done(d);
}

/* ATA-6 §8.11: both devices run their diagnostics; device 0 reports. */
static void ide_drive_soft_reset(IdeDrive *d);

static void ide_cmd_diagnostic(IdeDrive *d, unsigned flags)
{
    IdeBus *bus = d->bus;
    for (int i = 0; i < 2; i++) {
        IdeDrive *x = &bus->drive[i];
        if (x->kind == IDE_KIND_NONE) continue;
        ide_drive_soft_reset(x);
        x->error = 0x01; /* passed */
    }
    ide_raise_irq(d);
}

static void ide_cmd_device_reset(IdeDrive *d, unsigned flags)
{
    /* §8.10: packet devices only; no interrupt. */
    ide_drive_soft_reset(d);
    d->error = 0x01;
}

static void ide_cmd_packet(IdeDrive *d, unsigned flags)
{
    atapi_packet_start(d);
}

static const struct IdeCommand {
    IdeCmdFn *fn;
    unsigned flags;
} ide_commands[256] = {
    [0x08] = {ide_cmd_device_reset, CMD_ATAPI},
    [0x10] = {ide_cmd_nop_done, CMD_ATA}, /* RECALIBRATE (10h-1Fh) */
    [0x11] = {ide_cmd_nop_done, CMD_ATA},
    [0x12] = {ide_cmd_nop_done, CMD_ATA},
    [0x13] = {ide_cmd_nop_done, CMD_ATA},
    [0x14] = {ide_cmd_nop_done, CMD_ATA},
    [0x15] = {ide_cmd_nop_done, CMD_ATA},
    [0x16] = {ide_cmd_nop_done, CMD_ATA},
    [0x17] = {ide_cmd_nop_done, CMD_ATA},
    [0x18] = {ide_cmd_nop_done, CMD_ATA},
    [0x19] = {ide_cmd_nop_done, CMD_ATA},
    [0x1a] = {ide_cmd_nop_done, CMD_ATA},
    [0x1b] = {ide_cmd_nop_done, CMD_ATA},
    [0x1c] = {ide_cmd_nop_done, CMD_ATA},
    [0x1d] = {ide_cmd_nop_done, CMD_ATA},
    [0x1e] = {ide_cmd_nop_done, CMD_ATA},
    [0x1f] = {ide_cmd_nop_done, CMD_ATA},
    [0x20] = {ide_cmd_rw, CMD_ATA | CMD_SIG}, /* READ SECTOR(S) */
    [0x21] = {ide_cmd_rw, CMD_ATA | CMD_SIG}, /* ... without retries (obsolete) */
    [0x24] = {ide_cmd_rw, CMD_ATA | RW_LBA48},
    [0x25] = {ide_cmd_rw, CMD_ATA | RW_LBA48 | RW_DMA},
    [0x27] = {ide_cmd_read_native_max, CMD_ATA | RW_LBA48},
    [0x29] = {ide_cmd_rw, CMD_ATA | RW_LBA48 | RW_MULT},
    [0x30] = {ide_cmd_rw, CMD_ATA | RW_WRITE}, /* WRITE SECTOR(S) */
    [0x31] = {ide_cmd_rw, CMD_ATA | RW_WRITE},
    [0x34] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_LBA48},
    [0x35] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_LBA48 | RW_DMA},
    [0x39] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_LBA48 | RW_MULT},
    [0x40] = {ide_cmd_rw, CMD_ATA | RW_VERIFY}, /* READ VERIFY SECTOR(S) */
    [0x41] = {ide_cmd_rw, CMD_ATA | RW_VERIFY},
    [0x42] = {ide_cmd_rw, CMD_ATA | RW_VERIFY | RW_LBA48},
    [0x70] = {ide_cmd_nop_done, CMD_ATA}, /* SEEK */
    [0x90] = {ide_cmd_diagnostic, CMD_ATA | CMD_ATAPI},
    [0x91] = {ide_cmd_init_params, CMD_ATA},
    [0x94] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* STANDBY IMMEDIATE (old) */
    [0x95] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* IDLE IMMEDIATE (old) */
    [0x96] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* STANDBY (old) */
    [0x97] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* IDLE (old) */
    [0x98] = {ide_cmd_check_power, CMD_ATA | CMD_ATAPI},
    [0xa0] = {ide_cmd_packet, CMD_ATAPI},
    [0xa1] = {ide_cmd_identify, CMD_ATAPI},   /* IDENTIFY PACKET DEVICE */
    [0xc4] = {ide_cmd_rw, CMD_ATA | RW_MULT}, /* READ MULTIPLE */
    [0xc5] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_MULT},
    [0xc6] = {ide_cmd_set_multiple, CMD_ATA},
    [0xc8] = {ide_cmd_rw, CMD_ATA | RW_DMA}, /* READ DMA */
    [0xc9] = {ide_cmd_rw, CMD_ATA | RW_DMA},
    [0xca] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_DMA},
    [0xcb] = {ide_cmd_rw, CMD_ATA | RW_WRITE | RW_DMA},
    [0xe0] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* STANDBY IMMEDIATE */
    [0xe1] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* IDLE IMMEDIATE */
    [0xe2] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* STANDBY */
    [0xe3] = {ide_cmd_nop_done, CMD_ATA | CMD_ATAPI}, /* IDLE */
    [0xe5] = {ide_cmd_check_power, CMD_ATA | CMD_ATAPI},
    [0xe7] = {ide_cmd_flush, CMD_ATA},
    [0xea] = {ide_cmd_flush, CMD_ATA},
    [0xec] = {ide_cmd_identify, CMD_ATA | CMD_SIG}, /* IDENTIFY DEVICE */
    [0xef] = {ide_cmd_set_features, CMD_ATA | CMD_ATAPI},
    [0xf8] = {ide_cmd_read_native_max, CMD_ATA},
};

static void ide_exec_cmd(IdeBus *bus, uint8_t cmd)
{
    IdeDrive *d = ide_selected(bus);
    if (cmd == 0x90 && d->kind == IDE_KIND_NONE) d = &bus->drive[0]; /* device 0 answers */
    /* §7.15: a device without power to spare, or busy, ignores commands. */
    if (d->kind == IDE_KIND_NONE || (d->status & IDE_STAT_BSY)) return;
    d->intrq = false; /* writing the command register clears INTRQ */
    ide_drive_update_irq(d);
    ide_xfer_stop(d);
    d->command = cmd;
    d->error = 0;
    d->lba48 = false;
    const struct IdeCommand *c = &ide_commands[cmd];
    unsigned kind_flag = d->kind == IDE_KIND_ATA ? CMD_ATA : CMD_ATAPI;
    if (!c->fn || !(c->flags & kind_flag)) {
        if (d->kind == IDE_KIND_ATAPI && (c->flags & CMD_SIG)) ide_set_signature(d);
        LOG_MASK(LOG_UNIMP, "ide%u: command %#x aborted\n", bus->channel, cmd);
        ide_cmd_error(d, IDE_ERR_ABRT);
        return;
    }
    c->fn(d, c->flags);
}

/* ---- data register ---- */

static bool ide_xfer_is_in(uint8_t xfer)
{
    return xfer == IDE_XFER_ATA_IN || xfer == IDE_XFER_INFO || xfer == IDE_XFER_ATAPI_IN;
}

static void ide_block_done(IdeDrive *d)
{
    switch (d->xfer) {
    case IDE_XFER_ATA_IN: ide_pio_in_block_done(d); break;
    case IDE_XFER_ATA_OUT: ide_pio_out_block_done(d); break;
    case IDE_XFER_INFO:
        ide_xfer_stop(d);
        d->status = IDE_STAT_DRDY | IDE_STAT_DSC;
        break;
    case IDE_XFER_PACKET: atapi_packet_received(d); break;
    case IDE_XFER_ATAPI_IN: atapi_pio_block_done(d); break;
    }
}

static uint32_t ide_data_read(IdeBus *bus, unsigned size)
{
    IdeDrive *d = ide_selected(bus);
    if (!(d->status & IDE_STAT_DRQ) || !ide_xfer_is_in(d->xfer)) {
        LOG_MASK(LOG_GUEST_ERRORS, "ide%u: data read without data to transfer\n", bus->channel);
        return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
    }
    uint32_t v = 0, n = d->data_end - d->data_pos;
    if (n > size) n = size;
    for (uint32_t i = 0; i < n; i++)
        v |= (uint32_t)d->io_buffer[d->data_pos + i] << (8 * i);
    d->data_pos += n;
    if (d->data_pos >= d->data_end) ide_block_done(d);
    return v;
}

static void ide_data_write(IdeBus *bus, uint32_t value, unsigned size)
{
    IdeDrive *d = ide_selected(bus);
    if (!(d->status & IDE_STAT_DRQ) || ide_xfer_is_in(d->xfer) || d->xfer == IDE_XFER_NONE) {
        LOG_MASK(LOG_GUEST_ERRORS, "ide%u: data write without a transfer\n", bus->channel);
        return;
    }
    uint32_t n = d->data_end - d->data_pos;
    if (n > size) n = size;
    for (uint32_t i = 0; i < n; i++)
        d->io_buffer[d->data_pos + i] = (uint8_t)(value >> (8 * i));
    d->data_pos += n;
    if (d->data_pos >= d->data_end) ide_block_done(d);
}

/* ---- register file ---- */

uint32_t ide_cmd_read(IdeBus *bus, unsigned reg, unsigned size)
{
    if (reg == 0) return ide_data_read(bus, size);
    /* No device drives the bus: QEMU-tested firmware expects zeros. */
    if (!ide_bus_has_drives(bus)) return 0;
    IdeDrive *d = ide_selected(bus);
    bool hob = bus->devctl & IDE_CTL_HOB;
    bool absent = d->kind == IDE_KIND_NONE;
    switch (reg) {
    case 1: return absent ? 0 : d->error;
    case 2: return hob ? d->hob_nsector : d->nsector;
    case 3: return hob ? d->hob_sector : d->sector;
    case 4: return hob ? d->hob_lcyl : d->lcyl;
    case 5: return hob ? d->hob_hcyl : d->hcyl;
    case 6: return d->select;
    default:
        /* §7.15: device 0 answers 00h for an absent device 1.  Reading
         * Status acknowledges the interrupt. */
        if (absent) return 0;
        d->intrq = false;
        ide_drive_update_irq(d);
        return d->status;
    }
}

void ide_cmd_write(IdeBus *bus, unsigned reg, uint32_t value, unsigned size)
{
    if (reg == 0) {
        ide_data_write(bus, value, size);
        return;
    }
    uint8_t v = (uint8_t)value;
    bus->devctl &= (uint8_t)~IDE_CTL_HOB; /* §7.8: any command block write clears HOB */
    if (reg == 7) {
        ide_exec_cmd(bus, v);
        return;
    }
    /* Both devices latch the task file (§7.1); the previous byte of the
     * 16-bit 48-bit registers moves to the HOB copy. */
    for (int i = 0; i < 2; i++) {
        IdeDrive *d = &bus->drive[i];
        switch (reg) {
        case 1: d->hob_feature = d->feature, d->feature = v; break;
        case 2: d->hob_nsector = d->nsector, d->nsector = v; break;
        case 3: d->hob_sector = d->sector, d->sector = v; break;
        case 4: d->hob_lcyl = d->lcyl, d->lcyl = v; break;
        case 5: d->hob_hcyl = d->hcyl, d->hcyl = v; break;
        case 6: d->select = v; break;
        }
    }
    if (reg == 6) {
        bus->unit = (v & IDE_SEL_DEV) ? 1 : 0;
        ide_drive_update_irq(&bus->drive[0]);
    }
}

uint8_t ide_ctl_read(IdeBus *bus)
{
    IdeDrive *d = ide_selected(bus);
    if (!ide_bus_has_drives(bus) || d->kind == IDE_KIND_NONE) return 0;
    return d->status; /* Alternate Status: no interrupt acknowledge */
}

/* ---- resets ---- */

/* The protocol state after SRST, DEVICE RESET or diagnostics: registers
 * and the signature; settings (multiple mode, features) are kept. */
static void ide_drive_soft_reset(IdeDrive *d)
{
    ide_xfer_stop(d);
    d->intrq = false;
    d->feature = d->hob_feature = 0;
    d->hob_nsector = d->hob_sector = d->hob_lcyl = d->hob_hcyl = 0;
    d->select = 0;
    ide_set_signature(d);
    d->error = 0x01; /* §9.12: diagnostic code "device passed" */
    d->status = d->kind == IDE_KIND_ATA ? IDE_STAT_DRDY | IDE_STAT_DSC : 0;
    if (d->kind == IDE_KIND_ATAPI) atapi_reset(d, false);
}

void ide_ctl_write(IdeBus *bus, uint8_t value)
{
    bool was_reset = bus->devctl & IDE_CTL_SRST, reset = value & IDE_CTL_SRST;
    bus->devctl = value;
    if (reset && !was_reset) {
        /* §9.2: BSY while SRST is asserted. */
        for (int i = 0; i < 2; i++) {
            IdeDrive *d = &bus->drive[i];
            ide_xfer_stop(d);
            d->intrq = false;
            if (d->kind != IDE_KIND_NONE) d->status = IDE_STAT_BSY;
        }
    } else if (!reset && was_reset) {
        for (int i = 0; i < 2; i++)
            if (bus->drive[i].kind != IDE_KIND_NONE) ide_drive_soft_reset(&bus->drive[i]);
        bus->unit = 0; /* the DEV bit is cleared */
    }
    ide_drive_update_irq(&bus->drive[0]);
}

static void ide_default_geometry(IdeDrive *d)
{
    /* The usual BIOS translation: 16 heads, 63 sectors per track. */
    uint64_t cyl = d->nb_sectors / (16 * 63);
    d->heads = 16;
    d->sectors = 63;
    d->cylinders = (uint16_t)(cyl > IDE_CHS_MAX_CYLINDERS ? IDE_CHS_MAX_CYLINDERS : cyl ? cyl : 1);
}

void ide_bus_reset(IdeBus *bus)
{
    bus->devctl = 0;
    bus->unit = 0;
    for (int i = 0; i < 2; i++) {
        IdeDrive *d = &bus->drive[i];
        d->nsector = d->sector = d->lcyl = d->hcyl = 0;
        d->command = 0;
        d->mult_sectors = IDE_MAX_MULT;
        d->xfer_mode = 0;
        d->write_cache = true;
        d->cur_cylinders = d->cylinders;
        d->cur_heads = d->heads;
        d->cur_sectors = d->sectors;
        d->lba48 = d->chs = false;
        d->xfer_lba = d->xfer_left = d->xfer_block = d->buf_len = 0;
        ide_drive_soft_reset(d);
        if (d->kind == IDE_KIND_NONE) d->status = d->error = 0;
        if (d->kind == IDE_KIND_ATAPI) atapi_reset(d, true);
    }
    bus->irq_level = false;
    if (bus->set_irq) bus->set_irq(bus->irq_opaque, 0);
}

void ide_bus_init(IdeBus *bus, int channel, void (*set_irq)(void *opaque, int level),
                  void *irq_opaque, const IdeDmaOps *dma_ops, void *dma_opaque)
{
    bus->channel = (uint8_t)channel;
    bus->set_irq = set_irq;
    bus->irq_opaque = irq_opaque;
    bus->dma_ops = dma_ops;
    bus->dma_opaque = dma_opaque;
    for (int i = 0; i < 2; i++)
        bus->drive[i].bus = bus;
}

void ide_drive_attach(IdeBus *bus, int unit, enum IdeKind kind, BlockBackend *blk)
{
    IdeDrive *d = &bus->drive[unit];
    d->kind = (uint8_t)kind;
    d->blk = blk;
    d->nb_sectors = blk ? blk_size(blk) / IDE_SECTOR_SIZE : 0;
    if (kind == IDE_KIND_ATA) ide_default_geometry(d);
}

void ide_bus_post_load(IdeBus *bus)
{
    /* Snapshot data is host input: keep indexes inside the buffer. */
    bus->unit &= 1;
    for (int i = 0; i < 2; i++) {
        IdeDrive *d = &bus->drive[i];
        if (d->data_end > IDE_BUF_SIZE) d->data_end = IDE_BUF_SIZE;
        if (d->buf_len > IDE_BUF_SIZE) d->buf_len = IDE_BUF_SIZE;
        if (d->data_pos > d->data_end) d->data_pos = d->data_end;
        /* Only values the device could not hold are changed, so a load of
         * what was saved reproduces it exactly (0 = no transfer is). */
        if (d->xfer_block > IDE_BUF_SECTORS || (d->xfer_block == 0 && d->xfer_left))
            d->xfer_block = 1;
        if (d->kind == IDE_KIND_ATA && (d->cur_heads == 0 || d->cur_sectors == 0)) {
            d->cur_heads = d->heads ? d->heads : 16;
            d->cur_sectors = d->sectors ? d->sectors : 63;
        }
    }
    bus->irq_level = ide_bus_intrq(bus);
    if (bus->set_irq) bus->set_irq(bus->irq_opaque, bus->irq_level);
}
