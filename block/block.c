/*
 * Block layer front end: opening an image (format probe, backing chains),
 * range checks, dispatch to the format driver and the snapshot=on overlay.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block.h"
#include "block/block_internal.h"

static const char qcow2_magic[4] = {'Q', 'F', 'I', (char)0xfb};

void block_error(char *err, size_t errlen, const char *file, const char *fmt, ...)
{
    if (!err || !errlen) return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s: %s", file, msg);
}

int64_t block_pread_full(int fd, void *buf, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (n == 0) break; /* end of file */
        done += (size_t)n;
    }
    return (int64_t)done;
}

int block_pwrite_full(int fd, const void *buf, size_t len, uint64_t offset)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pwrite(fd, (const char *)buf + done, len - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (n == 0) return -EIO;
        done += (size_t)n;
    }
    return 0;
}

BlockBackend *block_node_new(const BlockDriver *drv, int fd, const char *file, uint64_t size,
                             bool read_only)
{
    BlockBackend *blk = calloc(1, sizeof *blk);
    if (!blk) return NULL;
    blk->filename = strdup(file);
    if (!blk->filename) {
        free(blk);
        return NULL;
    }
    blk->drv = drv;
    blk->fd = fd;
    blk->format_name = drv->name;
    blk->size = size;
    blk->read_only = read_only;
    return blk;
}

void block_node_free(BlockBackend *blk)
{
    free(blk->filename);
    free(blk);
}

/* "raw", "qcow2", or NULL: probe by the qcow2 magic (QEMU's rule too). */
static const BlockDriver *block_find_driver(int fd, const char *file, const char *format, char *err,
                                            size_t errlen)
{
    if (format && strcmp(format, "raw") == 0) return &block_raw_driver;
    if (format && strcmp(format, "qcow2") == 0) return &block_qcow2_driver;
    if (format) {
        block_error(err, errlen, file, "unknown format '%s' (raw, qcow2)", format);
        return NULL;
    }
    char magic[4];
    int64_t n = block_pread_full(fd, magic, sizeof magic, 0);
    if (n < 0) {
        block_error(err, errlen, file, "%s", strerror((int)-n));
        return NULL;
    }
    if (n == sizeof magic && memcmp(magic, qcow2_magic, sizeof magic) == 0)
        return &block_qcow2_driver;
    return &block_raw_driver;
}

BlockBackend *block_open_node(const char *file, const char *format, bool read_only,
                              const BlockChain *chain, char *err, size_t errlen)
{
    int fd = open(file, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) {
        block_error(err, errlen, file, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
        block_error(err, errlen, file, "%s",
                    S_ISDIR(st.st_mode) ? strerror(EISDIR) : strerror(errno));
        close(fd);
        return NULL;
    }
    char *path = realpath(file, NULL);
    if (!path) {
        block_error(err, errlen, file, "%s", strerror(errno));
        close(fd);
        return NULL;
    }
    BlockChain link = {.path = path, .above = chain, .depth = chain ? chain->depth + 1 : 0};
    BlockBackend *blk = NULL;
    for (const BlockChain *c = chain; c; c = c->above) {
        if (strcmp(c->path, path) == 0) {
            block_error(err, errlen, file, "backing file loop: the image is its own backing file");
            goto out;
        }
    }
    if (link.depth >= BLOCK_MAX_CHAIN_DEPTH) {
        block_error(err, errlen, file, "backing chain deeper than %d images",
                    BLOCK_MAX_CHAIN_DEPTH);
        goto out;
    }
    const BlockDriver *drv = block_find_driver(fd, file, format, err, errlen);
    if (drv == &block_raw_driver) blk = block_raw_open(fd, file, read_only, err, errlen);
    if (drv == &block_qcow2_driver)
        blk = block_qcow2_open(fd, file, read_only, NULL, &link, err, errlen);
out:
    free(path);
    if (!blk) close(fd);
    return blk;
}

/* snapshot=on: the image read-only below a qcow2 overlay in $TMPDIR.  The
 * overlay is unlinked as soon as it exists, so it vanishes with the
 * process however that ends. */
static BlockBackend *block_open_snapshot(const BlockOpenOptions *opts, char *err, size_t errlen)
{
    BlockBackend *base = block_open_node(opts->file, opts->format, true, NULL, err, errlen);
    if (!base) return NULL;
    const char *tmpdir = getenv("TMPDIR");
    if (!tmpdir || !*tmpdir) tmpdir = "/tmp";
    char tmpl[PATH_MAX];
    snprintf(tmpl, sizeof tmpl, "%s/doppel-snapshot-XXXXXX", tmpdir);
    int fd = mkostemp(tmpl, O_CLOEXEC);
    if (fd < 0) {
        block_error(err, errlen, opts->file, "cannot create snapshot overlay in %s: %s", tmpdir,
                    strerror(errno));
        blk_close(base);
        return NULL;
    }
    unlink(tmpl);
    /* The name is informational only (the open image is attached below);
     * it is left out when it would not fit the header. */
    char *base_path = realpath(opts->file, NULL);
    const char *backing = base_path && strlen(base_path) < 1000 ? base_path : NULL;
    bool formatted = block_qcow2_format(fd, tmpl, base->size, 16, backing,
                                        backing ? base->format_name : NULL, err, errlen);
    free(base_path);
    if (!formatted) {
        close(fd);
        blk_close(base);
        return NULL;
    }
    /* The overlay owns base from here on, even if it fails to open. */
    BlockBackend *blk = block_qcow2_open(fd, tmpl, false, base, NULL, err, errlen);
    if (!blk) {
        close(fd);
        return NULL;
    }
    char *name = strdup(opts->file);
    if (name) {
        free(blk->filename);
        blk->filename = name;
    }
    blk->format_name = blk_format_name(base);
    return blk;
}

BlockBackend *blk_open(const BlockOpenOptions *opts, char *err, size_t errlen)
{
    if (!opts || !opts->file || !*opts->file) {
        if (err && errlen) snprintf(err, errlen, "no image file given");
        return NULL;
    }
    if (opts->snapshot && !opts->read_only) return block_open_snapshot(opts, err, errlen);
    return block_open_node(opts->file, opts->format, opts->read_only, NULL, err, errlen);
}

void blk_close(BlockBackend *blk)
{
    if (!blk) return;
    if (!blk->read_only) blk->drv->flush(blk);
    blk->drv->close(blk);
    close(blk->fd);
    block_node_free(blk);
}

uint64_t blk_size(const BlockBackend *blk)
{
    return blk->size;
}

bool blk_is_read_only(const BlockBackend *blk)
{
    return blk->read_only;
}

const char *blk_format_name(const BlockBackend *blk)
{
    return blk->format_name;
}

const char *blk_filename(const BlockBackend *blk)
{
    return blk->filename;
}

static bool blk_range_ok(const BlockBackend *blk, uint64_t offset, size_t len)
{
    return offset <= blk->size && len <= blk->size - offset;
}

int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len)
{
    if (!blk_range_ok(blk, offset, len)) return -EINVAL;
    if (!len) return 0;
    return blk->drv->pread(blk, offset, buf, len);
}

int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len)
{
    if (blk->read_only) return -EROFS;
    if (!blk_range_ok(blk, offset, len)) return -EINVAL;
    if (!len) return 0;
    return blk->drv->pwrite(blk, offset, buf, len);
}

int blk_flush(BlockBackend *blk)
{
    if (blk->read_only) return 0;
    return blk->drv->flush(blk);
}

bool blk_create_qcow2(const char *file, uint64_t size, unsigned cluster_bits,
                      const char *backing_file, const char *backing_format, char *err,
                      size_t errlen)
{
    int fd = open(file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        block_error(err, errlen, file, "%s", strerror(errno));
        return false;
    }
    bool ok =
        block_qcow2_format(fd, file, size, cluster_bits, backing_file, backing_format, err, errlen);
    if (ok && fsync(fd) < 0) {
        block_error(err, errlen, file, "%s", strerror(errno));
        ok = false;
    }
    if (close(fd) < 0 && ok) {
        block_error(err, errlen, file, "%s", strerror(errno));
        ok = false;
    }
    if (!ok) unlink(file);
    return ok;
}
