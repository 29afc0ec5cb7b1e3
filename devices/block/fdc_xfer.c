/*
 * Execution phase of the 82077AA data commands (datasheet 290166, "Data
 * Transfer Commands", "FORMAT TRACK", "READ ID"): READ DATA, READ TRACK,
 * WRITE DATA and FORMAT TRACK through DMA channel 2 or, in non-DMA mode,
 * through the FIFO; READ ID.
 *
 * The image holds the sectors of a standard format (N = 2, sectors 1 to
 * the medium's count on every track and head), so the ID fields a
 * command compares against are computed, and FORMAT TRACK can only
 * rewrite such sectors (with the filler byte).
 */
#include <string.h>

#include "block/block.h"
#include "core/log.h"
#include "devices/block/fdc.h"
#include "devices/block/fdc_internal.h"
#include "devices/dma/i8237.h"

enum { FDC_ID_LEN = 4 }; /* a FORMAT TRACK ID field: C, H, R, N */

/* The medium reads only in MFM at one of its data rates; otherwise the
 * chip never finds an address mark. */
static bool fdc_medium_readable(const Fdc *s, int unit, bool mfm)
{
    const FdcGeometry *g = unit < FDC_DRIVES ? s->geo[unit] : NULL;
    return g && mfm && (g->rates & (1u << (s->dsr & DSR_RATE)));
}

/* Result phase of a data command: ST0-ST2 and the ID of the next sector
 * (datasheet table "Result Phase ... Command Termination"). */
static void fdc_xfer_finish(Fdc *s)
{
    uint8_t *r = s->res;
    r[0] = (uint8_t)(s->x_st0 | (s->x_head << 2) | s->x_unit);
    r[1] = s->x_st1;
    r[2] = s->x_st2;
    r[3] = s->x_c;
    r[4] = s->x_h;
    r[5] = s->x_r;
    r[6] = s->x_n;
    fdc_to_result(s, 7, true);
}

static void fdc_xfer_fail(Fdc *s, uint8_t st1, uint8_t st2)
{
    s->x_st0 |= ST0_IC_ABNORMAL;
    s->x_st1 |= st1;
    s->x_st2 |= st2;
    fdc_xfer_finish(s);
}

/* Image offset of the sector whose ID is (x_c, x_h, x_r, x_n) under the
 * head, or -1 with the reason in ST1: MA where the image has no formatted
 * track, ND where no ID on the track matches. */
static int64_t fdc_locate(Fdc *s)
{
    const FdcGeometry *g = s->geo[s->x_unit];
    uint8_t track = s->pcn[s->x_unit];
    if (s->x_head >= g->heads || track >= g->tracks) {
        s->x_st1 |= ST1_MA;
        return -1;
    }
    if (s->x_c != track || s->x_h != s->x_head || s->x_n != FDC_SIZE_CODE || s->x_r == 0 ||
        s->x_r > g->sectors) {
        s->x_st1 |= ST1_ND;
        return -1;
    }
    return (((int64_t)track * g->heads + s->x_head) * g->sectors + s->x_r - 1) * FDC_SECTOR;
}

/* Read the current sector into buf; false after ending the command. */
static bool fdc_load(Fdc *s)
{
    int64_t off = fdc_locate(s);
    if (off < 0) {
        fdc_xfer_fail(s, 0, 0);
        return false;
    }
    if (blk_pread(s->blk[s->x_unit], (uint64_t)off, s->buf, FDC_SECTOR) < 0) {
        fdc_xfer_fail(s, ST1_DE, ST2_DD);
        return false;
    }
    return true;
}

/* Write buf to the current sector; false after ending the command. */
static bool fdc_store(Fdc *s)
{
    int64_t off = fdc_locate(s);
    if (off < 0) {
        fdc_xfer_fail(s, 0, 0);
        return false;
    }
    if (blk_pwrite(s->blk[s->x_unit], (uint64_t)off, s->buf, FDC_SECTOR) < 0) {
        fdc_xfer_fail(s, ST1_DE, 0);
        return false;
    }
    return true;
}

/* Step to the next sector after one was transferred; true when the
 * command ends.  tc: the DMA controller's terminal count came with it.
 * Without TC the track's end (EOT, and with MT both heads) is an "end of
 * cylinder" error, which drivers using non-DMA mode expect. */
static bool fdc_next_sector(Fdc *s, bool tc)
{
    if (s->x_r != s->x_eot) {
        s->x_r++;
        return tc;
    }
    s->x_r = 1;
    if (s->x_mt && !s->x_head) { /* multitrack: on to head 1 */
        s->x_h ^= 1;
        s->x_head = 1;
        return tc;
    }
    if (s->x_mt) s->x_h ^= 1;
    s->x_c++;
    if (!tc) {
        s->x_st0 |= ST0_IC_ABNORMAL;
        s->x_st1 |= ST1_EN;
    }
    return true;
}

/* FORMAT TRACK: one ID field arrived in buf; fill the sector it names.
 * False after ending the command. */
static bool fdc_format_sector(Fdc *s)
{
    uint8_t id[FDC_ID_LEN];
    memcpy(id, s->buf, sizeof id);
    s->x_c = id[0];
    s->x_h = id[1];
    s->x_r = id[2];
    s->x_n = id[3];
    int64_t off = fdc_locate(s);
    if (off < 0) {
        s->x_st1 = 0;
        LOG_MASK(LOG_UNIMP,
                 "fdc: FORMAT TRACK ID %u/%u/%u/%u on track %u head %u: not a sector of "
                 "the image's format, ignored\n",
                 id[0], id[1], id[2], id[3], s->pcn[s->x_unit], s->x_head);
        return true;
    }
    uint8_t fill[FDC_SECTOR];
    memset(fill, s->x_fill, sizeof fill);
    if (blk_pwrite(s->blk[s->x_unit], (uint64_t)off, fill, sizeof fill) < 0) {
        fdc_xfer_fail(s, ST1_DE, 0);
        return false;
    }
    return true;
}

/* The whole execution phase through DMA channel 2, within the write of
 * the last command byte. */
static void fdc_run_dma(Fdc *s)
{
    for (;;) {
        bool tc = false;
        size_t want, moved;
        switch (s->x_kind) {
        case FDC_XFER_READ:
            if (!fdc_load(s)) return;
            want = FDC_SECTOR;
            moved = i8237_transfer(s->dma, FDC_DMA_CHAN, s->buf, want, true, &tc);
            break;
        case FDC_XFER_WRITE:
            if (fdc_locate(s) < 0) {
                fdc_xfer_fail(s, 0, 0);
                return;
            }
            memset(s->buf, 0, FDC_SECTOR); /* TC within a sector: the rest is zeros */
            want = FDC_SECTOR;
            moved = i8237_transfer(s->dma, FDC_DMA_CHAN, s->buf, want, false, &tc);
            break;
        default: /* FORMAT */
            if (s->x_done >= s->x_sc) {
                fdc_xfer_finish(s);
                return;
            }
            want = FDC_ID_LEN;
            moved = i8237_transfer(s->dma, FDC_DMA_CHAN, s->buf, want, false, &tc);
            break;
        }
        if (moved < want && !tc) { /* the DMA controller stopped serving us */
            fdc_xfer_fail(s, ST1_OR, 0);
            return;
        }
        if (s->x_kind == FDC_XFER_FORMAT) {
            if (!fdc_format_sector(s)) return;
            s->x_done++;
            if (tc) {
                fdc_xfer_finish(s);
                return;
            }
            continue;
        }
        if (s->x_kind == FDC_XFER_WRITE && !fdc_store(s)) return;
        if (fdc_next_sector(s, tc)) {
            fdc_xfer_finish(s);
            return;
        }
    }
}

void fdc_xfer_start(Fdc *s, FdcXferKind kind)
{
    const uint8_t *c = s->cmd;
    int unit = c[1] & 3;
    s->x_kind = (uint8_t)kind;
    s->x_unit = (uint8_t)unit;
    s->x_head = (c[1] >> 2) & 1;
    s->x_st0 = s->x_st1 = s->x_st2 = 0;
    s->x_dma = !(s->spec2 & SPEC2_ND);
    s->buf_pos = 0;
    if (kind == FDC_XFER_FORMAT) {
        s->x_mt = 0;
        s->x_c = s->pcn[unit];
        s->x_h = s->x_head;
        s->x_r = 1;
        s->x_n = c[2];
        s->x_sc = s->x_eot = c[3];
        s->x_fill = c[5];
        s->x_done = 0;
    } else {
        s->x_mt = (c[0] & CMD_MT) != 0;
        s->x_c = c[2];
        s->x_h = c[3];
        s->x_r = c[4];
        s->x_n = c[5];
        s->x_eot = c[6];
    }
    if (!fdc_medium_readable(s, unit, c[0] & CMD_MFM)) {
        fdc_xfer_fail(s, ST1_MA, 0);
        return;
    }
    if (kind != FDC_XFER_READ && fdc_read_only(s, unit)) {
        fdc_xfer_fail(s, ST1_NW, 0);
        return;
    }
    if (kind != FDC_XFER_FORMAT) {
        /* Implied seek to the command's cylinder.  The chip does it only
         * with CONFIGURE EIS, but SeaBIOS reads cylinders it never sought
         * to, as QEMU and Bochs let it. */
        if ((s->config & CONFIG_EIS) && s->pcn[unit] != s->x_c) s->x_st0 |= ST0_SE;
        fdc_move_head(s, unit, s->x_c);
    }
    if (s->x_dma) {
        if (!(s->dor & DOR_DMAEN) || !i8237_channel_ready(s->dma, FDC_DMA_CHAN)) {
            LOG_MASK(LOG_GUEST_ERRORS, "fdc: data command with DMA channel %d not ready\n",
                     FDC_DMA_CHAN);
            fdc_xfer_fail(s, ST1_OR, 0);
            return;
        }
        fdc_run_dma(s);
        return;
    }
    /* Non-DMA mode: the bytes go through the FIFO, RQM asks for each and
     * the interrupt announces each sector. */
    if (kind == FDC_XFER_READ && !fdc_load(s)) return;
    if (kind == FDC_XFER_WRITE && fdc_locate(s) < 0) {
        fdc_xfer_fail(s, 0, 0);
        return;
    }
    if (kind == FDC_XFER_FORMAT && s->x_sc == 0) {
        fdc_xfer_finish(s);
        return;
    }
    s->phase = FDC_PHASE_EXEC;
    fdc_set_int(s, true);
}

uint8_t fdc_xfer_pio_read(Fdc *s)
{
    fdc_set_int(s, false);
    uint8_t v = s->buf[s->buf_pos++];
    if (s->buf_pos < FDC_SECTOR) return v;
    s->buf_pos = 0;
    if (fdc_next_sector(s, false))
        fdc_xfer_finish(s);
    else if (fdc_load(s))
        fdc_set_int(s, true);
    return v;
}

void fdc_xfer_pio_write(Fdc *s, uint8_t v)
{
    fdc_set_int(s, false);
    s->buf[s->buf_pos++] = v;
    if (s->x_kind == FDC_XFER_FORMAT) {
        if (s->buf_pos < FDC_ID_LEN) return;
        s->buf_pos = 0;
        if (!fdc_format_sector(s)) return;
        if (++s->x_done >= s->x_sc)
            fdc_xfer_finish(s);
        else
            fdc_set_int(s, true);
        return;
    }
    if (s->buf_pos < FDC_SECTOR) return;
    s->buf_pos = 0;
    if (!fdc_store(s)) return;
    if (fdc_next_sector(s, false))
        fdc_xfer_finish(s);
    else if (fdc_locate(s) < 0)
        fdc_xfer_fail(s, 0, 0);
    else
        fdc_set_int(s, true);
}

/* READ ID: the ID of the next sector passing under the head. */
void fdc_read_id(Fdc *s)
{
    int unit = s->cmd[1] & 3;
    s->x_unit = (uint8_t)unit;
    s->x_head = (s->cmd[1] >> 2) & 1;
    s->x_st0 = s->x_st1 = s->x_st2 = 0;
    s->x_c = s->pcn[unit];
    s->x_h = s->x_head;
    s->x_r = 1;
    s->x_n = FDC_SIZE_CODE;
    const FdcGeometry *g = unit < FDC_DRIVES ? s->geo[unit] : NULL;
    if (!fdc_medium_readable(s, unit, s->cmd[0] & CMD_MFM) || s->x_head >= g->heads ||
        s->x_c >= g->tracks) {
        fdc_xfer_fail(s, ST1_MA, 0);
        return;
    }
    s->x_r = s->id_sector[unit];
    s->id_sector[unit] = (uint8_t)(s->x_r % g->sectors + 1);
    fdc_xfer_finish(s);
}
