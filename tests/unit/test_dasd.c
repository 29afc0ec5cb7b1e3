/*
 * dasd: Hercules CKD/CCKD images (ckd_image.c) against volumes made by
 * Hercules' own dasdinit and checked by cckdcdsk, cckd2ckd and dasdls
 * (skipped with a reason where Debian's hercules is not installed); the
 * CKD, FBA and 3420 units driven by S/370 channel programs; AWS tapes;
 * Hercules configuration files; and a guest program doing DASD I/O.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/device.h"
#include "core/event_loop.h"
#include "core/hercules_cnf.h"
#include "core/machine.h"
#include "devices/channel/channel.h"
#include "devices/dasd/ckd_image.h"
#include "devices/dasd/ckd_track.h"
#include "devices/tape/aws_tape.h"
#include "devices/unitrec/ebcdic.h"
#include "softmmu/memory.h"
#include "test_util.h"

#define RAM_SIZE 0x40000u
#define PSA      0u
#define TRK3390  56832u

#include "channel_world.h"

static char dir[64];

static void setup(void)
{
    channel_world_init(false);
    strcpy(dir, "/tmp/doppel-dasd-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    channel_world_fini();
    char cmd[96];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(dasd, .init = setup, .fini = teardown, .timeout = 120);

/* ---- helpers ---- */

static char *path(const char *name)
{
    static char buf[8][160];
    static int k;
    char *p = buf[k++ & 7];
    snprintf(p, 160, "%s/%s", dir, name);
    return p;
}

static bool have_tool(const char *tool)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

#define NEED_TOOL(t)                                                                               \
    do {                                                                                           \
        if (!have_tool(t)) {                                                                       \
            fprintf(stderr, "dasd: skipped: %s (Debian package hercules) is not installed\n", t);  \
            cr_skip_test("%s (Debian package hercules) is not installed", t);                      \
        }                                                                                          \
    } while (0)

/* Run a shell command in the test directory; its exit status. */
static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1024], inner[900];
    snprintf(inner, sizeof inner, fmt, a, b);
    snprintf(cmd, sizeof cmd, "cd %s && %s", dir, inner);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *file, size_t *len)
{
    static char buf[1 << 16];
    FILE *f = fopen(file, "rb");
    cr_assert_not_null(f, "cannot open %s", file);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    if (len) *len = n;
    return buf;
}

static void ebcdic_str(uint8_t *out, const char *text, size_t len)
{
    memset(out, ' ', len);
    memcpy(out, text, strlen(text) < len ? strlen(text) : len);
    ascii_to_ebcdic_buf(out, len);
}

/* A track: home address, R0 (8 zero bytes), then records 1..n with
 * key length kl and data length dl[i], filled from seed. */
static size_t make_track(uint8_t *t, size_t cap, uint16_t cyl, uint16_t head, int n, uint8_t kl,
                         const uint16_t *dl, uint8_t seed)
{
    size_t off = ckd_track_null(t, cap, cyl, head, CKD_NULL_FMT1) - CKD_EOT_SIZE;
    for (int r = 1; r <= n; r++) {
        CkdCount c = {cyl, head, (uint8_t)r, kl, dl[r - 1]};
        ckd_count_put(t + off, &c);
        for (size_t i = 0; i < (size_t)kl + dl[r - 1]; i++)
            t[off + CKD_COUNT_SIZE + i] = (uint8_t)(seed + r * 7 + (i % 13 == 0 ? i / 13 : 'A'));
        off += ckd_record_size(&c);
    }
    cr_assert(ckd_track_put_eot(t, cap, off));
    return off + CKD_EOT_SIZE;
}

/* Find record r of a track: its count offset, or 0. */
static size_t find_record(const uint8_t *t, size_t len, uint8_t r, CkdCount *c)
{
    size_t off = CKD_HA_SIZE;
    while (ckd_track_record(t, len, off, c) == CKD_REC_OK) {
        if (c->rec == r) return off;
        off += ckd_record_size(c);
    }
    return 0;
}

static CkdImage *open_image(const char *file, bool ro)
{
    char err[256] = "";
    CkdImage *img = ckd_image_open(file, ro, err, sizeof err);
    cr_assert_not_null(img, "open %s: %s", file, err);
    return img;
}

static size_t read_track(CkdImage *img, uint32_t trk, uint8_t *buf)
{
    char err[256] = "";
    size_t n = ckd_image_read_track(img, trk, buf, err, sizeof err);
    cr_assert_neq(n, 0, "read track %u: %s", trk, err);
    return n;
}

static void write_track(CkdImage *img, uint32_t trk, const uint8_t *buf, size_t len)
{
    char err[256] = "";
    cr_assert(ckd_image_write_track(img, trk, buf, len, err, sizeof err), "write track %u: %s", trk,
              err);
}

static void close_image(CkdImage *img)
{
    char err[256] = "";
    cr_assert(ckd_image_close(img, err, sizeof err), "close: %s", err);
}

/* A 3390 CCKD volume of cyls cylinders with VOL1 in record 3 of 0/0. */
static const char *new_3390(const char *name, uint32_t cyls)
{
    char err[256] = "";
    const char *p = path(name);
    cr_assert(ckd_image_create(p, 0x90, cyls, 15, TRK3390, true, err, sizeof err), "%s", err);
    CkdImage *img = open_image(p, false);
    static uint8_t t[TRK3390];
    uint16_t dl[3] = {24, 144, 80};
    size_t len = make_track(t, sizeof t, 0, 0, 3, 4, dl, 1);
    CkdCount c;
    size_t off = find_record(t, len, 3, &c);
    ebcdic_str(t + off + CKD_COUNT_SIZE, "VOL1", 4);
    ebcdic_str(t + off + CKD_COUNT_SIZE + 4, "VOL1DOPPEL", 80);
    write_track(img, 0, t, len);
    close_image(img);
    return p;
}

/* ---- storage and channel programs ---- */

static uint8_t *mem(uint32_t addr)
{
    return ram.host + addr;
}

static void put(uint32_t at, const void *data, size_t len)
{
    memcpy(mem(at), data, len);
}

static void ccw(uint32_t at, uint8_t cmd, uint32_t data, uint8_t flags, uint16_t count)
{
    uint8_t *p = mem(at);
    p[0] = cmd;
    p[1] = (uint8_t)(data >> 16);
    p[2] = (uint8_t)(data >> 8);
    p[3] = (uint8_t)data;
    p[4] = flags;
    p[5] = 0;
    p[6] = (uint8_t)(count >> 8);
    p[7] = (uint8_t)count;
}

enum { CD = 0x80, CC = 0x40, SLI = 0x20 };
enum { CE_DE = 0x0c, SM = 0x40, UC = 0x02, UX = 0x01, IL = 0x40 };

#define CSW_ADDR(c)  ((uint32_t)((c) >> 32) & 0xffffff)
#define CSW_UNIT(c)  ((uint8_t)((c) >> 24))
#define CSW_CHAN(c)  ((uint8_t)((c) >> 16))
#define CSW_COUNT(c) ((uint16_t)(c))

/* SIO the program at prog; the CSW that ends it. */
static uint64_t run(uint16_t devaddr, uint32_t prog)
{
    uint8_t *caw = mem(PSA + 72);
    caw[0] = 0;
    caw[1] = (uint8_t)(prog >> 16);
    caw[2] = (uint8_t)(prog >> 8);
    caw[3] = (uint8_t)prog;
    int cc = io->start_io(css, devaddr, false, PSA);
    cr_assert(cc == 0 || cc == 1, "SIO %03x: cc %d", devaddr, cc);
    if (cc == 0) {
        uint16_t got = 0;
        cr_assert(io->s370_interrupt(css, 0xffffffffu, PSA, &got), "no interruption");
        cr_assert_eq(got, devaddr);
    }
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | mem(PSA + 64)[i];
    return v;
}

/* SENSE into 0x3f00; the sense bytes. */
static uint8_t *sense(uint16_t devaddr)
{
    memset(mem(0x3f00), 0xee, 32);
    ccw(0x3e00, 0x04, 0x3f00, SLI, 32);
    uint64_t c = run(devaddr, 0x3e00);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    return mem(0x3f00);
}

static Device *unit(const char *type, const char *devno, const char *file, const char *extra)
{
    Device *d = device_create(&M, type);
    cr_assert_not_null(d, "no device %s", type);
    char err[256];
    cr_assert(device_set_prop(d, "devno", devno, err, sizeof err), "%s", err);
    if (file) cr_assert(device_set_prop(d, "file", file, err, sizeof err), "%s", err);
    if (extra) cr_assert(device_set_prop(d, "readonly", extra, err, sizeof err), "%s", err);
    cr_assert(device_realize(d), "%s did not realize", type);
    return d;
}

static void seek_arg(uint32_t at, uint16_t cyl, uint16_t head)
{
    uint8_t a[6] = {0, 0, (uint8_t)(cyl >> 8), (uint8_t)cyl, (uint8_t)(head >> 8), (uint8_t)head};
    put(at, a, 6);
}

static void id_arg(uint32_t at, uint16_t cyl, uint16_t head, uint8_t r)
{
    uint8_t a[5] = {(uint8_t)(cyl >> 8), (uint8_t)cyl, (uint8_t)(head >> 8), (uint8_t)head, r};
    put(at, a, 5);
}

static void count_arg(uint32_t at, uint16_t cyl, uint16_t head, uint8_t r, uint8_t kl, uint16_t dl)
{
    CkdCount c = {cyl, head, r, kl, dl};
    ckd_count_put(mem(at), &c);
}

/* ================================================================ */
/* Images                                                           */
/* ================================================================ */

Test(dasd, image_reads_volumes_made_by_dasdinit)
{
    NEED_TOOL("dasdinit");
    static const struct {
        const char *file, *type, *z;
        uint8_t code;
        uint32_t heads, tsize;
    } vols[] = {
        {"v3390.cckd", "3390-1", "-z", 0x90, 15, 56832},
        {"v3390.ckd", "3390-1", "", 0x90, 15, 56832},
        {"v3380.cckd", "3380", "-z", 0x80, 15, 47616},
        {"v3350.ckd", "3350", "", 0x50, 30, 19456},
        {"v3330.cckd", "3330", "-z", 0x30, 19, 13312},
    };
    static uint8_t t[65536];
    for (size_t v = 0; v < sizeof vols / sizeof vols[0]; v++) {
        char args[128];
        snprintf(args, sizeof args, "%s %s %s", vols[v].z, vols[v].file, vols[v].type);
        cr_assert_eq(sh("dasdinit %s VOLX%s 20 >/dev/null 2>&1", args, "1"), 0, "dasdinit %s",
                     args);
        CkdImage *img = open_image(path(vols[v].file), true);
        const CkdImageInfo *g = ckd_image_info(img);
        cr_assert_eq(g->devtype_code, vols[v].code, "%s", vols[v].file);
        cr_assert_eq(g->heads, vols[v].heads);
        cr_assert_eq(g->track_size, vols[v].tsize);
        cr_assert_eq(g->cyls, 20);
        cr_assert_eq(g->compressed, vols[v].z[0] != 0);
        /* Track 0: the IPL records and the volume label. */
        size_t len = read_track(img, 0, t);
        CkdCount c;
        size_t off = find_record(t, len, 3, &c);
        cr_assert_neq(off, 0, "%s: no record 3 on track 0", vols[v].file);
        cr_assert_eq(c.kl, 4);
        cr_assert_eq(c.dl, 80);
        uint8_t want[10];
        ebcdic_str(want, "VOL1VOLX1", 10);
        cr_assert_arr_eq(t + off + CKD_COUNT_SIZE + 4, want, 9, "%s: VOL1 label", vols[v].file);
        cr_assert_neq(find_record(t, len, 1, &c), 0);
        cr_assert_eq(c.kl, 4);
        /* An empty track: home address with its own address, R0. */
        uint32_t trk = 2 * vols[v].heads + 1;
        len = read_track(img, trk, t);
        cr_assert_eq(t[1] << 8 | t[2], 2);
        cr_assert_eq(t[3] << 8 | t[4], 1);
        cr_assert_neq(find_record(t, len, 0, &c), 0);
        cr_assert_eq(c.dl, 8);
        ckd_image_close(img, NULL, 0);
    }
}

Test(dasd, cckd_rewrites_keep_data_and_hercules_accepts_them)
{
    NEED_TOOL("dasdinit");
    NEED_TOOL("cckdcdsk");
    NEED_TOOL("cckd2ckd");
    cr_assert_eq(sh("dasdinit -z r.cckd 3390-1 VOLR%s 30 >/dev/null 2>&1", "01", ""), 0);
    static uint8_t a[TRK3390], b[TRK3390], back[TRK3390];
    uint16_t big[6] = {8000, 8000, 8000, 8000, 4000, 100};
    uint16_t small[2] = {200, 300};
    uint16_t other[3] = {20000, 20000, 10000};
    CkdImage *img = open_image(path("r.cckd"), false);
    /* Track 20 grows, shrinks and grows again; the old spaces are freed
     * only after a sync, and reused after it. */
    size_t alen = make_track(a, sizeof a, 1, 5, 6, 8, big, 3);
    write_track(img, 20, a, alen);
    size_t blen = make_track(b, sizeof b, 1, 5, 2, 0, small, 9);
    write_track(img, 20, b, blen);
    char err[256];
    cr_assert(ckd_image_sync(img, err, sizeof err), "%s", err);
    alen = make_track(a, sizeof a, 1, 5, 3, 0, other, 5);
    write_track(img, 20, a, alen);
    /* Track 400 has no level-2 table yet (level-1 entry 1). */
    size_t clen = make_track(b, sizeof b, 26, 10, 6, 8, big, 7);
    write_track(img, 26 * 15 + 10, b, clen);
    cr_assert_eq(read_track(img, 20, back), alen);
    cr_assert_arr_eq(back, a, alen);
    close_image(img);

    /* doppel reads it back... */
    img = open_image(path("r.cckd"), true);
    cr_assert_eq(read_track(img, 20, back), alen);
    cr_assert_arr_eq(back, a, alen);
    cr_assert_eq(read_track(img, 26 * 15 + 10, back), clen);
    cr_assert_arr_eq(back, b, clen);
    ckd_image_close(img, NULL, 0);
    /* ... and the header is clean: no "opened" bit, statistics match. */
    size_t flen;
    const uint8_t *f = (const uint8_t *)slurp(path("r.cckd"), &flen);
    cr_assert_eq(f[512 + 3] & 0x80, 0, "OPENED bit left set");
    uint32_t size =
        f[512 + 12] | f[512 + 13] << 8 | f[512 + 14] << 16 | (uint32_t)f[512 + 15] << 24;
    struct stat st;
    cr_assert_eq(stat(path("r.cckd"), &st), 0);
    cr_assert_eq(size, (uint32_t)st.st_size);
    uint32_t used = f[528] | f[529] << 8 | f[530] << 16 | (uint32_t)f[531] << 24;
    uint32_t free_total = f[536] | f[537] << 8 | f[538] << 16 | (uint32_t)f[539] << 24;
    uint32_t free_number = f[544] | f[545] << 8 | f[546] << 16 | (uint32_t)f[547] << 24;
    cr_assert_eq(used + free_total, size);
    cr_assert_gt(free_number, 0, "the rewrites leave free space for the chain");

    /* Hercules' checker finds nothing to repair (level 2: tables, free
     * space, track headers). */
    cr_assert_eq(sh("cckdcdsk -2 -ro r.cckd > chk.txt 2>&1", "", ""), 0);
    const char *chk = slurp(path("chk.txt"), NULL);
    cr_assert_str_empty(chk, "cckdcdsk reports:\n%s", chk);
    /* Hercules expands it to a CKD image holding the same tracks. */
    cr_assert_eq(sh("cckd2ckd -q r.cckd r.ckd >/dev/null 2>&1", "", ""), 0);
    img = open_image(path("r.ckd"), true);
    cr_assert_eq(read_track(img, 20, back), alen);
    cr_assert_arr_eq(back, a, alen);
    cr_assert_eq(read_track(img, 26 * 15 + 10, back), clen);
    cr_assert_arr_eq(back, b, clen);
    ckd_image_close(img, NULL, 0);
}

Test(dasd, ckd_writes_are_read_by_hercules)
{
    NEED_TOOL("dasdinit");
    NEED_TOOL("ckd2cckd");
    cr_assert_eq(sh("dasdinit w.ckd 3350 VOLW%s 10 >/dev/null 2>&1", "01", ""), 0);
    static uint8_t t[19456], back[19456];
    uint16_t dl[4] = {4000, 4000, 4000, 50};
    size_t len = make_track(t, sizeof t, 3, 29, 4, 12, dl, 4);
    CkdImage *img = open_image(path("w.ckd"), false);
    write_track(img, 3 * 30 + 29, t, len);
    close_image(img);
    cr_assert_eq(sh("ckd2cckd -q w.ckd w.cckd >/dev/null 2>&1", "", ""), 0);
    img = open_image(path("w.cckd"), true);
    cr_assert_eq(read_track(img, 3 * 30 + 29, back), len);
    cr_assert_arr_eq(back, t, len);
    ckd_image_close(img, NULL, 0);
}

Test(dasd, image_create_null_tracks_and_damaged_files)
{
    char err[256];
    static uint8_t t[TRK3390], back[TRK3390];
    cr_assert(ckd_image_create(path("n.cckd"), 0x90, 3, 15, TRK3390, true, err, sizeof err), "%s",
              err);
    cr_assert_not(ckd_image_create(path("n.cckd"), 0x90, 3, 15, TRK3390, true, err, sizeof err));
    CkdImage *img = open_image(path("n.cckd"), false);
    size_t len = read_track(img, 44, t);
    cr_assert_eq(len, CKD_HA_SIZE + 16 + CKD_EOT_SIZE, "null track: HA, R0, end");
    cr_assert_eq(t[2], 2);
    cr_assert_eq(t[4], 14);
    cr_assert_eq(ckd_image_read_track(img, 45, t, err, sizeof err), 0, "past the volume");
    /* Writes must be well-formed track images. */
    memset(back, 0x5a, 64);
    cr_assert_not(ckd_image_write_track(img, 1, back, 64, err, sizeof err));
    close_image(img);
    img = open_image(path("n.cckd"), true);
    len = read_track(img, 1, t);
    cr_assert_not(ckd_image_write_track(img, 1, t, len, err, sizeof err), "read-only");
    ckd_image_close(img, NULL, 0);

    /* Not an image; a level-2 table outside the file. */
    FILE *f = fopen(path("junk"), "wb");
    fputs("this is not a disk", f);
    fclose(f);
    cr_assert_null(ckd_image_open(path("junk"), true, err, sizeof err));
    cr_assert(strstr(err, "not a CKD image"), "%s", err);
    int fd = open(path("n.cckd"), O_RDWR);
    uint8_t l1[4] = {0x00, 0x00, 0x10, 0x00}; /* 1 MiB */
    cr_assert_eq(pwrite(fd, l1, 4, 1024), 4);
    close(fd);
    cr_assert_null(ckd_image_open(path("n.cckd"), true, err, sizeof err));
    cr_assert(strstr(err, "cckdcdsk"), "%s", err);
    cr_assert_null(ckd_image_open(path("missing"), true, err, sizeof err));
}

/* A volume split like dasdinit splits one over 2 GiB: vol_1.ckd holds
 * cylinders 0-1 (high cylinder 1 in its header), vol_2.ckd the rest. */
Test(dasd, ckd_volume_split_across_files)
{
    const uint32_t tsize = 512, heads = 2;
    static uint8_t t[512], back[512];
    for (int file = 1; file <= 2; file++) {
        char name[32];
        snprintf(name, sizeof name, "vol_%d.ckd", file);
        FILE *f = fopen(path(name), "wb");
        uint8_t h[512] = "CKD_P370";
        h[8] = (uint8_t)heads;
        h[12] = (uint8_t)tsize;
        h[13] = (uint8_t)(tsize >> 8);
        h[16] = 0x50;
        h[17] = (uint8_t)file;
        h[18] = file == 1 ? 1 : 0;
        fwrite(h, 1, sizeof h, f);
        uint32_t first = file == 1 ? 0 : 2, ncyl = file == 1 ? 2 : 3;
        for (uint32_t c = first; c < first + ncyl; c++)
            for (uint32_t hd = 0; hd < heads; hd++) {
                memset(t, 0, sizeof t);
                ckd_track_null(t, sizeof t, (uint16_t)c, (uint16_t)hd, CKD_NULL_FMT1);
                fwrite(t, 1, sizeof t, f);
            }
        fclose(f);
    }
    CkdImage *img = open_image(path("vol_1.ckd"), false);
    cr_assert_eq(ckd_image_info(img)->cyls, 5);
    size_t len = read_track(img, 3 * 2 + 1, t);
    cr_assert_eq(t[2], 3, "cylinder 3 comes from the second file");
    uint16_t dl[1] = {100};
    len = make_track(t, sizeof t, 3, 1, 1, 0, dl, 2);
    write_track(img, 7, t, len);
    close_image(img);
    img = open_image(path("vol_1.ckd"), true);
    cr_assert_eq(read_track(img, 7, back), len);
    cr_assert_arr_eq(back, t, len);
    ckd_image_close(img, NULL, 0);
    size_t n;
    const uint8_t *f2 = (const uint8_t *)slurp(path("vol_2.ckd"), &n);
    cr_assert_arr_eq(f2 + 512 + 3 * 512, t, len, "the record went to vol_2.ckd");
}

/* ================================================================ */
/* CKD units                                                        */
/* ================================================================ */

Test(dasd, ckd_search_read_and_write_through_the_channel)
{
    unit("3390", "150", new_3390("a.cckd", 3), NULL);
    /* Seek 0/0, search ID R3 (TIC back while not equal), read its data. */
    seek_arg(0x2000, 0, 0);
    id_arg(0x2010, 0, 0, 3);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x06, 0x3000, 0, 80);
    uint64_t c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), 0);
    cr_assert_eq(CSW_ADDR(c), 0x1020);
    uint8_t want[10];
    ebcdic_str(want, "VOL1DOPPEL", 10);
    cr_assert_arr_eq(mem(0x3000), want, 10);

    /* Format cylinder 1 head 2: search R0, write two keyed records. */
    seek_arg(0x2000, 1, 2);
    id_arg(0x2010, 1, 2, 0);
    count_arg(0x4000, 1, 2, 1, 4, 300);
    ebcdic_str(mem(0x4008), "KEYA", 4);
    memset(mem(0x400c), 0xa1, 300);
    count_arg(0x4200, 1, 2, 2, 4, 0); /* end-of-file record */
    ebcdic_str(mem(0x4208), "KEYB", 4);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x1d, 0x4000, CC, 312);
    ccw(0x1020, 0x1d, 0x4200, 0, 12);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "unit status %02x", CSW_UNIT(c));
    cr_assert_eq(CSW_CHAN(c), 0);

    /* Search key KEYB, read data: end of file, unit exception. */
    ebcdic_str(mem(0x2020), "KEYB", 4);
    ccw(0x1008, 0x29, 0x2020, CC, 4);
    ccw(0x1018, 0x06, 0x5000, SLI, 100);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UX);

    /* Search key KEYA, then update its data and read it back with read
     * count / read CKD / read data in one program. */
    ebcdic_str(mem(0x2020), "KEYA", 4);
    memset(mem(0x4400), 0xb2, 300);
    ccw(0x1018, 0x05, 0x4400, 0, 300);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    ccw(0x1008, 0x12, 0x5000, CC, 8);   /* read count: R1 (R0 passed over) */
    ccw(0x1010, 0x1e, 0x5010, CC, 312); /* read CKD: R2 */
    ccw(0x1018, 0x1a, 0x5200, CC, 5);   /* read HA */
    ccw(0x1020, 0x16, 0x5210, CC, 16);  /* read R0 */
    ccw(0x1028, 0x06, 0x5300, 0, 300);  /* read data: R1 */
    memset(mem(0x5000), 0, 0x800);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UX, "R2 is the end-of-file record: %02x", CSW_UNIT(c));
    cr_assert_eq(CSW_ADDR(c), 0x1018, "ended at the read CKD of R2");
    uint8_t cnt[8] = {0, 1, 0, 2, 1, 4, 0x01, 0x2c};
    cr_assert_arr_eq(mem(0x5000), cnt, 8);
    cr_assert_eq(CSW_COUNT(c), 300, "read CKD moved 12 of 312");
    ccw(0x1010, 0x1a, 0x5200, CC, 5);
    ccw(0x1018, 0x16, 0x5210, CC, 16);
    ccw(0x1020, 0x06, 0x5300, 0, 300);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    uint8_t ha[5] = {0, 0, 1, 0, 2};
    cr_assert_arr_eq(mem(0x5200), ha, 5);
    uint8_t r0[8] = {0, 1, 0, 2, 0, 0, 0, 8};
    cr_assert_arr_eq(mem(0x5210), r0, 8);
    cr_assert_eq(mem(0x5300)[0], 0xb2);
    cr_assert_eq(mem(0x5300)[299], 0xb2);

    /* The records reached the image when the program ended. */
    device_free_all(&M);
    CkdImage *img = open_image(path("a.cckd"), true);
    static uint8_t t[TRK3390];
    size_t len = read_track(img, 1 * 15 + 2, t);
    CkdCount rc;
    size_t off = find_record(t, len, 1, &rc);
    cr_assert_neq(off, 0);
    cr_assert_eq(rc.dl, 300);
    cr_assert_eq(t[off + 12], 0xb2);
    cr_assert_neq(find_record(t, len, 2, &rc), 0);
    cr_assert_eq(rc.dl, 0);
    ckd_image_close(img, NULL, 0);
}

Test(dasd, ckd_unit_checks_and_sense)
{
    unit("3390", "150", new_3390("e.cckd", 2), NULL);
    /* No record found: a search for R9 around the track twice. */
    seek_arg(0x2000, 0, 0);
    id_arg(0x2010, 0, 0, 9);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x06, 0x3000, 0, 80);
    uint64_t c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    uint8_t *s = sense(0x150);
    cr_assert_eq(s[0], 0);
    cr_assert_eq(s[1], 0x08, "no record found: %02x", s[1]);
    cr_assert_eq(s[31], 0, "32 sense bytes on a 3390");

    /* Invalid command; seek beyond the volume. */
    ccw(0x1000, 0xf5, 0x3000, 0, 1);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[0], 0x80);
    seek_arg(0x2000, 2, 0);
    ccw(0x1000, 0x07, 0x2000, 0, 6);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[0], 0x80);

    /* File mask "inhibit all writes": Write Data is rejected, file
     * protected; a second Set File Mask is rejected too. */
    seek_arg(0x2000, 0, 0);
    id_arg(0x2010, 0, 0, 3);
    mem(0x2020)[0] = 0x40;
    ccw(0x1000, 0x1f, 0x2020, CC, 1);
    ccw(0x1008, 0x07, 0x2000, CC, 6);
    ccw(0x1010, 0x31, 0x2010, CC, 5);
    ccw(0x1018, 0x08, 0x1010, 0, 0);
    ccw(0x1020, 0x05, 0x3000, 0, 80);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(CSW_ADDR(c), 0x1028);
    s = sense(0x150);
    cr_assert_eq(s[0], 0x80);
    cr_assert_eq(s[1], 0x04);
    ccw(0x1008, 0x1f, 0x2020, CC, 1);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(CSW_ADDR(c), 0x1010, "the second Set File Mask");
    /* The mask lasts one program: now the write is allowed. */
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x05, 0x3000, 0, 80);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    /* Write Data not after a search: invalid sequence. */
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x05, 0x3000, 0, 80);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[7], 0x02);

    /* Multitrack search for a record that is nowhere: end of cylinder
     * after the last head. */
    seek_arg(0x2000, 1, 13);
    id_arg(0x2010, 1, 13, 7);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0xb1, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    s = sense(0x150);
    cr_assert_eq(s[1], 0x20, "end of cylinder: %02x", s[1]);
    cr_assert_eq(s[6] & 0x0f, 14, "on the last head");

    /* Reading into too small an area: incorrect length, no chaining. */
    seek_arg(0x2000, 0, 0);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x12, 0x3000, CC, 4);
    ccw(0x1010, 0x12, 0x3000, 0, 8);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_CHAN(c), IL);
    cr_assert_eq(CSW_ADDR(c), 0x1010);

    /* A read-only volume refuses writes: write inhibited. */
    device_free_all(&M);
    unit("3390", "151", path("e.cckd"), "on");
    seek_arg(0x2000, 0, 0);
    id_arg(0x2010, 0, 0, 3);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x05, 0x3000, 0, 80);
    c = run(0x151, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x151)[1], 0x02);
}

Test(dasd, ckd_ipl_reads_record_1_and_its_channel_program)
{
    const char *file = new_3390("ipl.cckd", 1);
    static uint8_t t[TRK3390];
    /* R1: IPL PSW and a CCW reading R2's data to 0x2800; R2: 64 bytes. */
    uint16_t dl[3] = {24, 64, 80};
    size_t len = make_track(t, sizeof t, 0, 0, 3, 0, dl, 6);
    CkdCount c;
    size_t r1 = find_record(t, len, 1, &c) + CKD_COUNT_SIZE;
    static const uint8_t ipl1[24] = {0x00, 0x08, 0,    0,    0,    0,    0x2a, 0x00, /* PSW */
                                     0x06, 0x00, 0x28, 0x00, 0x20, 0x00, 0x00, 0x40, /* read */
                                     0x03, 0,    0,    0,    0x20, 0,    0,    1};
    memcpy(t + r1, ipl1, sizeof ipl1);
    size_t r2 = find_record(t, len, 2, &c) + CKD_COUNT_SIZE;
    CkdImage *img = open_image(file, false);
    write_track(img, 0, t, len);
    close_image(img);
    unit("3390", "150", file, NULL);
    char err[256] = "";
    cr_assert(channel_ipl(css, 0x150, err, sizeof err), "IPL: %s", err);
    cr_assert_arr_eq(mem(0), ipl1, 8, "the IPL PSW at 0");
    cr_assert_arr_eq(mem(0x2800), t + r2, 64, "the chained read of R2");
}

Test(dasd, ckd_vtoc_written_by_doppel_is_listed_by_dasdls)
{
    NEED_TOOL("dasdinit");
    NEED_TOOL("dasdls");
    NEED_TOOL("cckdcdsk");
    cr_assert_eq(sh("dasdinit -z v.cckd 3390-1 DOPPEL 5 >/dev/null 2>&1", "", ""), 0);
    unit("3390", "190", path("v.cckd"), NULL);
    /* dasdinit's VOL1 points at a VTOC in record 1 of cylinder 0 head 1:
     * write a format-4 DSCB there (the VTOC is that track) and a
     * format-1 DSCB for a data set, then a large record elsewhere. */
    seek_arg(0x2000, 0, 1);
    id_arg(0x2010, 0, 1, 0);
    count_arg(0x4000, 0, 1, 1, 44, 96);
    memset(mem(0x4008), 0x04, 44);
    memset(mem(0x4034), 0, 96);
    mem(0x4034)[0] = 0xf4;
    uint8_t vtoce[10] = {0x01, 0, 0, 0, 0, 1, 0, 0, 0, 1};
    put(0x4034 + 61, vtoce, sizeof vtoce);
    count_arg(0x4100, 0, 1, 2, 44, 96);
    ebcdic_str(mem(0x4108), "DOPPEL.TEST.DATA", 44);
    memset(mem(0x4134), 0, 96);
    mem(0x4134)[0] = 0xf1;
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x1d, 0x4000, CC, 148);
    ccw(0x1020, 0x1d, 0x4100, 0, 148);
    uint64_t c = run(0x190, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));
    seek_arg(0x2000, 2, 3);
    id_arg(0x2010, 2, 3, 0);
    count_arg(0x8000, 2, 3, 1, 0, 40000);
    for (uint32_t i = 0; i < 40000; i++)
        mem(0x8008)[i] = (uint8_t)(i % 251 < 100 ? 0x40 : i % 7);
    ccw(0x1018, 0x1d, 0x8000, 0, 40008);
    c = run(0x190, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));
    device_free_all(&M);

    cr_assert_eq(sh("dasdls v.cckd > ls.txt 2>/dev/null", "", ""), 0);
    const char *ls = slurp(path("ls.txt"), NULL);
    cr_assert(strstr(ls, "VOLSER=DOPPEL"), "dasdls:\n%s", ls);
    cr_assert(strstr(ls, "DOPPEL.TEST.DATA"), "dasdls:\n%s", ls);
    cr_assert_eq(sh("cckdcdsk -2 -ro v.cckd > chk.txt 2>&1", "", ""), 0);
    const char *chk = slurp(path("chk.txt"), NULL);
    cr_assert_str_empty(chk, "cckdcdsk reports:\n%s", chk);
}

Test(dasd, eckd_define_extent_and_locate_record)
{
    const char *file = new_3390("x.cckd", 3);
    static uint8_t t[TRK3390];
    uint16_t dl[3] = {100, 100, 100};
    CkdImage *img = open_image(file, false);
    for (uint16_t h = 4; h <= 5; h++) {
        size_t len = make_track(t, sizeof t, 1, h, 3, 0, dl, (uint8_t)(h * 16));
        write_track(img, 15 + h, t, len);
    }
    close_image(img);
    unit("3390", "150", file, NULL);

    /* Define Extent: writes allowed, cylinders 1-2. */
    uint8_t de[16] = {0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 14};
    put(0x2000, de, 16);
    /* Locate Record, write data, 1 record: (1,4,3). */
    uint8_t lr[16] = {0x01, 0, 0, 1, 0, 1, 0, 4, 0, 1, 0, 4, 3, 0, 0, 0};
    put(0x2010, lr, 16);
    memset(mem(0x3000), 0x77, 100);
    ccw(0x1000, 0x63, 0x2000, CC, 16);
    ccw(0x1008, 0x47, 0x2010, CC, 16);
    ccw(0x1010, 0x85, 0x3000, 0, 100);
    uint64_t c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));

    /* Read data of 3 records from (1,4,2): crosses to head 5. */
    uint8_t lr2[16] = {0x06, 0, 0, 3, 0, 1, 0, 4, 0, 1, 0, 4, 2, 0, 0, 0};
    put(0x2010, lr2, 16);
    ccw(0x1010, 0x86, 0x3100, CC, 100);
    ccw(0x1018, 0x86, 0x3200, CC, 100);
    ccw(0x1020, 0x86, 0x3300, 0, 100);
    memset(mem(0x3100), 0, 0x300);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));
    cr_assert_eq(mem(0x3200)[0], 0x77, "(1,4,3) as written");
    cr_assert_eq(mem(0x3200)[99], 0x77);
    cr_assert_eq(mem(0x3100)[1], (uint8_t)(4 * 16 + 2 * 7 + 'A'), "(1,4,2)");
    cr_assert_eq(mem(0x3300)[1], (uint8_t)(5 * 16 + 1 * 7 + 'A'), "(1,5,1) on the next track");

    /* A fourth read exceeds the domain: invalid sequence. */
    ccw(0x1020, 0x86, 0x3300, CC, 100);
    ccw(0x1028, 0x86, 0x3400, 0, 100);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(CSW_ADDR(c), 0x1030);

    /* Read Tracks, 2 tracks from 1/4: all records after R0. */
    uint8_t lr3[16] = {0x0c, 0, 0, 2, 0, 1, 0, 4, 0, 1, 0, 4, 0, 0, 0, 0};
    put(0x2010, lr3, 16);
    ccw(0x1010, 0xde, 0x4000, CC | SLI, 1000);
    ccw(0x1018, 0xde, 0x5000, SLI, 1000);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    uint8_t c1[8] = {0, 1, 0, 4, 1, 0, 0, 100};
    cr_assert_arr_eq(mem(0x4000), c1, 8);
    uint8_t c2[8] = {0, 1, 0, 5, 1, 0, 0, 100};
    cr_assert_arr_eq(mem(0x5000), c2, 8);
    uint8_t c3[5] = {0, 1, 0, 4, 3};
    cr_assert_arr_eq(mem(0x4000 + 2 * 108), c3, 5);

    /* Locate Record outside the extent: file protected. */
    uint8_t lr4[16] = {0x06, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 4, 1, 0, 0, 0};
    put(0x2010, lr4, 16);
    ccw(0x1008, 0x47, 0x2010, 0, 16);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[1], 0x04);
    /* Locate Record without Define Extent: rejected. */
    c = run(0x150, 0x1008);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[0], 0x80);
    /* Read Device Characteristics: a 3390 with three cylinders (a
     * sense-type command the channel hands to the unit). */
    ccw(0x1000, 0x64, 0x6000, SLI, 64);
    memset(mem(0x6000), 0, 64);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(mem(0x6000)[0], 0x39);
    cr_assert_eq(mem(0x6000)[1], 0x90);
    cr_assert_eq(mem(0x6000)[3], 0x33);
    cr_assert_eq(mem(0x6000)[4], 0x90);
    cr_assert_eq(mem(0x6000)[13], 3);
    cr_assert_eq(mem(0x6000)[15], 15);
}

Test(dasd, ckd_format_writes_and_other_searches)
{
    unit("3390", "150", new_3390("f.cckd", 2), NULL);
    /* Write HA and R0 on 1/6 (file mask: all writes), then R1-R3. */
    uint8_t ha[5] = {0, 0, 1, 0, 6};
    put(0x2000, ha, 5);
    seek_arg(0x2010, 1, 6);
    count_arg(0x2020, 1, 6, 0, 0, 8);
    memset(mem(0x2028), 0x11, 8);
    mem(0x2030)[0] = 0xc0;
    for (int r = 1; r <= 3; r++) {
        count_arg(0x4000 + (uint32_t)r * 0x100, 1, 6, (uint8_t)r, 2, 40);
        memset(mem(0x4008 + (uint32_t)r * 0x100), 0x20 + r, 42);
    }
    ccw(0x1000, 0x1f, 0x2030, CC, 1);
    ccw(0x1008, 0x07, 0x2010, CC, 6);
    ccw(0x1010, 0x19, 0x2000, CC, 5);  /* Write HA */
    ccw(0x1018, 0x15, 0x2020, CC, 16); /* Write R0 */
    ccw(0x1020, 0x1d, 0x4100, CC, 50);
    ccw(0x1028, 0x1d, 0x4200, CC, 50);
    ccw(0x1030, 0x1d, 0x4300, 0, 50);
    uint64_t c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x at %x", CSW_UNIT(c), CSW_ADDR(c));
    /* Without the mask, Write R0 is inhibited (default mask). */
    ccw(0x1000, 0x07, 0x2010, CC, 6);
    ccw(0x1008, 0x1a, 0x5000, CC, 5);
    ccw(0x1010, 0x15, 0x2020, 0, 16);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x150)[1], 0x04);

    /* Search ID High for (1,6,1) finds R2; Erase after R2 drops R3. */
    id_arg(0x2040, 1, 6, 1);
    count_arg(0x2050, 0, 0, 9, 0, 10);
    ccw(0x1000, 0x07, 0x2010, CC, 6);
    ccw(0x1008, 0x51, 0x2040, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x0e, 0x5000, CC, 42); /* read key and data of R2 */
    ccw(0x1020, 0x11, 0x2050, 0, 18);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x at %x", CSW_UNIT(c), CSW_ADDR(c));
    cr_assert_eq(mem(0x5000)[0], 0x22);
    /* Search ID Equal for R2 with an equal search... wrong write: Write
     * Key and Data after it updates R2. */
    id_arg(0x2040, 1, 6, 2);
    memset(mem(0x5100), 0x99, 42);
    ccw(0x1008, 0x31, 0x2040, CC, 5);
    ccw(0x1018, 0x0d, 0x5100, 0, 42);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);

    /* Read Multiple CKD: R1 and R2 only, R2 updated. */
    ccw(0x1008, 0x5e, 0x6000, SLI, 200);
    memset(mem(0x6000), 0, 200);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_COUNT(c), 200 - 2 * 50);
    cr_assert_eq(mem(0x6000)[4], 1);
    cr_assert_eq(mem(0x6000)[8], 0x21);
    cr_assert_eq(mem(0x6000 + 50)[4], 2);
    cr_assert_eq(mem(0x6000 + 58)[0], 0x99);

    /* Search HA Equal, then Read R0: the R0 written above. */
    uint8_t cchh[4] = {0, 1, 0, 6};
    put(0x2060, cchh, 4);
    ccw(0x1008, 0x39, 0x2060, CC, 4);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x16, 0x6000, 0, 16);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(mem(0x6008)[7], 0x11);

    /* Multitrack Search ID Equal from head 5 finds (1,6,2) on head 6;
     * Read Sector / Set Sector / Recalibrate are accepted. */
    seek_arg(0x2010, 1, 5);
    ccw(0x1000, 0x07, 0x2010, CC, 6);
    ccw(0x1008, 0xb1, 0x2040, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x22, 0x6100, CC, 1);
    ccw(0x1020, 0x23, 0x6100, CC, 1);
    ccw(0x1028, 0x13, 0, 0, 1);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x at %x", CSW_UNIT(c), CSW_ADDR(c));
    /* Search Key with a count other than the key length: incorrect length. */
    seek_arg(0x2010, 1, 6);
    memset(mem(0x2070), 0x99, 2);
    ccw(0x1000, 0x07, 0x2010, CC, 6);
    ccw(0x1008, 0x29, 0x2070, CC, 3);
    ccw(0x1010, 0x06, 0x6000, 0, 40);
    c = run(0x150, 0x1000);
    cr_assert_eq(CSW_CHAN(c), IL);
    cr_assert_eq(CSW_ADDR(c), 0x1010);

    /* A 3350 has no Define Extent. */
    device_free_all(&M);
    cr_assert_eq(system("true"), 0);
    char err[256];
    cr_assert(ckd_image_create(path("s.ckd"), 0x50, 2, 30, 19456, false, err, sizeof err), "%s",
              err);
    unit("3350", "160", path("s.ckd"), NULL);
    ccw(0x1000, 0x63, 0x2000, 0, 16);
    c = run(0x160, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    uint8_t *sn = sense(0x160);
    cr_assert_eq(sn[0], 0x80);
    cr_assert_eq(sn[23], 0, "24 sense bytes");
    cr_assert_eq(sn[24], 0xee, "... and no more");
    /* ... and a 3390 image is not a 3350. */
    Device *d = device_create(&M, "3350");
    cr_assert(device_set_prop(d, "devno", "161", err, sizeof err));
    cr_assert(device_set_prop(d, "file", path("f.cckd"), err, sizeof err));
    cr_assert_not(device_realize(d));
}

/* ================================================================ */
/* FBA                                                              */
/* ================================================================ */

Test(dasd, fba_extent_locate_read_write_and_ipl)
{
    const uint32_t blocks = 2000;
    uint8_t *img = calloc(blocks, 512);
    for (uint32_t b = 0; b < blocks; b++)
        memset(img + b * 512, (int)(b & 0xff), 512);
    /* Block 0: an IPL PSW and a CCW. */
    static const uint8_t ipl[16] = {0x00, 0x08, 0, 0, 0,    0, 0x2b, 0x00,
                                    0x03, 0,    0, 0, 0x20, 0, 0,    1};
    memcpy(img, ipl, sizeof ipl);
    FILE *f = fopen(path("d.fba"), "wb");
    fwrite(img, 512, blocks, f);
    fclose(f);
    unit("3370", "140", path("d.fba"), NULL);

    /* Extent: device blocks 1000-1099 as blocks 0-99; write 2 blocks at 10. */
    uint8_t de[16] = {0xc0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0, 0, 0, 99};
    uint8_t loc[8] = {0x01, 0, 0, 2, 0, 0, 0, 10};
    put(0x2000, de, 16);
    put(0x2010, loc, 8);
    memset(mem(0x3000), 0xd5, 1024);
    ccw(0x1000, 0x63, 0x2000, CC, 16);
    ccw(0x1008, 0x43, 0x2010, CC, 8);
    ccw(0x1010, 0x41, 0x3000, 0, 1024);
    uint64_t c = run(0x140, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));
    cr_assert_eq(CSW_CHAN(c), 0);

    /* Read blocks 9-12 of the extent back. */
    loc[0] = 0x06;
    loc[3] = 4;
    loc[7] = 9;
    put(0x2010, loc, 8);
    ccw(0x1010, 0x42, 0x4000, 0, 2048);
    c = run(0x140, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(mem(0x4000)[0], (uint8_t)(1009 & 0xff));
    cr_assert_eq(mem(0x4200)[0], 0xd5);
    cr_assert_eq(mem(0x45ff)[0], 0xd5);
    cr_assert_eq(mem(0x4600)[0], (uint8_t)(1012 & 0xff));

    /* Beyond the extent; Read without Locate; writes inhibited by mask. */
    loc[7] = 98;
    put(0x2010, loc, 8);
    c = run(0x140, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x140)[1], 0x04);
    ccw(0x1008, 0x42, 0x4000, 0, 512);
    c = run(0x140, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x140)[0], 0x80);
    mem(0x2000)[0] = 0x40;
    loc[0] = 0x01;
    loc[7] = 1;
    put(0x2010, loc, 8);
    ccw(0x1008, 0x43, 0x2010, 0, 8);
    c = run(0x140, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);

    device_free_all(&M);
    f = fopen(path("d.fba"), "rb");
    fseek(f, 1010 * 512, SEEK_SET);
    uint8_t blk[512];
    cr_assert_eq(fread(blk, 1, 512, f), 512);
    fclose(f);
    cr_assert_eq(blk[0], 0xd5, "the write reached the image");
    free(img);

    unit("3370", "140", path("d.fba"), NULL);
    char err[256] = "";
    cr_assert(channel_ipl(css, 0x140, err, sizeof err), "IPL: %s", err);
    cr_assert_arr_eq(mem(0), ipl, 8);
}

/* ================================================================ */
/* Tapes                                                            */
/* ================================================================ */

Test(dasd, aws_tape_round_trip)
{
    char err[256];
    AwsTape *t = aws_open(path("t.aws"), false, err, sizeof err);
    cr_assert_not_null(t, "%s", err);
    static uint8_t big[100000], buf[100000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 31);
    cr_assert_eq(aws_write(t, (const uint8_t *)"FIRST", 5), AWS_BLOCK);
    cr_assert_eq(aws_write(t, big, sizeof big), AWS_BLOCK, "a block of two pieces");
    cr_assert_eq(aws_write_mark(t), AWS_BLOCK);
    cr_assert_eq(aws_write(t, (const uint8_t *)"THIRD", 5), AWS_BLOCK);
    aws_rewind(t);
    size_t len;
    cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert_eq(len, 5);
    cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert_eq(len, sizeof big);
    cr_assert_arr_eq(buf, big, sizeof big);
    cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_TAPEMARK);
    cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_END);
    /* Backward: THIRD, the mark, the big block (whole), FIRST, load point. */
    cr_assert_eq(aws_read_backward(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert_arr_eq(buf, "THIRD", 5);
    cr_assert_eq(aws_read_backward(t, buf, sizeof buf, &len), AWS_TAPEMARK);
    cr_assert_eq(aws_read_backward(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert_eq(len, sizeof big);
    cr_assert_arr_eq(buf, big, sizeof big);
    cr_assert_eq(aws_read_backward(t, buf, sizeof buf, &len), AWS_BLOCK);
    cr_assert(aws_at_load_point(t));
    cr_assert_eq(aws_read_backward(t, buf, sizeof buf, &len), AWS_LOAD_POINT);
    /* Writing after the first block erases the rest. */
    cr_assert_eq(aws_read(t, NULL, 0, &len), AWS_BLOCK);
    cr_assert_eq(aws_write_mark(t), AWS_BLOCK);
    aws_close(t);
    size_t n;
    const uint8_t *f = (const uint8_t *)slurp(path("t.aws"), &n);
    static const uint8_t want[] = {5,   0,   0, 0, 0xa0, 0, 'F',  'I', 'R',
                                   'S', 'T', 0, 0, 5,    0, 0x40, 0};
    cr_assert_eq(n, sizeof want);
    cr_assert_arr_eq(f, want, sizeof want);

    /* A tape made by Hercules' hetinit (uncompressed): VOL1, HDR1, mark. */
    if (have_tool("hetinit") && sh("hetinit -d h.aws TAPE01 DOPPEL >/dev/null 2>&1", "", "") == 0) {
        t = aws_open(path("h.aws"), true, err, sizeof err);
        cr_assert_not_null(t, "%s", err);
        cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_BLOCK);
        uint8_t vol1[10];
        ebcdic_str(vol1, "VOL1TAPE01", 10);
        cr_assert_eq(len, 80);
        cr_assert_arr_eq(buf, vol1, 10);
        cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_BLOCK);
        cr_assert_eq(aws_read(t, buf, sizeof buf, &len), AWS_TAPEMARK);
        cr_assert_eq(aws_write(t, buf, 1), AWS_ERROR, "read-only");
        aws_close(t);
    } else {
        fprintf(stderr, "dasd: hetinit part skipped: hetinit is not installed\n");
    }
}

Test(dasd, tape3420_commands_tape_marks_and_load_point)
{
    unit("3420", "580", path("u.aws"), NULL);
    memset(mem(0x3000), 0xc1, 100);
    memset(mem(0x3100), 0xc2, 50);
    /* Write A, B, tape mark, C, tape mark. */
    ccw(0x1000, 0x01, 0x3000, CC, 100);
    ccw(0x1008, 0x01, 0x3100, CC, 50);
    ccw(0x1010, 0x1f, 0, CC, 1);
    ccw(0x1018, 0x01, 0x3000, CC, 10);
    ccw(0x1020, 0x1f, 0, CC, 1);
    ccw(0x1028, 0x07, 0, 0, 1);
    uint64_t c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_CHAN(c), 0);
    /* Backspace at load point: command reject, load point in sense. */
    ccw(0x1000, 0x27, 0, 0, 1);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    uint8_t *s = sense(0x580);
    cr_assert_eq(s[0], 0x80);
    cr_assert_eq(s[1] & 0x48, 0x48, "ready and at load point: %02x", s[1]);
    /* Read A, space over B, read the mark: unit exception. */
    ccw(0x1000, 0x02, 0x4000, CC, 100);
    ccw(0x1008, 0x37, 0, CC, 1);
    ccw(0x1010, 0x02, 0x4100, 0, 100);
    memset(mem(0x4000), 0, 0x200);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UX);
    cr_assert_eq(CSW_ADDR(c), 0x1018);
    cr_assert_eq(mem(0x4000)[99], 0xc1);
    cr_assert_eq(mem(0x4100)[0], 0);
    /* Read C into a larger area with SLI; then backspace block over C and
     * backspace block over the mark: unit exception. */
    ccw(0x1000, 0x02, 0x4000, CC | SLI, 100);
    ccw(0x1008, 0x27, 0, CC, 1);
    ccw(0x1010, 0x27, 0, 0, 1);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UX);
    cr_assert_eq(CSW_ADDR(c), 0x1018);
    /* Read backward: B, its last byte at the end of the area. */
    memset(mem(0x3100), 0xc2, 49);
    mem(0x3100)[49] = 0xff;
    device_free_all(&M);
    unit("3420", "580", path("v.aws"), NULL);
    ccw(0x1000, 0x01, 0x3100, CC, 50);
    ccw(0x1008, 0x0c, 0x50ff, 0, 50);
    memset(mem(0x5000), 0, 0x200);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE, "%02x", CSW_UNIT(c));
    cr_assert_eq(mem(0x50ff)[0], 0xff, "the last byte at the data address");
    cr_assert_eq(mem(0x50ce)[0], 0xc2);
    cr_assert_eq(mem(0x50cd)[0], 0);
    /* Forward space file; rewind unload: not ready afterwards. */
    ccw(0x1000, 0x0f, 0, 0, 1);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    ccw(0x1000, 0x02, 0x4000, 0, 10);
    c = run(0x580, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    s = sense(0x580);
    cr_assert_eq(s[0], 0x40);
    cr_assert_eq(s[1] & 0x20, 0x20);

    /* The first tape: forward space file lands after the first mark. */
    device_free_all(&M);
    unit("3420", "581", path("u.aws"), "on");
    ccw(0x1000, 0x3f, 0, CC, 1);
    ccw(0x1008, 0x02, 0x4000, SLI, 100);
    memset(mem(0x4000), 0, 0x100);
    c = run(0x581, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    cr_assert_eq(CSW_COUNT(c), 90);
    cr_assert_eq(mem(0x4000)[9], 0xc1);
    /* No write-enable ring: writes are rejected, file protect. */
    ccw(0x1000, 0x01, 0x3000, 0, 10);
    c = run(0x581, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE | UC);
    cr_assert_eq(sense(0x581)[1] & 0x02, 0x02);
    if (have_tool("hetmap")) {
        cr_assert_eq(sh("hetmap u.aws > map.txt 2>&1", "", ""), 0);
        const char *map = slurp(path("map.txt"), NULL);
        cr_assert(strstr(map, "Blocks              : 3"), "hetmap:\n%s", map);
    }
}

/* ================================================================ */
/* Hercules configuration files                                     */
/* ================================================================ */

static char *diag_text(FILE *f)
{
    static char buf[4096];
    fflush(f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = 0;
    return buf;
}

Test(dasd, hercules_cnf_statements)
{
    setenv("DOPPEL_TEST_DASD", "mvsres", 1);
    const char *text = "# MVS 3.8 system\n"
                       "* another comment\n"
                       "CPUSERIAL 012345\n"
                       "CPUMODEL  3158   # trailing comment\n"
                       "MAINSIZE  16\n"
                       "ARCHMODE  S/370\n"
                       "NUMCPU    1\n"
                       "CNSLPORT  3270\n"
                       "FOOBAR    1 2 3\n"
                       "0009      3215-C /\n"
                       "000C      3505 jcl/deck.txt ascii eof\n"
                       "000D      3525 pch.txt ascii\n"
                       "0120-0122 3390 /abs/$(DOPPEL_TEST_DASD).cckd ro\n"
                       "0:0150    3350 ${DOPPEL_TEST_DASD}.3350 sf=shadow_*.350\n"
                       "0580.2    3420 \"my tape.aws\"\n"
                       "0700      3270\n"
                       "IPL 0150\n";
    FILE *diag = tmpfile();
    HercConfig cfg;
    cr_assert(hercules_cnf_parse(text, "/etc/mvs", "test.cnf", &cfg, diag));
    cr_assert_eq(cfg.mainsize, 16ull << 20);
    cr_assert_eq(cfg.arch, HERC_ARCH_S370);
    cr_assert(cfg.have_cpumodel && cfg.cpumodel == 0x3158);
    cr_assert(cfg.have_cpuserial && cfg.cpuserial == 0x012345);
    cr_assert_eq(cfg.numcpu, 1);
    cr_assert(cfg.have_ipl && cfg.ipl_devno == 0x150);
    cr_assert(cfg.have_cnslport && cfg.cnslport == 3270);
    cr_assert_eq(cfg.ndevs, 10);
    cr_assert_eq(cfg.devs[0].devno, 0x009);
    cr_assert_str_eq(cfg.devs[0].type, "3215-C");
    cr_assert_str_eq(cfg.devs[1].args[0], "/etc/mvs/jcl/deck.txt");
    cr_assert_str_eq(cfg.devs[1].args[1], "ascii");
    cr_assert_str_eq(cfg.devs[2].args[0], "/etc/mvs/pch.txt");
    cr_assert_eq(cfg.devs[3].devno, 0x120);
    cr_assert_eq(cfg.devs[5].devno, 0x122);
    cr_assert_str_eq(cfg.devs[5].args[0], "/abs/mvsres.cckd");
    cr_assert_str_eq(cfg.devs[6].args[0], "/etc/mvs/mvsres.3350");
    cr_assert_str_eq(cfg.devs[6].args[1], "sf=shadow_*.350");
    cr_assert_eq(cfg.devs[8].devno, 0x581);
    cr_assert_str_eq(cfg.devs[8].args[0], "/etc/mvs/my tape.aws");
    uint16_t con;
    cr_assert(hercules_cnf_console(&cfg, &con));
    cr_assert_eq(con, 0x009);
    const char *d = diag_text(diag);
    cr_assert(strstr(d, "test.cnf:9: statement 'FOOBAR' is not supported"), "%s", d);
    cr_assert_null(strstr(d, "CNSLPORT"), "a loopback CNSLPORT passes silently: %s", d);
    hercules_cnf_free(&cfg);
    fclose(diag);

    /* Malformed statements doppel implements fail with their line. */
    diag = tmpfile();
    cr_assert_not(hercules_cnf_parse("MAINSIZE 16\nMAINSIZE lots\n", ".", "bad.cnf", &cfg, diag));
    cr_assert(strstr(diag_text(diag), "bad.cnf:2: MAINSIZE 'lots'"), "%s", diag_text(diag));
    fclose(diag);
    diag = tmpfile();
    cr_assert_not(hercules_cnf_parse("ARCHMODE S/360\n", ".", "bad.cnf", &cfg, diag));
    cr_assert_not(hercules_cnf_parse("0150-0140 3390 x\n", ".", "bad.cnf", &cfg, diag));
    cr_assert(hercules_cnf_parse("MAINSIZE 2G\nARCHMODE ESA/390\n", ".", "ok.cnf", &cfg, diag));
    cr_assert_eq(cfg.mainsize, 2ull << 30);
    cr_assert_eq(cfg.arch, HERC_ARCH_ESA390);
    hercules_cnf_free(&cfg);
    fclose(diag);
}

static Device *device_numbered(uint16_t devno)
{
    for (Device *d = M.devices; d; d = d->next) {
        char buf[16];
        if (device_get_prop(d, "devno", buf, sizeof buf) && strtoul(buf, NULL, 16) == devno)
            return d;
    }
    return NULL;
}

static const char *prop(uint16_t devno, const char *name)
{
    static char buf[256];
    Device *d = device_numbered(devno);
    cr_assert_not_null(d, "no device %04x", devno);
    cr_assert(device_get_prop(d, name, buf, sizeof buf));
    return buf;
}

static void write_text(const char *name, const char *text)
{
    FILE *f = fopen(path(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(dasd, hercules_cnf_file_creates_devices)
{
    cr_assert_eq(mkdir(path("sys"), 0755), 0);
    new_3390("sys/res.cckd", 1);
    new_3390("sys/res2.cckd", 1);
    write_text("sys/deck.txt", "CARD ONE\n");
    write_text("sys/devs.cnf", "0150 3390 res.cckd\n"
                               "0151 3390 res2.cckd sf=./shadow.cckd\n"
                               "0580 3420 tape.aws\n"
                               "0581 3420 *\n");
    write_text("sys/h.cnf", "MAINSIZE 8\n"
                            "0009 3215-C /\n"
                            "000C 3505 deck.txt ascii eof\n"
                            "000E 1403 prt.txt crlf\n"
                            "INCLUDE devs.cnf\n"
                            "0700 3088\n"
                            "0800 3480 cart.aws\n");
    /* The board's console is already at 009. */
    Device *con = device_create(&M, "3215");
    char err[256];
    cr_assert(device_set_prop(con, "devno", "009", err, sizeof err));
    cr_assert(device_realize(con));

    FILE *diag = tmpfile();
    HercConfig cfg;
    cr_assert(hercules_cnf_load(path("sys/h.cnf"), &cfg, diag), "%s", diag_text(diag));
    cr_assert_eq(cfg.mainsize, 8u << 20);
    cr_assert(hercules_cnf_apply(&cfg, &M, diag), "%s", diag_text(diag));
    hercules_cnf_free(&cfg);
    const char *d = diag_text(diag);
    cr_assert(strstr(d, "0700 3088: device type not supported"), "%s", d);
    cr_assert(strstr(d, "0800 3480: device type not supported"), "%s", d);
    cr_assert(strstr(d, "devs.cnf:2: 0151 3390: 'sf=./shadow.cckd'"), "%s", d);
    fclose(diag);

    cr_assert_str_eq(device_numbered(0x009)->class->name, "3215");
    cr_assert_str_eq(device_numbered(0x00c)->class->name, "3505");
    cr_assert_str_eq(prop(0x00c, "file"), path("sys/deck.txt"));
    cr_assert_str_eq(prop(0x00c, "format"), "ascii");
    cr_assert_str_eq(prop(0x00c, "eof"), "on");
    cr_assert_str_eq(prop(0x00e, "file"), path("sys/prt.txt"));
    cr_assert_str_eq(prop(0x150, "readonly"), "off");
    cr_assert_str_eq(prop(0x151, "readonly"), "on");
    cr_assert_str_eq(prop(0x580, "file"), path("sys/tape.aws"));
    cr_assert_str_eq(prop(0x581, "file"), "");
    cr_assert_null(device_numbered(0x700));

    /* They are working units: a card from the reader, a label from the
     * volume. */
    ccw(0x1000, 0x02, 0x3000, 0, 80);
    uint64_t c = run(0x00c, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    uint8_t card[8];
    ebcdic_str(card, "CARD ONE", 8);
    cr_assert_arr_eq(mem(0x3000), card, 8);
    seek_arg(0x2000, 0, 0);
    id_arg(0x2010, 0, 0, 3);
    ccw(0x1000, 0x07, 0x2000, CC, 6);
    ccw(0x1008, 0x31, 0x2010, CC, 5);
    ccw(0x1010, 0x08, 0x1008, 0, 0);
    ccw(0x1018, 0x06, 0x3000, 0, 80);
    c = run(0x151, 0x1000);
    cr_assert_eq(CSW_UNIT(c), CE_DE);
    uint8_t vol[10];
    ebcdic_str(vol, "VOL1DOPPEL", 10);
    cr_assert_arr_eq(mem(0x3000), vol, 10);

    /* A device number the board already gave another device. */
    diag = tmpfile();
    cr_assert(hercules_cnf_parse("0009 3505 deck.txt\n", path("sys"), "x.cnf", &cfg, diag));
    cr_assert_not(hercules_cnf_apply(&cfg, &M, diag));
    cr_assert(strstr(diag_text(diag), "already used by a 3215"), "%s", diag_text(diag));
    hercules_cnf_free(&cfg);
    /* A volume already attached (locked); a missing one. */
    cr_assert(hercules_cnf_parse("0152 3390 res.cckd\n", path("sys"), "x.cnf", &cfg, diag));
    cr_assert_not(hercules_cnf_apply(&cfg, &M, diag));
    hercules_cnf_free(&cfg);
    cr_assert(hercules_cnf_parse("0190 3390 nothere.cckd\n", path("sys"), "x.cnf", &cfg, diag));
    cr_assert_not(hercules_cnf_apply(&cfg, &M, diag));
    hercules_cnf_free(&cfg);
    fclose(diag);
}

/* 3270 statements become doppel's 3270 displays on the CNSLPORT port. */
Test(dasd, hercules_cnf_3270_displays_and_cnslport)
{
    M.loop = event_loop_new(NULL); /* the terminal server runs on it */
    FILE *diag = tmpfile();
    HercConfig cfg;
    cr_assert(hercules_cnf_parse("CNSLPORT 127.0.0.1:0\n"
                                 "00C0 3270\n"
                                 "00C1.2 3270 TSO\n"
                                 "00C3 3278 * 192.168.0.1\n",
                                 ".", "t.cnf", &cfg, diag));
    cr_assert(cfg.have_cnslport && cfg.cnslport == 0);
    cr_assert(hercules_cnf_apply(&cfg, &M, diag), "%s", diag_text(diag));
    hercules_cnf_free(&cfg);
    cr_assert_str_eq(device_numbered(0x0c0)->class->name, "3270");
    cr_assert_str_eq(prop(0x0c0, "port"), "0");
    cr_assert_str_eq(prop(0x0c0, "group"), "");
    cr_assert_str_eq(prop(0x0c2, "group"), "TSO");
    cr_assert_str_eq(prop(0x0c3, "group"), "");
    cr_assert_not_null(machine_find_bus(&M, "tn3270:0"), "one server for the port");
    const char *d = diag_text(diag);
    cr_assert(strstr(d, "00C3 3278: client address '192.168.0.1' ignored"), "%s", d);
    fclose(diag);
    device_free_all(&M);
    event_loop_free(M.loop);
    M.loop = NULL;

    /* Without CNSLPORT the device keeps Hercules' default, 3270; another
     * host is reported; a malformed port fails. */
    diag = tmpfile();
    cr_assert(hercules_cnf_parse("CNSLPORT 192.168.1.5:3271\n", ".", "h.cnf", &cfg, diag));
    cr_assert_eq(cfg.cnslport, 3271);
    cr_assert(strstr(diag_text(diag), "h.cnf:1: CNSLPORT host '192.168.1.5' ignored"), "%s",
              diag_text(diag));
    hercules_cnf_free(&cfg);
    cr_assert_not(hercules_cnf_parse("CNSLPORT telnet\n", ".", "h.cnf", &cfg, diag));
    cr_assert_not(hercules_cnf_parse("CNSLPORT 70000\n", ".", "h.cnf", &cfg, diag));
    cr_assert(hercules_cnf_parse("0700 3270\n", ".", "h.cnf", &cfg, diag));
    cr_assert_not(cfg.have_cnslport);
    hercules_cnf_free(&cfg);
    fclose(diag);
    Device *dflt = device_create(&M, "3270");
    char buf[16];
    cr_assert(device_get_prop(dflt, "port", buf, sizeof buf));
    cr_assert_str_eq(buf, "3270");
    device_free(dflt);
}

/* ================================================================ */
/* A guest program                                                  */
/* ================================================================ */

/* tests/guest/s370/dasd/dasd.S needs a volume at 150, which the deck
 * runner of tests/guest/s370 cannot attach yet, so it is built and run
 * here: it writes records with SIO channel programs, reads them back,
 * checks a no-record-found unit check and its sense, and prints DASD OK. */
Test(dasd, guest_program_does_dasd_io)
{
    NEED_TOOL("s390x-linux-gnu-gcc");
    NEED_TOOL("s390x-linux-gnu-ld");
    NEED_TOOL("s390x-linux-gnu-objcopy");
    char mkdeck[512], cmd[2048];
    snprintf(mkdeck, sizeof mkdeck, "%s", DOPPEL_BINARY);
    char *slash = strrchr(mkdeck, '/');
    cr_assert_not_null(slash);
    strcpy(slash + 1, "s370-mkdeck");
    if (access(mkdeck, X_OK) != 0) cr_skip_test("s370-mkdeck is not built");
    snprintf(
        cmd, sizeof cmd,
        "cd %s && s390x-linux-gnu-gcc -m31 -march=z900 -DS370=1 -ffreestanding -fno-pic "
        "-I%s/tests/guest/s370 -c %s/tests/guest/s370/dasd/dasd.S -o dasd.o && "
        "s390x-linux-gnu-ld -m elf_s390 -nostdlib -e _start -Ttext=0x400 -N dasd.o -o dasd.elf && "
        "s390x-linux-gnu-objcopy -O binary dasd.elf dasd.bin && "
        "%s -a 400 -p 0008000000000000 dasd.bin dasd.deck",
        dir, DOPPEL_SOURCE_DIR, DOPPEL_SOURCE_DIR, mkdeck);
    cr_assert_eq(system(cmd), 0, "building the guest program failed");
    const char *vol = new_3390("g.cckd", 2);
    char args[600], out[8192];
    snprintf(args, sizeof args,
             "-M s370 -accel interp -nographic -serial file:%s -kernel %s "
             "-device 3390,devno=150,file=%s",
             path("con.txt"), path("dasd.deck"), vol);
    int status = test_run_doppel(args, false, out, sizeof out);
    cr_assert_eq(status, 0, "exit status %d (0x%x):\n%s", status, status, out);
    const char *con = slurp(path("con.txt"), NULL);
    cr_assert(strstr(con, "DASD OK"), "console: %s", con);
    /* The guest's records are in the image. */
    CkdImage *img = open_image(vol, true);
    static uint8_t t[TRK3390];
    size_t len = read_track(img, 1 * 15 + 3, t);
    CkdCount c;
    size_t off = find_record(t, len, 1, &c);
    cr_assert_neq(off, 0, "record 1 of 1/3 was not written");
    cr_assert_eq(c.kl, 8);
    cr_assert_eq(c.dl, 64);
    uint8_t key[8];
    ebcdic_str(key, "DOPPELK1", 8);
    cr_assert_arr_eq(t + off + CKD_COUNT_SIZE, key, 8);
    cr_assert_eq(t[off + CKD_COUNT_SIZE + 8 + 63], 63);
    cr_assert_neq(find_record(t, len, 2, &c), 0);
    cr_assert_eq(c.dl, 32);
    ckd_image_close(img, NULL, 0);
}
