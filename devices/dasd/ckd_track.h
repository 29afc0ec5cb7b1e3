/*
 * The layout of one CKD track as Hercules' image formats store it (and as
 * doppel keeps the track under the access mechanism): a 5-byte home
 * address (bin byte, CC, HH), then records, each an 8-byte count area
 * (CC HH R KL DL, big-endian) followed by KL key and DL data bytes,
 * ending with an 8-byte marker of 0xFF.  Record 0 is the first record
 * after the home address.  "IBM 3390 Direct Access Storage Reference"
 * (GC26-4574) §"Track Format" describes the physical layout this mirrors.
 *
 * The parsers never trust the image: every length is checked against the
 * buffer, so a damaged image is reported, never overrun.
 */
#ifndef DOPPEL_CKD_TRACK_H
#define DOPPEL_CKD_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CKD_HA_SIZE    5
#define CKD_COUNT_SIZE 8
#define CKD_EOT_SIZE   8

/* Null-track formats of the Hercules image formats: HA R0 R1(end of file)
 * EOT; HA R0 EOT; and the Linux format with twelve 4 KiB records. */
enum { CKD_NULL_FMT0 = 0, CKD_NULL_FMT1 = 1, CKD_NULL_FMT2 = 2 };

typedef struct CkdCount {
    uint16_t cyl, head;
    uint8_t rec;
    uint8_t kl;
    uint16_t dl;
} CkdCount;

typedef enum CkdRecResult {
    CKD_REC_OK,  /* a record: *c filled */
    CKD_REC_END, /* the end-of-track marker */
    CKD_REC_BAD, /* the record or marker does not fit in the image */
} CkdRecResult;

static inline void ckd_count_get(const uint8_t *p, CkdCount *c)
{
    c->cyl = (uint16_t)(p[0] << 8 | p[1]);
    c->head = (uint16_t)(p[2] << 8 | p[3]);
    c->rec = p[4];
    c->kl = p[5];
    c->dl = (uint16_t)(p[6] << 8 | p[7]);
}

static inline void ckd_count_put(uint8_t *p, const CkdCount *c)
{
    p[0] = (uint8_t)(c->cyl >> 8);
    p[1] = (uint8_t)c->cyl;
    p[2] = (uint8_t)(c->head >> 8);
    p[3] = (uint8_t)c->head;
    p[4] = c->rec;
    p[5] = c->kl;
    p[6] = (uint8_t)(c->dl >> 8);
    p[7] = (uint8_t)c->dl;
}

/* Bytes of a record: count, key and data areas. */
static inline size_t ckd_record_size(const CkdCount *c)
{
    return CKD_COUNT_SIZE + (size_t)c->kl + c->dl;
}

/* The record whose count area starts at off in a track image of len
 * bytes. */
CkdRecResult ckd_track_record(const uint8_t *trk, size_t len, size_t off, CkdCount *c);

/* Length of the track image through its end-of-track marker; 0 if the
 * image has no well-formed marker within len bytes. */
size_t ckd_track_length(const uint8_t *trk, size_t len);

/* Write the end-of-track marker at off; false if it does not fit. */
bool ckd_track_put_eot(uint8_t *trk, size_t cap, size_t off);

/* Build null track fmt (CKD_NULL_FMT*) for cyl/head into buf (cap bytes);
 * returns its length, 0 if it does not fit or fmt is unknown. */
size_t ckd_track_null(uint8_t *buf, size_t cap, uint16_t cyl, uint16_t head, unsigned fmt);

#endif
