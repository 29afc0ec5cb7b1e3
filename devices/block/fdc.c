/*
 * PC floppy disk controller: an Intel 82077AA in PC-AT mode (datasheet
 * 290166) with two drives.  This file holds the register file, the
 * command/execution/result phases, reset and the interrupt; the command
 * set is in fdc_cmd.c and the data transfers in fdc_xfer.c.
 *
 * Commands complete at once: seeks end with the last command byte, and a
 * DMA transfer runs within that write, so the interrupt of the result
 * phase is already raised when the guest starts waiting for it.
 */
#include "devices/block/fdc.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "block/block.h"
#include "core/device.h"
#include "core/log.h"
#include "devices/block/fdc_internal.h"

/* Media by image size: geometry, the CMOS drive type that reads it (BIOS
 * data area conventions), and the data rates at which it reads (5.25"
 * double density: 250 kb/s in a 360K drive, 300 kb/s in a 1.2M drive). */
#define RATE(r) (1u << FDC_RATE_##r)
static const FdcGeometry fdc_geometries[] = {
    {160, 40, 1, 8, 1, RATE(250K) | RATE(300K)},
    {180, 40, 1, 9, 1, RATE(250K) | RATE(300K)},
    {320, 40, 2, 8, 1, RATE(250K) | RATE(300K)},
    {360, 40, 2, 9, 1, RATE(250K) | RATE(300K)},
    {720, 80, 2, 9, 3, RATE(250K)},
    {1200, 80, 2, 15, 2, RATE(500K)},
    {1440, 80, 2, 18, 4, RATE(500K)},
    {2880, 80, 2, 36, 5, RATE(1M)},
};
#undef RATE

static const FdcGeometry *fdc_geometry_of(uint64_t bytes)
{
    for (size_t i = 0; i < sizeof fdc_geometries / sizeof fdc_geometries[0]; i++)
        if ((uint64_t)fdc_geometries[i].kib * 1024 == bytes) return &fdc_geometries[i];
    return NULL;
}

/* ---- interrupt and phases ---- */

/* PC-AT mode: DOR DMAEN low tri-states INT (datasheet "DOR"). */
static void fdc_update_irq(Fdc *s)
{
    irq_set(s->irq, s->int_pending && (s->dor & DOR_DMAEN) && !s->in_reset);
}

void fdc_set_int(Fdc *s, bool pending)
{
    s->int_pending = pending;
    fdc_update_irq(s);
}

void fdc_to_command(Fdc *s)
{
    s->phase = FDC_PHASE_COMMAND;
    s->cmd_pos = s->cmd_len = 0;
    s->res_pos = s->res_len = 0;
    s->x_kind = FDC_XFER_NONE;
}

void fdc_to_result(Fdc *s, unsigned len, bool raise_int)
{
    s->phase = FDC_PHASE_RESULT;
    s->res_len = (uint8_t)len;
    s->res_pos = 0;
    s->x_kind = FDC_XFER_NONE;
    if (raise_int) {
        /* a fresh edge for the 8259 even if the previous one was not
         * acknowledged by a result read */
        fdc_set_int(s, false);
        fdc_set_int(s, true);
    }
}

void fdc_move_head(Fdc *s, int unit, uint8_t track)
{
    if (unit < FDC_DRIVES && s->geo[unit] && track != s->pcn[unit]) s->disk_changed[unit] = 0;
    s->pcn[unit] = track;
}

bool fdc_read_only(const Fdc *s, int unit)
{
    return unit < FDC_DRIVES && s->blk[unit] && blk_is_read_only(s->blk[unit]);
}

/* MSR bits 3-0 (drive busy) stay set from a seek's end until SENSE
 * INTERRUPT reports it. */
static uint8_t fdc_msr(const Fdc *s)
{
    if (s->in_reset) return 0;
    uint8_t busy = s->seek_done & 0x0f;
    switch (s->phase) {
    case FDC_PHASE_EXEC:
        return MSR_RQM | MSR_NDMA | MSR_CB | (s->x_kind == FDC_XFER_READ ? MSR_DIO : 0) | busy;
    case FDC_PHASE_RESULT: return MSR_RQM | MSR_DIO | MSR_CB | busy;
    default: return MSR_RQM | (s->cmd_pos ? MSR_CB : 0) | busy;
    }
}

/* ---- reset ---- */

/* Software reset (DOR nRESET low, DSR SWRESET): datasheet "Reset".  The
 * specify parameters and data rate stay; a LOCKed configuration stays;
 * perpendicular GAP/WGATE clear. */
static void fdc_enter_reset(Fdc *s)
{
    s->in_reset = 1;
    fdc_to_command(s);
    s->int_pending = 0;
    s->reset_sense = 0;
    s->seek_done = 0;
    s->perp &= (uint8_t)~0x03;
    if (!s->lock) {
        s->config = CONFIG_EFIFO;
        s->pretrk = 0;
    }
    fdc_update_irq(s);
}

/* Leaving reset the chip polls the four drives, finds their ready lines
 * changed and interrupts: four SENSE INTERRUPT STATUS results are owed. */
static void fdc_leave_reset(Fdc *s)
{
    s->in_reset = 0;
    s->reset_sense = FDC_UNITS;
    fdc_set_int(s, true);
}

static void fdc_write_dor(Fdc *s, uint8_t v)
{
    bool was_reset = !(s->dor & DOR_NRESET);
    s->dor = v;
    if (!(v & DOR_NRESET)) {
        if (!was_reset) fdc_enter_reset(s);
    } else if (was_reset) {
        fdc_leave_reset(s);
    }
    fdc_update_irq(s);
}

/* ---- data register (FIFO) ---- */

static uint8_t fdc_read_data(Fdc *s)
{
    if (s->in_reset) return 0;
    if (s->phase == FDC_PHASE_EXEC && s->x_kind == FDC_XFER_READ) return fdc_xfer_pio_read(s);
    if (s->phase != FDC_PHASE_RESULT) {
        LOG_MASK(LOG_GUEST_ERRORS, "fdc: data register read outside the result phase\n");
        return 0;
    }
    uint8_t v = s->res[s->res_pos++];
    if (s->res_pos == 1) fdc_set_int(s, false); /* reading the result acknowledges */
    if (s->res_pos >= s->res_len) fdc_to_command(s);
    return v;
}

static void fdc_write_data(Fdc *s, uint8_t v)
{
    if (s->in_reset) return;
    switch (s->phase) {
    case FDC_PHASE_COMMAND: fdc_command_byte(s, v); break;
    case FDC_PHASE_EXEC:
        if (s->x_kind != FDC_XFER_READ) {
            fdc_xfer_pio_write(s, v);
            break;
        }
        /* fall through */
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "fdc: data register write %#x while the controller sends\n", v);
    }
}

/* ---- ports ---- */

enum { PORT_SRA, PORT_SRB, PORT_DOR, PORT_TDR, PORT_MSR_DSR, PORT_FIFO };

static uint8_t fdc_selected(const Fdc *s)
{
    return s->dor & DOR_SEL;
}

/* Status registers A and B as in the datasheet's PS/2 mode (PC-AT mode
 * leaves them undefined; drivers only probe them). */
static uint8_t fdc_sra(const Fdc *s)
{
    int unit = fdc_selected(s);
    bool drv = unit < FDC_DRIVES && s->geo[unit];
    uint8_t v = 0x04; /* nINDEX */
    if (s->int_pending) v |= 0x80;
    if (!s->geo[1]) v |= 0x40;                /* nDRV2 */
    if (!drv || s->pcn[unit] != 0) v |= 0x10; /* nTRK0 */
    if (!fdc_read_only(s, unit)) v |= 0x02;   /* nWP */
    return v;
}

static uint8_t fdc_srb(const Fdc *s)
{
    return (uint8_t)(0xc0 | ((s->dor & 1) << 5) | ((s->dor >> 4) & 0x03));
}

static uint64_t fdc_main_read(void *opaque, uint64_t offset, unsigned size)
{
    Fdc *s = opaque;
    switch (offset) {
    case PORT_SRA: return fdc_sra(s);
    case PORT_SRB: return fdc_srb(s);
    case PORT_DOR: return s->dor;
    case PORT_TDR: return s->tdr & 0x03;
    case PORT_MSR_DSR: return fdc_msr(s);
    default: return fdc_read_data(s);
    }
}

static void fdc_main_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Fdc *s = opaque;
    uint8_t v = (uint8_t)value;
    switch (offset) {
    case PORT_DOR: fdc_write_dor(s, v); break;
    case PORT_TDR: s->tdr = v & 0x03; break;
    case PORT_MSR_DSR:
        s->dsr = v & 0x7f;
        if (v & DSR_SWRESET) { /* self-clearing */
            fdc_enter_reset(s);
            if (s->dor & DOR_NRESET) fdc_leave_reset(s);
        }
        break;
    case PORT_FIFO: fdc_write_data(s, v); break;
    default:
        LOG_MASK(LOG_GUEST_ERRORS, "fdc: write %#x to read-only port %#" PRIx64 "\n", v,
                 FDC_IOBASE + offset);
    }
}

static const MemoryRegionOps fdc_main_ops = {
    .read = fdc_main_read,
    .write = fdc_main_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* 0x3f7: DIR (read, bit 7 the selected drive's disk change line; the
 * other bits belong to the IDE controller's port on a PC) and CCR
 * (write, the data rate). */
static uint64_t fdc_dir_read(void *opaque, uint64_t offset, unsigned size)
{
    Fdc *s = opaque;
    int unit = fdc_selected(s);
    bool changed = unit >= FDC_DRIVES || !s->geo[unit] || s->disk_changed[unit];
    return changed ? DIR_DSKCHG : 0;
}

static void fdc_dir_write(void *opaque, uint64_t offset, uint64_t value, unsigned size)
{
    Fdc *s = opaque;
    s->dsr = (uint8_t)((s->dsr & ~DSR_RATE) | (value & DSR_RATE));
}

static const MemoryRegionOps fdc_dir_ops = {
    .read = fdc_dir_read,
    .write = fdc_dir_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .min_access_size = 1,
    .max_access_size = 1,
};

/* ---- device ---- */

static void fdc_reset(Device *dev)
{
    Fdc *s = (Fdc *)dev;
    /* Out of reset with DMA and interrupts enabled, as QEMU and Bochs
     * present it: SeaBIOS only resets the chip itself when DOR nRESET
     * reads low, and then waits for an interrupt DMAEN=0 would gate. */
    s->dor = DOR_NRESET | DOR_DMAEN;
    s->tdr = 0;
    s->dsr = FDC_RATE_250K;
    s->in_reset = 0;
    fdc_to_command(s);
    s->int_pending = s->reset_sense = s->seek_done = 0;
    memset(s->seek_st0, 0, sizeof s->seek_st0);
    memset(s->pcn, 0, sizeof s->pcn);
    for (int i = 0; i < FDC_DRIVES; i++) {
        s->id_sector[i] = 1;
        s->disk_changed[i] = 1;
    }
    s->spec1 = s->spec2 = 0;
    s->config = CONFIG_EFIFO;
    s->pretrk = s->lock = s->perp = 0;
    fdc_update_irq(s);
}

static bool fdc_realize(Device *dev, Machine *m)
{
    Fdc *s = (Fdc *)dev;
    for (int i = 0; i < FDC_DRIVES; i++) {
        if (!s->blk[i]) continue;
        s->geo[i] = fdc_geometry_of(blk_size(s->blk[i]));
        if (!s->geo[i]) {
            fprintf(stderr,
                    "doppel: fdc: %s: %" PRIu64 " bytes is no floppy size (160K, 180K, 320K, "
                    "360K, 720K, 1.2M, 1.44M, 2.88M)\n",
                    blk_filename(s->blk[i]), blk_size(s->blk[i]));
            return false;
        }
    }
    memory_region_init_io(&s->io_main, "fdc", 6, &fdc_main_ops, s);
    memory_region_init_io(&s->io_dir, "fdc-dir", 1, &fdc_dir_ops, s);
    if (s->io) {
        memory_region_add_subregion(s->io, FDC_IOBASE, &s->io_main, 0);
        memory_region_add_subregion(s->io, FDC_IOBASE + 7, &s->io_dir, 0);
    }
    return true;
}

static void fdc_finalize(Device *dev)
{
    Fdc *s = (Fdc *)dev;
    memory_region_destroy(&s->io_main);
    memory_region_destroy(&s->io_dir);
}

static const VMStateField fdc_vmstate[] = {
    VMSTATE_U8(Fdc, dor),
    VMSTATE_U8(Fdc, tdr),
    VMSTATE_U8(Fdc, dsr),
    VMSTATE_U8(Fdc, in_reset),
    VMSTATE_U8(Fdc, phase),
    VMSTATE_U8_ARRAY(Fdc, cmd),
    VMSTATE_U8(Fdc, cmd_len),
    VMSTATE_U8(Fdc, cmd_pos),
    VMSTATE_U8_ARRAY(Fdc, res),
    VMSTATE_U8(Fdc, res_len),
    VMSTATE_U8(Fdc, res_pos),
    VMSTATE_U8(Fdc, int_pending),
    VMSTATE_U8(Fdc, reset_sense),
    VMSTATE_U8(Fdc, seek_done),
    VMSTATE_U8_ARRAY(Fdc, seek_st0),
    VMSTATE_U8_ARRAY(Fdc, pcn),
    VMSTATE_U8_ARRAY(Fdc, id_sector),
    VMSTATE_U8_ARRAY(Fdc, disk_changed),
    VMSTATE_U8(Fdc, spec1),
    VMSTATE_U8(Fdc, spec2),
    VMSTATE_U8(Fdc, config),
    VMSTATE_U8(Fdc, pretrk),
    VMSTATE_U8(Fdc, lock),
    VMSTATE_U8(Fdc, perp),
    VMSTATE_U8(Fdc, x_kind),
    VMSTATE_U8(Fdc, x_unit),
    VMSTATE_U8(Fdc, x_head),
    VMSTATE_U8(Fdc, x_dma),
    VMSTATE_U8(Fdc, x_mt),
    VMSTATE_U8(Fdc, x_c),
    VMSTATE_U8(Fdc, x_h),
    VMSTATE_U8(Fdc, x_r),
    VMSTATE_U8(Fdc, x_n),
    VMSTATE_U8(Fdc, x_eot),
    VMSTATE_U8(Fdc, x_sc),
    VMSTATE_U8(Fdc, x_fill),
    VMSTATE_U8(Fdc, x_done),
    VMSTATE_U8(Fdc, x_st0),
    VMSTATE_U8(Fdc, x_st1),
    VMSTATE_U8(Fdc, x_st2),
    VMSTATE_U16(Fdc, buf_pos),
    VMSTATE_BUFFER(Fdc, buf),
    VMSTATE_END,
};

static void fdc_post_load(Device *dev)
{
    fdc_update_irq((Fdc *)dev);
}

static const DeviceClass fdc_class = {
    .name = "fdc",
    .desc = "PC floppy controller (Intel 82077AA), two drives, IRQ 6, DMA 2",
    .instance_size = sizeof(Fdc),
    .vmstate = fdc_vmstate,
    .realize = fdc_realize,
    .reset = fdc_reset,
    .post_load = fdc_post_load,
    .finalize = fdc_finalize,
};
DEVICE_REGISTER(fdc_class)

Device *fdc_create(Machine *m, MemoryRegion *io, IrqLine *irq6, Device *dma, BlockBackend *drive[2])
{
    Device *dev = device_create(m, "fdc");
    if (!dev) return NULL;
    Fdc *s = (Fdc *)dev;
    s->io = io;
    s->irq = irq6;
    s->dma = dma;
    for (int i = 0; i < FDC_DRIVES; i++)
        s->blk[i] = drive ? drive[i] : NULL;
    return device_realize(dev) ? dev : NULL;
}

uint8_t fdc_cmos_types(Device *fdc)
{
    Fdc *s = (Fdc *)fdc;
    uint8_t a = s->geo[0] ? s->geo[0]->cmos_type : 0;
    uint8_t b = s->geo[1] ? s->geo[1]->cmos_type : 0;
    return (uint8_t)(a << 4 | b);
}
