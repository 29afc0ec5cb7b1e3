/* qcow2 images made by qemu-img (the oracle) read by doppel with the same
 * bytes as `qemu-img convert -O raw`: v2 and v3, cluster sizes, compressed
 * clusters, backing chains, zero clusters, internal snapshots. */
#define _GNU_SOURCE
#include "test_block_util.h"

static char dir[256];

static void setup(void)
{
    block_test_mkdir(dir, sizeof dir);
    block_test_require_qemu_img("block_qcow2_read");
}

static void teardown(void)
{
    block_test_rmdir(dir);
}

TestSuite(block_qcow2_read, .init = setup, .fini = teardown);

enum { DISK = 3 << 20 };

/* A raw source file of size bytes made from seed; its first half has two
 * bits of entropy a byte, so that it compresses. */
static void make_raw(const char *path, size_t size, uint64_t seed)
{
    uint8_t *buf = malloc(size);
    block_test_fill(buf, size, seed);
    for (size_t i = 0; i < size / 2; i++)
        buf[i] &= 0x41;
    block_test_write_file(path, buf, size);
    free(buf);
}

/* doppel reads image as qemu-img converts it. */
static void expect_same_as_qemu(const char *image)
{
    char scratch[300];
    block_test_path(scratch, sizeof scratch, "%s/oracle.raw", dir);
    size_t len;
    uint8_t *want = block_test_qemu_raw(image, scratch, NULL, &len);
    BlockBackend *blk = block_test_open(image, NULL, true);
    cr_assert_str_eq(blk_format_name(blk), "qcow2");
    block_test_expect_disk(blk, want, len);
    blk_close(blk);
    free(want);
}

static void convert_and_compare(const char *options, bool compressed)
{
    char raw[300], img[300];
    block_test_path(raw, sizeof raw, "%s/src.raw", dir);
    block_test_path(img, sizeof img, "%s/img.qcow2", dir);
    make_raw(raw, DISK, 5);
    block_test_sh(NULL, 0, "qemu-img convert %s -O qcow2 -o %s '%s' '%s' 2>&1",
                  compressed ? "-c" : "", options, raw, img);
    if (compressed) {
        char out[4096];
        block_test_sh(out, sizeof out, "qemu-img check '%s' 2>&1", img);
        cr_assert_null(strstr(out, " 0.00% compressed"), "no compressed clusters:\n%s", out);
    }
    expect_same_as_qemu(img);
}

Test(block_qcow2_read, v3_cluster_sizes)
{
    convert_and_compare("compat=1.1,cluster_size=512", false);
    convert_and_compare("compat=1.1,cluster_size=4096", false);
    convert_and_compare("compat=1.1,cluster_size=65536", false);
    convert_and_compare("compat=1.1,cluster_size=2M", false);
}

Test(block_qcow2_read, v2_images)
{
    convert_and_compare("compat=0.10,cluster_size=65536", false);
    convert_and_compare("compat=0.10,cluster_size=1024", false);
}

Test(block_qcow2_read, refcount_widths)
{
    convert_and_compare("refcount_bits=1", false);
    convert_and_compare("refcount_bits=64,cluster_size=4096", false);
}

Test(block_qcow2_read, compressed_clusters)
{
    convert_and_compare("compat=1.1", true);
    convert_and_compare("compat=1.1,cluster_size=4096", true);
    convert_and_compare("compat=0.10,cluster_size=2M", true);
}

Test(block_qcow2_read, backing_chain_with_zero_clusters)
{
    char raw[300], base[300], mid[300], top[300];
    block_test_path(raw, sizeof raw, "%s/base.raw", dir);
    block_test_path(base, sizeof base, "%s/base.qcow2", dir);
    block_test_path(mid, sizeof mid, "%s/mid.qcow2", dir);
    block_test_path(top, sizeof top, "%s/top.qcow2", dir);
    make_raw(raw, 1 << 20, 11);
    block_test_sh(NULL, 0, "qemu-img convert -O qcow2 '%s' '%s' 2>&1", raw, base);
    /* Relative names, resolved against the image's directory; mid is larger
     * than base (reads past base's end are zeros) and top uses 4 KiB
     * clusters over mid's 64 KiB. */
    block_test_sh(
        NULL, 0,
        "cd '%s' && qemu-img create -q -f qcow2 -b base.qcow2 -F qcow2 mid.qcow2 2M && "
        "qemu-io -f qcow2 -c 'write -P 0xab 100k 70k' -c 'write -z 0 64k' "
        "-c 'write -P 0x11 1500k 10k' mid.qcow2 >/dev/null && "
        "qemu-img create -q -f qcow2 -o cluster_size=4096 -b mid.qcow2 -F qcow2 top.qcow2 "
        "2M && qemu-io -f qcow2 -c 'write -P 0xcd 130k 9k' -c 'write -z 120k 8k' "
        "top.qcow2 >/dev/null",
        dir);
    expect_same_as_qemu(top);
    expect_same_as_qemu(mid);
}

Test(block_qcow2_read, raw_backing_file)
{
    char raw[300], top[300];
    block_test_path(raw, sizeof raw, "%s/base.img", dir);
    block_test_path(top, sizeof top, "%s/top.qcow2", dir);
    make_raw(raw, 1 << 20, 12);
    block_test_sh(NULL, 0,
                  "qemu-img create -q -f qcow2 -b '%s' -F raw '%s' 1M && "
                  "qemu-io -f qcow2 -c 'write -P 0x77 4095 3000' '%s' >/dev/null",
                  raw, top, top);
    expect_same_as_qemu(top);
}

Test(block_qcow2_read, internal_snapshot)
{
    char raw[300], img[300];
    block_test_path(raw, sizeof raw, "%s/src.raw", dir);
    block_test_path(img, sizeof img, "%s/img.qcow2", dir);
    make_raw(raw, DISK, 13);
    block_test_sh(NULL, 0,
                  "qemu-img convert -O qcow2 '%s' '%s' && qemu-img snapshot -c sn1 '%s' && "
                  "qemu-io -f qcow2 -c 'write -P 0x42 60k 200k' '%s' >/dev/null",
                  raw, img, img, img);
    expect_same_as_qemu(img);
}
