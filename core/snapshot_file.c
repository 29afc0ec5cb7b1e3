/*
 * Named snapshots in files: <dir>/<name>.dsnap (docs/snapshots.md).
 *
 *   "DOPPELVM" u32 format version  u32 header length
 *   header: u8 len + machine name, u32 ncpus, per cpu u8 len + arch,
 *           u64 RAM size, i64 date, i64 virtual ns, u64 icount,
 *           u32 section count
 *   u32 CRC-32 of the header
 *   per section: u8 len + name, u8 flags (2: zstd), u64 stored length,
 *                u64 length, stored bytes, u32 CRC-32 of the section
 *                from its name to its last byte
 * Little-endian.  A load reads and checks the whole file into an image,
 * checks the image against the machine, then applies it: any failure
 * before the apply leaves the guest as it was.  Writes go to
 * NAME.dsnap.tmp, are synced, then renamed over NAME.dsnap.  (Format 1, of
 * the first builds, compressed with zlib; its version refuses it.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h> /* crc32 */
#include <zstd.h>

#include "core/bytes.h"
#include "core/options.h"
#include "core/runstate.h"
#include "core/snapshot_internal.h"

#define SNAP_MAGIC        "DOPPELVM"
#define SNAP_FORMAT       2
#define SNAP_SUFFIX       ".dsnap"
#define SNAP_FLAG_ZSTD    2
#define SNAP_ZSTD_LEVEL   1    /* its fastest real level: savevm stops the guest */
#define SNAP_COMPRESS_MIN 4096 /* smaller sections are stored as they are */
#define SNAP_MAX_HEADER   (1u << 16)

bool snapshot_name_valid(const char *name, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (n == 0 || n >= SNAPSHOT_NAME_MAX || name[0] == '.' ||
        strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") != n) {
        snprintf(err, errlen,
                 "snapshot name '%.80s': use 1-63 of A-Z a-z 0-9 _ . - (not starting with '.')",
                 name);
        return false;
    }
    return true;
}

static const char *snapshot_dir(Machine *m)
{
    return m->opts && m->opts->snapshot_dir ? m->opts->snapshot_dir : ".";
}

static void snapshot_path(Machine *m, const char *name, const char *suffix, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s%s%s", snapshot_dir(m), name, SNAP_SUFFIX, suffix);
}

/* ---- a growing byte buffer ---- */

typedef struct ByteBuf {
    uint8_t *p;
    size_t len, cap;
    bool failed;
} ByteBuf;

static uint8_t *bb_reserve(ByteBuf *b, size_t n)
{
    if (b->failed) return NULL;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        uint8_t *p = realloc(b->p, cap);
        if (!p) {
            b->failed = true;
            return NULL;
        }
        b->p = p;
        b->cap = cap;
    }
    b->len += n;
    return b->p + b->len - n;
}

static void bb_put(ByteBuf *b, const void *p, size_t n)
{
    uint8_t *w = bb_reserve(b, n);
    if (w && n) memcpy(w, p, n);
}

static void bb_le(ByteBuf *b, uint64_t v, unsigned size)
{
    uint8_t *w = bb_reserve(b, size);
    for (unsigned i = 0; w && i < size; i++)
        w[i] = (uint8_t)(v >> (8 * i));
}

static void bb_name(ByteBuf *b, const char *s)
{
    size_t n = strlen(s);
    if (n > 255) n = 255;
    bb_le(b, n, 1);
    bb_put(b, s, n);
}

static void rd_name(ByteReader *r, char *out, size_t outlen)
{
    size_t n = (size_t)byte_reader_le(r, 1);
    const uint8_t *s = byte_reader_take(r, n);
    if (!s) n = 0;
    if (n >= outlen) n = outlen - 1;
    memcpy(out, s ? s : (const uint8_t *)"", n);
    out[n] = '\0';
}

/* ---- encoding ---- */

static void encode_header(ByteBuf *h, const VmImage *img)
{
    bb_name(h, img->machine);
    bb_le(h, (uint64_t)img->ncpus, 4);
    for (int i = 0; i < img->ncpus; i++)
        bb_name(h, img->arch[i]);
    bb_le(h, img->ram_size, 8);
    bb_le(h, (uint64_t)img->date, 8);
    bb_le(h, (uint64_t)img->vm_clock_ns, 8);
    bb_le(h, img->icount, 8);
    bb_le(h, img->nsections, 4);
}

static void encode_section(ByteBuf *out, const SnapSection *s)
{
    uint8_t *stored = NULL;
    size_t stored_len = 0;
    if (s->len >= SNAP_COMPRESS_MIN) {
        stored = malloc(ZSTD_compressBound(s->len));
        if (stored) {
            stored_len =
                ZSTD_compress(stored, ZSTD_compressBound(s->len), s->data, s->len, SNAP_ZSTD_LEVEL);
            if (ZSTD_isError(stored_len)) {
                free(stored);
                stored = NULL;
            }
        }
    }
    size_t start = out->len;
    bb_name(out, s->name);
    bb_le(out, stored ? SNAP_FLAG_ZSTD : 0, 1);
    bb_le(out, stored ? stored_len : s->len, 8);
    bb_le(out, s->len, 8);
    bb_put(out, stored ? stored : s->data, stored ? stored_len : s->len);
    free(stored);
    if (!out->failed) bb_le(out, crc32(0, out->p + start, (uInt)(out->len - start)), 4);
}

static bool encode_image(const VmImage *img, ByteBuf *out)
{
    ByteBuf h = {0};
    encode_header(&h, img);
    bb_put(out, SNAP_MAGIC, 8);
    bb_le(out, SNAP_FORMAT, 4);
    bb_le(out, h.len, 4);
    bb_put(out, h.p, h.len);
    bb_le(out, h.p ? crc32(0, h.p, (uInt)h.len) : 0, 4);
    bool ok = !h.failed;
    free(h.p);
    for (size_t i = 0; i < img->nsections; i++)
        encode_section(out, &img->sections[i]);
    return ok && !out->failed;
}

static bool write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Write path.tmp, sync it, rename it over path: a crash leaves the old
 * file or the new one, never half of one. */
static bool write_file_atomic(const char *path, const ByteBuf *b, char *err, size_t errlen)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%.4200s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %.300s: %s", tmp, strerror(errno));
        return false;
    }
    bool ok = write_all(fd, b->p, b->len) && fsync(fd) == 0;
    int saved = errno;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot write %.300s: %s", path, strerror(ok ? errno : saved));
        unlink(tmp);
        return false;
    }
    return true;
}

/* ---- decoding ---- */

/* Header fields only (snapshot_list); false with err on anything wrong. */
static bool decode_header(ByteReader *r, VmImage *img, uint32_t *nsections, char *err,
                          size_t errlen)
{
    const uint8_t *magic = byte_reader_take(r, 8);
    if (!magic || memcmp(magic, SNAP_MAGIC, 8) != 0) {
        snprintf(err, errlen, "not a doppel snapshot");
        return false;
    }
    uint32_t version = (uint32_t)byte_reader_le(r, 4);
    if (!r->bad && version != SNAP_FORMAT) {
        snprintf(err, errlen, "format version %u, this build reads version %u", version,
                 SNAP_FORMAT);
        return false;
    }
    uint32_t hlen = (uint32_t)byte_reader_le(r, 4);
    const uint8_t *hbytes = hlen <= SNAP_MAX_HEADER ? byte_reader_take(r, hlen) : NULL;
    uint32_t crc = (uint32_t)byte_reader_le(r, 4);
    if (r->bad || !hbytes) {
        snprintf(err, errlen, "truncated header");
        return false;
    }
    if (crc != (uint32_t)crc32(0, hbytes, hlen)) {
        snprintf(err, errlen, "checksum mismatch in the header");
        return false;
    }
    ByteReader h = {hbytes, hlen, 0, false};
    rd_name(&h, img->machine, sizeof img->machine);
    uint32_t ncpus = (uint32_t)byte_reader_le(&h, 4);
    if (ncpus > MACHINE_MAX_CPUS) h.bad = true;
    for (uint32_t i = 0; !h.bad && i < ncpus; i++)
        rd_name(&h, img->arch[i], sizeof img->arch[i]);
    img->ncpus = (int)ncpus;
    img->ram_size = byte_reader_le(&h, 8);
    img->date = (time_t)byte_reader_le(&h, 8);
    img->vm_clock_ns = (int64_t)byte_reader_le(&h, 8);
    img->icount = byte_reader_le(&h, 8);
    *nsections = (uint32_t)byte_reader_le(&h, 4);
    if (h.bad || h.pos != h.len) {
        snprintf(err, errlen, "malformed header");
        return false;
    }
    return true;
}

/* Exactly len bytes from a compressed section, or false. */
static bool decompress_section(const uint8_t *stored, size_t stored_len, uint8_t *data, size_t len)
{
    size_t n = ZSTD_decompress(data, len, stored, stored_len);
    return !ZSTD_isError(n) && n == len;
}

static bool decode_section(ByteReader *r, VmImage *img, char *err, size_t errlen)
{
    size_t start = r->pos;
    char name[SNAPSHOT_SECTION_MAX];
    rd_name(r, name, sizeof name);
    uint8_t flags = (uint8_t)byte_reader_le(r, 1);
    uint64_t stored_len = byte_reader_le(r, 8);
    uint64_t len = byte_reader_le(r, 8);
    const uint8_t *stored = r->bad ? NULL : byte_reader_take(r, (size_t)stored_len);
    size_t end = r->pos;
    uint32_t crc = (uint32_t)byte_reader_le(r, 4);
    if (r->bad || !stored) {
        snprintf(err, errlen, "truncated in section '%s'", name);
        return false;
    }
    if (crc != (uint32_t)crc32(0, r->p + start, (uInt)(end - start))) {
        snprintf(err, errlen, "checksum mismatch in section '%s'", name);
        return false;
    }
    if ((flags != 0 && flags != SNAP_FLAG_ZSTD) || (flags == 0 && len != stored_len)) {
        snprintf(err, errlen, "malformed section '%s'", name);
        return false;
    }
    uint8_t *data = malloc(len ? (size_t)len : 1);
    if (!data) {
        snprintf(err, errlen, "out of memory reading section '%s'", name);
        return false;
    }
    if (flags != 0 && !decompress_section(stored, (size_t)stored_len, data, (size_t)len)) {
        free(data);
        snprintf(err, errlen, "section '%s' does not decompress", name);
        return false;
    }
    if (flags == 0 && len) memcpy(data, stored, (size_t)len);
    if (!vm_image_add(img, name, data, (size_t)len)) {
        snprintf(err, errlen, "out of memory reading section '%s'", name);
        return false;
    }
    return true;
}

static bool read_file(const char *path, uint8_t **buf, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s", errno == ENOENT ? "no such snapshot" : strerror(errno));
        return false;
    }
    ByteBuf b = {0};
    for (;;) {
        uint8_t *w = bb_reserve(&b, 1 << 16);
        if (!w) break;
        size_t n = fread(w, 1, 1 << 16, f);
        b.len -= (1 << 16) - n;
        if (n < (1 << 16)) break;
    }
    bool ok = !ferror(f) && !b.failed;
    fclose(f);
    if (!ok) {
        free(b.p);
        snprintf(err, errlen, "cannot read %.300s", path);
        return false;
    }
    *buf = b.p;
    *len = b.len;
    return true;
}

static VmImage *decode_image(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
    VmImage *img = calloc(1, sizeof *img);
    ByteReader r = {buf, len, 0, false};
    uint32_t nsections = 0;
    if (!img || !decode_header(&r, img, &nsections, err, errlen)) goto fail;
    for (uint32_t i = 0; i < nsections; i++)
        if (!decode_section(&r, img, err, errlen)) goto fail;
    if (r.pos != len) {
        snprintf(err, errlen, "%zu bytes of trailing data", len - r.pos);
        goto fail;
    }
    return img;
fail:
    vm_image_free(img);
    return NULL;
}

/* ---- savevm / loadvm / delvm ---- */

/* Run the work with the machine stopped in state why, then put the run
 * state back as it was. */
static RunState stop_for(Machine *m, RunState why)
{
    RunState prev = vm_state(m);
    vm_stop(m, why);
    return prev;
}

static void resume_after(Machine *m, RunState prev)
{
    if (prev == RUN_STATE_RUNNING)
        vm_start(m);
    else
        vm_stop(m, prev);
}

static bool fail_named(const char *name, char *err, size_t errlen, const char *why)
{
    char line[512];
    snprintf(line, sizeof line, "snapshot '%s': %s", name, why);
    snprintf(err, errlen, "%s", line);
    return false;
}

bool snapshot_save(Machine *m, const char *name, char *err, size_t errlen)
{
    char why[400] = "";
    if (!snapshot_name_valid(name, err, errlen)) return false;
    if (!snapshot_media_check_save(m, why, sizeof why)) return fail_named(name, err, errlen, why);
    RunState prev = stop_for(m, RUN_STATE_SAVE_VM);
    VmImage *img = vm_image_capture(m, why, sizeof why);
    ByteBuf b = {0};
    bool ok = img != NULL;
    if (ok && !encode_image(img, &b)) {
        snprintf(why, sizeof why, "out of memory");
        ok = false;
    }
    char path[4200];
    if (ok && !snapshot_media_create(m, name, why, sizeof why)) ok = false;
    if (ok) {
        snapshot_path(m, name, "", path, sizeof path);
        if (!write_file_atomic(path, &b, why, sizeof why)) {
            snapshot_media_remove(m, name);
            ok = false;
        }
    }
    free(b.p);
    vm_image_free(img);
    resume_after(m, prev);
    return ok || fail_named(name, err, errlen, why);
}

static VmImage *load_image_file(Machine *m, const char *name, char *why, size_t whylen)
{
    char path[4200];
    snapshot_path(m, name, "", path, sizeof path);
    uint8_t *buf;
    size_t len;
    if (!read_file(path, &buf, &len, why, whylen)) return NULL;
    VmImage *img = decode_image(buf, len, why, whylen);
    free(buf);
    return img;
}

bool snapshot_load(Machine *m, const char *name, char *err, size_t errlen)
{
    char why[400] = "";
    if (!snapshot_name_valid(name, err, errlen)) return false;
    VmImage *img = load_image_file(m, name, why, sizeof why);
    bool ok = img && vm_image_check(m, img, why, sizeof why) &&
              snapshot_media_check_load(m, name, why, sizeof why);
    if (ok) {
        RunState prev = stop_for(m, RUN_STATE_RESTORE_VM);
        /* Disks first: a disk that cannot go back leaves the rest as it
         * was, and only a disk that failed midway can differ. */
        ok = snapshot_media_revert(m, name, why, sizeof why) &&
             vm_image_restore(m, img, why, sizeof why);
        resume_after(m, prev);
    }
    vm_image_free(img);
    return ok || fail_named(name, err, errlen, why);
}

bool snapshot_delete(Machine *m, const char *name, char *err, size_t errlen)
{
    if (!snapshot_name_valid(name, err, errlen)) return false;
    char path[4200];
    snapshot_path(m, name, "", path, sizeof path);
    if (unlink(path) != 0)
        return fail_named(name, err, errlen,
                          errno == ENOENT ? "no such snapshot" : strerror(errno));
    snapshot_media_remove(m, name);
    return true;
}

/* ---- info snapshots ---- */

static int info_by_date(const void *a, const void *b)
{
    const SnapshotInfo *x = a, *y = b;
    if (x->date != y->date) return x->date < y->date ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The header of one file, or false when it is not this machine's. */
static bool read_info(Machine *m, const char *dir, const char *file, SnapshotInfo *info)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    uint8_t buf[SNAP_MAX_HEADER + 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    struct stat st;
    bool have_stat = fstat(fileno(f), &st) == 0;
    fclose(f);
    VmImage img = {0};
    ByteReader r = {buf, n, 0, false};
    uint32_t nsections;
    char err[128];
    if (!have_stat || !decode_header(&r, &img, &nsections, err, sizeof err) ||
        strcmp(img.machine, m->mc->name) != 0)
        return false;
    size_t len = strlen(file) - strlen(SNAP_SUFFIX);
    snprintf(info->name, sizeof info->name, "%.*s", (int)len, file);
    info->date = img.date;
    info->vm_clock_ns = img.vm_clock_ns;
    info->icount = img.icount;
    info->file_size = (uint64_t)st.st_size;
    return true;
}

int snapshot_list(Machine *m, SnapshotInfo **out, char *err, size_t errlen)
{
    *out = NULL;
    const char *dir = snapshot_dir(m);
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "snapshot directory %s: %s", dir, strerror(errno));
        return -1;
    }
    SnapshotInfo *list = NULL;
    int n = 0, cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name), slen = strlen(SNAP_SUFFIX);
        if (len <= slen || strcmp(e->d_name + len - slen, SNAP_SUFFIX) != 0) continue;
        char name[256], why[8];
        snprintf(name, sizeof name, "%.*s", (int)(len - slen), e->d_name);
        if (!snapshot_name_valid(name, why, sizeof why)) continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            SnapshotInfo *l = realloc(list, (size_t)cap * sizeof *l);
            if (!l) break;
            list = l;
        }
        if (read_info(m, dir, e->d_name, &list[n])) n++;
    }
    closedir(d);
    if (n) qsort(list, (size_t)n, sizeof *list, info_by_date);
    *out = list;
    return n;
}
