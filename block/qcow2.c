/*
 * qcow2 format driver: header and header extensions (qcow2.txt "Header",
 * "Header extensions", "Feature name table"), open-time validation,
 * backing files, and the BlockDriver glue.
 *
 * Refused: encryption, external data files, extended L2 entries, zstd
 * compression, unknown incompatible features.  Images with the dirty bit
 * (lazy refcounts left unrepaired) or the corrupt bit open read-only only:
 * their refcounts cannot be trusted for allocation, and repairing them is
 * `qemu-img check -r all`'s job.  Internal snapshots are left alone; their
 * clusters are shared and written with copy on write.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "block/qcow2_internal.h"

/* QEMU's limit on the active L1 table (qcow2.txt "size"). */
#define QCOW2_MAX_L1_BYTES       (32u << 20)
#define QCOW2_MAX_REFTABLE_BYTES (8u << 20)

enum { QCOW2_L2_CACHE_SLOTS = 16, QCOW2_REFBLOCK_CACHE_SLOTS = 4 };

static uint32_t be32_at(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return be32toh(v);
}

static uint64_t be64_at(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return be64toh(v);
}

static Qcow2State *state(BlockBackend *blk)
{
    return blk->opaque;
}

static int qcow2_drv_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len)
{
    return qcow2_read(state(blk), offset, buf, len);
}

static int qcow2_drv_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len)
{
    return qcow2_write(state(blk), offset, buf, len);
}

static int qcow2_drv_flush(BlockBackend *blk)
{
    return fdatasync(blk->fd) < 0 ? -errno : 0;
}

static void qcow2_state_free(Qcow2State *s)
{
    if (!s) return;
    blk_close(s->backing);
    qcow2_cache_free(&s->l2_cache);
    qcow2_cache_free(&s->refblock_cache);
    free(s->l1);
    free(s->reftable);
    free(s->cluster_buf);
    free(s->table_buf);
    free(s->compressed_buf);
    free(s->decompressed);
    free(s);
}

static void qcow2_drv_close(BlockBackend *blk)
{
    qcow2_state_free(state(blk));
    blk->opaque = NULL;
}

const BlockDriver block_qcow2_driver = {
    .name = "qcow2",
    .pread = qcow2_drv_pread,
    .pwrite = qcow2_drv_pwrite,
    .flush = qcow2_drv_flush,
    .close = qcow2_drv_close,
};

/* What the header extensions told us. */
typedef struct Qcow2Extensions {
    char backing_format[32];
    const uint8_t *feature_table; /* inside the header cluster */
    uint32_t feature_table_len;
} Qcow2Extensions;

static bool parse_extensions(const uint8_t *hdr, uint64_t start, uint64_t cluster_size,
                             Qcow2Extensions *ext, const char *file, char *err, size_t errlen)
{
    memset(ext, 0, sizeof *ext);
    for (uint64_t pos = start; pos + 8 <= cluster_size;) {
        uint32_t type = be32_at(hdr + pos), len = be32_at(hdr + pos + 4);
        if (type == QCOW2_EXT_END) return true;
        if (len > cluster_size - pos - 8) {
            block_error(err, errlen, file, "header extension %#x overflows the first cluster",
                        type);
            return false;
        }
        const uint8_t *data = hdr + pos + 8;
        switch (type) {
        case QCOW2_EXT_BACKING_FMT:
            if (len >= sizeof ext->backing_format) {
                block_error(err, errlen, file, "backing format name too long");
                return false;
            }
            memcpy(ext->backing_format, data, len);
            ext->backing_format[len] = '\0';
            break;
        case QCOW2_EXT_FEATURES:
            ext->feature_table = data;
            ext->feature_table_len = len;
            break;
        case QCOW2_EXT_DATA_FILE:
            block_error(err, errlen, file, "external data files are not supported");
            return false;
        case QCOW2_EXT_CRYPTO:
            block_error(err, errlen, file, "encrypted images are not supported");
            return false;
        default: break; /* bitmaps and unknown extensions: safe to ignore */
        }
        pos += 8 + (((uint64_t)len + 7) & ~7ull);
    }
    return true;
}

/* "unsupported qcow2 feature: <name from the feature table>, ..." */
static void unknown_features_error(uint64_t bits, const Qcow2Extensions *ext, const char *file,
                                   char *err, size_t errlen)
{
    char names[256] = "";
    size_t used = 0;
    for (uint32_t pos = 0; pos + 48 <= ext->feature_table_len; pos += 48) {
        const uint8_t *e = ext->feature_table + pos;
        if (e[0] != 0 || e[1] > 63 || !(bits & (1ull << e[1]))) continue;
        int n = snprintf(names + used, sizeof names - used, "%s%.46s", used ? ", " : "",
                         (const char *)e + 2);
        if (n < 0 || (size_t)n >= sizeof names - used) break;
        used += (size_t)n;
        bits &= ~(1ull << e[1]);
    }
    if (bits)
        snprintf(names + used, sizeof names - used, "%sbits %#llx", used ? ", " : "",
                 (unsigned long long)bits);
    block_error(err, errlen, file, "unsupported qcow2 feature: %s", names);
}

/* The header fields, checked against each other and the file size. */
static bool parse_header(Qcow2State *s, const uint8_t *hdr, uint64_t hdr_bytes, bool read_only,
                         Qcow2Extensions *ext, const char *file, char *err, size_t errlen)
{
    if (hdr_bytes < QCOW2_V2_HEADER_LENGTH || memcmp(hdr, "QFI\xfb", 4) != 0) {
        block_error(err, errlen, file, "not a qcow2 image (%s)",
                    hdr_bytes < QCOW2_V2_HEADER_LENGTH ? "truncated header" : "bad magic");
        return false;
    }
    s->version = be32_at(hdr + 4);
    if (s->version != 2 && s->version != 3) {
        block_error(err, errlen, file, "unsupported qcow2 version %u", s->version);
        return false;
    }
    s->cluster_bits = be32_at(hdr + 20);
    if (s->cluster_bits < QCOW2_MIN_CLUSTER_BITS || s->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        block_error(err, errlen, file, "unsupported cluster size 2^%u (9-21)", s->cluster_bits);
        return false;
    }
    s->cluster_size = 1ull << s->cluster_bits;
    s->l2_bits = s->cluster_bits - 3;
    uint64_t header_length = QCOW2_V2_HEADER_LENGTH;
    s->refcount_order = 4;
    if (s->version == 3) {
        if (hdr_bytes < QCOW2_V3_HEADER_LENGTH) {
            block_error(err, errlen, file, "truncated qcow2 v3 header");
            return false;
        }
        s->incompatible = be64_at(hdr + 72);
        s->compatible = be64_at(hdr + 80);
        s->autoclear = be64_at(hdr + 88);
        s->refcount_order = be32_at(hdr + 96);
        header_length = be32_at(hdr + 100);
        if (header_length < QCOW2_V3_HEADER_LENGTH || header_length > s->cluster_size ||
            (header_length & 7) || header_length > hdr_bytes) {
            block_error(err, errlen, file, "bad header length %llu",
                        (unsigned long long)header_length);
            return false;
        }
        if (s->refcount_order > 6) {
            block_error(err, errlen, file, "bad refcount order %u", s->refcount_order);
            return false;
        }
    }
    if (!parse_extensions(hdr, header_length,
                          hdr_bytes < s->cluster_size ? hdr_bytes : s->cluster_size, ext, file, err,
                          errlen))
        return false;
    if (be32_at(hdr + 32) != 0) {
        block_error(err, errlen, file, "encrypted images are not supported");
        return false;
    }
    if (s->incompatible & ~QCOW2_INCOMPAT_KNOWN) {
        unknown_features_error(s->incompatible & ~QCOW2_INCOMPAT_KNOWN, ext, file, err, errlen);
        return false;
    }
    if (s->incompatible & QCOW2_INCOMPAT_DATA_FILE) {
        block_error(err, errlen, file, "external data files are not supported");
        return false;
    }
    if (s->incompatible & QCOW2_INCOMPAT_EXTL2) {
        block_error(err, errlen, file, "extended L2 entries (subclusters) are not supported");
        return false;
    }
    if ((s->incompatible & QCOW2_INCOMPAT_COMPRESSION) && (header_length <= 104 || hdr[104] != 0)) {
        block_error(err, errlen, file, "only zlib compression is supported");
        return false;
    }
    if (!read_only && (s->incompatible & QCOW2_INCOMPAT_CORRUPT)) {
        block_error(
            err, errlen, file,
            "image is marked corrupt; open it read-only or repair it (qemu-img check -r all)");
        return false;
    }
    if (!read_only && (s->incompatible & QCOW2_INCOMPAT_DIRTY)) {
        block_error(err, errlen, file,
                    "image is dirty (lazy refcounts); open it read-only or repair it (qemu-img "
                    "check -r all)");
        return false;
    }

    s->size = be64_at(hdr + 24);
    s->l1_size = be32_at(hdr + 36);
    s->l1_offset = be64_at(hdr + 40);
    s->reftable_offset = be64_at(hdr + 48);
    s->reftable_clusters = be32_at(hdr + 56);
    uint64_t span = s->cluster_size << s->l2_bits; /* guest bytes per L2 table */
    uint64_t l1_needed = s->size / span + (s->size % span != 0);
    if ((uint64_t)s->l1_size * 8 > QCOW2_MAX_L1_BYTES || l1_needed > s->l1_size) {
        block_error(err, errlen, file, "bad L1 table size %u for a %llu-byte disk", s->l1_size,
                    (unsigned long long)s->size);
        return false;
    }
    if ((s->l1_offset & (s->cluster_size - 1)) ||
        (s->l1_size && (s->l1_offset == 0 || s->l1_offset > s->file_size ||
                        (uint64_t)s->l1_size * 8 > s->file_size - s->l1_offset))) {
        block_error(err, errlen, file, "L1 table beyond the end of the file or misaligned");
        return false;
    }
    if ((uint64_t)s->reftable_clusters * s->cluster_size > QCOW2_MAX_REFTABLE_BYTES ||
        (s->reftable_offset & (s->cluster_size - 1)) || s->reftable_offset > s->file_size ||
        (uint64_t)s->reftable_clusters * s->cluster_size > s->file_size - s->reftable_offset) {
        block_error(err, errlen, file,
                    "refcount table beyond the end of the file, misaligned or too large");
        return false;
    }
    s->refblock_entries = s->cluster_size * 8 >> s->refcount_order;
    s->reftable_entries = (uint64_t)s->reftable_clusters * s->cluster_size / 8;
    return true;
}

/* Read count 64-bit big-endian entries at offset into host order. */
static uint64_t *read_table(Qcow2State *s, uint64_t offset, uint64_t count)
{
    uint64_t *t = malloc(count ? count * 8 : 1);
    if (!t) return NULL;
    if (count && qcow2_host_read(s, offset, t, count * 8) < 0) {
        free(t);
        return NULL;
    }
    for (uint64_t i = 0; i < count; i++)
        t[i] = be64toh(t[i]);
    return t;
}

static bool alloc_buffers(Qcow2State *s)
{
    s->compressed_buf_size = 2 * s->cluster_size;
    s->cluster_buf = malloc(s->cluster_size);
    s->table_buf = malloc(s->cluster_size);
    s->compressed_buf = malloc(s->compressed_buf_size);
    s->decompressed = malloc(s->cluster_size);
    return s->cluster_buf && s->table_buf && s->compressed_buf && s->decompressed &&
           qcow2_cache_init(&s->l2_cache, QCOW2_L2_CACHE_SLOTS, s->cluster_size) &&
           qcow2_cache_init(&s->refblock_cache, QCOW2_REFBLOCK_CACHE_SLOTS, s->cluster_size);
}

/* The backing file named at backing_file_offset, resolved against the
 * image's directory when relative, opened read-only. */
static bool open_backing(Qcow2State *s, const uint8_t *hdr, const Qcow2Extensions *ext,
                         const BlockChain *chain, const char *file, char *err, size_t errlen)
{
    uint64_t name_offset = be64_at(hdr + 8);
    uint32_t name_len = be32_at(hdr + 16);
    if (!name_offset) return true;
    if (name_len == 0 || name_len > QCOW2_MAX_BACKING_NAME || name_offset > s->file_size ||
        name_len > s->file_size - name_offset) {
        block_error(err, errlen, file, "bad backing file name location");
        return false;
    }
    char name[QCOW2_MAX_BACKING_NAME + 1];
    if (qcow2_host_read(s, name_offset, name, name_len) < 0 || memchr(name, 0, name_len)) {
        block_error(err, errlen, file, "bad backing file name");
        return false;
    }
    name[name_len] = '\0';
    char path[4096 + QCOW2_MAX_BACKING_NAME + 2];
    const char *slash = strrchr(file, '/');
    if (name[0] != '/' && slash)
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - file), file, name);
    else
        snprintf(path, sizeof path, "%s", name);
    const char *format = ext->backing_format[0] ? ext->backing_format : NULL;
    char inner[512];
    s->backing = block_open_node(path, format, true, chain, inner, sizeof inner);
    if (!s->backing) {
        block_error(err, errlen, file, "backing file: %s", inner);
        return false;
    }
    return true;
}

BlockBackend *block_qcow2_open(int fd, const char *file, bool read_only, BlockBackend *backing,
                               const BlockChain *chain, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        block_error(err, errlen, file, "%s", strerror(errno));
        blk_close(backing);
        return NULL;
    }
    Qcow2State *s = calloc(1, sizeof *s);
    uint8_t *hdr = malloc(1u << QCOW2_MAX_CLUSTER_BITS);
    BlockBackend *blk = NULL;
    if (!s || !hdr) {
        block_error(err, errlen, file, "%s", strerror(ENOMEM));
        goto fail;
    }
    s->fd = fd;
    s->file_size = (uint64_t)st.st_size;
    if (S_ISBLK(st.st_mode)) {
        off_t end = lseek(fd, 0, SEEK_END);
        s->file_size = end > 0 ? (uint64_t)end : 0;
    }
    s->backing = backing;
    backing = NULL;
    int64_t hdr_bytes = block_pread_full(fd, hdr, 1u << QCOW2_MAX_CLUSTER_BITS, 0);
    if (hdr_bytes < 0) {
        block_error(err, errlen, file, "%s", strerror((int)-hdr_bytes));
        goto fail;
    }
    Qcow2Extensions ext;
    if (!parse_header(s, hdr, (uint64_t)hdr_bytes, read_only, &ext, file, err, errlen)) goto fail;
    if (!alloc_buffers(s)) {
        block_error(err, errlen, file, "%s", strerror(ENOMEM));
        goto fail;
    }
    s->l1 = read_table(s, s->l1_offset, s->l1_size);
    s->reftable = read_table(s, s->reftable_offset, s->reftable_entries);
    if (!s->l1 || !s->reftable) {
        block_error(err, errlen, file, "cannot read the L1 or refcount table");
        goto fail;
    }
    if (!s->backing && !open_backing(s, hdr, &ext, chain, file, err, errlen)) goto fail;
    /* qcow2.txt "autoclear_features": a writer must clear the bits it does
     * not maintain (bitmaps would go stale). */
    if (!read_only && s->autoclear) {
        int ret = qcow2_write_be64(s, 88, 0);
        if (ret < 0) {
            block_error(err, errlen, file, "%s", strerror(-ret));
            goto fail;
        }
        s->autoclear = 0;
    }
    blk = block_node_new(&block_qcow2_driver, fd, file, s->size, read_only);
    if (!blk) {
        block_error(err, errlen, file, "%s", strerror(ENOMEM));
        goto fail;
    }
    blk->opaque = s;
    s->blk = blk;
    free(hdr);
    return blk;
fail:
    free(hdr);
    qcow2_state_free(s);
    blk_close(backing);
    return NULL;
}
