/* Damaged and unsupported qcow2 images: one clear error at open, or -EIO
 * on the access that meets the damage; never a crash.  Images are made by
 * blk_create_qcow2 (layout: header, refcount table, refcount block, L1;
 * then L2 tables and data as written) and patched. */
#define _GNU_SOURCE
#include "test_block_util.h"

#include <endian.h>
#include <fcntl.h>

static char dir[256], img[300];

enum { CS = 65536, L1_OFFSET = 3 * CS, FIRST_L2 = 4 * CS, FIRST_DATA = 5 * CS };

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
    block_test_path(img, sizeof img, "%s/bad.qcow2", dir);
    char err[512];
    cr_assert(blk_create_qcow2(img, 1 << 20, 16, NULL, NULL, err, sizeof err), "%s", err);
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_bad, .init = setup, .fini = teardown);

static void patch(const char *path, uint64_t offset, const void *bytes, size_t len)
{
    int fd = open(path, O_WRONLY);
    cr_assert_geq(fd, 0);
    cr_assert_eq(pwrite(fd, bytes, len, (off_t)offset), (ssize_t)len);
    close(fd);
}

static void patch_be32(uint64_t offset, uint32_t v)
{
    v = htobe32(v);
    patch(img, offset, &v, 4);
}

static void patch_be64(uint64_t offset, uint64_t v)
{
    v = htobe64(v);
    patch(img, offset, &v, 8);
}

/* Opening img (read-write unless read_only) fails with msg in the error. */
static void expect_open_error(bool read_only, const char *msg)
{
    char err[512] = "";
    BlockBackend *blk =
        blk_open(&(BlockOpenOptions){.file = img, .read_only = read_only}, err, sizeof err);
    cr_assert_null(blk, "opened; expected \"%s\"", msg);
    cr_assert_not_null(strstr(err, msg), "error \"%s\", expected \"%s\"", err, msg);
    cr_assert_not_null(strstr(err, "bad.qcow2: "), "%s", err);
    cr_assert_null(strchr(err, '\n'), "%s", err);
}

Test(block_bad, truncated_header)
{
    block_test_write_file(img, "QFI\xfb\0\0\0\3", 8);
    expect_open_error(true, "truncated header");
}

Test(block_bad, unsupported_version_and_cluster_size)
{
    patch_be32(4, 4);
    expect_open_error(true, "unsupported qcow2 version 4");
    patch_be32(4, 3);
    patch_be32(20, 30);
    expect_open_error(true, "unsupported cluster size");
}

Test(block_bad, unknown_incompatible_feature_is_named)
{
    patch_be64(72, 1ull << 10);
    expect_open_error(true, "unsupported qcow2 feature: bits 0x400");
    /* A feature name table entry (type 0 = incompatible, bit 10). */
    uint8_t ext[8 + 48] = {0};
    uint32_t type = htobe32(0x6803f857), len = htobe32(48);
    memcpy(ext, &type, 4);
    memcpy(ext + 4, &len, 4);
    ext[9] = 10;
    memcpy(ext + 10, "frobnication", 12);
    patch(img, 104, ext, sizeof ext);
    expect_open_error(true, "unsupported qcow2 feature: frobnication");
}

Test(block_bad, refused_features)
{
    patch_be32(32, 1);
    expect_open_error(true, "encrypted images are not supported");
    patch_be32(32, 0);
    patch_be64(72, 1u << 2);
    expect_open_error(true, "external data files are not supported");
    patch_be64(72, 1u << 4);
    expect_open_error(true, "extended L2 entries");
}

static void expect_read_only_only(uint64_t bit, const char *msg)
{
    patch_be64(72, bit);
    expect_open_error(false, msg);
    BlockBackend *blk = block_test_open(img, NULL, true);
    uint8_t buf[512];
    cr_assert_eq(blk_pread(blk, 0, buf, sizeof buf), 0);
    blk_close(blk);
}

Test(block_bad, dirty_and_corrupt_images_open_read_only)
{
    expect_read_only_only(1u << 0, "image is dirty");
    expect_read_only_only(1u << 1, "image is marked corrupt");
}

Test(block_bad, tables_out_of_the_file)
{
    patch_be64(40, 1ull << 40);
    expect_open_error(true, "L1 table beyond the end of the file");
    patch_be64(40, L1_OFFSET + 512);
    expect_open_error(true, "misaligned");
    patch_be64(40, L1_OFFSET);
    patch_be64(48, 1ull << 50);
    expect_open_error(true, "refcount table beyond the end of the file");
}

Test(block_bad, sizes_the_l1_table_cannot_cover)
{
    patch_be32(36, 0);
    expect_open_error(true, "bad L1 table size 0");
    patch_be32(36, 1);
    patch_be64(24, 1ull << 62);
    expect_open_error(true, "bad L1 table size 1");
    patch_be32(36, 0xffffffff);
    expect_open_error(true, "bad L1 table size");
}

Test(block_bad, broken_extensions_and_backing_names)
{
    patch_be32(104, 0x12345678);
    patch_be32(108, CS);
    expect_open_error(true, "overflows the first cluster");
    patch_be32(104, 0);
    patch_be64(8, 1ull << 40);
    patch_be32(16, 10);
    expect_open_error(true, "bad backing file name location");
}

/* Write one cluster of data so that L1[0] and L2[0] exist. */
static void write_first_cluster(void)
{
    BlockBackend *blk = block_test_open(img, NULL, false);
    uint8_t data[CS];
    memset(data, 0x99, sizeof data);
    cr_assert_eq(blk_pwrite(blk, 0, data, sizeof data), 0);
    blk_close(blk);
}

/* -EIO at the damaged first cluster; with other_clusters_fine, the
 * clusters the damage does not reach still read. */
static void expect_eio_at_zero(bool other_clusters_fine)
{
    BlockBackend *blk = block_test_open(img, NULL, false);
    uint8_t buf[4096];
    cr_assert_eq(blk_pread(blk, 100, buf, sizeof buf), -EIO);
    cr_assert_eq(blk_pwrite(blk, 100, buf, sizeof buf), -EIO);
    if (other_clusters_fine) cr_assert_eq(blk_pread(blk, 1 << 19, buf, sizeof buf), 0);
    blk_close(blk);
}

Test(block_bad, l2_table_past_the_end)
{
    write_first_cluster();
    patch_be64(L1_OFFSET, (1ull << 63) | (1ull << 40));
    expect_eio_at_zero(false);
    patch_be64(L1_OFFSET, (1ull << 63) | (FIRST_L2 + 512));
    expect_eio_at_zero(false);
}

Test(block_bad, data_cluster_past_the_end_or_misaligned)
{
    write_first_cluster();
    patch_be64(FIRST_L2, (1ull << 63) | (1ull << 45));
    expect_eio_at_zero(true);
    patch_be64(FIRST_L2, (1ull << 63) | (FIRST_DATA + 4096));
    expect_eio_at_zero(true);
}

Test(block_bad, compressed_garbage)
{
    write_first_cluster();
    /* "Compressed" data at the refcount table: not a deflate stream. */
    patch_be64(FIRST_L2, (1ull << 62) | (3ull << 54) | CS);
    BlockBackend *blk = block_test_open(img, NULL, true);
    uint8_t buf[512];
    cr_assert_eq(blk_pread(blk, 0, buf, sizeof buf), -EIO);
    blk_close(blk);
}

Test(block_bad, backing_loops_and_missing_backing)
{
    char a[300], b[300], err[512];
    block_test_path(a, sizeof a, "%s/a.qcow2", dir);
    block_test_path(b, sizeof b, "%s/b.qcow2", dir);
    cr_assert(blk_create_qcow2(a, 1 << 20, 16, "a.qcow2", "qcow2", err, sizeof err), "%s", err);
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = a}, err, sizeof err));
    cr_assert_not_null(strstr(err, "backing file loop"), "%s", err);

    cr_assert(blk_create_qcow2(a, 1 << 20, 16, "b.qcow2", NULL, err, sizeof err), "%s", err);
    cr_assert(blk_create_qcow2(b, 1 << 20, 16, "a.qcow2", NULL, err, sizeof err), "%s", err);
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = a, .read_only = true}, err, sizeof err));
    cr_assert_not_null(strstr(err, "backing file loop"), "%s", err);

    cr_assert(blk_create_qcow2(a, 1 << 20, 16, "gone.qcow2", "qcow2", err, sizeof err), "%s", err);
    cr_assert_null(blk_open(&(BlockOpenOptions){.file = a}, err, sizeof err));
    cr_assert_not_null(strstr(err, "a.qcow2: backing file: "), "%s", err);
    cr_assert_not_null(strstr(err, "gone.qcow2: No such file or directory"), "%s", err);
}

/* Random damage to the metadata clusters: whatever happens must be an
 * error code or an error message (run under ASan to see out-of-bounds
 * accesses). */
Test(block_bad, fuzzed_metadata, .timeout = 120)
{
    char good[300], err[512];
    enum { FCS = 4096, SIZE = 1 << 20 };
    block_test_path(good, sizeof good, "%s/good.qcow2", dir);
    cr_assert(blk_create_qcow2(good, SIZE, 12, NULL, NULL, err, sizeof err), "%s", err);
    BlockBackend *blk = block_test_open(good, NULL, false);
    uint8_t *buf = malloc(SIZE);
    block_test_fill(buf, SIZE, 41);
    cr_assert_eq(blk_pwrite(blk, 0, buf, SIZE / 2), 0);
    blk_close(blk);
    size_t len;
    uint8_t *orig = block_test_read_file(good, &len);
    uint64_t st = 1234;
    int opened = 0;
    for (int round = 0; round < 300; round++) {
        uint8_t *copy = malloc(len);
        memcpy(copy, orig, len);
        int flips = 1 + (int)(block_test_rand(&st) % 4);
        for (int f = 0; f < flips; f++) {
            /* Mostly the metadata: header, tables, first L2 tables. */
            size_t at = (size_t)(block_test_rand(&st) % (8 * FCS));
            copy[at] ^= (uint8_t)(1u << (block_test_rand(&st) % 8));
        }
        block_test_write_file(img, copy, len);
        free(copy);
        blk = blk_open(&(BlockOpenOptions){.file = img}, err, sizeof err);
        if (!blk)
            blk = blk_open(&(BlockOpenOptions){.file = img, .read_only = true}, err, sizeof err);
        if (!blk) {
            cr_assert_neq(err[0], '\0');
            continue;
        }
        opened++;
        uint64_t size = blk_size(blk);
        for (uint64_t off = 0; off < size && off < SIZE; off += 65536) {
            size_t n = size - off < 65536 ? (size_t)(size - off) : 65536;
            int ret = blk_pread(blk, off, buf, n);
            cr_assert(ret == 0 || ret == -EIO, "read returned %d", ret);
        }
        for (int w = 0; w < 8 && size; w++) {
            uint64_t off = block_test_rand(&st) % size;
            size_t n = (size_t)(block_test_rand(&st) % 10000) % (size - off) + 1;
            int ret = blk_pwrite(blk, off, buf, n);
            cr_assert(ret == 0 || ret == -EIO || ret == -EROFS || ret == -ENOSPC,
                      "write returned %d", ret);
        }
        blk_close(blk);
    }
    cr_assert_gt(opened, 50, "the fuzzing should mostly damage data the open does not check");
    free(orig);
    free(buf);
}
