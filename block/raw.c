/* raw format: the file (or block device) is the disk, byte for byte. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/block_internal.h"

static int raw_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len)
{
    int64_t n = block_pread_full(blk->fd, buf, len, offset);
    if (n < 0) return (int)n;
    /* The file shrank under us: what is gone reads as zeros. */
    memset((char *)buf + n, 0, len - (size_t)n);
    return 0;
}

static int raw_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len)
{
    return block_pwrite_full(blk->fd, buf, len, offset);
}

static int raw_flush(BlockBackend *blk)
{
    return fdatasync(blk->fd) < 0 ? -errno : 0;
}

static void raw_close(BlockBackend *blk)
{
    (void)blk;
}

const BlockDriver block_raw_driver = {
    .name = "raw",
    .pread = raw_pread,
    .pwrite = raw_pwrite,
    .flush = raw_flush,
    .close = raw_close,
};

BlockBackend *block_raw_open(int fd, const char *file, bool read_only, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        block_error(err, errlen, file, "%s", strerror(errno));
        return NULL;
    }
    uint64_t size = (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        if (end < 0) {
            block_error(err, errlen, file, "cannot find the device size: %s", strerror(errno));
            return NULL;
        }
        size = (uint64_t)end;
    } else if (!S_ISREG(st.st_mode)) {
        block_error(err, errlen, file, "not a regular file or block device");
        return NULL;
    }
    BlockBackend *blk = block_node_new(&block_raw_driver, fd, file, size, read_only);
    if (!blk) block_error(err, errlen, file, "%s", strerror(ENOMEM));
    return blk;
}
