/*
 * qcow2 cluster mapping (qcow2.txt "Cluster mapping"): guest offset ->
 * L1 entry -> L2 table -> host cluster; reads of every cluster kind and
 * writes with copy on write.
 *
 * Write order: a new cluster's refcount first (qcow2_alloc_cluster), then
 * its contents (data, or a whole zeroed or copied L2 table), then the entry
 * naming it (L2 entry, or L1 entry for a table); references to replaced
 * clusters are dropped last.  A crash in between leaks a cluster at worst.
 * The order is that of the pwrite calls, which a crash of doppel keeps (the
 * host kernel holds the data); against a host crash only what blk_flush
 * synced is safe, as with a real disk's write cache.
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <zlib.h>

#include "block/qcow2_internal.h"

typedef enum {
    CLUSTER_UNALLOCATED, /* backing file or zeros */
    CLUSTER_ZERO,        /* v3 bit 0: zeros, maybe with a preallocated host cluster */
    CLUSTER_NORMAL,
    CLUSTER_COMPRESSED,
} ClusterKind;

static ClusterKind l2_entry_kind(const Qcow2State *s, uint64_t entry)
{
    if (entry & QCOW2_OFLAG_COMPRESSED) return CLUSTER_COMPRESSED;
    if (s->version >= 3 && (entry & QCOW2_OFLAG_ZERO)) return CLUSTER_ZERO;
    if (!(entry & QCOW2_OFFSET_MASK)) return CLUSTER_UNALLOCATED;
    return CLUSTER_NORMAL;
}

/* A standard cluster's host offset: aligned and inside the file, or the
 * image is corrupt. */
static int host_cluster(const Qcow2State *s, uint64_t entry, uint64_t *host)
{
    *host = entry & QCOW2_OFFSET_MASK;
    if ((*host & (s->cluster_size - 1)) || *host >= s->file_size) return -EIO;
    return 0;
}

/* qcow2.txt "Compressed Clusters Descriptor". */
static void compressed_extent(const Qcow2State *s, uint64_t entry, uint64_t *host, uint64_t *len)
{
    unsigned x = 62 - (s->cluster_bits - 8);
    *host = entry & ((1ull << x) - 1);
    uint64_t sectors = ((entry >> x) & ((1ull << (62 - x)) - 1)) + 1;
    *len = sectors * 512 - (*host & 511);
}

static uint64_t l1_index(const Qcow2State *s, uint64_t offset)
{
    return offset >> (s->cluster_bits + s->l2_bits);
}

static uint64_t l2_index(const Qcow2State *s, uint64_t offset)
{
    return (offset >> s->cluster_bits) & ((1ull << s->l2_bits) - 1);
}

static int l2_table_offset(const Qcow2State *s, uint64_t l1_entry, uint64_t *table)
{
    *table = l1_entry & QCOW2_OFFSET_MASK;
    return (*table & (s->cluster_size - 1)) ? -EIO : 0;
}

/* The L2 entry for guest offset (0 when there is no L2 table). */
static int l2_entry_get(Qcow2State *s, uint64_t offset, uint64_t *entry)
{
    uint64_t table_offset;
    int ret = l2_table_offset(s, s->l1[l1_index(s, offset)], &table_offset);
    if (ret < 0) return ret;
    *entry = 0;
    if (!table_offset) return 0;
    uint8_t *table;
    ret = qcow2_cache_get(s, &s->l2_cache, table_offset, &table);
    if (ret < 0) return ret;
    uint64_t be;
    memcpy(&be, table + l2_index(s, offset) * 8, 8);
    *entry = be64toh(be);
    return 0;
}

static int l2_entry_set(Qcow2State *s, uint64_t table_offset, uint64_t index, uint64_t entry)
{
    uint8_t *table;
    int ret = qcow2_cache_get(s, &s->l2_cache, table_offset, &table);
    if (ret < 0) return ret;
    uint64_t be = htobe64(entry);
    memcpy(table + index * 8, &be, 8);
    return qcow2_host_write(s, table_offset + index * 8, &be, 8);
}

/* Inflate the compressed cluster of entry into s->decompressed (raw
 * deflate, QEMU's zlib compression type). */
static int decompress_cluster(Qcow2State *s, uint64_t entry)
{
    if (s->decompressed_entry == entry) return 0;
    uint64_t host, len;
    compressed_extent(s, entry, &host, &len);
    if (!host || host >= s->file_size) return -EIO;
    if (len > s->compressed_buf_size) len = s->compressed_buf_size;
    int ret = qcow2_host_read(s, host, s->compressed_buf, len);
    if (ret < 0) return ret;
    z_stream z = {0};
    if (inflateInit2(&z, -15) != Z_OK) return -ENOMEM;
    z.next_in = s->compressed_buf;
    z.avail_in = (uInt)len;
    z.next_out = s->decompressed;
    z.avail_out = (uInt)s->cluster_size;
    int zr = inflate(&z, Z_FINISH);
    bool full = z.avail_out == 0;
    inflateEnd(&z);
    /* The last sector may hold the next cluster's data: stopping with a
     * full cluster is success whatever is left of the input. */
    if (!full || (zr != Z_STREAM_END && zr != Z_BUF_ERROR && zr != Z_OK)) {
        s->decompressed_entry = 0;
        return -EIO;
    }
    s->decompressed_entry = entry;
    return 0;
}

/* The backing file's bytes at guest offset, zeros past its end. */
static int backing_read(Qcow2State *s, uint64_t offset, uint8_t *buf, size_t len)
{
    size_t n = 0;
    if (s->backing && offset < blk_size(s->backing)) {
        uint64_t avail = blk_size(s->backing) - offset;
        n = len < avail ? len : (size_t)avail;
        int ret = blk_pread(s->backing, offset, buf, n);
        if (ret < 0) return ret;
    }
    memset(buf + n, 0, len - n);
    return 0;
}

/* len bytes at guest offset, all inside one cluster, described by entry. */
static int read_in_cluster(Qcow2State *s, uint64_t entry, uint64_t offset, uint8_t *buf, size_t len)
{
    uint64_t in_cluster = offset & (s->cluster_size - 1), host;
    int ret;
    switch (l2_entry_kind(s, entry)) {
    case CLUSTER_UNALLOCATED: return backing_read(s, offset, buf, len);
    case CLUSTER_ZERO: memset(buf, 0, len); return 0;
    case CLUSTER_NORMAL:
        ret = host_cluster(s, entry, &host);
        return ret < 0 ? ret : qcow2_host_read(s, host + in_cluster, buf, len);
    case CLUSTER_COMPRESSED:
        ret = decompress_cluster(s, entry);
        if (ret < 0) return ret;
        memcpy(buf, s->decompressed + in_cluster, len);
        return 0;
    }
    return -EIO;
}

static size_t chunk_in_cluster(const Qcow2State *s, uint64_t offset, size_t len)
{
    uint64_t room = s->cluster_size - (offset & (s->cluster_size - 1));
    return len < room ? len : (size_t)room;
}

int qcow2_read(Qcow2State *s, uint64_t offset, uint8_t *buf, size_t len)
{
    while (len) {
        size_t n = chunk_in_cluster(s, offset, len);
        uint64_t entry;
        int ret = l2_entry_get(s, offset, &entry);
        if (ret == 0) ret = read_in_cluster(s, entry, offset, buf, n);
        if (ret < 0) return ret;
        offset += n;
        buf += n;
        len -= n;
    }
    return 0;
}

/* An L2 table entry as it must read in a private copy of a shared table:
 * COPIED exactly when the cluster's refcount is one. */
static int l2_entry_for_copy(Qcow2State *s, uint64_t entry, uint64_t *out)
{
    entry &= ~QCOW2_OFLAG_COPIED;
    *out = entry;
    if ((entry & QCOW2_OFLAG_COMPRESSED) || !(entry & QCOW2_OFFSET_MASK)) return 0;
    uint64_t rc;
    int ret = qcow2_refcount_get(s, (entry & QCOW2_OFFSET_MASK) >> s->cluster_bits, &rc);
    if (ret < 0) return ret;
    if (rc == 1) *out = entry | QCOW2_OFLAG_COPIED;
    return 0;
}

/* The L2 table for guest offset, private to the active L1 table (refcount
 * one): a new zeroed one if there is none, a copy if it is shared with a
 * snapshot. */
static int l2_table_for_write(Qcow2State *s, uint64_t offset, uint64_t *table_offset)
{
    uint64_t i1 = l1_index(s, offset), l1_entry = s->l1[i1], old;
    int ret = l2_table_offset(s, l1_entry, &old);
    if (ret < 0) return ret;
    if (old && (l1_entry & QCOW2_OFLAG_COPIED)) {
        *table_offset = old;
        return 0;
    }
    uint64_t fresh;
    ret = qcow2_alloc_cluster(s, &fresh);
    if (ret < 0) return ret;
    /* Built after allocating: table_buf is also the allocator's scratch. */
    if (!old) {
        memset(s->table_buf, 0, s->cluster_size);
    } else {
        uint8_t *table;
        ret = qcow2_cache_get(s, &s->l2_cache, old, &table);
        if (ret < 0) return ret;
        for (uint64_t i = 0; i < (1ull << s->l2_bits); i++) {
            uint64_t be, entry;
            memcpy(&be, table + i * 8, 8);
            ret = l2_entry_for_copy(s, be64toh(be), &entry);
            if (ret < 0) return ret;
            be = htobe64(entry);
            memcpy(s->table_buf + i * 8, &be, 8);
        }
    }
    ret = qcow2_host_write(s, fresh, s->table_buf, s->cluster_size);
    if (ret < 0) return ret;
    qcow2_cache_forget(&s->l2_cache, fresh);
    uint64_t new_entry = fresh | QCOW2_OFLAG_COPIED;
    ret = qcow2_write_be64(s, s->l1_offset + i1 * 8, new_entry);
    if (ret < 0) return ret;
    s->l1[i1] = new_entry;
    *table_offset = fresh;
    return old ? qcow2_refcount_add(s, old, -1) : 0;
}

/* The cluster's current contents as the guest sees them, into
 * s->cluster_buf, before a partial write into a fresh cluster. */
static int cluster_contents(Qcow2State *s, uint64_t entry, uint64_t cluster_start)
{
    return read_in_cluster(s, entry, cluster_start, s->cluster_buf, s->cluster_size);
}

/* Write len bytes at guest offset, all inside one cluster. */
static int write_in_cluster(Qcow2State *s, uint64_t offset, const uint8_t *buf, size_t len)
{
    uint64_t table_offset;
    int ret = l2_table_for_write(s, offset, &table_offset);
    if (ret < 0) return ret;
    uint64_t i2 = l2_index(s, offset), entry;
    ret = l2_entry_get(s, offset, &entry);
    if (ret < 0) return ret;
    uint64_t cs = s->cluster_size, in_cluster = offset & (cs - 1), start = offset - in_cluster;
    ClusterKind kind = l2_entry_kind(s, entry);
    bool owned = (entry & QCOW2_OFLAG_COPIED) && kind != CLUSTER_COMPRESSED;
    uint64_t host = 0;
    if (kind == CLUSTER_NORMAL || (kind == CLUSTER_ZERO && (entry & QCOW2_OFFSET_MASK))) {
        ret = host_cluster(s, entry, &host);
        if (ret < 0) return ret;
    }
    if (owned && kind == CLUSTER_NORMAL) return qcow2_host_write(s, host + in_cluster, buf, len);

    bool whole = in_cluster == 0 && len == cs;
    if (!whole) {
        ret = cluster_contents(s, entry, start);
        if (ret < 0) return ret;
        memcpy(s->cluster_buf + in_cluster, buf, len);
    }
    const uint8_t *data = whole ? buf : s->cluster_buf;
    /* A preallocated zero cluster of our own is filled in place. */
    if (owned && kind == CLUSTER_ZERO && host) {
        ret = qcow2_host_write(s, host, data, cs);
        return ret < 0 ? ret : l2_entry_set(s, table_offset, i2, host | QCOW2_OFLAG_COPIED);
    }
    uint64_t fresh;
    ret = qcow2_alloc_cluster(s, &fresh);
    if (ret == 0) ret = qcow2_host_write(s, fresh, data, cs);
    if (ret == 0) ret = l2_entry_set(s, table_offset, i2, fresh | QCOW2_OFLAG_COPIED);
    if (ret < 0) return ret;
    /* The replaced cluster loses the reference the active table held. */
    if (kind == CLUSTER_COMPRESSED) {
        uint64_t chost, clen;
        compressed_extent(s, entry, &chost, &clen);
        return qcow2_refcount_release_range(s, chost, clen);
    }
    return host ? qcow2_refcount_add(s, host, -1) : 0;
}

int qcow2_write(Qcow2State *s, uint64_t offset, const uint8_t *buf, size_t len)
{
    while (len) {
        size_t n = chunk_in_cluster(s, offset, len);
        int ret = write_in_cluster(s, offset, buf, n);
        if (ret < 0) return ret;
        offset += n;
        buf += n;
        len -= n;
    }
    return 0;
}
