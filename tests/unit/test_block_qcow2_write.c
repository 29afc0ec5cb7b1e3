/* qcow2 images written by doppel: random writes (cluster-straddling,
 * sub-sector, whole clusters) over empty images, backing files,
 * compressed clusters and internal snapshots; `qemu-img check` finds no
 * errors or leaks and `qemu-img convert` gives the bytes doppel wrote. */
#define _GNU_SOURCE
#include "test_block_util.h"

#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

static char dir[256];

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
    block_test_require_qemu_img("block_qcow2_write");
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_qcow2_write, .init = setup, .fini = teardown);

/* count random writes into blk mirrored into shadow (blk_size bytes). */
static void random_writes(BlockBackend *blk, uint8_t *shadow, int count, uint64_t seed,
                          size_t max_len)
{
    uint64_t size = blk_size(blk), st = seed;
    uint8_t *data = malloc(max_len);
    for (int i = 0; i < count; i++) {
        uint64_t off = block_test_rand(&st) % size;
        size_t len = (size_t)(block_test_rand(&st) % max_len) + 1;
        switch (i % 4) {
        case 0: len = len % 600 + 1; break; /* sub-sector, sector-straddling */
        case 1: off &= ~(uint64_t)511; break;
        default: break;
        }
        if (len > size - off) len = (size_t)(size - off);
        for (size_t k = 0; k < len; k++)
            data[k] = (uint8_t)block_test_rand(&st);
        if (i % 9 == 0) memset(data, 0, len);
        cr_assert_eq(blk_pwrite(blk, off, data, len), 0, "write %zu at %llu", len,
                     (unsigned long long)off);
        memcpy(shadow + off, data, len);
    }
    free(data);
}

/* The image checks clean and reads as shadow, through qemu-img and after
 * reopening in doppel. */
static void expect_image(const char *image, const uint8_t *shadow, size_t size)
{
    block_test_qemu_check(image);
    char scratch[300];
    block_test_path(scratch, sizeof scratch, "%s/oracle.raw", dir);
    size_t len;
    uint8_t *raw = block_test_qemu_raw(image, scratch, NULL, &len);
    cr_assert_eq(len, size);
    for (size_t i = 0; i < len; i++)
        if (raw[i] != shadow[i])
            cr_assert_fail("%s byte %zu: qemu-img reads %#x, doppel wrote %#x", image, i, raw[i],
                           shadow[i]);
    free(raw);
    BlockBackend *blk = block_test_open(image, NULL, true);
    block_test_expect_disk(blk, shadow, size);
    blk_close(blk);
}

static void write_new_image(unsigned cluster_bits, size_t size, int count, size_t max_len)
{
    char img[300], err[512];
    block_test_path(img, sizeof img, "%s/new-%u.qcow2", dir, cluster_bits);
    cr_assert(blk_create_qcow2(img, size, cluster_bits, NULL, NULL, err, sizeof err), "%s", err);
    block_test_qemu_check(img);
    uint8_t *shadow = calloc(1, size);
    BlockBackend *blk = block_test_open(img, NULL, false);
    cr_assert_str_eq(blk_format_name(blk), "qcow2");
    cr_assert_eq(blk_size(blk), size);
    random_writes(blk, shadow, count, cluster_bits * 1000 + 1, max_len);
    cr_assert_eq(blk_flush(blk), 0);
    block_test_expect_disk(blk, shadow, size);
    blk_close(blk);
    expect_image(img, shadow, size);
    free(shadow);
}

Test(block_qcow2_write, new_images_of_several_cluster_sizes)
{
    write_new_image(16, 8 << 20, 300, 200000);
    write_new_image(12, 4 << 20, 300, 20000);
    write_new_image(21, 6 << 20, 40, 3 << 20);
}

/* 512-byte clusters: one refcount block covers 128 KiB and the first
 * refcount table 8 MiB, so filling 12 MiB creates refcount blocks and
 * grows the table (twice). */
Test(block_qcow2_write, refcount_blocks_and_table_growth)
{
    char img[300], err[512];
    enum { SIZE = 12 << 20 };
    block_test_path(img, sizeof img, "%s/small-clusters.qcow2", dir);
    cr_assert(blk_create_qcow2(img, SIZE, 9, NULL, NULL, err, sizeof err), "%s", err);
    uint8_t *shadow = calloc(1, SIZE);
    BlockBackend *blk = block_test_open(img, NULL, false);
    for (size_t off = 0; off < SIZE; off += 65536) {
        for (size_t k = 0; k < 65536; k++)
            shadow[off + k] = (uint8_t)(k * 7 + off / 65536);
        cr_assert_eq(blk_pwrite(blk, off, shadow + off, 65536), 0);
    }
    random_writes(blk, shadow, 200, 77, 5000);
    blk_close(blk);
    expect_image(img, shadow, SIZE);
    free(shadow);
}

static void write_over_backing(const char *backing_format)
{
    char base[300], img[300], err[512];
    enum { SIZE = 4 << 20, BASE = 3 << 20 };
    block_test_path(base, sizeof base, "%s/base.%s", dir, backing_format);
    block_test_path(img, sizeof img, "%s/over.qcow2", dir);
    uint8_t *shadow = calloc(1, SIZE);
    block_test_fill(shadow, BASE, 3); /* the backing file is smaller: zeros after it */
    if (strcmp(backing_format, "raw") == 0) {
        block_test_write_file(base, shadow, BASE);
    } else {
        char raw[300];
        block_test_path(raw, sizeof raw, "%s/base.raw", dir);
        block_test_write_file(raw, shadow, BASE);
        block_test_sh(NULL, 0, "qemu-img convert -O qcow2 -o cluster_size=4096 '%s' '%s' 2>&1", raw,
                      base);
    }
    /* Recorded relative to the overlay's directory. */
    const char *name = strrchr(base, '/') + 1;
    cr_assert(blk_create_qcow2(img, SIZE, 16, name, backing_format, err, sizeof err), "%s", err);
    BlockBackend *blk = block_test_open(img, NULL, false);
    block_test_expect_disk(blk, shadow, SIZE);
    random_writes(blk, shadow, 300, 4, 150000);
    blk_close(blk);
    expect_image(img, shadow, SIZE);
    /* The backing file is untouched. */
    BlockBackend *b = block_test_open(base, backing_format, true);
    uint8_t *orig = malloc(BASE);
    block_test_fill(orig, BASE, 3);
    block_test_expect_disk(b, orig, BASE);
    blk_close(b);
    free(orig);
    free(shadow);
}

Test(block_qcow2_write, over_raw_backing_file)
{
    write_over_backing("raw");
}

Test(block_qcow2_write, over_qcow2_backing_file)
{
    write_over_backing("qcow2");
}

/* Images qemu-img made, v2 and v3 with odd refcount widths, compressed
 * clusters rewritten (copy on write from the compressed data). */
static void write_qemu_image(const char *options, bool compressed)
{
    char raw[300], img[300];
    enum { SIZE = 3 << 20 };
    block_test_path(raw, sizeof raw, "%s/src.raw", dir);
    block_test_path(img, sizeof img, "%s/img.qcow2", dir);
    uint8_t *shadow = malloc(SIZE);
    block_test_fill(shadow, SIZE, 9);
    for (size_t i = 0; i < SIZE; i++)
        shadow[i] &= 0x21; /* compressible */
    block_test_write_file(raw, shadow, SIZE);
    block_test_sh(NULL, 0, "qemu-img convert %s -O qcow2 -o %s '%s' '%s' 2>&1",
                  compressed ? "-c" : "", options, raw, img);
    BlockBackend *blk = block_test_open(img, "qcow2", false);
    random_writes(blk, shadow, 200, 21, 100000);
    blk_close(blk);
    expect_image(img, shadow, SIZE);
    free(shadow);
}

Test(block_qcow2_write, qemu_images_v2_v3_refcount_widths)
{
    write_qemu_image("compat=0.10", false);
    write_qemu_image("compat=1.1,refcount_bits=1,cluster_size=4096", false);
    write_qemu_image("compat=1.1,refcount_bits=8", false);
    write_qemu_image("compat=1.1,refcount_bits=64,cluster_size=1024", false);
}

Test(block_qcow2_write, over_compressed_clusters)
{
    write_qemu_image("compat=1.1", true);
    write_qemu_image("compat=0.10,cluster_size=4096", true);
}

/* Clusters and L2 tables shared with an internal snapshot are copied on
 * write: the snapshot keeps its bytes and every refcount stays right. */
Test(block_qcow2_write, internal_snapshot_survives)
{
    char raw[300], img[300], scratch[300];
    enum { SIZE = 3 << 20 };
    block_test_path(raw, sizeof raw, "%s/src.raw", dir);
    block_test_path(img, sizeof img, "%s/snap.qcow2", dir);
    block_test_path(scratch, sizeof scratch, "%s/sn1.raw", dir);
    uint8_t *orig = malloc(SIZE), *shadow = malloc(SIZE);
    block_test_fill(orig, SIZE, 31);
    block_test_write_file(raw, orig, SIZE);
    block_test_sh(NULL, 0,
                  "qemu-img convert -O qcow2 -o cluster_size=4096 '%s' '%s' && "
                  "qemu-img snapshot -c sn1 '%s' 2>&1",
                  raw, img, img);
    memcpy(shadow, orig, SIZE);
    BlockBackend *blk = block_test_open(img, NULL, false);
    random_writes(blk, shadow, 300, 8, 50000);
    blk_close(blk);
    expect_image(img, shadow, SIZE);
    size_t len;
    uint8_t *snap = block_test_qemu_raw(img, scratch, "-l snapshot.name=sn1", &len);
    cr_assert_eq(len, SIZE);
    cr_assert_arr_eq(snap, orig, SIZE, "snapshot sn1 changed");
    free(snap);
    free(orig);
    free(shadow);
}

Test(block_qcow2_write, read_only_refuses_writes)
{
    char img[300], err[512];
    block_test_path(img, sizeof img, "%s/ro.qcow2", dir);
    cr_assert(blk_create_qcow2(img, 1 << 20, 16, NULL, NULL, err, sizeof err), "%s", err);
    BlockBackend *blk = block_test_open(img, NULL, true);
    cr_assert(blk_is_read_only(blk));
    cr_assert_eq(blk_pwrite(blk, 0, "abc", 3), -EROFS);
    cr_assert_eq(blk_pwrite(blk, (1 << 20) - 1, "ab", 2), -EROFS);
    blk_close(blk);
    blk = block_test_open(img, NULL, false);
    cr_assert_eq(blk_pwrite(blk, (1 << 20) - 1, "ab", 2), -EINVAL);
    blk_close(blk);
    uint8_t zeros[1 << 20] = {0};
    expect_image(img, zeros, sizeof zeros);
}

/* A doppel killed in the middle of writing leaves an image with leaked
 * clusters at worst: no cluster referenced twice or referencing unwritten
 * metadata (qemu-img check status 0, or 3 for leaks only). */
Test(block_qcow2_write, killed_writer_leaves_consistent_image, .timeout = 120)
{
    char raw[300], img[300];
    enum { SIZE = 8 << 20 };
    block_test_path(raw, sizeof raw, "%s/src.raw", dir);
    block_test_path(img, sizeof img, "%s/killed.qcow2", dir);
    uint8_t *buf = malloc(SIZE);
    block_test_fill(buf, SIZE, 51);
    block_test_write_file(raw, buf, SIZE);
    free(buf);
    block_test_sh(NULL, 0,
                  "qemu-img convert -O qcow2 -o cluster_size=4096 '%s' '%s' && "
                  "qemu-img snapshot -c sn1 '%s' 2>&1",
                  raw, img, img);
    for (int round = 0; round < 6; round++) {
        pid_t pid = fork();
        cr_assert_geq(pid, 0);
        if (pid == 0) {
            BlockBackend *blk = block_test_open(img, NULL, false);
            uint8_t *shadow = malloc(SIZE);
            for (uint64_t seed = 1;; seed++)
                random_writes(blk, shadow, 50, seed + 1000u * round, 30000);
        }
        usleep(20000 + 30000 * round);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        char out[8192], cmd[400];
        snprintf(cmd, sizeof cmd, "qemu-img check '%s' 2>&1", img);
        int rc = test_run_command(cmd, out, sizeof out);
        cr_assert(rc == 0 || rc == 3, "round %d: qemu-img check status %d\n%s", round, rc, out);
        cr_assert_null(strstr(out, "ERROR"), "round %d:\n%s", round, out);
        block_test_sh(NULL, 0, "qemu-img check -q -r leaks '%s' 2>&1", img);
    }
    /* The writers did get to write. */
    char scratch[300];
    block_test_path(scratch, sizeof scratch, "%s/active.raw", dir);
    size_t len, orig_len;
    uint8_t *active = block_test_qemu_raw(img, scratch, NULL, &len);
    uint8_t *orig = block_test_read_file(raw, &orig_len);
    cr_assert_eq(len, orig_len);
    cr_assert_neq(memcmp(active, orig, len), 0);
    free(active);
    free(orig);
}
