/*
 * qcow2 internal snapshots (qcow2.txt "Snapshots"): create, revert,
 * delete, look up and list.  A snapshot is a copy of the active L1 table
 * plus an entry in the snapshot table; the clusters it shares with the
 * active image get one more reference per L1 table reaching them (the
 * counting `qemu-img check` does), and lose QCOW2_OFLAG_COPIED there so the
 * writer copies them before changing them.
 *
 * Write order, as in qcow2_cluster.c, leaves a crash with leaked clusters
 * at worst: references are added before anything new points at them, the
 * header (create, delete) or the active L1 table (revert) is the single
 * write that commits, and references are dropped after it.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "block/qcow2_internal.h"

/* qcow2.txt "Header": nb_snapshots (u32) then snapshots_offset (u64). */
enum {
    HDR_NB_SNAPSHOTS = 60,
    HDR_SNAPSHOTS_OFFSET = 64,
    SN_FIXED = 40,       /* fixed part of a snapshot table entry */
    SN_EXTRA = 24,       /* what we write: vm_state_size_large, disk_size, icount */
    SN_MAX_EXTRA = 1024, /* QEMU's limit on extra data */
    SN_MAX_COUNT = 65536,
    SN_MAX_NAME = 65535,
};

typedef struct Qcow2Snapshot {
    uint64_t l1_offset;
    uint32_t l1_size;
    char *id;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_ns;
    uint32_t vm_state_size;
    uint32_t extra_size;
    uint8_t extra[SN_MAX_EXTRA];
} Qcow2Snapshot;

typedef struct SnapshotTable {
    Qcow2Snapshot *sn;
    uint32_t count;
    uint64_t offset; /* in the file */
    uint64_t bytes;  /* as stored */
} SnapshotTable;

static uint64_t round_up8(uint64_t v)
{
    return (v + 7) & ~7ull;
}

static void table_free(SnapshotTable *t)
{
    for (uint32_t i = 0; i < t->count; i++) {
        free(t->sn[i].id);
        free(t->sn[i].name);
    }
    free(t->sn);
    memset(t, 0, sizeof *t);
}

static char *read_string(Qcow2State *s, uint64_t offset, uint32_t len, int *ret)
{
    char *str = malloc((size_t)len + 1);
    if (!str) {
        *ret = -ENOMEM;
        return NULL;
    }
    *ret = qcow2_host_read(s, offset, str, len);
    str[len] = '\0';
    if (*ret < 0 || strlen(str) != len) { /* NUL inside: not a name we can match */
        if (*ret == 0) *ret = -EIO;
        free(str);
        return NULL;
    }
    return str;
}

/* The snapshot table as the header names it; -EIO when it is malformed. */
static int table_read(Qcow2State *s, SnapshotTable *t)
{
    memset(t, 0, sizeof *t);
    uint8_t hdr[12];
    int ret = qcow2_host_read(s, HDR_NB_SNAPSHOTS, hdr, sizeof hdr);
    if (ret < 0) return ret;
    uint32_t count;
    uint64_t offset;
    memcpy(&count, hdr, 4);
    memcpy(&offset, hdr + 4, 8);
    count = be32toh(count);
    offset = be64toh(offset);
    if (count > SN_MAX_COUNT || (count && (offset & (s->cluster_size - 1)))) return -EIO;
    t->offset = offset;
    if (!count) return 0;
    t->sn = calloc(count, sizeof *t->sn);
    if (!t->sn) return -ENOMEM;
    uint64_t pos = offset;
    for (uint32_t i = 0; i < count; i++) {
        Qcow2Snapshot *sn = &t->sn[i];
        uint8_t e[SN_FIXED];
        if (pos + SN_FIXED > s->file_size) goto corrupt;
        ret = qcow2_host_read(s, pos, e, sizeof e);
        if (ret < 0) goto fail;
        uint64_t v64;
        uint32_t v32;
        uint16_t id_len, name_len;
        memcpy(&v64, e, 8), sn->l1_offset = be64toh(v64);
        memcpy(&v32, e + 8, 4), sn->l1_size = be32toh(v32);
        memcpy(&id_len, e + 12, 2), id_len = be16toh(id_len);
        memcpy(&name_len, e + 14, 2), name_len = be16toh(name_len);
        memcpy(&v32, e + 16, 4), sn->date_sec = be32toh(v32);
        memcpy(&v32, e + 20, 4), sn->date_nsec = be32toh(v32);
        memcpy(&v64, e + 24, 8), sn->vm_clock_ns = be64toh(v64);
        memcpy(&v32, e + 32, 4), sn->vm_state_size = be32toh(v32);
        memcpy(&v32, e + 36, 4), sn->extra_size = be32toh(v32);
        if (sn->extra_size > SN_MAX_EXTRA || (sn->l1_offset & (s->cluster_size - 1)) ||
            (uint64_t)sn->l1_size * 8 > (32u << 20))
            goto corrupt;
        pos += SN_FIXED;
        ret = qcow2_host_read(s, pos, sn->extra, sn->extra_size);
        if (ret < 0) goto fail;
        pos += sn->extra_size;
        if (!(sn->id = read_string(s, pos, id_len, &ret))) goto fail;
        pos += id_len;
        if (!(sn->name = read_string(s, pos, name_len, &ret))) goto fail;
        pos = round_up8(pos + name_len);
        t->count = i + 1;
    }
    t->bytes = pos - offset;
    return 0;
corrupt:
    ret = -EIO;
fail:
    t->count = count; /* free what was filled in */
    table_free(t);
    return ret;
}

static int64_t table_find(const SnapshotTable *t, const char *name)
{
    for (uint32_t i = 0; i < t->count; i++)
        if (t->sn[i].name && strcmp(t->sn[i].name, name) == 0) return i;
    return -1;
}

/* n contiguous free clusters (refcounts already 1). */
static int alloc_contiguous(Qcow2State *s, uint64_t n, uint64_t *offset)
{
    uint64_t start = 0, got = 0;
    while (got < n) {
        uint64_t c;
        int ret = qcow2_alloc_cluster(s, &c);
        if (ret < 0) {
            if (got) qcow2_refcount_release_range(s, start, got * s->cluster_size);
            return ret;
        }
        if (got && c == start + got * s->cluster_size) {
            got++;
            continue;
        }
        if (got) {
            ret = qcow2_refcount_release_range(s, start, got * s->cluster_size);
            if (ret < 0) return ret;
        }
        start = c;
        got = 1;
    }
    *offset = start;
    return 0;
}

/* ---- references through one L1 table ---- */

/* Host clusters an L2 entry references: none, one, or a compressed extent. */
static int l2_entry_refcount_add(Qcow2State *s, uint64_t entry, int delta)
{
    if (entry & QCOW2_OFLAG_COMPRESSED) {
        unsigned x = 62 - (s->cluster_bits - 8);
        uint64_t host = entry & ((1ull << x) - 1);
        uint64_t sectors = ((entry >> x) & ((1ull << (62 - x)) - 1)) + 1;
        uint64_t len = sectors * 512 - (host & 511);
        uint64_t first = host >> s->cluster_bits, last = (host + len - 1) >> s->cluster_bits;
        for (uint64_t c = first; c <= last; c++) {
            int ret = qcow2_refcount_add(s, c << s->cluster_bits, delta);
            if (ret < 0) return ret;
        }
        return 0;
    }
    uint64_t host = entry & QCOW2_OFFSET_MASK;
    return host ? qcow2_refcount_add(s, host, delta) : 0;
}

/* delta on every L2 table the L1 table names and on every cluster those
 * reference, once per L1 table (qcow2.txt "Host cluster management"). */
static int l1_refcount_add(Qcow2State *s, const uint64_t *l1, uint32_t l1_size, int delta)
{
    uint64_t entries = 1ull << s->l2_bits;
    uint64_t *l2 = malloc(s->cluster_size);
    if (!l2) return -ENOMEM;
    int ret = 0;
    for (uint32_t i = 0; i < l1_size && ret == 0; i++) {
        uint64_t table = l1[i] & QCOW2_OFFSET_MASK;
        if (!table) continue;
        uint8_t *cached;
        ret = qcow2_cache_get(s, &s->l2_cache, table, &cached);
        if (ret < 0) break;
        memcpy(l2, cached, s->cluster_size); /* refcount updates may evict it */
        for (uint64_t j = 0; j < entries && ret == 0; j++)
            ret = l2_entry_refcount_add(s, be64toh(l2[j]), delta);
        if (ret == 0) ret = qcow2_refcount_add(s, table, delta);
    }
    free(l2);
    return ret;
}

static int refcount_is_one(Qcow2State *s, uint64_t host, bool *one)
{
    uint64_t rc;
    int ret = qcow2_refcount_get(s, host >> s->cluster_bits, &rc);
    *one = rc == 1;
    return ret;
}

/* QCOW2_OFLAG_COPIED in the active tables exactly where the refcount is
 * one (qcow2.txt "Cluster mapping"); the writer relies on it. */
static int active_fix_copied(Qcow2State *s)
{
    uint64_t entries = 1ull << s->l2_bits;
    for (uint32_t i = 0; i < s->l1_size; i++) {
        uint64_t table = s->l1[i] & QCOW2_OFFSET_MASK;
        if (!table) continue;
        for (uint64_t j = 0; j < entries; j++) {
            uint8_t *cached;
            int ret = qcow2_cache_get(s, &s->l2_cache, table, &cached);
            if (ret < 0) return ret;
            uint64_t be, entry;
            memcpy(&be, cached + j * 8, 8);
            entry = be64toh(be);
            uint64_t host = entry & QCOW2_OFFSET_MASK;
            if ((entry & QCOW2_OFLAG_COMPRESSED) || !host) continue;
            bool one;
            ret = refcount_is_one(s, host, &one);
            if (ret < 0) return ret;
            uint64_t want = one ? entry | QCOW2_OFLAG_COPIED : entry & ~QCOW2_OFLAG_COPIED;
            if (want == entry) continue;
            ret = qcow2_cache_get(s, &s->l2_cache, table, &cached);
            if (ret < 0) return ret;
            be = htobe64(want);
            memcpy(cached + j * 8, &be, 8);
            ret = qcow2_host_write(s, table + j * 8, &be, 8);
            if (ret < 0) return ret;
        }
        bool one;
        int ret = refcount_is_one(s, table, &one);
        if (ret < 0) return ret;
        uint64_t want = one ? s->l1[i] | QCOW2_OFLAG_COPIED : s->l1[i] & ~QCOW2_OFLAG_COPIED;
        if (want == s->l1[i]) continue;
        ret = qcow2_write_be64(s, s->l1_offset + (uint64_t)i * 8, want);
        if (ret < 0) return ret;
        s->l1[i] = want;
    }
    return 0;
}

/* ---- the snapshot table on disk ---- */

static uint64_t entry_bytes(const Qcow2Snapshot *sn)
{
    return round_up8(SN_FIXED + sn->extra_size + strlen(sn->id) + strlen(sn->name));
}

static void entry_encode(const Qcow2Snapshot *sn, uint8_t *p)
{
    uint64_t v64;
    uint32_t v32;
    uint16_t v16;
    size_t id_len = strlen(sn->id), name_len = strlen(sn->name);
    memset(p, 0, entry_bytes(sn));
    v64 = htobe64(sn->l1_offset), memcpy(p, &v64, 8);
    v32 = htobe32(sn->l1_size), memcpy(p + 8, &v32, 4);
    v16 = htobe16((uint16_t)id_len), memcpy(p + 12, &v16, 2);
    v16 = htobe16((uint16_t)name_len), memcpy(p + 14, &v16, 2);
    v32 = htobe32(sn->date_sec), memcpy(p + 16, &v32, 4);
    v32 = htobe32(sn->date_nsec), memcpy(p + 20, &v32, 4);
    v64 = htobe64(sn->vm_clock_ns), memcpy(p + 24, &v64, 8);
    v32 = htobe32(sn->vm_state_size), memcpy(p + 32, &v32, 4);
    v32 = htobe32(sn->extra_size), memcpy(p + 36, &v32, 4);
    memcpy(p + SN_FIXED, sn->extra, sn->extra_size);
    memcpy(p + SN_FIXED + sn->extra_size, sn->id, id_len);
    memcpy(p + SN_FIXED + sn->extra_size + id_len, sn->name, name_len);
}

/* Write the table (skipping entry skip, -1: none, then appending extra if
 * not NULL) into new clusters, point the header at it, then free the old
 * table's clusters. */
static int table_replace(Qcow2State *s, SnapshotTable *t, int64_t skip, const Qcow2Snapshot *extra)
{
    uint64_t bytes = 0;
    uint32_t count = 0;
    for (uint32_t i = 0; i < t->count; i++)
        if ((int64_t)i != skip) bytes += entry_bytes(&t->sn[i]), count++;
    if (extra) bytes += entry_bytes(extra), count++;
    uint64_t offset = 0;
    int ret = 0;
    if (count) {
        uint64_t clusters = (bytes + s->cluster_size - 1) >> s->cluster_bits;
        uint8_t *buf = calloc(clusters, s->cluster_size);
        if (!buf) return -ENOMEM;
        uint64_t pos = 0;
        for (uint32_t i = 0; i < t->count; i++) {
            if ((int64_t)i == skip) continue;
            entry_encode(&t->sn[i], buf + pos);
            pos += entry_bytes(&t->sn[i]);
        }
        if (extra) entry_encode(extra, buf + pos);
        ret = alloc_contiguous(s, clusters, &offset);
        if (ret == 0) ret = qcow2_host_write(s, offset, buf, clusters * s->cluster_size);
        free(buf);
        if (ret < 0) return ret;
    }
    /* The commit: nb_snapshots and snapshots_offset in one write. */
    uint8_t hdr[12];
    uint32_t count_be = htobe32(count);
    uint64_t offset_be = htobe64(offset);
    memcpy(hdr, &count_be, 4);
    memcpy(hdr + 4, &offset_be, 8);
    ret = qcow2_host_write(s, HDR_NB_SNAPSHOTS, hdr, sizeof hdr);
    if (ret < 0) return ret;
    if (t->count && t->bytes) {
        uint64_t old_clusters = (t->bytes + s->cluster_size - 1) >> s->cluster_bits;
        ret = qcow2_refcount_release_range(s, t->offset, old_clusters * s->cluster_size);
    }
    return ret;
}

static int snapshot_l1_read(Qcow2State *s, const Qcow2Snapshot *sn, uint64_t **l1)
{
    *l1 = calloc(sn->l1_size ? sn->l1_size : 1, 8);
    if (!*l1) return -ENOMEM;
    int ret = qcow2_host_read(s, sn->l1_offset, *l1, (size_t)sn->l1_size * 8);
    if (ret < 0) {
        free(*l1);
        *l1 = NULL;
        return ret;
    }
    for (uint32_t i = 0; i < sn->l1_size; i++)
        (*l1)[i] = be64toh((*l1)[i]) & ~QCOW2_OFLAG_COPIED;
    return 0;
}

/* ---- the operations ---- */

static int qcow2_snapshot_create(Qcow2State *s, SnapshotTable *t, const char *name,
                                 uint64_t vm_clock_ns)
{
    Qcow2Snapshot sn = {.l1_size = s->l1_size, .vm_clock_ns = vm_clock_ns};
    uint64_t max_id = 0;
    for (uint32_t i = 0; i < t->count; i++) {
        uint64_t id = strtoull(t->sn[i].id, NULL, 10);
        if (id > max_id) max_id = id;
    }
    char id[24];
    snprintf(id, sizeof id, "%llu", (unsigned long long)max_id + 1);
    sn.id = id;
    sn.name = (char *)name;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    sn.date_sec = (uint32_t)now.tv_sec;
    sn.date_nsec = (uint32_t)now.tv_nsec;
    /* qcow2.txt: version 3 needs vm_state_size_large and disk_size; the
     * third word is the instruction count, -1 for "not recorded". */
    sn.extra_size = SN_EXTRA;
    uint64_t words[3] = {0, htobe64(s->size), UINT64_MAX};
    memcpy(sn.extra, words, sizeof words);

    /* 1. The references the new L1 table will hold. */
    int ret = l1_refcount_add(s, s->l1, s->l1_size, +1);
    if (ret < 0) return ret;
    /* 2. Everything shared now: the writer must copy it first. */
    ret = active_fix_copied(s);
    if (ret < 0) return ret;
    /* 3. The L1 copy, then 4. the table and header that name it. */
    uint64_t l1_bytes = (uint64_t)s->l1_size * 8;
    uint64_t l1_clusters = (l1_bytes + s->cluster_size - 1) >> s->cluster_bits;
    if (l1_clusters) {
        uint64_t *copy = calloc(l1_clusters, s->cluster_size);
        if (!copy) return -ENOMEM;
        for (uint32_t i = 0; i < s->l1_size; i++)
            copy[i] = htobe64(s->l1[i] & ~QCOW2_OFLAG_COPIED);
        ret = alloc_contiguous(s, l1_clusters, &sn.l1_offset);
        if (ret == 0) ret = qcow2_host_write(s, sn.l1_offset, copy, l1_clusters * s->cluster_size);
        free(copy);
        if (ret < 0) return ret;
    }
    return table_replace(s, t, -1, &sn);
}

static int qcow2_snapshot_revert(Qcow2State *s, const Qcow2Snapshot *sn)
{
    uint64_t *l1;
    int ret = snapshot_l1_read(s, sn, &l1);
    if (ret < 0) return ret;
    ret = l1_refcount_add(s, l1, sn->l1_size, +1);
    if (ret == 0) {
        /* The commit: the active L1 table rewritten in place. */
        uint64_t *old = s->l1;
        uint64_t *fresh = calloc(s->l1_size ? s->l1_size : 1, 8);
        uint64_t *be = calloc(s->l1_size ? s->l1_size : 1, 8);
        if (!fresh || !be) {
            ret = -ENOMEM;
        } else {
            memcpy(fresh, l1, (size_t)sn->l1_size * 8);
            for (uint32_t i = 0; i < s->l1_size; i++)
                be[i] = htobe64(fresh[i]);
            ret = qcow2_host_write(s, s->l1_offset, be, (size_t)s->l1_size * 8);
        }
        if (ret == 0) {
            s->l1 = fresh;
            fresh = NULL;
            /* 5. The old active references go; then the flags. */
            ret = l1_refcount_add(s, old, s->l1_size, -1);
            free(old);
            if (ret == 0) ret = active_fix_copied(s);
        }
        free(fresh);
        free(be);
    }
    free(l1);
    /* Compressed clusters read earlier may belong to the old image. */
    s->decompressed_entry = 0;
    return ret;
}

static int qcow2_snapshot_delete(Qcow2State *s, SnapshotTable *t, int64_t index)
{
    Qcow2Snapshot *sn = &t->sn[index];
    uint64_t *l1;
    int ret = snapshot_l1_read(s, sn, &l1);
    if (ret < 0) return ret;
    ret = table_replace(s, t, index, NULL);
    if (ret == 0) ret = l1_refcount_add(s, l1, sn->l1_size, -1);
    if (ret == 0 && sn->l1_size)
        ret = qcow2_refcount_release_range(s, sn->l1_offset, (uint64_t)sn->l1_size * 8);
    if (ret == 0) ret = active_fix_copied(s);
    free(l1);
    return ret;
}

/* ---- block.h entry points ---- */

static Qcow2State *snapshot_state(BlockBackend *blk, bool write, char *err, size_t errlen)
{
    if (!blk || blk->drv != &block_qcow2_driver) {
        block_error(err, errlen, blk ? blk->filename : "?", "%s images have no internal snapshots",
                    blk ? blk->format_name : "these");
        return NULL;
    }
    if (write && blk->read_only) {
        block_error(err, errlen, blk->filename, "image is read-only");
        return NULL;
    }
    return blk->opaque;
}

static bool snapshot_fail(BlockBackend *blk, int ret, const char *what, char *err, size_t errlen)
{
    if (ret == -EIO)
        block_error(err, errlen, blk->filename, "%s: snapshot table or tables corrupt", what);
    else
        block_error(err, errlen, blk->filename, "%s: %s", what, strerror(-ret));
    return false;
}

bool blk_snapshot_capable(const BlockBackend *blk)
{
    return blk && blk->drv == &block_qcow2_driver;
}

bool blk_snapshot_create(BlockBackend *blk, const char *name, uint64_t vm_clock_ns, char *err,
                         size_t errlen)
{
    Qcow2State *s = snapshot_state(blk, true, err, errlen);
    if (!s) return false;
    if (!name || !*name || strlen(name) > SN_MAX_NAME) {
        block_error(err, errlen, blk->filename, "bad snapshot name");
        return false;
    }
    SnapshotTable t;
    int ret = table_read(s, &t);
    if (ret < 0) return snapshot_fail(blk, ret, "reading snapshots", err, errlen);
    /* An existing snapshot of that name is replaced, as savevm does. */
    int64_t old = table_find(&t, name);
    if (old >= 0) {
        ret = qcow2_snapshot_delete(s, &t, old);
        table_free(&t);
        if (ret == 0) ret = table_read(s, &t);
        if (ret < 0) return snapshot_fail(blk, ret, "replacing snapshot", err, errlen);
    }
    if (t.count >= SN_MAX_COUNT) {
        table_free(&t);
        block_error(err, errlen, blk->filename, "too many snapshots");
        return false;
    }
    ret = qcow2_snapshot_create(s, &t, name, vm_clock_ns);
    table_free(&t);
    if (ret < 0) return snapshot_fail(blk, ret, "creating snapshot", err, errlen);
    return true;
}

static bool snapshot_lookup(BlockBackend *blk, Qcow2State *s, const char *name, SnapshotTable *t,
                            int64_t *index, char *err, size_t errlen)
{
    int ret = table_read(s, t);
    if (ret < 0) return snapshot_fail(blk, ret, "reading snapshots", err, errlen);
    *index = name ? table_find(t, name) : -1;
    if (*index < 0) {
        table_free(t);
        block_error(err, errlen, blk->filename, "no snapshot named '%s'", name ? name : "");
        return false;
    }
    return true;
}

bool blk_snapshot_revert(BlockBackend *blk, const char *name, char *err, size_t errlen)
{
    Qcow2State *s = snapshot_state(blk, true, err, errlen);
    SnapshotTable t;
    int64_t i;
    if (!s || !snapshot_lookup(blk, s, name, &t, &i, err, errlen)) return false;
    const Qcow2Snapshot *sn = &t.sn[i];
    uint64_t disk_size = 0;
    if (sn->extra_size >= 16) {
        memcpy(&disk_size, sn->extra + 8, 8);
        disk_size = be64toh(disk_size);
    }
    int ret = 0;
    if ((disk_size && disk_size != s->size) || sn->l1_size > s->l1_size) {
        block_error(err, errlen, blk->filename, "snapshot '%s' has a different disk size", name);
        table_free(&t);
        return false;
    }
    ret = qcow2_snapshot_revert(s, sn);
    table_free(&t);
    if (ret < 0) return snapshot_fail(blk, ret, "reverting to snapshot", err, errlen);
    return true;
}

bool blk_snapshot_delete(BlockBackend *blk, const char *name, char *err, size_t errlen)
{
    Qcow2State *s = snapshot_state(blk, true, err, errlen);
    SnapshotTable t;
    int64_t i;
    if (!s || !snapshot_lookup(blk, s, name, &t, &i, err, errlen)) return false;
    int ret = qcow2_snapshot_delete(s, &t, i);
    table_free(&t);
    if (ret < 0) return snapshot_fail(blk, ret, "deleting snapshot", err, errlen);
    return true;
}

bool blk_snapshot_exists(BlockBackend *blk, const char *name)
{
    char err[8];
    Qcow2State *s = snapshot_state(blk, false, err, sizeof err);
    SnapshotTable t;
    if (!s || !name || table_read(s, &t) < 0) return false;
    bool found = table_find(&t, name) >= 0;
    table_free(&t);
    return found;
}

int blk_snapshot_list(BlockBackend *blk, BlockSnapshotInfo **out, char *err, size_t errlen)
{
    *out = NULL;
    Qcow2State *s = snapshot_state(blk, false, err, errlen);
    if (!s) return -1;
    SnapshotTable t;
    int ret = table_read(s, &t);
    if (ret < 0) {
        snapshot_fail(blk, ret, "reading snapshots", err, errlen);
        return -1;
    }
    BlockSnapshotInfo *v = calloc(t.count ? t.count : 1, sizeof *v);
    if (!v) {
        table_free(&t);
        block_error(err, errlen, blk->filename, "out of memory");
        return -1;
    }
    for (uint32_t i = 0; i < t.count; i++) {
        snprintf(v[i].id, sizeof v[i].id, "%s", t.sn[i].id);
        snprintf(v[i].name, sizeof v[i].name, "%s", t.sn[i].name);
        v[i].date_sec = t.sn[i].date_sec;
        v[i].vm_clock_ns = t.sn[i].vm_clock_ns;
    }
    int n = (int)t.count;
    table_free(&t);
    *out = v;
    return n;
}
