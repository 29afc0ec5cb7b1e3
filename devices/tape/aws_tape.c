/* AWS tape images (see aws_tape.h). */
#include "devices/tape/aws_tape.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define AWS_HDR       6
#define AWS_PIECE_MAX 0xffff
enum { AWS_NEWREC = 0x80, AWS_TAPEMARK_FLAG = 0x40, AWS_ENDREC = 0x20 };
/* Hercules' HET format marks compressed pieces in the low bits of
 * flags1; plain AWS has them zero. */
enum { AWS_COMPRESSED = 0x03 };

struct AwsTape {
    int fd;
    bool readonly;
    uint64_t pos;  /* offset of the next header */
    uint64_t size; /* end of the written tape */
    uint16_t prev; /* length of the piece before pos */
    char *path;
    char err[160];
};

typedef struct AwsHeader {
    uint16_t len, prev;
    uint8_t flags;
} AwsHeader;

static AwsResult aws_fail(AwsTape *t, const char *what)
{
    snprintf(t->err, sizeof t->err, "%s: %s at offset %llu", t->path, what,
             (unsigned long long)t->pos);
    return AWS_ERROR;
}

static bool aws_pread(AwsTape *t, uint64_t pos, void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(t->fd, (uint8_t *)buf + done, len - done, (off_t)(pos + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += (size_t)n;
    }
    return true;
}

static bool aws_pwrite(AwsTape *t, uint64_t pos, const void *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(t->fd, (const uint8_t *)buf + done, len - done, (off_t)(pos + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += (size_t)n;
    }
    return true;
}

/* The header at pos; false (with err) if it is cut short or damaged. */
static bool aws_header(AwsTape *t, uint64_t pos, AwsHeader *h)
{
    uint8_t b[AWS_HDR];
    if (pos + AWS_HDR > t->size || !aws_pread(t, pos, b, sizeof b)) {
        aws_fail(t, "block header cut short");
        return false;
    }
    h->len = (uint16_t)(b[0] | b[1] << 8);
    h->prev = (uint16_t)(b[2] | b[3] << 8);
    h->flags = b[4];
    if (h->flags & AWS_COMPRESSED) {
        aws_fail(t, "compressed (HET) blocks are not supported");
        return false;
    }
    if (pos + AWS_HDR + h->len > t->size) {
        aws_fail(t, "block runs past the end of the file");
        return false;
    }
    return true;
}

AwsTape *aws_open(const char *path, bool readonly, char *err, size_t errlen)
{
    int fd = open(path, readonly ? O_RDONLY : O_RDWR | O_CREAT, 0644);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) close(fd);
        return NULL;
    }
    AwsTape *t = calloc(1, sizeof *t);
    if (!t) {
        close(fd);
        snprintf(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    t->fd = fd;
    t->readonly = readonly;
    t->size = (uint64_t)st.st_size;
    t->path = strdup(path);
    return t;
}

bool aws_sync(AwsTape *t)
{
    if (t->readonly || fdatasync(t->fd) == 0) return true;
    aws_fail(t, strerror(errno));
    return false;
}

void aws_close(AwsTape *t)
{
    if (!t) return;
    aws_sync(t);
    close(t->fd);
    free(t->path);
    free(t);
}

const char *aws_error(const AwsTape *t)
{
    return t->err;
}

void aws_rewind(AwsTape *t)
{
    t->pos = 0;
    t->prev = 0;
}

void aws_get_position(const AwsTape *t, uint64_t *pos, uint16_t *prev)
{
    *pos = t->pos;
    *prev = t->prev;
}

bool aws_set_position(AwsTape *t, uint64_t pos, uint16_t prev)
{
    AwsHeader h;
    /* The piece before pos must have length prev and end at pos. */
    bool ok = pos == 0 ? prev == 0
                       : pos <= t->size && pos >= (uint64_t)AWS_HDR + prev &&
                             aws_header(t, pos - AWS_HDR - prev, &h) && h.len == prev;
    t->pos = ok ? pos : 0;
    t->prev = ok ? prev : 0;
    return ok;
}

bool aws_at_load_point(const AwsTape *t)
{
    return t->pos == 0;
}

bool aws_readonly(const AwsTape *t)
{
    return t->readonly;
}

AwsResult aws_read(AwsTape *t, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (t->pos >= t->size) return AWS_END;
    uint64_t pos = t->pos;
    size_t total = 0;
    for (bool first = true;; first = false) {
        AwsHeader h;
        if (pos >= t->size) return aws_fail(t, "block without its last piece");
        if (!aws_header(t, pos, &h)) return AWS_ERROR;
        if (h.flags & AWS_TAPEMARK_FLAG) {
            if (!first) return aws_fail(t, "tape mark inside a block");
            t->pos = pos + AWS_HDR;
            t->prev = h.len;
            return AWS_TAPEMARK;
        }
        if (first && !(h.flags & AWS_NEWREC)) return aws_fail(t, "block without its first piece");
        if (buf && total < cap) {
            size_t n = h.len < cap - total ? h.len : cap - total;
            if (!aws_pread(t, pos + AWS_HDR, buf + total, n)) return aws_fail(t, strerror(errno));
        }
        total += h.len;
        pos += AWS_HDR + h.len;
        if (h.flags & AWS_ENDREC) {
            t->pos = pos;
            t->prev = h.len;
            *len = total;
            return AWS_BLOCK;
        }
    }
}

AwsResult aws_read_backward(AwsTape *t, uint8_t *buf, size_t cap, size_t *len)
{
    *len = 0;
    if (t->pos == 0) return AWS_LOAD_POINT;
    /* Walk back over the pieces to the start of the block, then read it
     * forward from there. */
    uint64_t pos = t->pos;
    uint16_t prev = t->prev;
    for (;;) {
        if (pos < (uint64_t)AWS_HDR + prev) return aws_fail(t, "previous-length chain is broken");
        uint64_t start = pos - AWS_HDR - prev;
        AwsHeader h;
        if (!aws_header(t, start, &h)) return AWS_ERROR;
        if (h.len != prev) return aws_fail(t, "previous-length chain is broken");
        if (h.flags & AWS_TAPEMARK_FLAG) {
            t->pos = start;
            t->prev = h.prev;
            return AWS_TAPEMARK;
        }
        if (h.flags & AWS_NEWREC) {
            t->pos = start;
            t->prev = h.prev;
            AwsResult r = aws_read(t, buf, cap, len);
            if (r != AWS_BLOCK) return r == AWS_ERROR ? r : aws_fail(t, "damaged block");
            t->pos = start;
            t->prev = h.prev;
            return AWS_BLOCK;
        }
        pos = start;
        prev = h.prev;
    }
}

static AwsResult aws_put(AwsTape *t, const uint8_t *data, size_t len, uint8_t flags)
{
    uint8_t h[AWS_HDR] = {
        (uint8_t)len, (uint8_t)(len >> 8), (uint8_t)t->prev, (uint8_t)(t->prev >> 8), flags, 0};
    if (!aws_pwrite(t, t->pos, h, sizeof h) || (len && !aws_pwrite(t, t->pos + AWS_HDR, data, len)))
        return aws_fail(t, strerror(errno));
    t->pos += AWS_HDR + len;
    t->prev = (uint16_t)len;
    return AWS_BLOCK;
}

/* Everything after the position is gone. */
static AwsResult aws_truncate(AwsTape *t)
{
    if (ftruncate(t->fd, (off_t)t->pos) != 0) return aws_fail(t, strerror(errno));
    t->size = t->pos;
    return AWS_BLOCK;
}

AwsResult aws_write(AwsTape *t, const uint8_t *buf, size_t len)
{
    if (t->readonly) return aws_fail(t, "tape is read-only");
    size_t done = 0;
    do {
        size_t n = len - done < AWS_PIECE_MAX ? len - done : AWS_PIECE_MAX;
        uint8_t flags =
            (uint8_t)((done == 0 ? AWS_NEWREC : 0) | (done + n == len ? AWS_ENDREC : 0));
        if (aws_put(t, buf + done, n, flags) != AWS_BLOCK) return AWS_ERROR;
        done += n;
    } while (done < len);
    return aws_truncate(t);
}

AwsResult aws_write_mark(AwsTape *t)
{
    if (t->readonly) return aws_fail(t, "tape is read-only");
    if (aws_put(t, NULL, 0, AWS_TAPEMARK_FLAG) != AWS_BLOCK) return AWS_ERROR;
    return aws_truncate(t);
}

AwsResult aws_erase(AwsTape *t)
{
    if (t->readonly) return aws_fail(t, "tape is read-only");
    return aws_truncate(t);
}
