/*
 * Count-key-data DASD: IBM 3330, 3340, 3350, 3375, 3380 and 3390 on
 * Hercules CKD/CCKD images (ckd_image.h), as channel units:
 *
 *     -device 3390,devno=150,file=mvsres.cckd[,readonly=on]
 *
 * The command set is that of "IBM 3830 Storage Control Reference"
 * (GA26-1592), the 3880 (GA26-1661) and "IBM 3990 Storage Control
 * Reference" (GA32-0099): Seek/Seek Cylinder/Seek Head, Recalibrate,
 * Set File Mask, Set/Read Sector, Search ID/Key/HA, Read Data/Key and
 * Data/Count-Key-Data/Count/HA/R0/IPL, Read Multiple CKD, Write Data/Key
 * and Data/CKD/R0/HA, Erase, Sense, Sense ID, No-op; on 3375, 3380 and
 * 3390 also Read Device Characteristics, and on the 3390 Define Extent,
 * Locate Record and Read Track (ECKD).  The channel (devices/channel)
 * fetches CCWs, follows TIC loops and skips the CCW after a search that
 * ends with status modifier.
 *
 * The record the heads are over is modelled by an orientation (index,
 * home address, or the count, key or data area of the current record)
 * within the track held in memory.  Searches and reads move forward
 * around the track; passing the index point twice in one channel program
 * without reading a home address or data area ends in "no record found",
 * and multitrack (MT) commands go on to the next head until the end of
 * the cylinder.  Updated tracks are written to the image when the heads
 * move to another track and when the channel program ends.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/device.h"
#include "core/log.h"
#include "core/machine.h"
#include "core/snapshot.h"
#include "devices/dasd/ckd_image.h"
#include "devices/dasd/ckd_track.h"
#include "devices/dasd/dasd_chain.h"
#include "devices/unitrec/unitrec.h"

#define TRACK_NONE 0xffffffffu

/* Sense bytes 0 and 1 (3830/3880/3990 references, "Sense Information"). */
enum {
    S0_COMMAND_REJECT = 0x80,
    S0_INTERVENTION = 0x40,
    S0_EQUIPMENT_CHECK = 0x10,
    S0_DATA_CHECK = 0x08,
    S1_INVALID_TRACK_FORMAT = 0x40,
    S1_END_OF_CYLINDER = 0x20,
    S1_NO_RECORD_FOUND = 0x08,
    S1_FILE_PROTECTED = 0x04,
    S1_WRITE_INHIBITED = 0x02,
};
/* Format-0 messages in sense byte 7 with command reject (3990 reference,
 * "Format 0 - Program or System Checks"). */
enum {
    MSG_INVALID_COMMAND = 0x01,
    MSG_INVALID_SEQUENCE = 0x02,
    MSG_COUNT_TOO_SMALL = 0x03,
    MSG_INVALID_PARAMETER = 0x04,
};

/* File mask (Set File Mask, Define Extent byte 0). */
enum {
    MASK_WRITE = 0xc0,
    MASK_WRITE_NO_HA_R0 = 0x00, /* everything but Write HA and Write R0 */
    MASK_WRITE_NONE = 0x40,
    MASK_WRITE_UPDATE = 0x80, /* Write Data, Write Key and Data only */
    MASK_WRITE_ALL = 0xc0,
    MASK_RESERVED = 0x20,
    MASK_SEEK = 0x18,
    MASK_SEEK_ALL = 0x00,
    MASK_SEEK_CYL_HEAD = 0x08, /* Seek Cylinder and Seek Head */
    MASK_SEEK_HEAD = 0x10,     /* Seek Head within the cylinder */
    MASK_SEEK_NONE = 0x18,     /* no seek, no multitrack operation */
};

typedef enum { ORIENT_INDEX, ORIENT_HA, ORIENT_COUNT, ORIENT_KEY, ORIENT_DATA } Orient;
typedef enum { WRITE_UPDATE, WRITE_FORMAT, WRITE_HA_R0 } WriteClass;

/* Locate Record operations (3990 reference, "Locate Record"). */
enum {
    LR_ORIENT = 0x00,
    LR_WRITE_DATA = 0x01,
    LR_FORMAT_WRITE = 0x03,
    LR_READ_DATA = 0x06,
    LR_READ_TRACKS = 0x0c,
    LR_READ_ANY = 0x16,
};

/* Device characteristics: geometry from the IBM device references,
 * identification as the control units report it. */
typedef struct CkdType {
    const char *name;
    uint16_t type;
    uint8_t code; /* image header device type code */
    uint8_t model;
    uint16_t cyls; /* primary cylinders of the base model */
    uint16_t r0_max, r1_max;
    uint32_t track_len;
    uint16_t ha_r0;
    uint8_t sectors;
    uint8_t formula, f1;
    uint16_t f2, f3;
    uint8_t f4, f5, f6;
    uint16_t rps;
    uint16_t cu_type;
    uint8_t cu_model, cu_code;
    uint32_t cu_features;
    uint8_t sense_len;
    uint8_t class_code; /* RDC byte 11 */
    bool rdc;           /* Read Device Characteristics */
    bool eckd;          /* Define Extent, Locate Record, Read Track */
} CkdType;

static const CkdType ckd_types[] = {
    {"3330", 0x3330, 0x30, 0x01, 404, 13165,  13030, 13165, 135, 128, 0, 56,    135,
     0,      0,      0,    0,    0,   0x3830, 0x02,  0,     0,   24,  0, false, false},
    {"3340", 0x3340, 0x40, 0x01, 348, 8535,   8368, 8535, 167, 64, 0, 75,    167,
     0,      0,      0,    0,    0,   0x3830, 0x02, 0,    0,   24, 0, false, false},
    {"3350", 0x3350, 0x50, 0x00, 555, 19254,  19069, 19254, 185, 128, 0, 82,    185,
     0,      0,      0,    0,    0,   0x3830, 0x02,  0,     0,   24,  0, false, false},
    {"3375", 0x3375, 0x75, 0x02, 959,    36000,  35616, 36000, 832,         196, 1,    32,   384,
     160,    0,      0,    0,    0x5007, 0x3880, 0x05,  0x09,  0x80000000u, 24,  0x0e, true, false},
    {"3380", 0x3380, 0x80, 0x02, 885,    47988,  47476, 47968, 1088,        222, 1,    32,   492,
     236,    0,      0,    0,    0x5007, 0x3880, 0x05,  0x09,  0x80000000u, 24,  0x0e, true, false},
    {"3390", 0x3390, 0x90, 0x02, 1113,   57326,  56664, 58786, 1428,        224, 2,    34,   19,
     9,      6,      116,  6,    0x7708, 0x3990, 0xc2,  0x10,  0xd0000000u, 32,  0x26, true, true},
};

typedef struct CkdDasd {
    Device dev;
    char *devno;
    char *file;
    bool readonly;
    ChannelUnit unit;
    const CkdType *type;
    CkdImage *img;
    uint32_t cyls, heads, track_size;

    /* The track under the heads. */
    uint8_t *trk;
    size_t trk_len;
    uint32_t trk_no; /* TRACK_NONE: not read yet */
    bool trk_dirty;

    /* Position and orientation. */
    uint16_t cyl, head;
    uint8_t orient;
    uint32_t rec_off; /* count area of the current record */
    CkdCount rec;

    /* The channel program in progress. */
    bool chained;     /* the next command continues this program */
    uint8_t prev_cmd; /* previous command of the program (0: none) */
    bool prev_equal;  /* it was a search satisfied by an equal compare */
    bool index_seen;  /* index point passed without a read of HA or data */
    uint8_t mask;     /* file mask */
    bool mask_set;    /* Set File Mask or Define Extent given */
    bool extent;      /* Define Extent given */
    uint32_t ext_begin, ext_end;
    bool lr_seen;   /* a Locate Record was given */
    bool lr_active; /* in its domain */
    bool lr_first;  /* its first record is not processed yet */
    uint8_t lr_op, lr_left;

    /* The command in progress. */
    uint8_t cmd;
    bool equal; /* a search satisfied by an equal compare */
    uint32_t moved;
    bool short_xfer; /* the channel moved fewer bytes than asked */

    uint8_t sense[32];
} CkdDasd;

/* ---- data transfer ---- */

static size_t ckd_in(CkdDasd *s, ChannelXfer *x, void *buf, size_t len)
{
    size_t n = channel_xfer_from_storage(x, buf, len);
    s->moved += (uint32_t)n;
    if (n < len) s->short_xfer = true;
    return n;
}

static void ckd_out(CkdDasd *s, ChannelXfer *x, const void *buf, size_t len)
{
    size_t n = channel_xfer_to_storage(x, buf, len);
    s->moved += (uint32_t)n;
    if (n < len) s->short_xfer = true;
}

/* Whatever data the CCW offers, unused (a search with nothing to compare). */
static void ckd_drain(CkdDasd *s, ChannelXfer *x)
{
    uint8_t sink[256];
    size_t n;
    while ((n = channel_xfer_take(x, sink, sizeof sink)) > 0)
        s->moved += (uint32_t)n;
}

/* ---- sense and status ---- */

static int ckd_unit_check(CkdDasd *s, uint8_t b0, uint8_t b1, uint8_t msg)
{
    memset(s->sense, 0, sizeof s->sense);
    s->sense[0] = b0;
    s->sense[1] = b1;
    s->sense[4] = (uint8_t)s->unit.devno;
    s->sense[5] = (uint8_t)s->cyl;
    s->sense[6] = (uint8_t)((s->cyl >> 8 & 0x0f) << 4 | (s->head & 0x0f));
    s->sense[7] = (b0 & S0_COMMAND_REJECT) ? msg : 0;
    return UNIT_CE_DE | UNIT_CHECK;
}

static int ckd_reject(CkdDasd *s, uint8_t msg)
{
    LOG_MASK(LOG_GUEST_ERRORS, "%s %04x: command %02x rejected (reason %d)\n", s->type->name,
             s->unit.devno, s->cmd, msg);
    return ckd_unit_check(s, S0_COMMAND_REJECT, 0, msg);
}

static int ckd_equipment_check(CkdDasd *s, const char *err)
{
    fprintf(stderr, "doppel: %s %04x: %s\n", s->type->name, s->unit.devno, err);
    return ckd_unit_check(s, S0_EQUIPMENT_CHECK, 0, 0);
}

/* ---- the track under the heads ---- */

static uint32_t ckd_track_no(const CkdDasd *s, uint16_t cyl, uint16_t head)
{
    return (uint32_t)cyl * s->heads + head;
}

/* Write the held track back if it changed; 0 or the ending status. */
static int ckd_flush(CkdDasd *s)
{
    if (!s->trk_dirty) return 0;
    char err[256];
    s->trk_dirty = false;
    if (!ckd_image_write_track(s->img, s->trk_no, s->trk, s->trk_len, err, sizeof err)) {
        s->trk_no = TRACK_NONE; /* read it back: the image holds the old track */
        return ckd_equipment_check(s, err);
    }
    return 0;
}

/* Make the track at cyl/head the one in memory; 0 or the ending status. */
static int ckd_load(CkdDasd *s)
{
    uint32_t trk = ckd_track_no(s, s->cyl, s->head);
    if (s->trk_no == trk) return 0;
    int st = ckd_flush(s);
    if (st) return st;
    char err[256];
    size_t n = ckd_image_read_track(s->img, trk, s->trk, err, sizeof err);
    if (!n) {
        s->trk_no = TRACK_NONE;
        return ckd_equipment_check(s, err);
    }
    s->trk_no = trk;
    s->trk_len = n;
    return 0;
}

static void ckd_move_to(CkdDasd *s, uint16_t cyl, uint16_t head)
{
    s->cyl = cyl;
    s->head = head;
    s->orient = ORIENT_INDEX;
    s->index_seen = false;
}

static bool ckd_in_extent(const CkdDasd *s, uint16_t cyl, uint16_t head)
{
    uint32_t t = ckd_track_no(s, cyl, head);
    return !s->extent || (t >= s->ext_begin && t <= s->ext_end);
}

/* Multitrack operation at the end of a track: the next head, or in a
 * Locate Record domain the next track even across cylinders. */
static int ckd_next_track(CkdDasd *s)
{
    uint16_t cyl = s->cyl, head = (uint16_t)(s->head + 1);
    if (head >= s->heads) {
        if (!s->lr_active || cyl + 1u >= s->cyls)
            return ckd_unit_check(s, 0, S1_END_OF_CYLINDER, 0);
        cyl++;
        head = 0;
    }
    if ((s->mask & MASK_SEEK) == MASK_SEEK_NONE) return ckd_reject(s, MSG_INVALID_PARAMETER);
    if (!ckd_in_extent(s, cyl, head)) return ckd_unit_check(s, 0, S1_FILE_PROTECTED, 0);
    ckd_move_to(s, cyl, head);
    return 0;
}

/* The index point: a multitrack operation goes to the next track;
 * otherwise the second index point of a search is "no record found". */
static int ckd_index_point(CkdDasd *s, bool mt)
{
    if (mt) return ckd_next_track(s);
    if (s->index_seen) return ckd_unit_check(s, 0, S1_NO_RECORD_FOUND, 0);
    s->index_seen = true;
    s->orient = ORIENT_INDEX;
    return 0;
}

/* Rotate to the next count area (passing R0 when skip_r0). */
static int ckd_next_count(CkdDasd *s, bool skip_r0, bool mt)
{
    for (;;) {
        int st = ckd_load(s);
        if (st) return st;
        uint32_t off =
            s->orient <= ORIENT_HA ? CKD_HA_SIZE : s->rec_off + (uint32_t)ckd_record_size(&s->rec);
        CkdCount c;
        CkdRecResult r = ckd_track_record(s->trk, s->trk_len, off, &c);
        if (r == CKD_REC_BAD) return ckd_unit_check(s, S0_DATA_CHECK, S1_INVALID_TRACK_FORMAT, 0);
        if (r == CKD_REC_END) {
            st = ckd_index_point(s, mt);
            if (st) return st;
            continue;
        }
        s->rec_off = off;
        s->rec = c;
        s->orient = ORIENT_COUNT;
        if (skip_r0 && off == CKD_HA_SIZE) {
            s->orient = ORIENT_DATA;
            continue;
        }
        return 0;
    }
}

/* Rotate to the index point (for home-address operations). */
static int ckd_to_index(CkdDasd *s, bool mt)
{
    int st = ckd_load(s);
    if (st || s->orient == ORIENT_INDEX) return st;
    st = ckd_index_point(s, mt);
    return st ? st : ckd_load(s);
}

static uint8_t *ckd_key(CkdDasd *s)
{
    return s->trk + s->rec_off + CKD_COUNT_SIZE;
}

static uint8_t *ckd_data(CkdDasd *s)
{
    return ckd_key(s) + s->rec.kl;
}

/* ---- channel program bookkeeping ---- */

static void ckd_program_start(CkdDasd *s)
{
    s->prev_cmd = 0;
    s->prev_equal = false;
    s->index_seen = false;
    s->mask = MASK_WRITE_NO_HA_R0 | MASK_SEEK_ALL;
    s->mask_set = s->extent = false;
    s->lr_seen = s->lr_active = false;
    s->orient = ORIENT_INDEX;
}

/* ---- seeks and masks ---- */

static int ckd_cmd_seek(CkdDasd *s, uint8_t cmd, ChannelXfer *x)
{
    uint8_t a[6];
    if (ckd_in(s, x, a, 6) < 6) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    uint16_t cyl = (uint16_t)(a[2] << 8 | a[3]), head = (uint16_t)(a[4] << 8 | a[5]);
    uint8_t seek = s->mask & MASK_SEEK;
    bool allowed = cmd == 0x07 ? seek == MASK_SEEK_ALL
                   : cmd == 0x0b
                       ? seek <= MASK_SEEK_CYL_HEAD
                       : seek != MASK_SEEK_NONE && (seek != MASK_SEEK_HEAD || cyl == s->cyl);
    if (!allowed)
        return ckd_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED, MSG_INVALID_PARAMETER);
    if (a[0] || a[1] || cyl >= s->cyls || head >= s->heads)
        return ckd_reject(s, MSG_INVALID_PARAMETER);
    if (!ckd_in_extent(s, cyl, head)) return ckd_unit_check(s, 0, S1_FILE_PROTECTED, 0);
    ckd_move_to(s, cyl, head);
    return UNIT_CE_DE;
}

static int ckd_cmd_set_file_mask(CkdDasd *s, ChannelXfer *x)
{
    uint8_t m;
    if (ckd_in(s, x, &m, 1) < 1) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    if (s->mask_set) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    if (m & MASK_RESERVED) return ckd_reject(s, MSG_INVALID_PARAMETER);
    s->mask = m;
    s->mask_set = true;
    return UNIT_CE_DE;
}

static int ckd_write_check(CkdDasd *s, WriteClass wc)
{
    if (s->readonly) return ckd_unit_check(s, S0_COMMAND_REJECT, S1_WRITE_INHIBITED, 0);
    uint8_t w = s->mask & MASK_WRITE;
    bool ok = w == MASK_WRITE_ALL || (w == MASK_WRITE_NO_HA_R0 && wc != WRITE_HA_R0) ||
              (w == MASK_WRITE_UPDATE && wc == WRITE_UPDATE);
    return ok ? 0 : ckd_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED, MSG_INVALID_PARAMETER);
}

/* ---- Locate Record domain (3390) ---- */

/* A command inside a Locate Record domain: check that the operation
 * allows it and move to the record it works on (the located one first,
 * then the next, across tracks).  *current tells the command to use the
 * record it is oriented to. */
static int ckd_lr_step(CkdDasd *s, uint8_t cmd, bool *current)
{
    uint8_t base = cmd & 0x7f;
    bool read = base == 0x06 || base == 0x0e || base == 0x12 || base == 0x1e || base == 0x16;
    bool ok;
    switch (s->lr_op) {
    case LR_READ_DATA:
    case LR_READ_ANY: ok = read; break;
    case LR_WRITE_DATA: ok = base == 0x05 || base == 0x0d; break;
    case LR_FORMAT_WRITE: ok = cmd == 0x1d || cmd == 0x9d; break;
    case LR_READ_TRACKS: ok = cmd == 0xde; break;
    default: ok = false; break;
    }
    if (!ok || s->lr_left == 0) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    *current = true;
    bool first = s->lr_first;
    s->lr_first = false;
    int st = 0;
    if (s->lr_op == LR_FORMAT_WRITE) {
        if (cmd == 0x9d) {
            /* Write CKD Next Track: the record follows R0 of the next track. */
            st = ckd_next_track(s);
            if (!st) st = ckd_next_count(s, false, false);
            if (!st && s->rec_off != CKD_HA_SIZE) st = ckd_unit_check(s, 0, S1_NO_RECORD_FOUND, 0);
            if (!st) s->orient = ORIENT_DATA;
        }
    } else if (!first) {
        st = s->lr_op == LR_READ_TRACKS ? ckd_next_track(s) : ckd_next_count(s, true, true);
    }
    if (--s->lr_left == 0) s->lr_active = false;
    return st;
}

static int ckd_cmd_define_extent(CkdDasd *s, ChannelXfer *x)
{
    uint8_t p[16];
    if (ckd_in(s, x, p, 16) < 16) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    if (s->extent || s->mask_set) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    if (p[0] & MASK_RESERVED) return ckd_reject(s, MSG_INVALID_PARAMETER);
    uint16_t bc = (uint16_t)(p[8] << 8 | p[9]), bh = (uint16_t)(p[10] << 8 | p[11]);
    uint16_t ec = (uint16_t)(p[12] << 8 | p[13]), eh = (uint16_t)(p[14] << 8 | p[15]);
    if (bc >= s->cyls || ec >= s->cyls || bh >= s->heads || eh >= s->heads)
        return ckd_reject(s, MSG_INVALID_PARAMETER);
    uint32_t b = ckd_track_no(s, bc, bh), e = ckd_track_no(s, ec, eh);
    if (b > e) return ckd_reject(s, MSG_INVALID_PARAMETER);
    s->mask = p[0];
    s->mask_set = s->extent = true;
    s->ext_begin = b;
    s->ext_end = e;
    return UNIT_CE_DE;
}

static int ckd_cmd_locate_record(CkdDasd *s, ChannelXfer *x)
{
    uint8_t p[16];
    if (ckd_in(s, x, p, 16) < 16) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    if (!s->extent) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    uint8_t orient = p[0] >> 6, op = p[0] & 0x3f, count = p[3];
    uint16_t cyl = (uint16_t)(p[4] << 8 | p[5]), head = (uint16_t)(p[6] << 8 | p[7]);
    bool known = op == LR_ORIENT || op == LR_WRITE_DATA || op == LR_FORMAT_WRITE ||
                 op == LR_READ_DATA || op == LR_READ_TRACKS || op == LR_READ_ANY;
    if (!known || (op == LR_ORIENT) != (count == 0)) return ckd_reject(s, MSG_INVALID_PARAMETER);
    if (cyl >= s->cyls || head >= s->heads) return ckd_reject(s, MSG_INVALID_PARAMETER);
    if (!ckd_in_extent(s, cyl, head)) return ckd_unit_check(s, 0, S1_FILE_PROTECTED, 0);
    if (op == LR_WRITE_DATA || op == LR_FORMAT_WRITE) {
        int st = ckd_write_check(s, op == LR_WRITE_DATA ? WRITE_UPDATE : WRITE_FORMAT);
        if (st) return st;
    }
    ckd_move_to(s, cyl, head);
    s->lr_active = false;
    int st = ckd_load(s);
    if (st) return st;
    if (orient == 1) { /* home address */
        s->orient = ORIENT_HA;
    } else if (orient != 3 && op != LR_READ_TRACKS && op != LR_READ_ANY) {
        /* count or data: search the track for the record ID */
        for (;;) {
            st = ckd_next_count(s, false, false);
            if (st) return st;
            if (!memcmp(s->trk + s->rec_off, p + 8, 5)) break;
        }
        s->orient = orient == 2 ? ORIENT_DATA : ORIENT_COUNT;
    }
    if (op == LR_READ_ANY) {
        st = ckd_next_count(s, true, false);
        if (st) return st;
    }
    s->index_seen = false;
    s->lr_op = op;
    s->lr_left = count;
    s->lr_first = true;
    s->lr_seen = s->lr_active = op != LR_ORIENT; /* orienting only leaves no domain */
    return UNIT_CE_DE;
}

/* ---- searches ---- */

static int ckd_cmd_search_id(CkdDasd *s, uint8_t cmd, bool mt, ChannelXfer *x)
{
    int st = ckd_next_count(s, false, mt);
    if (st) return st;
    uint8_t arg[5];
    size_t n = ckd_in(s, x, arg, sizeof arg);
    int cmp = memcmp(s->trk + s->rec_off, arg, n);
    uint8_t base = cmd & 0x7f;
    bool hit = base == 0x31 ? cmp == 0 : base == 0x51 ? cmp > 0 : cmp >= 0;
    s->equal = hit && cmp == 0;
    return hit ? UNIT_CE_DE | UNIT_STATUS_MODIFIER : UNIT_CE_DE;
}

static int ckd_cmd_search_key(CkdDasd *s, uint8_t cmd, bool mt, ChannelXfer *x)
{
    if (s->orient != ORIENT_COUNT) {
        int st = ckd_next_count(s, true, mt);
        if (st) return st;
    }
    s->orient = ORIENT_KEY;
    if (s->rec.kl == 0) { /* nothing to compare: not satisfied */
        ckd_drain(s, x);
        return UNIT_CE_DE;
    }
    uint8_t arg[256];
    size_t n = ckd_in(s, x, arg, s->rec.kl);
    int cmp = memcmp(ckd_key(s), arg, n);
    uint8_t base = cmd & 0x7f;
    bool hit = base == 0x29 ? cmp == 0 : base == 0x49 ? cmp > 0 : cmp >= 0;
    s->equal = hit && cmp == 0;
    return hit ? UNIT_CE_DE | UNIT_STATUS_MODIFIER : UNIT_CE_DE;
}

static int ckd_cmd_search_ha(CkdDasd *s, bool mt, ChannelXfer *x)
{
    int st = ckd_to_index(s, mt);
    if (st) return st;
    s->orient = ORIENT_HA;
    uint8_t arg[4];
    size_t n = ckd_in(s, x, arg, sizeof arg);
    bool hit = !memcmp(s->trk + 1, arg, n);
    s->equal = hit;
    if (hit) s->index_seen = false;
    return hit ? UNIT_CE_DE | UNIT_STATUS_MODIFIER : UNIT_CE_DE;
}

/* ---- reads ---- */

/* Read Data, Read Key and Data, Read Count, Read CKD. */
static int ckd_cmd_read(CkdDasd *s, uint8_t base, bool mt, bool current, ChannelXfer *x)
{
    bool use_current =
        current || ((base == 0x06 && (s->orient == ORIENT_COUNT || s->orient == ORIENT_KEY)) ||
                    (base == 0x0e && s->orient == ORIENT_COUNT));
    if (!use_current) {
        int st = ckd_next_count(s, true, mt);
        if (st) return st;
    }
    const uint8_t *rec = s->trk + s->rec_off;
    switch (base) {
    case 0x12:
        ckd_out(s, x, rec, CKD_COUNT_SIZE);
        s->orient = ORIENT_COUNT;
        return UNIT_CE_DE;
    case 0x06: ckd_out(s, x, ckd_data(s), s->rec.dl); break;
    case 0x0e: ckd_out(s, x, ckd_key(s), (size_t)s->rec.kl + s->rec.dl); break;
    default: ckd_out(s, x, rec, ckd_record_size(&s->rec)); break;
    }
    s->orient = ORIENT_DATA;
    s->index_seen = false;
    /* An end-of-file record (no data) ends the read with unit exception. */
    return s->rec.dl == 0 ? UNIT_CE_DE | UNIT_EXCEPTION : UNIT_CE_DE;
}

static int ckd_cmd_read_ha(CkdDasd *s, bool mt, ChannelXfer *x)
{
    int st = ckd_to_index(s, mt);
    if (st) return st;
    ckd_out(s, x, s->trk, CKD_HA_SIZE);
    s->orient = ORIENT_HA;
    s->index_seen = false;
    return UNIT_CE_DE;
}

static int ckd_cmd_read_r0(CkdDasd *s, bool mt, ChannelXfer *x)
{
    if (s->orient != ORIENT_HA) {
        int st = ckd_to_index(s, mt);
        if (st) return st;
    }
    s->orient = ORIENT_HA;
    int st = ckd_next_count(s, false, false);
    if (st) return st;
    if (s->rec_off != CKD_HA_SIZE) return ckd_unit_check(s, 0, S1_NO_RECORD_FOUND, 0);
    ckd_out(s, x, s->trk + s->rec_off, ckd_record_size(&s->rec));
    s->orient = ORIENT_DATA;
    s->index_seen = false;
    return UNIT_CE_DE;
}

/* Every record after R0 of the track: Read Multiple CKD, Read Track. */
static int ckd_cmd_read_track(CkdDasd *s, ChannelXfer *x)
{
    int st = ckd_to_index(s, false);
    if (st) return st;
    uint32_t off = CKD_HA_SIZE;
    CkdCount c;
    CkdRecResult r;
    bool first = true;
    while ((r = ckd_track_record(s->trk, s->trk_len, off, &c)) == CKD_REC_OK) {
        if (!first) ckd_out(s, x, s->trk + off, ckd_record_size(&c));
        first = false;
        s->rec_off = off;
        s->rec = c;
        s->orient = ORIENT_DATA;
        off += (uint32_t)ckd_record_size(&c);
    }
    if (r == CKD_REC_BAD) return ckd_unit_check(s, S0_DATA_CHECK, S1_INVALID_TRACK_FORMAT, 0);
    s->index_seen = false;
    return UNIT_CE_DE;
}

/* Read IPL: record 1 of cylinder 0 head 0 (PoO-370 §4 "Initial Program
 * Loading" starts it; the 3830 reference defines it for DASD). */
static int ckd_cmd_read_ipl(CkdDasd *s, ChannelXfer *x)
{
    ckd_move_to(s, 0, 0);
    return ckd_cmd_read(s, 0x06, false, false, x);
}

static int ckd_cmd_read_sector(CkdDasd *s, ChannelXfer *x)
{
    uint8_t sector = 0;
    if (s->orient > ORIENT_HA && s->track_size)
        sector = (uint8_t)((uint64_t)s->rec_off * s->type->sectors / s->track_size);
    ckd_out(s, x, &sector, 1);
    return UNIT_CE_DE;
}

static int ckd_cmd_set_sector(CkdDasd *s, ChannelXfer *x)
{
    uint8_t sector;
    if (ckd_in(s, x, &sector, 1) < 1) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    if (sector >= s->type->sectors && sector != 0xff) return ckd_reject(s, MSG_INVALID_PARAMETER);
    s->orient = ORIENT_INDEX;
    return UNIT_CE_DE;
}

/* ---- writes ---- */

/* The previous command of the program was a satisfied search equal of
 * one of the kinds given (Write Data, Write Key and Data, Write CKD). */
static bool ckd_after_search_equal(const CkdDasd *s, bool id, bool key)
{
    uint8_t p = s->prev_cmd & 0x7f;
    return s->prev_equal && ((id && p == 0x31) || (key && p == 0x29));
}

/* Fill len bytes of area from the channel, zeros after a short count. */
static void ckd_fill(CkdDasd *s, ChannelXfer *x, uint8_t *area, size_t len)
{
    size_t n = ckd_in(s, x, area, len);
    memset(area + n, 0, len - n);
}

static int ckd_cmd_write_update(CkdDasd *s, uint8_t base, bool current, ChannelXfer *x)
{
    int st = ckd_write_check(s, WRITE_UPDATE);
    if (st) return st;
    bool ok = current        ? s->orient >= ORIENT_COUNT
              : base == 0x05 ? ckd_after_search_equal(s, true, true)
                             : ckd_after_search_equal(s, true, false);
    if (!ok || s->orient < ORIENT_COUNT) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    st = ckd_load(s);
    if (st) return st;
    if (base == 0x05)
        ckd_fill(s, x, ckd_data(s), s->rec.dl);
    else
        ckd_fill(s, x, ckd_key(s), (size_t)s->rec.kl + s->rec.dl);
    s->trk_dirty = true;
    s->orient = ORIENT_DATA;
    s->index_seen = false;
    return UNIT_CE_DE;
}

/* Write CKD, Write R0 and Erase: a new record (its count, key and data
 * from the channel) at off, erasing the rest of the track; Erase keeps
 * only the erasure. */
static int ckd_format_at(CkdDasd *s, uint32_t off, bool erase, ChannelXfer *x)
{
    uint8_t count[CKD_COUNT_SIZE];
    if (ckd_in(s, x, count, sizeof count) < sizeof count) return ckd_reject(s, MSG_COUNT_TOO_SMALL);
    CkdCount c;
    ckd_count_get(count, &c);
    size_t size = ckd_record_size(&c);
    if ((size_t)off + size + CKD_EOT_SIZE > s->track_size) {
        ckd_drain(s, x);
        return ckd_unit_check(s, 0, S1_INVALID_TRACK_FORMAT, 0);
    }
    uint8_t *p = s->trk + off;
    size_t old_len = s->trk_len;
    if (erase) {
        ckd_drain(s, x);
        ckd_track_put_eot(s->trk, s->track_size, off);
        s->trk_len = off + CKD_EOT_SIZE;
    } else {
        memcpy(p, count, sizeof count);
        ckd_fill(s, x, p + CKD_COUNT_SIZE, size - CKD_COUNT_SIZE);
        ckd_track_put_eot(s->trk, s->track_size, off + size);
        s->trk_len = off + size + CKD_EOT_SIZE;
        s->rec_off = off;
        s->rec = c;
        s->orient = ORIENT_DATA;
    }
    if (old_len > s->trk_len) memset(s->trk + s->trk_len, 0, old_len - s->trk_len);
    s->trk_dirty = true;
    s->index_seen = false;
    return UNIT_CE_DE;
}

static int ckd_cmd_write_ckd(CkdDasd *s, uint8_t cmd, bool current, ChannelXfer *x)
{
    int st = ckd_write_check(s, WRITE_FORMAT);
    if (st) return st;
    /* Chained from a satisfied search equal, Write R0, Write CKD, or a
     * read of the record the new one follows. */
    uint8_t p = s->prev_cmd & 0x7f;
    bool ok = current || ckd_after_search_equal(s, true, true) || p == 0x15 || p == 0x1d ||
              p == 0x06 || p == 0x0e || p == 0x1e || p == 0x12;
    if (!ok || s->orient < ORIENT_COUNT) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    st = ckd_load(s);
    if (st) return st;
    return ckd_format_at(s, s->rec_off + (uint32_t)ckd_record_size(&s->rec), cmd == 0x11, x);
}

static int ckd_cmd_write_r0(CkdDasd *s, ChannelXfer *x)
{
    int st = ckd_write_check(s, WRITE_HA_R0);
    if (st) return st;
    uint8_t p = s->prev_cmd & 0x7f;
    bool ok = (s->prev_equal && p == 0x39) || p == 0x1a || p == 0x19;
    if (!ok || s->orient != ORIENT_HA) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    st = ckd_load(s);
    return st ? st : ckd_format_at(s, CKD_HA_SIZE, false, x);
}

static int ckd_cmd_write_ha(CkdDasd *s, ChannelXfer *x)
{
    int st = ckd_write_check(s, WRITE_HA_R0);
    if (st) return st;
    st = ckd_to_index(s, false);
    if (st) return st;
    uint8_t ha[CKD_HA_SIZE];
    ckd_fill(s, x, ha, sizeof ha);
    ha[0] = 0; /* the image keeps its own use of the bin byte */
    size_t old_len = s->trk_len;
    memcpy(s->trk, ha, sizeof ha);
    ckd_track_put_eot(s->trk, s->track_size, CKD_HA_SIZE);
    s->trk_len = CKD_HA_SIZE + CKD_EOT_SIZE;
    if (old_len > s->trk_len) memset(s->trk + s->trk_len, 0, old_len - s->trk_len);
    s->trk_dirty = true;
    s->orient = ORIENT_HA;
    s->index_seen = false;
    return UNIT_CE_DE;
}

/* ---- identification ---- */

static uint8_t ckd_model(const CkdDasd *s)
{
    if (s->type->type != 0x3390) return s->type->model;
    return s->cyls <= 1113 ? 0x02 : s->cyls <= 2226 ? 0x06 : s->cyls <= 3339 ? 0x0a : 0x0c;
}

/* Sense ID (PoO-390 §17 "Sense ID"): 0xFF, control unit type and model,
 * device type and model. */
static int ckd_cmd_sense_id(CkdDasd *s, ChannelXfer *x)
{
    const CkdType *t = s->type;
    uint8_t id[7] = {0xff,        (uint8_t)(t->cu_type >> 8), (uint8_t)t->cu_type,
                     t->cu_model, (uint8_t)(t->type >> 8),    (uint8_t)t->type,
                     ckd_model(s)};
    ckd_out(s, x, id, sizeof id);
    return UNIT_CE_DE;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Read Device Characteristics: the 64-byte record of the 3880/3990
 * references ("Device Characteristics"). */
static int ckd_cmd_rdc(CkdDasd *s, ChannelXfer *x)
{
    const CkdType *t = s->type;
    if (!t->rdc) return ckd_reject(s, MSG_INVALID_COMMAND);
    uint8_t d[64] = {0};
    put16(d + 0, t->cu_type);
    d[2] = t->cu_model;
    put16(d + 3, t->type);
    d[5] = ckd_model(s);
    d[6] = (uint8_t)(t->cu_features >> 24);
    d[7] = (uint8_t)(t->cu_features >> 16);
    d[8] = (uint8_t)(t->cu_features >> 8);
    d[9] = (uint8_t)t->cu_features;
    d[10] = 0x20; /* direct access storage */
    d[11] = t->type == 0x3390 ? (s->cyls <= 1113   ? 0x26
                                 : s->cyls <= 2226 ? 0x27
                                 : s->cyls <= 3339 ? 0x24
                                                   : 0x32)
                              : t->class_code;
    put16(d + 12, s->cyls);
    put16(d + 14, s->heads);
    d[16] = t->sectors;
    d[17] = (uint8_t)(t->track_len >> 16);
    put16(d + 18, t->track_len);
    put16(d + 20, t->ha_r0);
    d[22] = t->formula;
    d[23] = t->f1;
    if (t->formula == 1) {
        put16(d + 24, t->f2);
        put16(d + 26, t->f3);
    } else {
        d[24] = (uint8_t)t->f2;
        d[25] = (uint8_t)t->f3;
        d[26] = t->f4;
        d[27] = t->f5;
    }
    put16(d + 28, s->cyls); /* alternate cylinders follow the primary ones */
    put16(d + 30, s->heads);
    put16(d + 32, s->cyls + 1u);
    put16(d + 34, s->heads);
    put16(d + 36, s->cyls + 2u);
    put16(d + 38, s->heads);
    d[42] = t->cu_code;
    put16(d + 44, t->r0_max);
    d[48] = t->f6;
    put16(d + 49, t->rps);
    ckd_out(s, x, d, sizeof d);
    return UNIT_CE_DE;
}

/* Sense-type commands with no data of their own (reserve, release):
 * they return the sense bytes. */
static int ckd_cmd_sense(CkdDasd *s, ChannelXfer *x)
{
    ckd_out(s, x, s->sense, s->type->sense_len);
    memset(s->sense, 0, sizeof s->sense);
    return UNIT_CE_DE;
}

/* ---- dispatch ---- */

static int ckd_command(CkdDasd *s, uint8_t cmd, ChannelXfer *x)
{
    uint8_t base = cmd & 0x7f;
    bool mt = cmd & 0x80;
    bool current = false;
    bool mt_family = base == 0x06 || base == 0x0e || base == 0x12 || base == 0x16 || base == 0x1a ||
                     base == 0x1e || base == 0x31 || base == 0x51 || base == 0x71 || base == 0x29 ||
                     base == 0x49 || base == 0x69 || base == 0x39 || base == 0x5e;
    if (!mt_family) mt = false;
    if (mt && (s->mask & MASK_SEEK) == MASK_SEEK_NONE)
        return ckd_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED, MSG_INVALID_PARAMETER);

    /* ECKD: after a Locate Record, the data commands belong to its
     * domain; once its count is used up they are out of sequence. */
    bool domain = s->lr_seen &&
                  (base == 0x06 || base == 0x0e || base == 0x12 || base == 0x1e || base == 0x16 ||
                   base == 0x05 || base == 0x0d || cmd == 0x1d || cmd == 0x9d || cmd == 0xde);
    if (domain && !s->lr_active) return ckd_reject(s, MSG_INVALID_SEQUENCE);
    if (domain) {
        int st = ckd_lr_step(s, cmd, &current);
        if (st) return st;
        mt = true;
    } else if (cmd == 0x85 || cmd == 0x8d || cmd == 0x9d || (cmd == 0xde && s->type->eckd)) {
        return ckd_reject(s, MSG_INVALID_SEQUENCE); /* only inside a Locate Record domain */
    }

    switch (cmd) {
    case 0x03: return UNIT_CE_DE; /* No-operation */
    case 0x17: return UNIT_CE_DE; /* Restore */
    case 0x02: return ckd_cmd_read_ipl(s, x);
    case 0x07:
    case 0x0b:
    case 0x1b: return ckd_cmd_seek(s, cmd, x);
    case 0x13: /* Recalibrate */
        if ((s->mask & MASK_SEEK) != MASK_SEEK_ALL)
            return ckd_unit_check(s, S0_COMMAND_REJECT, S1_FILE_PROTECTED, MSG_INVALID_PARAMETER);
        if (!ckd_in_extent(s, 0, 0)) return ckd_unit_check(s, 0, S1_FILE_PROTECTED, 0);
        ckd_move_to(s, 0, 0);
        return UNIT_CE_DE;
    case 0x1f: return ckd_cmd_set_file_mask(s, x);
    case 0x22: return ckd_cmd_read_sector(s, x);
    case 0x23: return ckd_cmd_set_sector(s, x);
    case 0x05:
    case 0x85:
    case 0x0d:
    case 0x8d: return ckd_cmd_write_update(s, base, current, x);
    case 0x1d:
    case 0x9d:
    case 0x11: return ckd_cmd_write_ckd(s, cmd, current, x);
    case 0x15: return ckd_cmd_write_r0(s, x);
    case 0x19: return ckd_cmd_write_ha(s, x);
    case 0x04:
    case 0x14: /* Unconditional Reserve */
    case 0x94: /* Device Release */
    case 0xb4: /* Device Reserve */ return ckd_cmd_sense(s, x);
    case 0xe4: return ckd_cmd_sense_id(s, x);
    case 0x64: return ckd_cmd_rdc(s, x);
    case 0xde:
        if (current) {
            int st = ckd_load(s);
            return st ? st : ckd_cmd_read_track(s, x);
        }
        break;
    case 0x63:
        if (s->type->eckd) return ckd_cmd_define_extent(s, x);
        break;
    case 0x47:
        if (s->type->eckd) return ckd_cmd_locate_record(s, x);
        break;
    default: break;
    }
    switch (base) {
    case 0x06:
    case 0x0e:
    case 0x12:
    case 0x1e: return ckd_cmd_read(s, base, mt, current, x);
    case 0x16: return ckd_cmd_read_r0(s, mt, x);
    case 0x1a: return ckd_cmd_read_ha(s, mt, x);
    case 0x5e: return ckd_cmd_read_track(s, x);
    case 0x31:
    case 0x51:
    case 0x71: return ckd_cmd_search_id(s, cmd, mt, x);
    case 0x29:
    case 0x49:
    case 0x69: return ckd_cmd_search_key(s, cmd, mt, x);
    case 0x39: return ckd_cmd_search_ha(s, mt, x);
    default: break;
    }
    LOG_MASK(LOG_GUEST_ERRORS, "%s %04x: invalid command %02x\n", s->type->name, s->unit.devno,
             cmd);
    return ckd_unit_check(s, S0_COMMAND_REJECT, 0, MSG_INVALID_COMMAND);
}

static int ckd_execute(ChannelUnit *u, uint8_t cmd, ChannelXfer *x)
{
    CkdDasd *s = u->opaque;
    if (!s->chained) ckd_program_start(s);
    s->cmd = cmd;
    s->equal = false;
    s->moved = 0;
    s->short_xfer = false;
    if (cmd != 0x04 && cmd != 0x14 && cmd != 0x94 && cmd != 0xb4)
        memset(s->sense, 0, sizeof s->sense);
    int st = ckd_command(s, cmd, x);
    s->prev_cmd = cmd;
    s->prev_equal = s->equal;
    s->chained = dasd_chain_continues(x, cmd, st, s->moved, s->short_xfer);
    if (!s->chained) {
        /* The program ends here: the updated track goes to the image. */
        int fst = ckd_flush(s);
        if (fst && !(st & UNIT_CHECK)) st = fst;
    }
    return st;
}

static unsigned ckd_sense(ChannelUnit *u, uint8_t *buf, unsigned len)
{
    CkdDasd *s = u->opaque;
    unsigned n = s->type->sense_len < len ? s->type->sense_len : len;
    memcpy(buf, s->sense, n);
    memset(s->sense, 0, sizeof s->sense);
    s->chained = false;
    return s->type->sense_len;
}

static void ckd_halt(ChannelUnit *u)
{
    CkdDasd *s = u->opaque;
    s->chained = false;
    ckd_flush(s);
}

/* System reset (before an IPL): no channel program is in progress. */
static void ckd_unit_reset(ChannelUnit *u)
{
    CkdDasd *s = u->opaque;
    ckd_flush(s);
    s->chained = false;
    ckd_program_start(s);
}

static const ChannelUnitOps ckd_unit_ops = {
    .execute = ckd_execute,
    .sense = ckd_sense,
    .halt = ckd_halt,
    .reset = ckd_unit_reset,
};

/* ---- device ---- */

static const CkdType *ckd_type_named(const char *name)
{
    for (size_t i = 0; i < sizeof ckd_types / sizeof ckd_types[0]; i++)
        if (!strcmp(ckd_types[i].name, name)) return &ckd_types[i];
    return NULL;
}

/* CKD/CCKD images have no internal snapshots: a writable volume makes
 * savevm refuse (core/snapshot.h), a readonly=on one follows trivially. */
static bool ckd_media_writable(void *opaque)
{
    return !((CkdDasd *)opaque)->readonly;
}

static const SnapshotDriveOps ckd_media_ops = {.writable = ckd_media_writable};

static bool ckd_realize(Device *dev, Machine *m)
{
    CkdDasd *s = (CkdDasd *)dev;
    const char *name = dev->class->name;
    char err[512];
    s->type = ckd_type_named(name);
    if (!s->type) return false;
    if (!s->file || !*s->file) {
        fprintf(stderr, "doppel: %s: file= is required (a Hercules CKD or CCKD image)\n", name);
        return false;
    }
    s->img = ckd_image_open(s->file, s->readonly, err, sizeof err);
    if (!s->img) {
        fprintf(stderr, "doppel: %s: %s\n", name, err);
        return false;
    }
    const CkdImageInfo *g = ckd_image_info(s->img);
    if (g->devtype_code != s->type->code) {
        fprintf(stderr,
                "doppel: %s: %s is the image of another device type (code %02X), not a %s\n", name,
                s->file, g->devtype_code, name);
        ckd_image_close(s->img, err, sizeof err);
        return false;
    }
    s->cyls = g->cyls;
    s->heads = g->heads;
    s->track_size = g->track_size;
    s->trk = calloc(1, s->track_size);
    s->trk_no = TRACK_NONE;
    if (!s->trk || !unitrec_attach(dev, m, &s->unit, s->devno, &ckd_unit_ops)) {
        free(s->trk);
        s->trk = NULL;
        ckd_image_close(s->img, err, sizeof err);
        s->img = NULL;
        return false;
    }
    if (m) {
        char label[32];
        snprintf(label, sizeof label, "%s %04x", name, s->unit.devno);
        snapshot_add_drive(m, label, &ckd_media_ops, s);
    }
    return true;
}

static void ckd_sync(CkdDasd *s)
{
    char err[512];
    ckd_flush(s);
    if (!ckd_image_sync(s->img, err, sizeof err))
        fprintf(stderr, "doppel: %s %04x: %s\n", s->type->name, s->unit.devno, err);
}

static void ckd_reset(Device *dev)
{
    CkdDasd *s = (CkdDasd *)dev;
    if (s->img) ckd_sync(s);
    s->chained = false;
    ckd_program_start(s);
    ckd_move_to(s, 0, 0);
    memset(s->sense, 0, sizeof s->sense);
}

static void ckd_finalize(Device *dev)
{
    CkdDasd *s = (CkdDasd *)dev;
    char err[512];
    if (dev->machine) snapshot_remove_drive(dev->machine, s);
    unitrec_detach(&s->unit);
    ckd_flush(s);
    if (!ckd_image_close(s->img, err, sizeof err))
        fprintf(stderr, "doppel: %s: %s\n", dev->class->name, err);
    s->img = NULL;
    free(s->trk);
    s->trk = NULL;
}

static const Property ckd_props[] = {
    DEFINE_PROP_STRING("devno", CkdDasd, devno, NULL, "device number, hex (e.g. 150)"),
    DEFINE_PROP_STRING("file", CkdDasd, file, NULL, "Hercules CKD or CCKD image"),
    DEFINE_PROP_BOOL("readonly", CkdDasd, readonly, false, "refuse writes (write inhibited)"),
    DEFINE_PROP_END,
};

static const VMStateField ckd_vmstate[] = {
    VMSTATE_U16(CkdDasd, cyl),
    VMSTATE_U16(CkdDasd, head),
    VMSTATE_U8(CkdDasd, orient),
    VMSTATE_U32(CkdDasd, rec_off),
    VMSTATE_BOOL(CkdDasd, chained),
    VMSTATE_U8(CkdDasd, prev_cmd),
    VMSTATE_BOOL(CkdDasd, prev_equal),
    VMSTATE_BOOL(CkdDasd, index_seen),
    VMSTATE_U8(CkdDasd, mask),
    VMSTATE_BOOL(CkdDasd, mask_set),
    VMSTATE_BOOL(CkdDasd, extent),
    VMSTATE_U32(CkdDasd, ext_begin),
    VMSTATE_U32(CkdDasd, ext_end),
    VMSTATE_BOOL(CkdDasd, lr_seen),
    VMSTATE_BOOL(CkdDasd, lr_active),
    VMSTATE_BOOL(CkdDasd, lr_first),
    VMSTATE_U8(CkdDasd, lr_op),
    VMSTATE_U8(CkdDasd, lr_left),
    VMSTATE_BUFFER(CkdDasd, sense),
    CHANNEL_UNIT_VMSTATE(CkdDasd, unit),
    VMSTATE_END,
};

/* After loading state, the current record is re-read from the track. */
static void ckd_post_load(Device *dev)
{
    CkdDasd *s = (CkdDasd *)dev;
    ckd_flush(s);
    s->trk_no = TRACK_NONE;
    if (s->orient > ORIENT_HA &&
        (s->orient > ORIENT_DATA || ckd_load(s) != 0 ||
         ckd_track_record(s->trk, s->trk_len, s->rec_off, &s->rec) != CKD_REC_OK))
        s->orient = ORIENT_INDEX;
    channel_unit_post_load(&s->unit);
}

#define CKD_CLASS(var, name_, desc_)                                                               \
    static const DeviceClass var = {                                                               \
        .name = name_,                                                                             \
        .desc = desc_,                                                                             \
        .instance_size = sizeof(CkdDasd),                                                          \
        .props = ckd_props,                                                                        \
        .vmstate = ckd_vmstate,                                                                    \
        .vmstate_version = 2,                                                                      \
        .realize = ckd_realize,                                                                    \
        .reset = ckd_reset,                                                                        \
        .post_load = ckd_post_load,                                                                \
        .finalize = ckd_finalize,                                                                  \
        .user_creatable = true,                                                                    \
    };                                                                                             \
    DEVICE_REGISTER(var)

CKD_CLASS(ckd3330_class, "3330", "IBM 3330 disk storage, CKD (Hercules CKD/CCKD image)");
CKD_CLASS(ckd3340_class, "3340", "IBM 3340 disk storage, CKD (Hercules CKD/CCKD image)");
CKD_CLASS(ckd3350_class, "3350", "IBM 3350 disk storage, CKD (Hercules CKD/CCKD image)");
CKD_CLASS(ckd3375_class, "3375", "IBM 3375 disk storage, CKD (Hercules CKD/CCKD image)");
CKD_CLASS(ckd3380_class, "3380", "IBM 3380 disk storage, CKD (Hercules CKD/CCKD image)");
CKD_CLASS(ckd3390_class, "3390", "IBM 3390 disk storage, ECKD (Hercules CKD/CCKD image)");
