/*
 * The 82077AA command set (datasheet 290166, "Command Set Descriptions"
 * and its command table): collecting the command bytes, dispatch by
 * opcode, and every command without a data transfer.  The data commands
 * hand over to fdc_xfer.c.
 */
#include <string.h>

#include "core/log.h"
#include "devices/block/fdc_internal.h"

typedef struct FdcCommand {
    uint8_t opcode, mask; /* matches when (byte & mask) == opcode */
    uint8_t len;          /* command bytes, opcode included */
    const char *name;
    void (*run)(Fdc *s);
} FdcCommand;

static int fdc_cmd_unit(const Fdc *s)
{
    return s->cmd[1] & 3;
}

static uint8_t fdc_cmd_head_bit(const Fdc *s)
{
    return s->cmd[1] & ST0_HD;
}

static void fdc_result1(Fdc *s, uint8_t v)
{
    s->res[0] = v;
    fdc_to_result(s, 1, false);
}

static void fdc_invalid(Fdc *s)
{
    /* "Invalid command": ST0 = 80h as the only result byte, no interrupt */
    fdc_result1(s, ST0_IC_INVALID);
}

static void fdc_cmd_read(Fdc *s)
{
    fdc_xfer_start(s, FDC_XFER_READ);
}

static void fdc_cmd_read_track(Fdc *s)
{
    s->cmd[4] = 1; /* READ TRACK starts at the index: the first sector */
    s->cmd[0] &= (uint8_t)~CMD_MT;
    fdc_xfer_start(s, FDC_XFER_READ);
}

static void fdc_cmd_write(Fdc *s)
{
    fdc_xfer_start(s, FDC_XFER_WRITE);
}

static void fdc_cmd_format(Fdc *s)
{
    fdc_xfer_start(s, FDC_XFER_FORMAT);
}

static void fdc_cmd_read_id(Fdc *s)
{
    fdc_read_id(s);
}

static void fdc_cmd_specify(Fdc *s)
{
    s->spec1 = s->cmd[1];
    s->spec2 = s->cmd[2];
    fdc_to_command(s);
}

static void fdc_cmd_sense_drive(Fdc *s)
{
    int unit = fdc_cmd_unit(s);
    uint8_t st3 = (uint8_t)(ST3_FIXED | fdc_cmd_head_bit(s) | unit);
    if (unit < FDC_DRIVES && s->geo[unit]) {
        if (s->pcn[unit] == 0) st3 |= ST3_T0;
        if (fdc_read_only(s, unit)) st3 |= ST3_WP;
    }
    fdc_result1(s, st3);
}

/* SEEK, RELATIVE SEEK and RECALIBRATE end at once: the drive busy state is
 * over before the guest looks, and the status waits for SENSE INTERRUPT. */
static void fdc_seek_end(Fdc *s, uint8_t st0)
{
    int unit = st0 & 3;
    s->seek_st0[unit] = st0;
    s->seek_done |= (uint8_t)(1u << unit);
    fdc_to_command(s);
    fdc_set_int(s, false);
    fdc_set_int(s, true);
}

static void fdc_cmd_recalibrate(Fdc *s)
{
    int unit = fdc_cmd_unit(s);
    uint8_t st0 = (uint8_t)(ST0_SE | fdc_cmd_head_bit(s) | unit);
    if (unit < FDC_DRIVES && s->geo[unit]) {
        fdc_move_head(s, unit, 0);
    } else {
        /* no track 0 signal after the step limit: equipment check */
        st0 |= ST0_IC_ABNORMAL | ST0_EC;
    }
    fdc_seek_end(s, st0);
}

static void fdc_cmd_seek(Fdc *s)
{
    int unit = fdc_cmd_unit(s);
    int track = s->cmd[2];
    if (s->cmd[0] & 0x80) { /* RELATIVE SEEK: bit 6 DIR, 1 = inwards */
        track = (s->cmd[0] & 0x40) ? s->pcn[unit] + track : s->pcn[unit] - track;
        if (track < 0) track = 0;
        if (track > 255) track = 255;
    }
    fdc_move_head(s, unit, (uint8_t)track);
    fdc_seek_end(s, (uint8_t)(ST0_SE | fdc_cmd_head_bit(s) | unit));
}

static void fdc_cmd_sense_interrupt(Fdc *s)
{
    int unit;
    uint8_t st0;
    if (s->reset_sense) {
        unit = FDC_UNITS - s->reset_sense--;
        st0 = (uint8_t)(ST0_IC_POLL | unit);
    } else if (s->seek_done) {
        unit = __builtin_ctz(s->seek_done);
        s->seek_done &= (uint8_t) ~(1u << unit);
        st0 = s->seek_st0[unit];
    } else {
        fdc_invalid(s); /* no interrupt to report */
        return;
    }
    fdc_set_int(s, false);
    s->res[0] = st0;
    s->res[1] = s->pcn[unit];
    fdc_to_result(s, 2, false);
}

static void fdc_cmd_version(Fdc *s)
{
    fdc_result1(s, 0x90); /* 82077 and later; an 8272A answers 80h */
}

static void fdc_cmd_configure(Fdc *s)
{
    s->config = s->cmd[2] & 0x7f;
    s->pretrk = s->cmd[3];
    fdc_to_command(s);
}

static void fdc_cmd_dumpreg(Fdc *s)
{
    uint8_t *r = s->res;
    memcpy(r, s->pcn, FDC_UNITS);
    r[4] = s->spec1;
    r[5] = s->spec2;
    r[6] = s->x_eot; /* SC/EOT of the last data command */
    r[7] = (uint8_t)(s->lock << 7 | s->perp);
    r[8] = s->config;
    r[9] = s->pretrk;
    fdc_to_result(s, 10, false);
}

static void fdc_cmd_perpendicular(Fdc *s)
{
    uint8_t v = s->cmd[1];
    if (v & 0x80) /* OW: the drive bits D3-D0 are written */
        s->perp = (uint8_t)((s->perp & 0x03) | (v & 0x3c));
    s->perp = (uint8_t)((s->perp & 0x3c) | (v & 0x03));
    fdc_to_command(s);
}

static void fdc_cmd_lock(Fdc *s)
{
    s->lock = s->cmd[0] >> 7;
    fdc_result1(s, (uint8_t)(s->lock << 4));
}

/* The data commands take MT (bit 7), MFM (bit 6) and SK (bit 5) flags, so
 * they match on the low five bits; everything else is exact.  VERIFY,
 * the SCANs and the deleted-data forms answer as invalid (unimplemented). */
static const FdcCommand fdc_commands[] = {
    {0x06, 0x1f, 9, "READ DATA", fdc_cmd_read},
    {0x02, 0x1f, 9, "READ TRACK", fdc_cmd_read_track},
    {0x05, 0x1f, 9, "WRITE DATA", fdc_cmd_write},
    {0x0d, 0x1f, 6, "FORMAT TRACK", fdc_cmd_format},
    {0x0a, 0x1f, 2, "READ ID", fdc_cmd_read_id},
    {0x03, 0xff, 3, "SPECIFY", fdc_cmd_specify},
    {0x04, 0xff, 2, "SENSE DRIVE STATUS", fdc_cmd_sense_drive},
    {0x07, 0xff, 2, "RECALIBRATE", fdc_cmd_recalibrate},
    {0x08, 0xff, 1, "SENSE INTERRUPT STATUS", fdc_cmd_sense_interrupt},
    {0x0f, 0xff, 3, "SEEK", fdc_cmd_seek},
    {0x8f, 0xbf, 3, "RELATIVE SEEK", fdc_cmd_seek},
    {0x10, 0xff, 1, "VERSION", fdc_cmd_version},
    {0x13, 0xff, 4, "CONFIGURE", fdc_cmd_configure},
    {0x0e, 0xff, 1, "DUMPREG", fdc_cmd_dumpreg},
    {0x12, 0xff, 2, "PERPENDICULAR MODE", fdc_cmd_perpendicular},
    {0x14, 0x7f, 1, "LOCK", fdc_cmd_lock},
};

static const FdcCommand *fdc_find_command(uint8_t opcode)
{
    for (size_t i = 0; i < sizeof fdc_commands / sizeof fdc_commands[0]; i++)
        if ((opcode & fdc_commands[i].mask) == fdc_commands[i].opcode) return &fdc_commands[i];
    return NULL;
}

void fdc_command_byte(Fdc *s, uint8_t v)
{
    if (s->cmd_pos == 0) {
        const FdcCommand *c = fdc_find_command(v);
        if (!c) {
            LOG_MASK(LOG_UNIMP, "fdc: command %#x not implemented (invalid)\n", v);
            fdc_invalid(s);
            return;
        }
        s->cmd_len = c->len;
    }
    s->cmd[s->cmd_pos++] = v;
    if (s->cmd_pos < s->cmd_len) return;
    const FdcCommand *c = fdc_find_command(s->cmd[0]);
    /* Pending reset statuses are only owed to SENSE INTERRUPTs that follow
     * the reset directly. */
    if (c->run != fdc_cmd_sense_interrupt) s->reset_sense = 0;
    c->run(s);
}
