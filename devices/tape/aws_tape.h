/*
 * AWS tape image files (the format of P/390 AWSTAPE, Hercules and most
 * mainframe tape archives): the tape's contents in order, each piece
 * preceded by a 6-byte header
 *
 *     bytes 0-1  length of this piece (little-endian)
 *     bytes 2-3  length of the previous piece (for moving backward)
 *     byte  4    0x80 first piece of a block, 0x20 last piece of a block,
 *                0x40 tape mark (no data)
 *     byte  5    0
 *
 * A block is one or more pieces from a 0x80 to a 0x20 piece; doppel
 * writes each block as one piece (0xA0).  The end of the file is the end
 * of the written tape.  Writing a block or tape mark erases everything
 * after it, as on a real tape.
 */
#ifndef DOPPEL_AWS_TAPE_H
#define DOPPEL_AWS_TAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct AwsTape AwsTape;

typedef enum AwsResult {
    AWS_BLOCK,      /* a data block was read or spaced over */
    AWS_TAPEMARK,   /* a tape mark was read or spaced over */
    AWS_END,        /* no more data on the tape (moving forward) */
    AWS_LOAD_POINT, /* at the beginning of the tape (moving backward) */
    AWS_ERROR,      /* host I/O error or a damaged image (aws_error says which) */
} AwsResult;

/* Open path; a missing file is created as an empty tape unless readonly.
 * NULL with one line in err. */
AwsTape *aws_open(const char *path, bool readonly, char *err, size_t errlen);
/* fdatasync and close. */
void aws_close(AwsTape *t);
bool aws_sync(AwsTape *t);
const char *aws_error(const AwsTape *t);

void aws_rewind(AwsTape *t);
/* Where the tape is (snapshots): the offset of the next header and the
 * length of the piece before it. */
void aws_get_position(const AwsTape *t, uint64_t *pos, uint16_t *prev);
/* Put the tape back where aws_get_position said; false (the tape
 * rewound) when that is not a piece boundary of this image. */
bool aws_set_position(AwsTape *t, uint64_t pos, uint16_t prev);
bool aws_at_load_point(const AwsTape *t);
bool aws_readonly(const AwsTape *t);

/* The next block forward into buf (up to cap bytes; *len is the block's
 * whole length, which may exceed cap).  buf NULL spaces over it. */
AwsResult aws_read(AwsTape *t, uint8_t *buf, size_t cap, size_t *len);
/* The block before the position, leaving the tape before it; its bytes
 * come in their order on tape (the device reverses them). */
AwsResult aws_read_backward(AwsTape *t, uint8_t *buf, size_t cap, size_t *len);
/* Write a block or a tape mark at the position; what followed is gone. */
AwsResult aws_write(AwsTape *t, const uint8_t *buf, size_t len);
AwsResult aws_write_mark(AwsTape *t);
/* Erase from the position to the end of the tape. */
AwsResult aws_erase(AwsTape *t);

#endif
