/* Block layer, raw format and blk_open errors: bytes in the file are the
 * disk; any offset and length; read-only and range refusals. */
#define _GNU_SOURCE
#include "test_block_util.h"

#include <errno.h>
#include <sys/stat.h>

static char dir[256];

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_raw, .init = setup, .fini = teardown);

enum { RAW_SIZE = 1 << 20 };

Test(block_raw, reads_and_writes_any_offset_and_length)
{
    char path[300];
    block_test_path(path, sizeof path, "%s/disk.img", dir);
    static uint8_t shadow[RAW_SIZE];
    block_test_fill(shadow, sizeof shadow, 1);
    shadow[0] = 0; /* never the qcow2 magic */
    block_test_write_file(path, shadow, sizeof shadow);

    BlockBackend *blk = block_test_open(path, NULL, false);
    cr_assert_str_eq(blk_format_name(blk), "raw");
    cr_assert_str_eq(blk_filename(blk), path);
    cr_assert_not(blk_is_read_only(blk));
    block_test_expect_disk(blk, shadow, sizeof shadow);

    uint64_t st = 99;
    static uint8_t data[70000];
    for (int i = 0; i < 300; i++) {
        size_t off = (size_t)(block_test_rand(&st) % RAW_SIZE);
        size_t len = (size_t)(block_test_rand(&st) % sizeof data) % (RAW_SIZE - off) + 1;
        if (i % 3 == 0) len = len % 700 + 1; /* sub-sector and sector-straddling */
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)block_test_rand(&st);
        cr_assert_eq(blk_pwrite(blk, off, data, len), 0);
        memcpy(shadow + off, data, len);
    }
    cr_assert_eq(blk_flush(blk), 0);
    block_test_expect_disk(blk, shadow, sizeof shadow);
    blk_close(blk);

    size_t len;
    uint8_t *file = block_test_read_file(path, &len);
    cr_assert_eq(len, sizeof shadow);
    cr_assert_arr_eq(file, shadow, len);
    free(file);
}

Test(block_raw, out_of_range_and_empty)
{
    char path[300];
    block_test_path(path, sizeof path, "%s/small.img", dir);
    uint8_t bytes[1000] = {1, 2, 3};
    block_test_write_file(path, bytes, sizeof bytes);
    BlockBackend *blk = block_test_open(path, "raw", false);
    uint8_t buf[16];
    cr_assert_eq(blk_size(blk), 1000);
    cr_assert_eq(blk_pread(blk, 995, buf, 6), -EINVAL);
    cr_assert_eq(blk_pwrite(blk, 1001, buf, 0), -EINVAL);
    cr_assert_eq(blk_pread(blk, UINT64_MAX, buf, 2), -EINVAL);
    cr_assert_eq(blk_pread(blk, 1000, buf, 0), 0);
    cr_assert_eq(blk_pread(blk, 995, buf, 5), 0);
    cr_assert_eq(blk_pread(blk, 0, buf, 3), 0);
    cr_assert_eq(buf[2], 3);
    blk_close(blk);
}

Test(block_raw, read_only_refuses_writes)
{
    char path[300];
    block_test_path(path, sizeof path, "%s/ro.img", dir);
    uint8_t bytes[4096];
    memset(bytes, 0x5a, sizeof bytes);
    block_test_write_file(path, bytes, sizeof bytes);
    BlockBackend *blk = block_test_open(path, NULL, true);
    cr_assert(blk_is_read_only(blk));
    cr_assert_eq(blk_pwrite(blk, 0, "x", 1), -EROFS);
    cr_assert_eq(blk_flush(blk), 0);
    blk_close(blk);
    size_t len;
    uint8_t *file = block_test_read_file(path, &len);
    cr_assert_arr_eq(file, bytes, sizeof bytes);
    free(file);
}

Test(block_raw, open_errors_are_one_clear_line)
{
    char path[300], err[512];
    block_test_path(path, sizeof path, "%s/missing.img", dir);
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = path}, err, sizeof err));
    cr_assert_not_null(strstr(err, "missing.img: No such file or directory"), "%s", err);

    cr_assert_null(blk_open(&(BlockOpenOptions){.file = dir, .read_only = true}, err, sizeof err));
    cr_assert_not_null(strstr(err, "Is a directory"), "%s", err);

    block_test_path(path, sizeof path, "%s/x.img", dir);
    block_test_write_file(path, "abc", 3);
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = path, .format = "vmdk"}, err, sizeof err));
    cr_assert_not_null(strstr(err, "unknown format 'vmdk'"), "%s", err);
    cr_assert_null(strchr(err, '\n'));

    /* A raw file that is not qcow2 forced to qcow2. */
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = path, .format = "qcow2"}, err, sizeof err));
    cr_assert_not_null(strstr(err, "not a qcow2 image"), "%s", err);
}
