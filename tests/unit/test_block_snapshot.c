/* snapshot=on: writes land in a temporary overlay that is never visible
 * in $TMPDIR; the image itself stays byte-identical. */
#define _GNU_SOURCE
#include "test_block_util.h"

#include <dirent.h>

static char dir[256], tmpdir[300];

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
    block_test_path(tmpdir, sizeof tmpdir, "%s/tmp", dir);
    cr_assert_eq(mkdir(tmpdir, 0700), 0);
    setenv("TMPDIR", tmpdir, 1);
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_snapshot, .init = setup, .fini = teardown);

static int entries_in(const char *path)
{
    DIR *d = opendir(path);
    cr_assert_not_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void snapshot_keeps_image(const char *image, const char *format, size_t size)
{
    size_t before_len;
    uint8_t *before = block_test_read_file(image, &before_len);
    char err[512];
    BlockBackend *blk = blk_open(
        &(BlockOpenOptions){.file = image, .format = format, .snapshot = true}, err, sizeof err);
    cr_assert_not_null(blk, "%s", err);
    cr_assert_eq(entries_in(tmpdir), 0, "the overlay must be unlinked at once");
    cr_assert_not(blk_is_read_only(blk));
    cr_assert_str_eq(blk_filename(blk), image);
    cr_assert_str_eq(blk_format_name(blk), format);
    cr_assert_eq(blk_size(blk), size);

    uint8_t *shadow = malloc(size);
    cr_assert_eq(blk_pread(blk, 0, shadow, size), 0);
    uint64_t st = 17;
    uint8_t data[9000];
    for (int i = 0; i < 100; i++) {
        size_t off = (size_t)(block_test_rand(&st) % size);
        size_t len = (size_t)(block_test_rand(&st) % sizeof data) % (size - off) + 1;
        memset(data, i + 1, len);
        cr_assert_eq(blk_pwrite(blk, off, data, len), 0);
        memcpy(shadow + off, data, len);
    }
    cr_assert_eq(blk_flush(blk), 0);
    block_test_expect_disk(blk, shadow, size);
    blk_close(blk);

    size_t after_len;
    uint8_t *after = block_test_read_file(image, &after_len);
    cr_assert_eq(after_len, before_len);
    cr_assert_arr_eq(after, before, before_len, "the image changed under snapshot=on");
    cr_assert_eq(entries_in(tmpdir), 0);
    free(before);
    free(after);
    free(shadow);
}

Test(block_snapshot, raw_image_unchanged)
{
    char img[300];
    block_test_path(img, sizeof img, "%s/disk.img", dir);
    uint8_t *buf = malloc(1 << 20);
    block_test_fill(buf, 1 << 20, 2);
    buf[0] = 0;
    block_test_write_file(img, buf, 1 << 20);
    free(buf);
    snapshot_keeps_image(img, "raw", 1 << 20);
}

Test(block_snapshot, qcow2_image_unchanged)
{
    char img[300], err[512];
    block_test_path(img, sizeof img, "%s/disk.qcow2", dir);
    cr_assert(blk_create_qcow2(img, 2 << 20, 12, NULL, NULL, err, sizeof err), "%s", err);
    BlockBackend *blk = block_test_open(img, NULL, false);
    uint8_t data[5000];
    memset(data, 0x3c, sizeof data);
    cr_assert_eq(blk_pwrite(blk, 12345, data, sizeof data), 0);
    blk_close(blk);
    snapshot_keeps_image(img, "qcow2", 2 << 20);
}

Test(block_snapshot, read_only_snapshot_is_plain_read_only)
{
    char img[300], err[512];
    block_test_path(img, sizeof img, "%s/cd.iso", dir);
    block_test_write_file(img, "0123456789", 10);
    BlockBackend *blk = blk_open(
        &(BlockOpenOptions){.file = img, .read_only = true, .snapshot = true}, err, sizeof err);
    cr_assert_not_null(blk, "%s", err);
    cr_assert(blk_is_read_only(blk));
    cr_assert_eq(blk_pwrite(blk, 0, "x", 1), -EROFS);
    blk_close(blk);
}
