/*
 * ATAPI CD-ROM: IDENTIFY PACKET DEVICE, the PACKET protocol with PIO
 * (byte count limit, one DRQ block per interrupt) and DMA (ATA-6 §8.23,
 * §9.10-9.11), and the MMC commands firmware and operating systems use on
 * a read-only data disc of 2048-byte blocks (MMC-3, T10/1363-D; SPC-2 for
 * INQUIRY, REQUEST SENSE and MODE SENSE).
 *
 * The disc is one data track (track 1, mode 1) from LBA 0 to the end of
 * the image.  An ejected medium stays out until the next reset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/bytes.h"
#include "core/log.h"
#include "devices/ide/ide_core.h"

/* SPC-2 sense keys and additional sense codes. */
enum {
    SENSE_NONE = 0x0,
    SENSE_NOT_READY = 0x2,
    SENSE_MEDIUM_ERROR = 0x3,
    SENSE_ILLEGAL_REQUEST = 0x5,
    SENSE_UNIT_ATTENTION = 0x6,
    SENSE_ABORTED_COMMAND = 0xb,

    ASC_UNRECOVERED_READ = 0x11,
    ASC_INVALID_OPCODE = 0x20,
    ASC_LBA_OUT_OF_RANGE = 0x21,
    ASC_INVALID_FIELD = 0x24,
    ASC_POWER_ON_RESET = 0x29,
    ASC_SAVING_NOT_SUPPORTED = 0x39,
    ASC_MEDIUM_NOT_PRESENT = 0x3a,
    ASC_REMOVAL_PREVENTED = 0x53,
};

/* GET EVENT STATUS NOTIFICATION media event codes (MMC-3 §6.5.3.5). */
enum {
    MEDIA_EVENT_NONE = 0,
    MEDIA_EVENT_NEW = 2,
    MEDIA_EVENT_REMOVED = 3,
};

#define CD_LEADIN_FRAMES 150 /* MSF 00:02:00 is LBA 0 */

static uint32_t atapi_blocks(const IdeDrive *d)
{
    return d->blk ? (uint32_t)(blk_size(d->blk) / ATAPI_BLOCK_SIZE) : 0;
}

/* ---- IDENTIFY PACKET DEVICE (ATA-6 §8.16) ---- */

void atapi_identify(IdeDrive *d)
{
    uint16_t w[256] = {0};
    char serial[24];
    snprintf(serial, sizeof serial, "DP%02u%05u", d->bus->channel,
             (unsigned)(d - d->bus->drive) + 1);
    /* ATAPI, CD-ROM, removable, 50 us to DRQ, 12-byte packets. */
    w[0] = 2 << 14 | 5 << 8 | 1 << 7 | 2 << 5;
    ide_identify_string(&w[10], serial, 20);
    ide_identify_string(&w[23], "1.0", 8);
    ide_identify_string(&w[27], "DOPPEL CD-ROM", 40);
    w[49] = 0x0b00; /* IORDY, LBA, DMA */
    w[53] = 0x0006; /* words 64-70 and 88 valid */
    w[63] = 0x0007 | ((d->xfer_mode >> 3) == 4 ? (uint16_t)(0x100 << (d->xfer_mode & 7)) : 0);
    w[64] = 0x0003;
    w[65] = w[66] = w[67] = w[68] = 120;
    w[71] = w[72] = 30;
    w[80] = 0x007e;
    w[82] = 0x0010; /* PACKET feature set */
    w[83] = w[84] = w[87] = 0x4000;
    w[85] = 0x0010;
    w[88] = 0x003f | ((d->xfer_mode >> 3) == 8 ? (uint16_t)(0x100 << (d->xfer_mode & 7)) : 0);
    ide_identify_finish(d, w);
}

/* ---- completion ---- */

static void atapi_set_sense(IdeDrive *d, uint8_t key, uint8_t asc)
{
    d->sense_key = key;
    d->asc = asc;
    d->ascq = 0;
}

/* ATA-6 §9.10: command done, Sector Count says "status, to the host". */
static void atapi_ok(IdeDrive *d)
{
    ide_cmd_done(d);
    d->nsector = (uint8_t)((d->nsector & ~7) | ATAPI_IR_IO | ATAPI_IR_COD);
}

/* CHECK CONDITION: the sense key goes to the Error register's high nibble. */
static void atapi_fail(IdeDrive *d, uint8_t key, uint8_t asc)
{
    atapi_set_sense(d, key, asc);
    ide_cmd_error(d, (uint8_t)(key << 4));
    d->nsector = (uint8_t)((d->nsector & ~7) | ATAPI_IR_IO | ATAPI_IR_COD);
}

static void atapi_fail_check_status(IdeDrive *d)
{
    atapi_fail(d, d->sense_key, d->asc);
}

/* Read the next run of blocks of a READ into io_buffer. */
static bool atapi_fill(IdeDrive *d)
{
    uint32_t n = d->xfer_left < ATAPI_BUF_BLOCKS ? d->xfer_left : ATAPI_BUF_BLOCKS;
    if (blk_pread(d->blk, d->xfer_lba * ATAPI_BLOCK_SIZE, d->io_buffer,
                  (size_t)n * ATAPI_BLOCK_SIZE) != 0) {
        atapi_fail(d, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ);
        return false;
    }
    d->buf_len = n * ATAPI_BLOCK_SIZE;
    d->data_pos = 0;
    d->xfer_lba += n;
    d->xfer_left -= n;
    return true;
}

/* PIO: offer the next DRQ block, at most the byte count limit (§9.10). */
static void atapi_pio_next_block(IdeDrive *d)
{
    if (d->data_pos >= d->buf_len) {
        if (!d->xfer_left) {
            atapi_ok(d);
            return;
        }
        if (!atapi_fill(d)) return;
    }
    uint32_t limit = d->byte_limit;
    if (limit == 0 || limit == 0xffff) limit = 0xfffe; /* 0 is not a valid limit */
    uint32_t n = d->buf_len - d->data_pos;
    if (n > limit) n = limit & ~1u;
    d->data_end = d->data_pos + n;
    d->xfer = IDE_XFER_ATAPI_IN;
    d->status = IDE_STAT_DRDY | IDE_STAT_DSC | IDE_STAT_DRQ;
    d->lcyl = (uint8_t)n;
    d->hcyl = (uint8_t)(n >> 8);
    d->nsector = (uint8_t)((d->nsector & ~7) | ATAPI_IR_IO);
    ide_raise_irq(d);
}

void atapi_pio_block_done(IdeDrive *d)
{
    atapi_pio_next_block(d);
}

/* Start sending io_buffer[0, buf_len) and then xfer_left more blocks. */
static void atapi_send(IdeDrive *d)
{
    d->data_pos = 0;
    if (!d->buf_len && !d->xfer_left) {
        atapi_ok(d);
        return;
    }
    if (d->feature & 1) { /* PACKET's DMA bit */
        d->dma = IDE_DMA_ATAPI_IN;
        d->status = IDE_STAT_DRDY | IDE_STAT_DSC | IDE_STAT_DRQ;
        ide_dma_try(d);
        return;
    }
    atapi_pio_next_block(d);
}

/* Reply with len bytes of io_buffer, cut to the allocation length. */
static void atapi_reply(IdeDrive *d, uint32_t len, uint32_t alloc)
{
    d->buf_len = len < alloc ? len : alloc;
    d->xfer_left = 0;
    atapi_send(d);
}

void atapi_dma_run(IdeDrive *d)
{
    for (;;) {
        if (d->buf_len && !ide_dma_move(d, d->io_buffer, d->buf_len, true)) {
            atapi_fail(d, SENSE_ABORTED_COMMAND, 0);
            return;
        }
        d->buf_len = 0;
        if (!d->xfer_left) break;
        if (!atapi_fill(d)) return;
    }
    atapi_ok(d);
}

/* ---- MMC commands ---- */

typedef void AtapiCmdFn(IdeDrive *d, const uint8_t *cdb);

static void atapi_test_unit_ready(IdeDrive *d, const uint8_t *cdb)
{
    atapi_ok(d);
}

static void atapi_request_sense(IdeDrive *d, const uint8_t *cdb)
{
    /* SPC-2 §7.20.2 fixed format sense data. */
    uint8_t *b = d->io_buffer;
    memset(b, 0, 18);
    b[0] = 0x70;
    b[2] = d->sense_key;
    b[7] = 10;
    b[12] = d->asc;
    b[13] = d->ascq;
    atapi_set_sense(d, SENSE_NONE, 0); /* reported: a unit attention is cleared */
    atapi_reply(d, 18, cdb[4]);
}

static void atapi_inquiry(IdeDrive *d, const uint8_t *cdb)
{
    if (cdb[1] & 1) { /* vital product data pages are not provided */
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    uint8_t *b = d->io_buffer;
    memset(b, 0, 36);
    b[0] = 0x05; /* CD/DVD device */
    b[1] = 0x80; /* removable */
    b[3] = 0x21; /* ATAPI transport, response data format 1 */
    b[4] = 36 - 5;
    memcpy(&b[8], "DOPPEL  ", 8);
    memcpy(&b[16], "DOPPEL CD-ROM   ", 16);
    memcpy(&b[32], "1.0 ", 4);
    atapi_reply(d, 36, cdb[4]);
}

static void atapi_read_capacity(IdeDrive *d, const uint8_t *cdb)
{
    put_be32(d->io_buffer, atapi_blocks(d) - 1); /* last block */
    put_be32(d->io_buffer + 4, ATAPI_BLOCK_SIZE);
    atapi_reply(d, 8, 8);
}

static void atapi_read(IdeDrive *d, uint32_t lba, uint32_t count)
{
    uint32_t blocks = atapi_blocks(d);
    if (lba > blocks || count > blocks - lba) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
        return;
    }
    d->xfer_lba = lba;
    d->xfer_left = count;
    d->buf_len = 0;
    atapi_send(d);
}

static void atapi_read10(IdeDrive *d, const uint8_t *cdb)
{
    atapi_read(d, get_be32(&cdb[2]), get_be16(&cdb[7]));
}

static void atapi_read12(IdeDrive *d, const uint8_t *cdb)
{
    atapi_read(d, get_be32(&cdb[2]), get_be32(&cdb[6]));
}

/* MODE SENSE pages (MMC-3 §5.5): read error recovery, CD audio control,
 * capabilities and mechanical status. */
static uint32_t atapi_mode_page(IdeDrive *d, uint8_t page, uint8_t *p)
{
    switch (page) {
    case 0x01: {
        static const uint8_t recovery[8] = {0x01, 0x06, 0x00, 0x05};
        memcpy(p, recovery, sizeof recovery);
        return sizeof recovery;
    }
    case 0x0e: {
        static const uint8_t audio[16] = {0x0e, 0x0e, 0x04, 0x00, 0x00, 0x00,
                                          0x00, 0x4b, 0x01, 0xff, 0x02, 0xff};
        memcpy(p, audio, sizeof audio);
        return sizeof audio;
    }
    case 0x2a: {
        memset(p, 0, 20);
        p[0] = 0x2a;
        p[1] = 18;
        p[4] = 0x71;                                  /* audio play, mode 2, multisession */
        p[5] = 0x03;                                  /* CD-DA commands, accurate stream */
        p[6] = (uint8_t)(0x29 | (d->locked ? 2 : 0)); /* tray, eject, lock (state) */
        put_be16(&p[8], 706);                         /* max speed, kB/s (4x) */
        put_be16(&p[10], 256);                        /* volume levels */
        put_be16(&p[12], 512);                        /* buffer, KiB */
        put_be16(&p[14], 706);                        /* current speed */
        return 20;
    }
    }
    return 0;
}

static void atapi_mode_sense(IdeDrive *d, const uint8_t *cdb)
{
    bool ten = cdb[0] == 0x5a;
    uint8_t page = cdb[2] & 0x3f, control = cdb[2] >> 6;
    uint32_t alloc = ten ? get_be16(&cdb[7]) : cdb[4];
    uint32_t hdr = ten ? 8 : 4, len = hdr;
    if (control == 3) { /* saved values */
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED);
        return;
    }
    static const uint8_t all[] = {0x01, 0x0e, 0x2a};
    for (size_t i = 0; i < sizeof all; i++) {
        if (page != 0x3f && page != all[i]) continue;
        uint8_t *p = d->io_buffer + len;
        uint32_t n = atapi_mode_page(d, all[i], p);
        if (control == 1) memset(p + 2, 0, n - 2); /* changeable values: none */
        len += n;
    }
    if (len == hdr) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    uint8_t *b = d->io_buffer;
    memset(b, 0, hdr);
    uint8_t medium = d->medium_present ? 0x01 : 0x70; /* 120 mm data disc / no disc */
    if (ten) {
        put_be16(b, len - 2);
        b[2] = medium;
    } else {
        b[0] = (uint8_t)(len - 1);
        b[1] = medium;
    }
    atapi_reply(d, len, alloc);
}

static void lba_to_msf(uint8_t *p, uint32_t lba)
{
    lba += CD_LEADIN_FRAMES;
    p[0] = (uint8_t)(lba / (75 * 60));
    p[1] = (uint8_t)(lba / 75 % 60);
    p[2] = (uint8_t)(lba % 75);
}

/* A track address in LBA or MSF form (4 bytes). */
static void toc_address(uint8_t *p, uint32_t lba, bool msf)
{
    if (msf) {
        p[0] = 0;
        lba_to_msf(p + 1, lba);
    } else {
        put_be32(p, lba);
    }
}

static void atapi_read_toc(IdeDrive *d, const uint8_t *cdb)
{
    bool msf = cdb[1] & 2;
    uint8_t format = cdb[2] & 0x0f, track = cdb[6];
    uint32_t alloc = get_be16(&cdb[7]), blocks = atapi_blocks(d), len = 4;
    uint8_t *b = d->io_buffer;
    if (format == 0 && (cdb[9] >> 6)) format = cdb[9] >> 6; /* SFF-8020 placement */
    memset(b, 0, 48);
    switch (format) {
    case 0: /* TOC: track 1 and the lead-out (AAh) */
        if (track > 1 && track != 0xaa) {
            atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
            return;
        }
        b[2] = b[3] = 1;
        if (track <= 1) {
            b[len + 1] = 0x14; /* ADR 1, data track */
            b[len + 2] = 1;
            toc_address(&b[len + 4], 0, msf);
            len += 8;
        }
        b[len + 1] = 0x14;
        b[len + 2] = 0xaa;
        toc_address(&b[len + 4], blocks, msf);
        len += 8;
        break;
    case 1: /* session information: one session starting at track 1 */
        b[2] = b[3] = 1;
        b[5] = 0x14;
        b[6] = 1;
        toc_address(&b[8], 0, msf);
        len = 12;
        break;
    case 2: { /* full TOC: points A0, A1, A2 and track 1, in MSF */
        static const uint8_t points[4] = {0xa0, 0xa1, 0xa2, 0x01};
        b[2] = b[3] = 1;
        for (int i = 0; i < 4; i++, len += 11) {
            uint8_t *q = &b[len];
            q[0] = 1; /* session */
            q[1] = 0x14;
            q[3] = points[i];
            if (points[i] == 0xa0 || points[i] == 0xa1) q[8] = 1; /* first/last track */
            if (points[i] == 0xa2) lba_to_msf(&q[8], blocks);
            if (points[i] == 0x01) lba_to_msf(&q[8], 0);
        }
        break;
    }
    default: atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD); return;
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, alloc);
}

/* GET CONFIGURATION (MMC-3 §6.6): profile list, core, removable medium. */
static uint32_t atapi_feature(IdeDrive *d, uint16_t code, uint8_t *p)
{
    memset(p, 0, 12);
    put_be16(p, code);
    switch (code) {
    case 0x0000: /* profile list: CD-ROM */
        p[2] = 0x03;
        p[3] = 4;
        put_be16(&p[4], 0x0008);
        p[6] = d->medium_present ? 1 : 0;
        return 8;
    case 0x0001: /* core: ATAPI */
        p[2] = 0x0b;
        p[3] = 8;
        put_be32(&p[4], 2);
        return 12;
    case 0x0003: /* removable medium: tray, eject, lock */
        p[2] = 0x03;
        p[3] = 4;
        p[4] = (uint8_t)(0x29 | (d->locked ? 0x02 : 0));
        return 8;
    }
    return 0;
}

static void atapi_get_configuration(IdeDrive *d, const uint8_t *cdb)
{
    static const uint16_t features[] = {0x0000, 0x0001, 0x0003};
    uint8_t rt = cdb[1] & 3;
    uint16_t start = get_be16(&cdb[2]);
    uint32_t len = 8;
    uint8_t *b = d->io_buffer;
    if (rt == 3) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    memset(b, 0, 8);
    for (size_t i = 0; i < sizeof features / sizeof features[0]; i++) {
        if (features[i] < start || (rt == 2 && features[i] != start)) continue;
        len += atapi_feature(d, features[i], b + len); /* all are current */
    }
    put_be32(b, len - 4);
    put_be16(&b[6], d->medium_present ? 0x0008 : 0x0000); /* current profile */
    atapi_reply(d, len, get_be16(&cdb[7]));
}

static void atapi_get_event_status(IdeDrive *d, const uint8_t *cdb)
{
    uint8_t *b = d->io_buffer;
    if (!(cdb[1] & 1)) { /* only polled operation (MMC-3 §6.5) */
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    memset(b, 0, 8);
    b[3] = 0x10; /* supported classes: media */
    uint32_t len = 4;
    if (cdb[4] & 0x10) {
        b[2] = 4; /* media class */
        b[4] = d->media_event;
        b[5] = d->medium_present ? 0x02 : 0x00;
        d->media_event = MEDIA_EVENT_NONE;
        len = 8;
    } else {
        b[2] = 0x80; /* no event available */
    }
    put_be16(b, len - 2);
    atapi_reply(d, len, get_be16(&cdb[7]));
}

static void atapi_read_disc_info(IdeDrive *d, const uint8_t *cdb)
{
    if (cdb[1] & 7) {
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
        return;
    }
    uint8_t *b = d->io_buffer;
    memset(b, 0, 34);
    put_be16(b, 32);
    b[2] = 0x0e;             /* complete disc, complete last session */
    b[3] = 1;                /* first track */
    b[4] = 1;                /* sessions */
    b[5] = b[6] = 1;         /* first and last track of the last session */
    b[7] = 0x20;             /* unrestricted use */
    memset(&b[16], 0xff, 8); /* lead-in / lead-out start: not given */
    atapi_reply(d, 34, get_be16(&cdb[7]));
}

static void atapi_mechanism_status(IdeDrive *d, const uint8_t *cdb)
{
    memset(d->io_buffer, 0, 8); /* no changer, idle, no slots */
    atapi_reply(d, 8, get_be16(&cdb[8]));
}

static void atapi_start_stop(IdeDrive *d, const uint8_t *cdb)
{
    bool load_eject = cdb[4] & 2, start = cdb[4] & 1;
    if (load_eject && !start) {
        if (d->locked) {
            atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED);
            return;
        }
        if (d->medium_present) d->media_event = MEDIA_EVENT_REMOVED;
        d->medium_present = false; /* back at the next reset */
    }
    atapi_ok(d);
}

static void atapi_prevent_allow(IdeDrive *d, const uint8_t *cdb)
{
    d->locked = cdb[4] & 1;
    atapi_ok(d);
}

static void atapi_set_cd_speed(IdeDrive *d, const uint8_t *cdb)
{
    atapi_ok(d);
}

enum {
    ATAPI_ALLOW_UA = 1,    /* runs while a unit attention is pending */
    ATAPI_NEED_MEDIUM = 2, /* NOT READY without a disc */
};

static const struct AtapiCommand {
    AtapiCmdFn *fn;
    uint8_t flags;
} atapi_commands[256] = {
    [0x00] = {atapi_test_unit_ready, ATAPI_NEED_MEDIUM},
    [0x03] = {atapi_request_sense, ATAPI_ALLOW_UA},
    [0x12] = {atapi_inquiry, ATAPI_ALLOW_UA},
    [0x1a] = {atapi_mode_sense, 0},
    [0x1b] = {atapi_start_stop, 0},
    [0x1e] = {atapi_prevent_allow, 0},
    [0x25] = {atapi_read_capacity, ATAPI_NEED_MEDIUM},
    [0x28] = {atapi_read10, ATAPI_NEED_MEDIUM},
    [0x43] = {atapi_read_toc, ATAPI_NEED_MEDIUM},
    [0x46] = {atapi_get_configuration, ATAPI_ALLOW_UA},
    [0x4a] = {atapi_get_event_status, ATAPI_ALLOW_UA},
    [0x51] = {atapi_read_disc_info, ATAPI_NEED_MEDIUM},
    [0x5a] = {atapi_mode_sense, 0},
    [0xa8] = {atapi_read12, ATAPI_NEED_MEDIUM},
    [0xbb] = {atapi_set_cd_speed, 0},
    [0xbd] = {atapi_mechanism_status, 0},
};

/* ---- the PACKET command ---- */

void atapi_packet_start(IdeDrive *d)
{
    /* §8.23: byte count limit from the cylinder registers; DRQ for the
     * packet with "command, to the device". */
    d->byte_limit = (uint16_t)(d->hcyl << 8 | d->lcyl);
    d->nsector = (uint8_t)((d->nsector & ~7) | ATAPI_IR_COD);
    ide_drq_block(d, ATAPI_PACKET_LEN, IDE_XFER_PACKET);
}

void atapi_packet_received(IdeDrive *d)
{
    memcpy(d->packet, d->io_buffer, ATAPI_PACKET_LEN);
    d->xfer = IDE_XFER_NONE;
    d->status = IDE_STAT_DRDY | IDE_STAT_DSC | IDE_STAT_BSY;
    const uint8_t *cdb = d->packet;
    const struct AtapiCommand *c = &atapi_commands[cdb[0]];
    if (d->sense_key == SENSE_UNIT_ATTENTION && !(c->flags & ATAPI_ALLOW_UA)) {
        atapi_fail_check_status(d);
        return;
    }
    if (cdb[0] != 0x03) atapi_set_sense(d, SENSE_NONE, 0);
    if (!c->fn) {
        LOG_MASK(LOG_UNIMP, "atapi: command %#x not supported\n", cdb[0]);
        atapi_fail(d, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
        return;
    }
    if ((c->flags & ATAPI_NEED_MEDIUM) && !d->medium_present) {
        atapi_fail(d, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
        return;
    }
    c->fn(d, cdb);
}

void atapi_reset(IdeDrive *d, bool power_on)
{
    d->byte_limit = 0;
    if (!power_on) return;
    d->medium_present = d->blk != NULL;
    d->locked = false;
    d->media_event = d->medium_present ? MEDIA_EVENT_NEW : MEDIA_EVENT_NONE;
    atapi_set_sense(d, SENSE_UNIT_ATTENTION, ASC_POWER_ON_RESET);
}
