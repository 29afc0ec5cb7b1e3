/* qcow2 internal snapshots made by doppel (blk_snapshot_*), with qemu-img
 * as the oracle: `qemu-img snapshot -l` lists ours, `qemu-img check` is
 * clean after create, revert and delete, `qemu-img convert -l` reads our
 * snapshots as we saved them, and qemu-img's snapshots revert in doppel. */
#define _GNU_SOURCE
#include "test_block_util.h"

static char dir[256];

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
    block_test_require_qemu_img("block_internal_snapshot");
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_internal_snapshot, .init = setup, .fini = teardown);

#define SIZE (8u << 20)

/* Writes of mixed sizes at scattered offsets, mirrored into shadow. */
static void scribble(BlockBackend *blk, uint8_t *shadow, uint64_t seed, int count)
{
    uint64_t st = seed;
    static uint8_t data[200000];
    for (int i = 0; i < count; i++) {
        uint64_t off = block_test_rand(&st) % SIZE;
        size_t len = (size_t)(block_test_rand(&st) % sizeof data) + 1;
        if (i % 3 == 0) len = len % 700 + 1;
        if (len > SIZE - off) len = (size_t)(SIZE - off);
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)block_test_rand(&st);
        cr_assert_eq(blk_pwrite(blk, off, data, len), 0);
        memcpy(shadow + off, data, len);
    }
}

static void make_image(char *img, size_t len, unsigned cluster_bits)
{
    char err[256];
    block_test_path(img, len, "%s/d.qcow2", dir);
    cr_assert(blk_create_qcow2(img, SIZE, cluster_bits, NULL, NULL, err, sizeof err), "%s", err);
}

/* The snapshot as qemu-img reads it equals expect. */
static void expect_qemu_snapshot(const char *img, const char *name, const uint8_t *expect)
{
    char scratch[300], opt[128];
    block_test_path(scratch, sizeof scratch, "%s/sn.raw", dir);
    snprintf(opt, sizeof opt, "-l snapshot.name=%s", name);
    size_t len;
    uint8_t *raw = block_test_qemu_raw(img, scratch, opt, &len);
    cr_assert_eq(len, SIZE);
    cr_assert_arr_eq(raw, expect, SIZE, "snapshot %s differs", name);
    free(raw);
}

Test(block_internal_snapshot, create_revert_delete_with_qemu_img_oracle)
{
    char img[300], err[256], out[8192];
    make_image(img, sizeof img, 16);
    uint8_t *v0 = calloc(1, SIZE), *v1, *v2;
    BlockBackend *blk = block_test_open(img, NULL, false);
    cr_assert(blk_snapshot_capable(blk));
    scribble(blk, v0, 1, 60);
    cr_assert(blk_snapshot_create(blk, "first", 123456789, err, sizeof err), "%s", err);
    v1 = malloc(SIZE);
    memcpy(v1, v0, SIZE);
    scribble(blk, v1, 2, 60); /* after the snapshot: copy on write */
    cr_assert(blk_snapshot_create(blk, "second", 2, err, sizeof err), "%s", err);
    v2 = malloc(SIZE);
    memcpy(v2, v1, SIZE);
    scribble(blk, v2, 3, 40);
    cr_assert(blk_snapshot_exists(blk, "first"));
    cr_assert(blk_snapshot_exists(blk, "second"));
    cr_assert_not(blk_snapshot_exists(blk, "third"));
    BlockSnapshotInfo *info;
    cr_assert_eq(blk_snapshot_list(blk, &info, err, sizeof err), 2);
    cr_assert_str_eq(info[0].name, "first");
    cr_assert_eq(info[0].vm_clock_ns, 123456789);
    free(info);
    blk_close(blk);

    block_test_qemu_check(img);
    block_test_sh(out, sizeof out, "qemu-img snapshot -l '%s' 2>&1", img);
    cr_assert_not_null(strstr(out, "first"), "%s", out);
    cr_assert_not_null(strstr(out, "second"), "%s", out);
    expect_qemu_snapshot(img, "first", v0);
    expect_qemu_snapshot(img, "second", v1);

    /* Revert: data written after the snapshot is gone ... */
    blk = block_test_open(img, NULL, false);
    cr_assert(blk_snapshot_revert(blk, "first", err, sizeof err), "%s", err);
    block_test_expect_disk(blk, v0, SIZE);
    /* ... and present again on reverting to the later one. */
    cr_assert(blk_snapshot_revert(blk, "second", err, sizeof err), "%s", err);
    block_test_expect_disk(blk, v1, SIZE);
    uint8_t *v3 = malloc(SIZE);
    memcpy(v3, v1, SIZE);
    scribble(blk, v3, 4, 30); /* writes after a revert leave the snapshot alone */
    blk_close(blk);
    block_test_qemu_check(img);
    expect_qemu_snapshot(img, "second", v1);

    blk = block_test_open(img, NULL, false);
    block_test_expect_disk(blk, v3, SIZE);
    cr_assert(blk_snapshot_delete(blk, "first", err, sizeof err), "%s", err);
    cr_assert_not(blk_snapshot_exists(blk, "first"));
    cr_assert_not(blk_snapshot_revert(blk, "first", err, sizeof err));
    cr_assert_not_null(strstr(err, "no snapshot named 'first'"), "%s", err);
    scribble(blk, v3, 5, 20);
    cr_assert(blk_snapshot_delete(blk, "second", err, sizeof err), "%s", err);
    scribble(blk, v3, 6, 20);
    block_test_expect_disk(blk, v3, SIZE);
    blk_close(blk);
    block_test_qemu_check(img);
    block_test_sh(out, sizeof out, "qemu-img snapshot -l '%s' 2>&1", img);
    cr_assert_null(strstr(out, "first"), "%s", out);
    cr_assert_null(strstr(out, "second"), "%s", out);
    free(v0), free(v1), free(v2), free(v3);
}

Test(block_internal_snapshot, qemu_img_snapshot_reverts_in_doppel)
{
    char img[300], err[256];
    make_image(img, sizeof img, 12);
    uint8_t *before = calloc(1, SIZE), *after;
    BlockBackend *blk = block_test_open(img, NULL, false);
    scribble(blk, before, 11, 50);
    blk_close(blk);
    block_test_sh(NULL, 0, "qemu-img snapshot -c qsn '%s' 2>&1", img);
    blk = block_test_open(img, NULL, false);
    after = malloc(SIZE);
    memcpy(after, before, SIZE);
    scribble(blk, after, 12, 50);
    block_test_expect_disk(blk, after, SIZE);
    cr_assert(blk_snapshot_revert(blk, "qsn", err, sizeof err), "%s", err);
    block_test_expect_disk(blk, before, SIZE);
    blk_close(blk);
    block_test_qemu_check(img);
    /* And ours are applied by qemu-img. */
    blk = block_test_open(img, NULL, false);
    cr_assert(blk_snapshot_create(blk, "ours", 0, err, sizeof err), "%s", err);
    scribble(blk, after, 13, 10);
    blk_close(blk);
    block_test_sh(NULL, 0, "qemu-img snapshot -a ours '%s' 2>&1", img);
    block_test_qemu_check(img);
    blk = block_test_open(img, NULL, false);
    block_test_expect_disk(blk, before, SIZE);
    blk_close(blk);
    free(before), free(after);
}

Test(block_internal_snapshot, same_name_replaces)
{
    char img[300], err[256];
    make_image(img, sizeof img, 16);
    uint8_t *a = calloc(1, SIZE);
    BlockBackend *blk = block_test_open(img, NULL, false);
    scribble(blk, a, 21, 10);
    cr_assert(blk_snapshot_create(blk, "x", 0, err, sizeof err), "%s", err);
    scribble(blk, a, 22, 10);
    cr_assert(blk_snapshot_create(blk, "x", 0, err, sizeof err), "%s", err);
    BlockSnapshotInfo *info;
    cr_assert_eq(blk_snapshot_list(blk, &info, err, sizeof err), 1);
    free(info);
    uint8_t *later = malloc(SIZE);
    memcpy(later, a, SIZE);
    scribble(blk, later, 23, 10);
    free(later);
    cr_assert(blk_snapshot_revert(blk, "x", err, sizeof err), "%s", err);
    block_test_expect_disk(blk, a, SIZE);
    blk_close(blk);
    block_test_qemu_check(img);
    free(a);
}

Test(block_internal_snapshot, raw_and_read_only_refuse)
{
    char raw[300], img[300], err[256];
    block_test_path(raw, sizeof raw, "%s/d.raw", dir);
    uint8_t zero[4096] = {0};
    block_test_write_file(raw, zero, sizeof zero);
    BlockBackend *blk = block_test_open(raw, "raw", false);
    cr_assert_not(blk_snapshot_capable(blk));
    cr_assert_not(blk_snapshot_create(blk, "s", 0, err, sizeof err));
    cr_assert_not_null(strstr(err, "no internal snapshots"), "%s", err);
    cr_assert_not(blk_snapshot_exists(blk, "s"));
    blk_close(blk);
    make_image(img, sizeof img, 16);
    blk = block_test_open(img, NULL, true);
    cr_assert_not(blk_snapshot_create(blk, "s", 0, err, sizeof err));
    cr_assert_not_null(strstr(err, "read-only"), "%s", err);
    blk_close(blk);
    block_test_qemu_check(img);
}

/* -snapshot: the overlay takes the snapshots; the image is untouched. */
Test(block_internal_snapshot, overlay_snapshots)
{
    char img[300], err[256];
    make_image(img, sizeof img, 16);
    uint8_t *a = calloc(1, SIZE), *b;
    BlockBackend *blk =
        blk_open(&(BlockOpenOptions){.file = img, .snapshot = true}, err, sizeof err);
    cr_assert_not_null(blk, "%s", err);
    cr_assert(blk_snapshot_capable(blk));
    scribble(blk, a, 31, 20);
    cr_assert(blk_snapshot_create(blk, "o", 0, err, sizeof err), "%s", err);
    b = malloc(SIZE);
    memcpy(b, a, SIZE);
    scribble(blk, b, 32, 20);
    cr_assert(blk_snapshot_revert(blk, "o", err, sizeof err), "%s", err);
    block_test_expect_disk(blk, a, SIZE);
    blk_close(blk);
    char out[4096];
    block_test_sh(out, sizeof out, "qemu-img snapshot -l '%s' 2>&1", img);
    cr_assert_null(strstr(out, "o "), "%s", out);
    free(a), free(b);
}
