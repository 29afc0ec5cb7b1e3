/*
 * Snapshots (core/snapshot.h): the round trip in icount mode — run N
 * instructions, save, run M more and record the state X (every cpu
 * register, device state, RAM, the virtual clock, the console output);
 * load, run M again and get exactly X — for an S/370 and an x86 guest;
 * files through savevm/loadvm, info snapshots and -loadvm; and corrupt or
 * mismatched files, each one error line with the guest left as it was.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/clock.h"
#include "core/cpu_loop.h"
#include "core/event_loop.h"
#include "core/machine.h"
#include "core/options.h"
#include "core/snapshot.h"
#include "core/snapshot_internal.h"
#include "test_util.h"

typedef struct Guest {
    Machine *m;
    Options o;
    char dir[64];     /* snapshot dir and console file */
    char console[96]; /* the guest's console output */
} Guest;

static bool guest_file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* A machine built as doppel's main does, with -icount and the console in
 * a file; false (test skipped) when the guest program is not built. */
static bool guest_start(Guest *g, const char *machine, const char *kernel, const char *mem)
{
    memset(g, 0, sizeof *g);
    if (!guest_file_exists(kernel)) return false;
    snprintf(g->dir, sizeof g->dir, "/tmp/doppel-snap-XXXXXX");
    cr_assert_not_null(mkdtemp(g->dir));
    snprintf(g->console, sizeof g->console, "%s/console.out", g->dir);
    char serial[128], sdir[96];
    snprintf(serial, sizeof serial, "file:%s", g->console);
    snprintf(sdir, sizeof sdir, "%s", g->dir);
    char *argv[] = {"doppel",  "-M",           (char *)machine, "-m",      (char *)mem,
                    "-icount", "shift=3",      "-nographic",    "-serial", serial,
                    "-kernel", (char *)kernel, "-snapshot-dir", sdir,      NULL};
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    cr_assert_eq(options_parse_stream(argc, argv, &g->o, stdout, stderr), 0, "options");
    g->m = machine_create(machine_find(machine), &g->o);
    cr_assert_not_null(g->m);
    cr_assert(machine_boot(g->m));
    return true;
}

static void guest_stop(Guest *g)
{
    machine_destroy(g->m);
    options_free(&g->o);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", g->dir);
    cr_assert_eq(system(cmd), 0);
}

/* machine_run for a budget of instructions: slices end at the next
 * virtual timer; an idle cpu warps virtual time to it. */
static void guest_run(Guest *g, uint64_t insns)
{
    Machine *m = g->m;
    uint64_t target = machine_total_icount(m) + insns;
    for (int idle = 0; !m->quit && machine_total_icount(m) < target && idle < 100000;) {
        uint64_t left = target - machine_total_icount(m);
        int64_t ns = clock_deadline_ns(m->clocks, CLK_VIRTUAL);
        uint64_t slice = ns < 0 ? left : ((uint64_t)ns >> m->icount_shift) + 1;
        if (slice > left) slice = left;
        if (cpu_exec(m->cpus[0], slice) == EXCP_HALTED) {
            idle++;
            ns = clock_deadline_ns(m->clocks, CLK_VIRTUAL);
            if (ns < 0 && !m->cpus[0]->arch->has_work(m->cpus[0])) break;
            if (ns > 0) clocks_warp_virtual(m->clocks, clock_get_ns(m->clocks, CLK_VIRTUAL) + ns);
        }
        event_loop_poll(m->loop, 0);
    }
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

static char *file_range(const char *path, long from, long to)
{
    char *buf = calloc(1, (size_t)(to - from) + 1);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    fseek(f, from, SEEK_SET);
    cr_assert_eq(fread(buf, 1, (size_t)(to - from), f), (size_t)(to - from));
    fclose(f);
    return buf;
}

/* Every section equal: registers, devices, RAM, clock and icount. */
static void expect_same_state(const VmImage *a, const VmImage *b, const char *what)
{
    cr_assert_eq(a->nsections, b->nsections, "%s: section count", what);
    for (size_t i = 0; i < a->nsections; i++) {
        const SnapSection *x = &a->sections[i], *y = &b->sections[i];
        cr_assert_str_eq(x->name, y->name, "%s", what);
        cr_assert(x->len == y->len && memcmp(x->data, y->data, x->len) == 0,
                  "%s: section '%s' differs", what, x->name);
    }
}

static VmImage *capture(Machine *m)
{
    char err[256];
    VmImage *img = vm_image_capture(m, err, sizeof err);
    cr_assert_not_null(img, "capture: %s", err);
    return img;
}

/* The round trip on a started guest. */
static void round_trip(Guest *g, uint64_t n, uint64_t m_insns)
{
    char err[256];
    guest_run(g, n);
    VmImage *saved = capture(g->m);
    long out0 = file_size(g->console);
    guest_run(g, m_insns);
    VmImage *x = capture(g->m);
    long out1 = file_size(g->console);
    cr_assert_gt(vm_image_icount(x), vm_image_icount(saved), "the guest ran");
    cr_assert(vm_image_restore(g->m, saved, err, sizeof err), "restore: %s", err);
    VmImage *back = capture(g->m);
    expect_same_state(saved, back, "right after restore");
    guest_run(g, m_insns);
    VmImage *x2 = capture(g->m);
    long out2 = file_size(g->console);
    expect_same_state(x, x2, "after re-running M instructions");
    char *o1 = file_range(g->console, out0, out1), *o2 = file_range(g->console, out1, out2);
    cr_expect_str_eq(o1, o2, "console output of the M instructions");
    free(o1);
    free(o2);
    vm_image_free(saved);
    vm_image_free(x);
    vm_image_free(back);
    vm_image_free(x2);
}

static void s370_deck(const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s.deck", DOPPEL_S370_GUEST_DIR, name);
}

static void x86_elf(const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s.elf", DOPPEL_X86_GUEST_DIR, name);
}

Test(snapshot, s370_round_trip_icount, .timeout = 120)
{
    Guest g;
    char deck[512];
    s370_deck("timer", deck, sizeof deck);
    if (!guest_start(&g, "s370", deck, "1")) cr_skip_test("timer.deck not built");
    round_trip(&g, 20, 60);
    guest_stop(&g);
}

Test(snapshot, x86_round_trip_icount, .timeout = 120)
{
    Guest g;
    char elf[512];
    x86_elf("interrupts", elf, sizeof elf);
    if (!guest_start(&g, "pc", elf, "32")) cr_skip_test("interrupts.elf not built");
    round_trip(&g, 3000, 6000);
    guest_stop(&g);
}

/* ---- files ---- */

static void snap_path(const Guest *g, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s.dsnap", g->dir, name);
}

static uint8_t *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len);
    cr_assert_eq(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static void write_all(const char *path, const uint8_t *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(b, 1, len, f), len);
    fclose(f);
}

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

/* Where the sections of a file are (format of core/snapshot_file.c). */
typedef struct FileSection {
    char name[128];
    size_t start, data, stored, end; /* end: the CRC */
    bool zlib;
} FileSection;

static int file_sections(const uint8_t *b, size_t len, FileSection *out, int max)
{
    size_t pos = 16 + (size_t)le(b + 12, 4) + 4;
    int n = 0;
    while (pos < len && n < max) {
        FileSection *s = &out[n++];
        s->start = pos;
        size_t nl = b[pos];
        snprintf(s->name, sizeof s->name, "%.*s", (int)nl, b + pos + 1);
        pos += 1 + nl;
        s->zlib = b[pos] & 1;
        s->stored = (size_t)le(b + pos + 1, 8);
        s->data = pos + 17;
        s->end = s->data + s->stored;
        pos = s->end + 4;
    }
    return n;
}

static void fix_crc(uint8_t *b, const FileSection *s)
{
    uint32_t crc = (uint32_t)crc32(0, b + s->start, (uInt)(s->end - s->start));
    for (int i = 0; i < 4; i++)
        b[s->end + i] = (uint8_t)(crc >> (8 * i));
}

/* Load the file "bad" and expect one line containing want, with the
 * guest exactly as before. */
static void expect_load_fails(Guest *g, const char *want)
{
    char err[512] = "";
    VmImage *before = capture(g->m);
    cr_assert_not(snapshot_load(g->m, "bad", err, sizeof err), "loading a bad file succeeded");
    cr_expect_not_null(strstr(err, want), "error '%s' does not say '%s'", err, want);
    cr_expect_null(strchr(err, '\n'), "one line: %s", err);
    cr_expect_eq(strncmp(err, "snapshot 'bad': ", 16), 0, "%s", err);
    VmImage *after = capture(g->m);
    expect_same_state(before, after, want);
    vm_image_free(before);
    vm_image_free(after);
}

Test(snapshot, s370_file_round_trip_and_list, .timeout = 120)
{
    Guest g;
    char deck[512], err[256];
    s370_deck("timer", deck, sizeof deck);
    if (!guest_start(&g, "s370", deck, "1")) cr_skip_test("timer.deck not built");
    guest_run(&g, 20);
    cr_assert(snapshot_save(g.m, "one", err, sizeof err), "%s", err);
    VmImage *at_save = capture(g.m);
    guest_run(&g, 60);
    VmImage *x = capture(g.m);
    cr_assert(snapshot_save(g.m, "two", err, sizeof err), "%s", err);
    cr_assert(snapshot_load(g.m, "one", err, sizeof err), "%s", err);
    VmImage *loaded = capture(g.m);
    expect_same_state(at_save, loaded, "loadvm one");
    guest_run(&g, 60);
    VmImage *x2 = capture(g.m);
    expect_same_state(x, x2, "after loadvm, the same M instructions");

    SnapshotInfo *list;
    cr_assert_eq(snapshot_list(g.m, &list, err, sizeof err), 2, "%s", err);
    cr_expect_str_eq(list[0].name, "one");
    cr_expect_str_eq(list[1].name, "two");
    cr_expect_eq(list[0].icount, vm_image_icount(at_save));
    cr_expect_gt(list[1].vm_clock_ns, list[0].vm_clock_ns);
    cr_expect_gt(list[0].file_size, 0);
    free(list);
    cr_assert(snapshot_delete(g.m, "two", err, sizeof err), "%s", err);
    cr_assert_not(snapshot_delete(g.m, "two", err, sizeof err));
    cr_expect_str_eq(err, "snapshot 'two': no such snapshot");
    cr_assert_not(snapshot_save(g.m, "../x", err, sizeof err));
    cr_expect_not_null(strstr(err, "snapshot name '../x'"), "%s", err);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s/one.dsnap.tmp", g.dir);
    cr_expect_not(guest_file_exists(tmp), "the temporary file is renamed away");
    vm_image_free(at_save);
    vm_image_free(x);
    vm_image_free(loaded);
    vm_image_free(x2);
    guest_stop(&g);
}

Test(snapshot, corrupt_and_mismatched_files, .timeout = 180)
{
    Guest g;
    char deck[512], err[256], good[128], bad[128];
    s370_deck("timer", deck, sizeof deck);
    if (!guest_start(&g, "s370", deck, "1")) cr_skip_test("timer.deck not built");
    guest_run(&g, 20);
    cr_assert(snapshot_save(g.m, "good", err, sizeof err), "%s", err);
    guest_run(&g, 20);
    snap_path(&g, "good", good, sizeof good);
    snap_path(&g, "bad", bad, sizeof bad);
    size_t len;
    uint8_t *file = read_all(good, &len);
    uint8_t *b = malloc(len);

    expect_load_fails(&g, "no such snapshot");
    /* Not a snapshot at all, and truncated ones. */
    write_all(bad, (const uint8_t *)"hello world, not a snapshot", 27);
    expect_load_fails(&g, "not a doppel snapshot");
    write_all(bad, file, len / 2);
    expect_load_fails(&g, "truncated");
    write_all(bad, file, 20);
    expect_load_fails(&g, "truncated header");
    /* Format version. */
    memcpy(b, file, len);
    b[8] = 99;
    write_all(bad, b, len);
    expect_load_fails(&g, "format version 99, this build reads version 2");
    /* A flipped byte in the header, then in the data of each section. */
    memcpy(b, file, len);
    b[18] ^= 0x20;
    write_all(bad, b, len);
    expect_load_fails(&g, "checksum mismatch in the header");
    FileSection secs[64];
    int n = file_sections(file, len, secs, 64);
    cr_assert_gt(n, 3);
    for (int i = 0; i < n; i++) {
        memcpy(b, file, len);
        b[secs[i].data + secs[i].stored / 2] ^= 0x01;
        write_all(bad, b, len);
        char want[200];
        snprintf(want, sizeof want, "checksum mismatch in section '%.150s'", secs[i].name);
        expect_load_fails(&g, want);
    }
    /* A device whose layout differs: rename its first field (the CRC is
     * made right, so only the layout check can catch it). */
    for (int i = 0; i < n; i++) {
        if (strncmp(secs[i].name, "device ", 7) != 0 || secs[i].zlib) continue;
        memcpy(b, file, len);
        size_t d = secs[i].data;
        size_t field = d + 8 + 1 + b[d + 8] + 8; /* magic, format, name, version, count */
        b[field + 1] ^= 0x20;                    /* the first letter of the first field */
        fix_crc(b, &secs[i]);
        write_all(bad, b, len);
        char want[200];
        snprintf(want, sizeof want, "device '%s' state layout differs", secs[i].name + 7);
        expect_load_fails(&g, want);
        break;
    }
    /* Saved by another machine, and with another RAM size. */
    Guest other;
    cr_assert(guest_start(&other, "s390", deck, "1"));
    cr_assert(snapshot_save(other.m, "bad", err, sizeof err), "%s", err);
    char other_file[128];
    snap_path(&other, "bad", other_file, sizeof other_file);
    size_t olen;
    uint8_t *o = read_all(other_file, &olen);
    write_all(bad, o, olen);
    free(o);
    guest_stop(&other);
    expect_load_fails(&g, "was saved by machine 's390', this is 's370'");
    cr_assert(guest_start(&other, "s370", deck, "2"));
    cr_assert(snapshot_save(other.m, "bad", err, sizeof err), "%s", err);
    snap_path(&other, "bad", other_file, sizeof other_file);
    o = read_all(other_file, &olen);
    write_all(bad, o, olen);
    free(o);
    guest_stop(&other);
    expect_load_fails(&g, "was saved with 2 MiB of RAM, this machine has 1 MiB");
    /* And the good file still loads. */
    cr_assert(snapshot_load(g.m, "good", err, sizeof err), "%s", err);
    free(file);
    free(b);
    guest_stop(&g);
}

/* -loadvm at start-up continues the saved run: the console shows what the
 * guest printed after the save point, and a missing snapshot is one line. */
Test(snapshot, loadvm_at_startup, .timeout = 180)
{
    Guest g;
    char deck[512], err[256];
    s370_deck("timer", deck, sizeof deck);
    if (!guest_start(&g, "s370", deck, "1")) cr_skip_test("timer.deck not built");
    guest_run(&g, 20);
    cr_assert(snapshot_save(g.m, "start", err, sizeof err), "%s", err);
    char args[1200], out[4096], console[128];
    snprintf(console, sizeof console, "%s/after.out", g.dir);
    snprintf(args, sizeof args,
             "-M s370 -m 1 -icount shift=3 -nographic -serial file:%s -kernel %s "
             "-snapshot-dir %s -loadvm start",
             console, deck, g.dir);
    int status = test_run_doppel(args, false, out, sizeof out);
    cr_expect_eq(status, 0, "exit %d: %s", status, out);
    char got[4096];
    test_read_file(console, got, sizeof got);
    cr_expect_not_null(strstr(got, "TIMER OK"), "console: %s", got);
    snprintf(args, sizeof args,
             "-M s370 -m 1 -nographic -kernel %s -snapshot-dir %s -loadvm nosuch", deck, g.dir);
    status = test_run_doppel(args, false, out, sizeof out);
    cr_expect_eq(status, 1);
    cr_expect_not_null(strstr(out, "-loadvm nosuch: snapshot 'nosuch': no such snapshot"), "%s",
                       out);
    guest_stop(&g);
}

Test(snapshot, names)
{
    char err[256];
    cr_expect(snapshot_name_valid("boot-1.a_b", err, sizeof err));
    cr_expect_not(snapshot_name_valid("", err, sizeof err));
    cr_expect_not(snapshot_name_valid(".hidden", err, sizeof err));
    cr_expect_not(snapshot_name_valid("a/b", err, sizeof err));
    cr_expect_not(snapshot_name_valid(
        "0123456789012345678901234567890123456789012345678901234567890123", err, sizeof err));
}

/* The PC's video memory sits behind a PCI BAR that SeaBIOS programs after
 * power-on: a snapshot saved once it is mapped must load at start-up,
 * when it is not mapped yet (-loadvm), with the memory restored. */
Test(snapshot, pc_loadvm_with_video_memory_behind_a_bar, .timeout = 180)
{
    if (access("/usr/share/seabios/bios-256k.bin", R_OK) != 0) {
        printf("snapshot: skipped: SeaBIOS is not installed (apt-get install seabios)\n");
        cr_skip_test("SeaBIOS is not installed");
    }
    char dir[64] = "/tmp/doppel-snap-pc-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[2048];
    static char out[65536];
    snprintf(cmd, sizeof cmd,
             "(sleep 3; printf 'info mtree\\nsavevm boot\\nquit\\n') | timeout -k 5 60 %s -M pc "
             "-display none -serial null -monitor stdio -snapshot-dir %s 2>&1",
             DOPPEL_BINARY, dir);
    int status = test_run_command(cmd, out, sizeof out);
    cr_assert_eq(status, 0, "%s", out);
    /* SeaBIOS has mapped BAR 0 by now (the precondition of this test). */
    cr_assert(strstr(out, "): vga.vram\n"), "video memory not mapped yet:\n%s", out);
    snprintf(cmd, sizeof cmd,
             "(sleep 1; printf 'info status\\nquit\\n') | timeout -k 5 60 %s -M pc -display none "
             "-serial null -monitor stdio -snapshot-dir %s -loadvm boot 2>&1",
             DOPPEL_BINARY, dir);
    status = test_run_command(cmd, out, sizeof out);
    cr_expect_eq(status, 0, "%s", out);
    cr_expect(strstr(out, "VM status: running"), "%s", out);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
