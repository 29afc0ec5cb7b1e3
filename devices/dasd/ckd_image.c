/*
 * Hercules CKD and CCKD image files (see ckd_image.h).  Field layouts are
 * those of Hercules' cckd format: device header at 0 (heads, track size,
 * device type code, file sequence, high cylinder, little-endian), the
 * compressed-device header at 512 (in the file's byte order, big-endian
 * when its options byte says so), the level-1 table at 1024.
 */
#include "devices/dasd/ckd_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "devices/dasd/ckd_track.h"

#define DEVHDR_SIZE    512
#define CDEVHDR_POS    512
#define CDEVHDR_SIZE   512
#define L1_POS         1024
#define L2_ENTRIES     256
#define L2_ENTRY_SIZE  8
#define L2_TABLE_SIZE  (L2_ENTRIES * L2_ENTRY_SIZE)
#define L1_NONE        0xffffffffu /* shadow files: "see the base file" */
#define CKD_MAX_FILES  27
#define MIN_TRACK_SIZE 64
#define MAX_TRACK_SIZE 0xffff /* a level-2 entry holds 16-bit lengths */
#define PENDING_LIMIT  (8u << 20)
/* A free block holds its chain entry (next offset, length). */
#define FREE_BLOCK_MIN 8
/* Hercules leaves tracks shorter than this uncompressed. */
#define COMPRESS_MIN 512

/* Compressed-device header fields (offsets in it). */
enum {
    CH_VRM = 0,
    CH_OPTIONS = 3,
    CH_NUML1 = 4,
    CH_NUML2 = 8,
    CH_SIZE = 12,
    CH_USED = 16,
    CH_FREE = 20,
    CH_FREE_TOTAL = 24,
    CH_FREE_LARGEST = 28,
    CH_FREE_NUMBER = 32,
    CH_FREE_IMBED = 36,
    CH_CYLS = 40,
    CH_NULLFMT = 44,
    CH_COMPRESS = 45,
    CH_COMPRESS_PARM = 46,
};
enum { OPT_BIGENDIAN = 0x02, OPT_OPENRW = 0x40, OPT_OPENED = 0x80 };
enum { COMP_NONE = 0, COMP_ZLIB = 1, COMP_BZIP2 = 2, COMP_MASK = 3 };

typedef struct CkdFile {
    int fd;
    uint32_t first_trk, ntrks;
} CkdFile;

typedef struct Space {
    uint64_t pos;
    uint64_t len;
} Space;

typedef struct SpaceList {
    Space *v;
    size_t n, cap;
} SpaceList;

typedef struct L2Entry {
    uint32_t pos;
    uint16_t len, size;
} L2Entry;

struct CkdImage {
    CkdImageInfo info;
    char *path;
    uint8_t *scratch; /* track_size + compression slack */
    size_t scratch_size;
    /* CKD */
    CkdFile files[CKD_MAX_FILES];
    unsigned nfiles;
    /* CCKD */
    int fd;
    bool be;
    uint8_t cdevhdr[CDEVHDR_SIZE];
    uint32_t numl1;
    uint32_t *l1;
    L2Entry **l2;
    uint8_t nullfmt, compress;
    int compress_level;
    uint64_t file_end; /* end of the last used space */
    SpaceList free, pending;
    uint64_t pending_bytes;
    bool written;
};

/* ---- byte order ---- */

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t get32(const CkdImage *img, const uint8_t *p)
{
    return img->be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
                   : get_le32(p);
}

static uint16_t get16(const CkdImage *img, const uint8_t *p)
{
    return img->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[0] | p[1] << 8);
}

static void put32(const CkdImage *img, uint8_t *p, uint32_t v)
{
    if (!img->be) {
        put_le32(p, v);
        return;
    }
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put16(const CkdImage *img, uint8_t *p, uint16_t v)
{
    if (img->be) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    } else {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)(v >> 8);
    }
}

/* ---- file I/O ---- */

static bool read_at(int fd, uint64_t pos, void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)pos);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            if (n == 0) errno = EIO; /* short file */
            return false;
        }
        p += n;
        pos += (uint64_t)n;
        len -= (size_t)n;
    }
    return true;
}

static bool write_at(int fd, uint64_t pos, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)pos);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        p += n;
        pos += (uint64_t)n;
        len -= (size_t)n;
    }
    return true;
}

static bool fail(char *err, size_t errlen, const char *fmt, const char *path, const char *why)
{
    snprintf(err, errlen, fmt, path, why);
    return false;
}

/* One writer or many readers per image, among doppel processes (and
 * devices): a second writer would corrupt the tables. */
static bool lock_file(int fd, bool readonly, const char *name, char *err, size_t errlen)
{
    if (flock(fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) return true;
    snprintf(err, errlen, "%s: %s", name,
             errno == EWOULDBLOCK ? "in use by another device or doppel (locked)"
                                  : strerror(errno));
    return false;
}

/* ---- space lists (sorted by position) ---- */

static bool space_push(SpaceList *l, uint64_t pos, uint64_t len)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        Space *v = realloc(l->v, cap * sizeof *v);
        if (!v) return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (Space){pos, len};
    return true;
}

static int space_compare(const void *a, const void *b)
{
    const Space *x = a, *y = b;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Insert [pos, pos+len) into the free list, joining neighbours. */
static bool free_insert(CkdImage *img, uint64_t pos, uint64_t len)
{
    SpaceList *l = &img->free;
    size_t i = 0;
    while (i < l->n && l->v[i].pos < pos)
        i++;
    if (i > 0 && l->v[i - 1].pos + l->v[i - 1].len == pos) {
        l->v[i - 1].len += len;
        if (i < l->n && pos + len == l->v[i].pos) {
            l->v[i - 1].len += l->v[i].len;
            memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(Space));
            l->n--;
        }
        return true;
    }
    if (i < l->n && pos + len == l->v[i].pos) {
        l->v[i].pos = pos;
        l->v[i].len += len;
        return true;
    }
    if (!space_push(l, 0, 0)) return false;
    memmove(&l->v[i + 1], &l->v[i], (l->n - 1 - i) * sizeof(Space));
    l->v[i] = (Space){pos, len};
    return true;
}

/* Free space at the end of the used area shortens it instead. */
static void free_trim_end(CkdImage *img)
{
    SpaceList *l = &img->free;
    while (l->n && l->v[l->n - 1].pos + l->v[l->n - 1].len >= img->file_end) {
        img->file_end = l->v[l->n - 1].pos;
        l->n--;
    }
}

/* Room for len bytes: an exact fit or a split free block, a block with a
 * few bytes more than len (given whole when whole_ok: the track's size
 * exceeds its length), or the end of the file. */
static bool cckd_alloc(CkdImage *img, uint32_t len, bool whole_ok, uint64_t *pos, uint32_t *size)
{
    SpaceList *l = &img->free;
    for (size_t i = 0; i < l->n; i++) {
        Space *f = &l->v[i];
        bool split = f->len == len || f->len >= (uint64_t)len + FREE_BLOCK_MIN;
        bool whole = whole_ok && f->len >= len && f->len <= MAX_TRACK_SIZE;
        if (!split && !whole) continue;
        *pos = f->pos;
        if (split) {
            *size = len;
            f->pos += len;
            f->len -= len;
        } else {
            *size = (uint32_t)f->len;
            f->len = 0;
        }
        if (f->len == 0) {
            memmove(f, f + 1, (l->n - i - 1) * sizeof(Space));
            l->n--;
        }
        return true;
    }
    if (img->file_end + len > 0xffffffffull) return false; /* offsets are 32-bit */
    *pos = img->file_end;
    *size = len;
    img->file_end += len;
    return true;
}

/* ---- CKD (uncompressed) ---- */

static bool ckd_track_file(CkdImage *img, uint32_t trk, CkdFile **f, uint64_t *pos)
{
    for (unsigned i = 0; i < img->nfiles; i++) {
        CkdFile *c = &img->files[i];
        if (trk >= c->first_trk && trk - c->first_trk < c->ntrks) {
            *f = c;
            *pos = DEVHDR_SIZE + (uint64_t)(trk - c->first_trk) * img->info.track_size;
            return true;
        }
    }
    return false;
}

/* The name of file seq+1 of a split volume: Hercules counts up the
 * character before the first '.' of the file's name (or its last). */
static bool ckd_next_name(const char *path, unsigned seq, char *out, size_t outlen)
{
    if (snprintf(out, outlen, "%s", path) >= (int)outlen) return false;
    char *base = strrchr(out, '/');
    base = base ? base + 1 : out;
    char *dot = strchr(base, '.');
    char *c = dot ? dot - 1 : out + strlen(out) - 1;
    if (c < base) return false;
    *c = (char)(*c + seq);
    return true;
}

static bool ckd_open_files(CkdImage *img, int fd, const uint8_t *hdr, char *err, size_t errlen)
{
    const char *path = img->path;
    uint32_t heads = img->info.heads, tsize = img->info.track_size;
    uint32_t trk = 0;
    for (unsigned seq = 0; seq < CKD_MAX_FILES; seq++) {
        uint8_t h[DEVHDR_SIZE];
        char name[4096];
        if (seq > 0) {
            if (!ckd_next_name(path, seq, name, sizeof name))
                return fail(err, errlen, "%s: %s", path, "cannot name the next file of the volume");
            fd = open(name, img->info.readonly ? O_RDONLY : O_RDWR);
            if (fd < 0) return fail(err, errlen, "%s: %s", name, strerror(errno));
            img->files[seq].fd = fd;
            img->nfiles = seq + 1;
            if (!lock_file(fd, img->info.readonly, name, err, errlen)) return false;
            if (!read_at(fd, 0, h, sizeof h) || memcmp(h, "CKD_P370", 8) ||
                get_le32(h + 8) != heads || get_le32(h + 12) != tsize || h[16] != hdr[16])
                return fail(err, errlen, "%s: %s", name,
                            "not the next file of this volume (header differs)");
        } else {
            memcpy(h, hdr, sizeof h);
            img->files[0].fd = fd;
            img->nfiles = 1;
        }
        struct stat st;
        if (fstat(fd, &st) != 0) return fail(err, errlen, "%s: %s", path, strerror(errno));
        uint32_t high = (uint32_t)(h[18] | h[19] << 8);
        uint64_t ntrks =
            st.st_size > DEVHDR_SIZE ? (uint64_t)(st.st_size - DEVHDR_SIZE) / tsize : 0;
        if (h[17] && high) { /* not the last file: it ends at cylinder high */
            uint64_t want = (uint64_t)(high + 1) * heads;
            if (want <= trk || want - trk > ntrks)
                return fail(err, errlen, "%s: %s", path, "file shorter than its header says");
            ntrks = want - trk;
        }
        img->files[seq].first_trk = trk;
        img->files[seq].ntrks = (uint32_t)ntrks;
        trk += (uint32_t)ntrks;
        if (!h[17] || !high) break;
    }
    img->info.cyls = trk / heads;
    if (img->info.cyls == 0) return fail(err, errlen, "%s: %s", path, "image holds no cylinder");
    return true;
}

static size_t ckd_read(CkdImage *img, uint32_t trk, uint8_t *buf, char *err, size_t errlen)
{
    CkdFile *f;
    uint64_t pos;
    if (!ckd_track_file(img, trk, &f, &pos) || !read_at(f->fd, pos, buf, img->info.track_size)) {
        snprintf(err, errlen, "%s: track %u: %s", img->path, trk, strerror(errno));
        return 0;
    }
    return ckd_track_length(buf, img->info.track_size);
}

static bool ckd_write(CkdImage *img, uint32_t trk, const uint8_t *buf, size_t len, char *err,
                      size_t errlen)
{
    CkdFile *f;
    uint64_t pos;
    memcpy(img->scratch, buf, len);
    memset(img->scratch + len, 0, img->info.track_size - len);
    if (!ckd_track_file(img, trk, &f, &pos) ||
        !write_at(f->fd, pos, img->scratch, img->info.track_size)) {
        snprintf(err, errlen, "%s: writing track %u: %s", img->path, trk, strerror(errno));
        return false;
    }
    img->written = true;
    return true;
}

/* ---- CCKD ---- */

static L2Entry l2_null(const CkdImage *img)
{
    return (L2Entry){0, img->nullfmt, img->nullfmt};
}

static L2Entry l2_entry(const CkdImage *img, uint32_t trk)
{
    L2Entry *t = img->l2[trk / L2_ENTRIES];
    return t ? t[trk % L2_ENTRIES] : l2_null(img);
}

static void l2_encode(const CkdImage *img, uint8_t *p, const L2Entry *e)
{
    put32(img, p, e->pos);
    put16(img, p + 4, e->len);
    put16(img, p + 6, e->size);
}

static bool cckd_load_tables(CkdImage *img, uint64_t file_size, char *err, size_t errlen)
{
    size_t l1bytes = (size_t)img->numl1 * 4;
    uint8_t *raw = malloc(l1bytes ? l1bytes : 1);
    uint8_t *t = malloc(L2_TABLE_SIZE);
    img->l1 = calloc(img->numl1, sizeof *img->l1);
    img->l2 = calloc(img->numl1, sizeof *img->l2);
    bool ok = raw && t && img->l1 && img->l2;
    if (ok && !read_at(img->fd, L1_POS, raw, l1bytes)) {
        fail(err, errlen, "%s: level-1 table: %s", img->path, strerror(errno));
        ok = false;
    }
    for (uint32_t i = 0; ok && i < img->numl1; i++) {
        uint32_t pos = get32(img, raw + i * 4);
        img->l1[i] = pos;
        if (pos == 0 || pos == L1_NONE) continue;
        if (pos + (uint64_t)L2_TABLE_SIZE > file_size || !read_at(img->fd, pos, t, L2_TABLE_SIZE)) {
            snprintf(err, errlen,
                     "%s: level-2 table %u is outside the file (check it with cckdcdsk)", img->path,
                     i);
            ok = false;
            break;
        }
        img->l2[i] = malloc(L2_ENTRIES * sizeof(L2Entry));
        if (!img->l2[i]) {
            ok = false;
            break;
        }
        for (unsigned j = 0; j < L2_ENTRIES; j++) {
            const uint8_t *p = t + j * L2_ENTRY_SIZE;
            img->l2[i][j] = (L2Entry){get32(img, p), get16(img, p + 4), get16(img, p + 6)};
        }
    }
    if (!ok && !err[0]) snprintf(err, errlen, "%s: out of memory", img->path);
    free(raw);
    free(t);
    return ok;
}

/* Free space = the gaps between the headers, tables and track images;
 * overlapping or out-of-file spaces mean a damaged image. */
static bool cckd_rebuild_free(CkdImage *img, uint64_t file_size, char *err, size_t errlen)
{
    SpaceList used = {0};
    bool ok = space_push(&used, 0, L1_POS + (uint64_t)img->numl1 * 4);
    for (uint32_t i = 0; ok && i < img->numl1; i++) {
        if (!img->l2[i]) continue;
        ok = space_push(&used, img->l1[i], L2_TABLE_SIZE);
        for (unsigned j = 0; ok && j < L2_ENTRIES; j++) {
            L2Entry e = img->l2[i][j];
            if (e.pos == 0) continue;
            uint32_t size = e.size > e.len ? e.size : e.len;
            if (e.len < CKD_HA_SIZE || e.pos + (uint64_t)size > file_size) {
                snprintf(err, errlen, "%s: track %u lies outside the file (check it with cckdcdsk)",
                         img->path, i * L2_ENTRIES + j);
                free(used.v);
                return false;
            }
            ok = space_push(&used, e.pos, size);
        }
    }
    if (!ok) {
        free(used.v);
        snprintf(err, errlen, "%s: out of memory", img->path);
        return false;
    }
    qsort(used.v, used.n, sizeof(Space), space_compare);
    uint64_t end = 0;
    for (size_t i = 0; i < used.n; i++) {
        if (used.v[i].pos < end) {
            snprintf(err, errlen, "%s: overlapping spaces at offset %llu (check it with cckdcdsk)",
                     img->path, (unsigned long long)used.v[i].pos);
            free(used.v);
            return false;
        }
        if (used.v[i].pos - end >= FREE_BLOCK_MIN &&
            !space_push(&img->free, end, used.v[i].pos - end)) {
            free(used.v);
            return false;
        }
        end = used.v[i].pos + used.v[i].len;
    }
    img->file_end = end;
    free(used.v);
    return true;
}

static bool cckd_open(CkdImage *img, int fd, const uint8_t *hdr, char *err, size_t errlen)
{
    img->fd = fd;
    if (!read_at(fd, CDEVHDR_POS, img->cdevhdr, CDEVHDR_SIZE))
        return fail(err, errlen, "%s: %s", img->path, "compressed-device header is missing");
    const uint8_t *ch = img->cdevhdr;
    img->be = ch[CH_OPTIONS] & OPT_BIGENDIAN;
    img->numl1 = get32(img, ch + CH_NUML1);
    uint32_t numl2 = get32(img, ch + CH_NUML2);
    uint32_t cyls = get32(img, ch + CH_CYLS);
    img->nullfmt = ch[CH_NULLFMT] <= CKD_NULL_FMT2 ? ch[CH_NULLFMT] : CKD_NULL_FMT0;
    img->compress = ch[CH_COMPRESS] & COMP_MASK;
    int16_t parm = (int16_t)get16(img, ch + CH_COMPRESS_PARM);
    img->compress_level = parm >= 0 && parm <= 9 ? parm : Z_DEFAULT_COMPRESSION;
    if (img->compress == COMP_BZIP2) img->compress = COMP_ZLIB; /* what doppel can write */
    if (numl2 != L2_ENTRIES || img->numl1 == 0 || img->numl1 > (1u << 24))
        return fail(err, errlen, "%s: %s", img->path, "compressed-device header is not valid");
    if (cyls == 0) cyls = img->numl1 * L2_ENTRIES / img->info.heads;
    if ((uint64_t)cyls * img->info.heads > (uint64_t)img->numl1 * L2_ENTRIES)
        return fail(err, errlen, "%s: %s", img->path, "level-1 table is too small for the device");
    img->info.cyls = cyls;
    (void)hdr;
    struct stat st;
    if (fstat(fd, &st) != 0) return fail(err, errlen, "%s: %s", img->path, strerror(errno));
    if (!cckd_load_tables(img, (uint64_t)st.st_size, err, errlen)) return false;
    return cckd_rebuild_free(img, (uint64_t)st.st_size, err, errlen);
}

static size_t cckd_read(CkdImage *img, uint32_t trk, uint8_t *buf, char *err, size_t errlen)
{
    uint32_t tsize = img->info.track_size;
    uint16_t cyl = (uint16_t)(trk / img->info.heads), head = (uint16_t)(trk % img->info.heads);
    L2Entry e = l2_entry(img, trk);
    memset(buf, 0, tsize);
    if (e.pos == 0) {
        size_t n = ckd_track_null(buf, tsize, cyl, head, e.len <= CKD_NULL_FMT2 ? e.len : 0);
        if (!n) snprintf(err, errlen, "%s: track %u: null track does not fit", img->path, trk);
        return n;
    }
    uint8_t *z = img->scratch;
    if (e.len < CKD_HA_SIZE || e.len > img->scratch_size || !read_at(img->fd, e.pos, z, e.len)) {
        snprintf(err, errlen, "%s: track %u: %s", img->path, trk,
                 e.len < CKD_HA_SIZE || e.len > img->scratch_size ? "bad length" : strerror(errno));
        return 0;
    }
    memcpy(buf + 1, z + 1, CKD_HA_SIZE - 1);
    size_t body;
    switch (z[0] & COMP_MASK) {
    case COMP_NONE:
        if (e.len > tsize) {
            snprintf(err, errlen, "%s: track %u: longer than a track", img->path, trk);
            return 0;
        }
        body = e.len - CKD_HA_SIZE;
        memcpy(buf + CKD_HA_SIZE, z + CKD_HA_SIZE, body);
        break;
    case COMP_ZLIB: {
        uLongf out = tsize - CKD_HA_SIZE;
        if (uncompress(buf + CKD_HA_SIZE, &out, z + CKD_HA_SIZE, e.len - CKD_HA_SIZE) != Z_OK) {
            snprintf(err, errlen, "%s: track %u: zlib data are damaged", img->path, trk);
            return 0;
        }
        body = out;
        break;
    }
    default:
        snprintf(err, errlen, "%s: track %u: bzip2 compression is not supported", img->path, trk);
        return 0;
    }
    size_t n = ckd_track_length(buf, CKD_HA_SIZE + body);
    if (!n) snprintf(err, errlen, "%s: track %u: damaged track image", img->path, trk);
    return n;
}

/* Mark the file opened (Hercules checks such a file before use) and
 * forget its free-space chain, which the first reuse of free space makes
 * stale; ckd_image_close writes both back. */
static bool cckd_mark_opened(CkdImage *img)
{
    uint8_t *ch = img->cdevhdr;
    ch[CH_OPTIONS] |= OPT_OPENED | OPT_OPENRW;
    put32(img, ch + CH_FREE, 0);
    put32(img, ch + CH_FREE_TOTAL, 0);
    put32(img, ch + CH_FREE_LARGEST, 0);
    put32(img, ch + CH_FREE_NUMBER, 0);
    if (!write_at(img->fd, CDEVHDR_POS, ch, CDEVHDR_SIZE) || fdatasync(img->fd) != 0) return false;
    img->written = true;
    return true;
}

/* A level-2 table for l1x: in memory, then in the file, then linked from
 * the level-1 table (in that order, so a crash leaves it unreferenced). */
static bool cckd_new_l2(CkdImage *img, uint32_t l1x)
{
    L2Entry *t = malloc(L2_ENTRIES * sizeof *t);
    uint8_t raw[L2_TABLE_SIZE];
    uint64_t pos;
    uint32_t size;
    if (!t) return false;
    for (unsigned j = 0; j < L2_ENTRIES; j++) {
        t[j] = l2_null(img);
        l2_encode(img, raw + j * L2_ENTRY_SIZE, &t[j]);
    }
    if (!cckd_alloc(img, L2_TABLE_SIZE, false, &pos, &size)) {
        free(t);
        errno = EFBIG;
        return false;
    }
    uint8_t ent[4];
    put32(img, ent, (uint32_t)pos);
    if (!write_at(img->fd, pos, raw, sizeof raw) ||
        !write_at(img->fd, L1_POS + (uint64_t)l1x * 4, ent, 4)) {
        free(t);
        return false;
    }
    img->l1[l1x] = (uint32_t)pos;
    img->l2[l1x] = t;
    return true;
}

static bool cckd_write(CkdImage *img, uint32_t trk, const uint8_t *buf, size_t len, char *err,
                       size_t errlen)
{
    uint8_t *z = img->scratch;
    size_t zlen = len;
    memcpy(z, buf, CKD_HA_SIZE);
    z[0] = COMP_NONE;
    if (img->compress == COMP_ZLIB && len >= COMPRESS_MIN) {
        uLongf out = img->scratch_size - CKD_HA_SIZE;
        if (compress2(z + CKD_HA_SIZE, &out, buf + CKD_HA_SIZE, len - CKD_HA_SIZE,
                      img->compress_level) == Z_OK &&
            out < len - CKD_HA_SIZE) {
            z[0] = COMP_ZLIB;
            zlen = CKD_HA_SIZE + out;
        }
    }
    if (z[0] == COMP_NONE) memcpy(z + CKD_HA_SIZE, buf + CKD_HA_SIZE, len - CKD_HA_SIZE);

    uint32_t l1x = trk / L2_ENTRIES, l2x = trk % L2_ENTRIES;
    if (!img->written && !cckd_mark_opened(img)) goto io_error;
    if (!img->l2[l1x] && !cckd_new_l2(img, l1x)) goto io_error;
    uint64_t pos;
    uint32_t size;
    if (!cckd_alloc(img, (uint32_t)zlen, true, &pos, &size)) {
        snprintf(err, errlen, "%s: image is full (4 GiB)", img->path);
        return false;
    }
    L2Entry old = img->l2[l1x][l2x];
    L2Entry e = {(uint32_t)pos, (uint16_t)zlen, (uint16_t)size};
    uint8_t ent[L2_ENTRY_SIZE];
    l2_encode(img, ent, &e);
    if (!write_at(img->fd, pos, z, zlen) ||
        !write_at(img->fd, img->l1[l1x] + (uint64_t)l2x * L2_ENTRY_SIZE, ent, sizeof ent)) {
        free_insert(img, pos, size); /* the entry still names the old image */
        goto io_error;
    }
    img->l2[l1x][l2x] = e;
    if (old.pos) {
        uint32_t osize = old.size > old.len ? old.size : old.len;
        if (space_push(&img->pending, old.pos, osize)) img->pending_bytes += osize;
    }
    if (img->pending_bytes > PENDING_LIMIT) return ckd_image_sync(img, err, errlen);
    return true;
io_error:
    snprintf(err, errlen, "%s: writing track %u: %s", img->path, trk, strerror(errno));
    return false;
}

static bool cckd_finish(CkdImage *img, char *err, size_t errlen)
{
    free_trim_end(img);
    SpaceList *l = &img->free;
    uint64_t total = 0, largest = 0, imbed = 0;
    for (size_t i = 0; i < l->n; i++) {
        uint8_t blk[8];
        put32(img, blk, i + 1 < l->n ? (uint32_t)l->v[i + 1].pos : 0);
        put32(img, blk + 4, (uint32_t)l->v[i].len);
        if (!write_at(img->fd, l->v[i].pos, blk, sizeof blk)) goto io_error;
        total += l->v[i].len;
        if (l->v[i].len > largest) largest = l->v[i].len;
    }
    for (uint32_t i = 0; i < img->numl1; i++)
        for (unsigned j = 0; img->l2[i] && j < L2_ENTRIES; j++)
            if (img->l2[i][j].pos && img->l2[i][j].size > img->l2[i][j].len)
                imbed += img->l2[i][j].size - img->l2[i][j].len;
    if (ftruncate(img->fd, (off_t)img->file_end) != 0) goto io_error;
    uint8_t *ch = img->cdevhdr;
    put32(img, ch + CH_SIZE, (uint32_t)img->file_end);
    put32(img, ch + CH_USED, (uint32_t)(img->file_end - total));
    put32(img, ch + CH_FREE, l->n ? (uint32_t)l->v[0].pos : 0);
    put32(img, ch + CH_FREE_TOTAL, (uint32_t)total);
    put32(img, ch + CH_FREE_LARGEST, (uint32_t)largest);
    put32(img, ch + CH_FREE_NUMBER, (uint32_t)l->n);
    put32(img, ch + CH_FREE_IMBED, (uint32_t)imbed);
    ch[CH_OPTIONS] &= (uint8_t)~OPT_OPENED;
    if (!write_at(img->fd, CDEVHDR_POS, ch, CDEVHDR_SIZE) || fdatasync(img->fd) != 0) goto io_error;
    return true;
io_error:
    snprintf(err, errlen, "%s: finishing the image: %s", img->path, strerror(errno));
    return false;
}

/* ---- public ---- */

CkdImage *ckd_image_open(const char *path, bool readonly, char *err, size_t errlen)
{
    if (errlen) err[0] = 0;
    int fd = open(path, readonly ? O_RDONLY : O_RDWR);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    uint8_t hdr[DEVHDR_SIZE];
    if (!read_at(fd, 0, hdr, sizeof hdr)) {
        snprintf(err, errlen, "%s: not a CKD image (too short)", path);
        close(fd);
        return NULL;
    }
    bool compressed = !memcmp(hdr, "CKD_C370", 8);
    if (!compressed && memcmp(hdr, "CKD_P370", 8)) {
        snprintf(err, errlen, "%s: not a CKD image (header is not CKD_P370 or CKD_C370)", path);
        close(fd);
        return NULL;
    }
    CkdImage *img = calloc(1, sizeof *img);
    if (!img || !lock_file(fd, readonly, path, err, errlen)) {
        if (!img) snprintf(err, errlen, "%s: out of memory", path);
        free(img);
        close(fd);
        return NULL;
    }
    img->fd = -1;
    img->path = strdup(path);
    img->info.compressed = compressed;
    img->info.readonly = readonly;
    img->info.heads = get_le32(hdr + 8);
    img->info.track_size = get_le32(hdr + 12);
    img->info.devtype_code = hdr[16];
    bool ok;
    if (img->info.heads == 0 || img->info.heads > 0xffff || img->info.track_size < MIN_TRACK_SIZE ||
        img->info.track_size > MAX_TRACK_SIZE) {
        snprintf(err, errlen, "%s: device header has impossible geometry", path);
        close(fd);
        ok = false;
    } else {
        ok = compressed ? cckd_open(img, fd, hdr, err, errlen)
                        : ckd_open_files(img, fd, hdr, err, errlen);
        if (!ok && compressed && img->fd < 0) close(fd);
    }
    if (ok) {
        img->scratch_size = img->info.track_size + img->info.track_size / 100 + 64;
        img->scratch = malloc(img->scratch_size);
        if (!img->scratch) {
            snprintf(err, errlen, "%s: out of memory", path);
            ok = false;
        }
    }
    if (!ok) {
        char ignore[8];
        img->written = false;
        ckd_image_close(img, ignore, sizeof ignore);
        return NULL;
    }
    return img;
}

const CkdImageInfo *ckd_image_info(const CkdImage *img)
{
    return &img->info;
}

size_t ckd_image_read_track(CkdImage *img, uint32_t trk, uint8_t *buf, char *err, size_t errlen)
{
    if (trk >= img->info.cyls * img->info.heads) {
        snprintf(err, errlen, "%s: track %u is beyond the volume", img->path, trk);
        return 0;
    }
    return img->info.compressed ? cckd_read(img, trk, buf, err, errlen)
                                : ckd_read(img, trk, buf, err, errlen);
}

bool ckd_image_write_track(CkdImage *img, uint32_t trk, const uint8_t *buf, size_t len, char *err,
                           size_t errlen)
{
    if (img->info.readonly) {
        snprintf(err, errlen, "%s: image is read-only", img->path);
        return false;
    }
    if (trk >= img->info.cyls * img->info.heads || len > img->info.track_size ||
        ckd_track_length(buf, len) != len) {
        snprintf(err, errlen, "%s: track %u: not a well-formed track image", img->path, trk);
        return false;
    }
    return img->info.compressed ? cckd_write(img, trk, buf, len, err, errlen)
                                : ckd_write(img, trk, buf, len, err, errlen);
}

bool ckd_image_sync(CkdImage *img, char *err, size_t errlen)
{
    if (!img->written) return true;
    bool ok = true;
    for (unsigned i = 0; i < img->nfiles; i++)
        if (fdatasync(img->files[i].fd) != 0) ok = false;
    if (img->fd >= 0 && fdatasync(img->fd) != 0) ok = false;
    if (!ok) {
        snprintf(err, errlen, "%s: fdatasync: %s", img->path, strerror(errno));
        return false;
    }
    /* Now that the tables naming the new images are durable, the spaces
     * the old images held may be reused. */
    for (size_t i = 0; i < img->pending.n; i++)
        if (!free_insert(img, img->pending.v[i].pos, img->pending.v[i].len)) break;
    img->pending.n = 0;
    img->pending_bytes = 0;
    return true;
}

bool ckd_image_close(CkdImage *img, char *err, size_t errlen)
{
    if (!img) return true;
    bool ok = true;
    if (img->written) {
        ok = ckd_image_sync(img, err, errlen);
        if (ok && img->info.compressed) ok = cckd_finish(img, err, errlen);
    }
    for (unsigned i = 0; i < img->nfiles; i++)
        close(img->files[i].fd);
    if (img->fd >= 0) close(img->fd);
    for (uint32_t i = 0; img->l2 && i < img->numl1; i++)
        free(img->l2[i]);
    free(img->l2);
    free(img->l1);
    free(img->free.v);
    free(img->pending.v);
    free(img->scratch);
    free(img->path);
    free(img);
    return ok;
}

bool ckd_image_create(const char *path, uint8_t devtype_code, uint32_t cyls, uint32_t heads,
                      uint32_t track_size, bool compressed, char *err, size_t errlen)
{
    if (!cyls || !heads || heads > 0xffff || cyls > 0xffff || track_size < MIN_TRACK_SIZE ||
        track_size > MAX_TRACK_SIZE) {
        snprintf(err, errlen, "%s: impossible geometry", path);
        return false;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    uint8_t hdr[DEVHDR_SIZE] = {0};
    memcpy(hdr, compressed ? "CKD_C370" : "CKD_P370", 8);
    put_le32(hdr + 8, heads);
    put_le32(hdr + 12, track_size);
    hdr[16] = devtype_code;
    bool ok = write_at(fd, 0, hdr, sizeof hdr);
    if (compressed) {
        uint32_t trks = cyls * heads, numl1 = (trks + L2_ENTRIES - 1) / L2_ENTRIES;
        uint32_t size = L1_POS + numl1 * 4;
        uint8_t ch[CDEVHDR_SIZE] = {0};
        ch[CH_VRM] = 0;
        ch[CH_VRM + 1] = 3;
        ch[CH_VRM + 2] = 1;
        put_le32(ch + CH_NUML1, numl1);
        put_le32(ch + CH_NUML2, L2_ENTRIES);
        put_le32(ch + CH_SIZE, size);
        put_le32(ch + CH_USED, size);
        put_le32(ch + CH_CYLS, cyls);
        ch[CH_NULLFMT] = CKD_NULL_FMT1;
        ch[CH_COMPRESS] = COMP_ZLIB;
        ch[CH_COMPRESS_PARM] = 0xff; /* -1: zlib's default level */
        ch[CH_COMPRESS_PARM + 1] = 0xff;
        ok = ok && write_at(fd, CDEVHDR_POS, ch, sizeof ch) && ftruncate(fd, size) == 0;
    } else {
        uint8_t *t = calloc(1, track_size);
        ok = ok && t;
        for (uint32_t c = 0; ok && c < cyls; c++)
            for (uint32_t h = 0; ok && h < heads; h++) {
                memset(t, 0, track_size);
                ok = ckd_track_null(t, track_size, (uint16_t)c, (uint16_t)h, CKD_NULL_FMT1) &&
                     write_at(fd, DEVHDR_SIZE + ((uint64_t)c * heads + h) * track_size, t,
                              track_size);
            }
        free(t);
    }
    if (ok && fdatasync(fd) != 0) ok = false;
    if (!ok) snprintf(err, errlen, "%s: %s", path, errno ? strerror(errno) : "out of memory");
    close(fd);
    if (!ok) unlink(path);
    return ok;
}
