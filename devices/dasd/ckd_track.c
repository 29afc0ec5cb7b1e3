/* CKD track images: records, end marker and null tracks (ckd_track.h). */
#include "devices/dasd/ckd_track.h"

#include <string.h>

static const uint8_t ckd_eot[CKD_EOT_SIZE] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

CkdRecResult ckd_track_record(const uint8_t *trk, size_t len, size_t off, CkdCount *c)
{
    if (off > len || len - off < CKD_COUNT_SIZE) return CKD_REC_BAD;
    if (!memcmp(trk + off, ckd_eot, CKD_EOT_SIZE)) return CKD_REC_END;
    ckd_count_get(trk + off, c);
    if (len - off < ckd_record_size(c)) return CKD_REC_BAD;
    return CKD_REC_OK;
}

size_t ckd_track_length(const uint8_t *trk, size_t len)
{
    CkdCount c;
    size_t off = CKD_HA_SIZE;
    for (;;) {
        CkdRecResult r = ckd_track_record(trk, len, off, &c);
        if (r == CKD_REC_END) return off + CKD_EOT_SIZE;
        if (r == CKD_REC_BAD) return 0;
        off += ckd_record_size(&c);
    }
}

bool ckd_track_put_eot(uint8_t *trk, size_t cap, size_t off)
{
    if (off > cap || cap - off < CKD_EOT_SIZE) return false;
    memcpy(trk + off, ckd_eot, CKD_EOT_SIZE);
    return true;
}

/* Append a record with zero key and data at *off. */
static bool null_record(uint8_t *buf, size_t cap, size_t *off, const CkdCount *c)
{
    size_t n = ckd_record_size(c);
    if (*off > cap || cap - *off < n) return false;
    ckd_count_put(buf + *off, c);
    memset(buf + *off + CKD_COUNT_SIZE, 0, n - CKD_COUNT_SIZE);
    *off += n;
    return true;
}

size_t ckd_track_null(uint8_t *buf, size_t cap, uint16_t cyl, uint16_t head, unsigned fmt)
{
    if (fmt > CKD_NULL_FMT2 || cap < CKD_HA_SIZE) return 0;
    buf[0] = 0;
    buf[1] = (uint8_t)(cyl >> 8);
    buf[2] = (uint8_t)cyl;
    buf[3] = (uint8_t)(head >> 8);
    buf[4] = (uint8_t)head;
    size_t off = CKD_HA_SIZE;
    CkdCount c = {cyl, head, 0, 0, 8}; /* R0: 8 data bytes */
    if (!null_record(buf, cap, &off, &c)) return 0;
    if (fmt == CKD_NULL_FMT0) { /* R1: end-of-file record */
        c.rec = 1;
        c.dl = 0;
        if (!null_record(buf, cap, &off, &c)) return 0;
    } else if (fmt == CKD_NULL_FMT2) {
        for (uint8_t r = 1; r <= 12; r++) {
            c.rec = r;
            c.dl = 4096;
            if (!null_record(buf, cap, &off, &c)) return 0;
        }
    }
    if (!ckd_track_put_eot(buf, cap, off)) return 0;
    return off + CKD_EOT_SIZE;
}
