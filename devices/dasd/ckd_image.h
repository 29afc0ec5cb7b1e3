/*
 * Hercules CKD DASD image files, read and written track by track, so that
 * volumes built with Hercules' tools (dasdinit, dasdload, ckd2cckd) work
 * in doppel and volumes doppel wrote still work in Hercules.
 *
 * CKD ("CKD_P370"): a 512-byte device header (heads per cylinder, bytes
 * per track image, device type code, file sequence, highest cylinder of
 * this file), then every track as an uncompressed image of that fixed
 * size.  A volume larger than 2 GiB is split into files name_1.ext,
 * name_2.ext, ...; open the first.
 *
 * CCKD ("CKD_C370"): the same device header, a compressed-device header
 * (sizes, free-space statistics, cylinders, null-track format,
 * compression), a level-1 table of offsets to level-2 tables of 256
 * entries (offset, length, size) per track, and variable-length track
 * images: the 5-byte home address with its first byte naming the
 * compression (0 none, 1 zlib, 2 bzip2) followed by the rest of the
 * track, compressed.  A track with no image is a null track.
 *
 * Writing a CCKD image never overwrites a live track image: a rewritten
 * track goes to free space or the end of the file, its level-2 entry is
 * updated, and the old space is reused only after the next
 * ckd_image_sync.  Free space is recomputed from the tables at open, so
 * an image left open by a crash is still read correctly; the header is
 * marked "opened" from the first write until a clean ckd_image_close,
 * which also writes the free-space chain and statistics Hercules' tools
 * (cckdcdsk, cckd2ckd, dasdls) expect.
 *
 *     CkdImage *img = ckd_image_open("mvsres.cckd", false, err, sizeof err);
 *     const CkdImageInfo *g = ckd_image_info(img);
 *     uint8_t *trk = malloc(g->track_size);
 *     size_t len = ckd_image_read_track(img, cyl * g->heads + head, trk, err, sizeof err);
 *     ... change records (ckd_track.h) ...
 *     ckd_image_write_track(img, cyl * g->heads + head, trk, len, err, sizeof err);
 *     ckd_image_close(img, err, sizeof err);      // syncs, frees
 */
#ifndef DOPPEL_CKD_IMAGE_H
#define DOPPEL_CKD_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct CkdImage CkdImage;

typedef struct CkdImageInfo {
    uint8_t devtype_code; /* last two digits of the device type: 0x90 = 3390 */
    uint32_t cyls;
    uint32_t heads;
    uint32_t track_size; /* room for one uncompressed track image */
    bool compressed;     /* CCKD */
    bool readonly;
} CkdImageInfo;

/* Open an image (CKD or CCKD, recognised by its header).  NULL with one
 * line in err when the file is missing, not an image, or damaged. */
CkdImage *ckd_image_open(const char *path, bool readonly, char *err, size_t errlen);
const CkdImageInfo *ckd_image_info(const CkdImage *img);

/* Track trk (cylinder * heads + head) into buf, which holds track_size
 * bytes: the home address, records and end-of-track marker, zeros after
 * it.  Returns the image's length through the marker, 0 with one line in
 * err on a host I/O error or a damaged track. */
size_t ckd_image_read_track(CkdImage *img, uint32_t trk, uint8_t *buf, char *err, size_t errlen);

/* Replace track trk with the len-byte image in buf (ending with the
 * end-of-track marker, len <= track_size).  False with one line in err;
 * the previous contents of the track are then still intact. */
bool ckd_image_write_track(CkdImage *img, uint32_t trk, const uint8_t *buf, size_t len, char *err,
                           size_t errlen);

/* Make everything written so far durable (fdatasync). */
bool ckd_image_sync(CkdImage *img, char *err, size_t errlen);

/* Sync, finish the CCKD header and free-space chain, close and free.
 * Returns false with one line in err if something could not be written
 * (the image is then still readable and marked for a check). */
bool ckd_image_close(CkdImage *img, char *err, size_t errlen);

/* A new image of cyls x heads null tracks (home address and R0): CCKD
 * (compressed, zlib) or CKD.  Fails if path exists. */
bool ckd_image_create(const char *path, uint8_t devtype_code, uint32_t cyls, uint32_t heads,
                      uint32_t track_size, bool compressed, char *err, size_t errlen);

#endif
