/* core_options: the QEMU-compatible command line, in-process and through
 * the doppel binary. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/log.h"
#include "core/machine.h"
#include "core/options.h"
#include "test_util.h"

typedef struct Parsed {
    int rc;
    Options o;
    char *out, *err; /* captured streams */
    size_t out_len, err_len;
} Parsed;

static Parsed P;

static void parsed_reset(void)
{
    options_free(&P.o);
    free(P.out);
    free(P.err);
    memset(&P, 0, sizeof P);
}

/* parse("-m", "512", NULL): argv[0] is supplied. */
static int parse(const char *first, ...)
{
    parsed_reset();
    char *argv[64] = {"doppel"};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    FILE *out = open_memstream(&P.out, &P.out_len);
    FILE *err = open_memstream(&P.err, &P.err_len);
    P.rc = options_parse_stream(argc, argv, &P.o, out, err);
    fclose(out);
    fclose(err);
    return P.rc;
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* An error: status 1, exactly one line, equal to want. */
static void assert_error(const char *want)
{
    cr_assert_eq(P.rc, 1, "expected an error, got rc %d", P.rc);
    cr_assert_eq(count_lines(P.err), 1, "expected one line, got: %s", P.err);
    char line[512];
    snprintf(line, sizeof line, "%s\n", want);
    cr_assert_str_eq(P.err, line);
}

/* An error whose single line starts with prefix. */
static void assert_error_prefix(const char *prefix)
{
    cr_assert_eq(P.rc, 1, "expected an error, got rc %d", P.rc);
    cr_assert_eq(count_lines(P.err), 1, "expected one line, got: %s", P.err);
    cr_assert(strncmp(P.err, prefix, strlen(prefix)) == 0, "'%s' does not start with '%s'", P.err,
              prefix);
}

static void assert_ok(void)
{
    cr_assert_eq(P.rc, 0, "rc %d, stderr: %s", P.rc, P.err);
    cr_assert_eq(P.err_len, 0, "stderr: %s", P.err);
}

static void fini(void)
{
    parsed_reset();
}

TestSuite(core_options, .fini = fini);

#define EXISTING_FILE DOPPEL_SOURCE_DIR "/CMakeLists.txt"

Test(core_options, empty_command_line_is_defaults)
{
    parse(NULL);
    assert_ok();
    cr_assert_null(P.o.machine);
    cr_assert_eq(P.o.ram_size, 0);
    cr_assert_eq(P.o.accel, ACCEL_DEFAULT);
    cr_assert(P.o.icount.sleep);
    cr_assert_null(options_unsupported(&P.o));
}

Test(core_options, memory_sizes)
{
    static const struct {
        const char *arg;
        uint64_t bytes;
    } cases[] = {
        {"512", 512ull << 20},   {"512M", 512ull << 20}, {"2G", 2ull << 30},
        {"size=1G", 1ull << 30}, {"1.5G", 3ull << 29},   {"4096K", 4ull << 20},
        {"64MB", 64ull << 20},   {"0x10", 16ull << 20},  {"1T", 1ull << 40},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parse("-m", cases[i].arg, NULL);
        assert_ok();
        cr_assert_eq(P.o.ram_size, cases[i].bytes, "-m %s", cases[i].arg);
    }
}

Test(core_options, memory_errors)
{
    parse("-m", "banana", NULL);
    assert_error("doppel: -m: invalid size 'banana' (expected e.g. 512M or 2G)");
    static const char *const bad[] = {"0", "12X", "1.5", "", "-1", "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        parse("-m", bad[i], NULL);
        assert_error_prefix("doppel: -m: invalid size");
    }
}

Test(core_options, missing_argument_for_every_option_that_takes_one)
{
    static const char *const opts[] = {
        "-M",      "-machine", "-m",     "-cpu",     "-smp", "-bios", "-kernel", "-initrd",
        "-append", "-dtb",     "-drive", "-cdrom",   "-hda", "-hdb",  "-netdev", "-device",
        "-serial", "-display", "-vnc",   "-monitor", "-qmp", "-gdb",  "-d",      "-D",
        "-icount", "-loadvm",  "-accel", "-name",    "-rtc", "-boot",
    };
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        parse(opts[i], NULL);
        char want[64];
        snprintf(want, sizeof want, "doppel: %s: missing argument", opts[i]);
        assert_error_prefix(want);
    }
}

Test(core_options, unknown_option)
{
    parse("-m", "64", "-foo", NULL);
    assert_error("doppel: unknown option '-foo' (see doppel -help)");
}

Test(core_options, double_dash_spelling)
{
    parse("--m", "64", "--nographic", NULL);
    assert_ok();
    cr_assert_eq(P.o.ram_size, 64ull << 20);
    cr_assert(P.o.nographic);
}

Test(core_options, files_must_exist)
{
    parse("-kernel", "/nonexistent/x", NULL);
    assert_error("doppel: -kernel: cannot open '/nonexistent/x': No such file or directory");
    static const char *const opts[] = {"-bios", "-initrd", "-dtb", "-cdrom", "-hda", "-hdb"};
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        parse(opts[i], "/nonexistent/x", NULL);
        char want[128];
        snprintf(want, sizeof want, "doppel: %s: cannot open '/nonexistent/x'", opts[i]);
        assert_error_prefix(want);
    }
    parse("-drive", "file=/nonexistent/x", NULL);
    assert_error_prefix("doppel: -drive: cannot open '/nonexistent/x'");
}

Test(core_options, boot_files_and_append)
{
    parse("-kernel", EXISTING_FILE, "-initrd", EXISTING_FILE, "-bios", EXISTING_FILE, "-dtb",
          EXISTING_FILE, "-append", "console=ttyS0 quiet", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.kernel, EXISTING_FILE);
    cr_assert_str_eq(P.o.initrd, EXISTING_FILE);
    cr_assert_str_eq(P.o.bios, EXISTING_FILE);
    cr_assert_str_eq(P.o.dtb, EXISTING_FILE);
    cr_assert_str_eq(P.o.append, "console=ttyS0 quiet");
}

Test(core_options, machine_selection)
{
    parse("-M", "no-such-board", NULL);
    assert_error("doppel: -M: unknown machine 'no-such-board' (see -M help)");
    parse("-M", "help", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "Supported machines are:"));
    const MachineClass *mc = machine_default();
    if (!mc) return; /* no board registered in this build */
    char spec[128];
    snprintf(spec, sizeof spec, "type=%s,accel=interp", mc->name);
    parse("-machine", spec, NULL);
    assert_ok();
    cr_assert_str_eq(P.o.machine, mc->name);
    cr_assert_eq(P.o.accel, ACCEL_INTERP);
    parse("-M", mc->name, NULL);
    assert_ok();
    cr_assert_str_eq(P.o.machine, mc->name);
    cr_assert(strstr(P.out, mc->name) == NULL); /* nothing printed */
}

Test(core_options, cpu_and_smp)
{
    parse("-cpu", "help", NULL);
    assert_ok();
    cr_assert(P.o.cpu_help);
    parse("-cpu", "max", "-smp", "4", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.cpu_model, "max");
    cr_assert_eq(P.o.smp, 4);
    parse("-smp", "cpus=2,maxcpus=8", NULL);
    assert_ok();
    cr_assert_eq(P.o.smp, 2);
    cr_assert_eq(P.o.max_cpus, 8);
    parse("-smp", "sockets=2,cores=2,threads=2", NULL);
    assert_ok();
    cr_assert_eq(P.o.smp, 8);
    parse("-smp", "0", NULL);
    assert_error_prefix("doppel: -smp: invalid cpu count '0'");
    parse("-smp", "cpus=4,maxcpus=2", NULL);
    assert_error("doppel: -smp: maxcpus 2 is less than cpus 4");
    parse("-smp", "4,bogus=1", NULL);
    assert_error("doppel: -smp: unknown key 'bogus'");
}

Test(core_options, drive_keys)
{
    parse("-drive",
          "file=" EXISTING_FILE ",format=raw,if=virtio,index=1,media=cdrom,snapshot=on,cache=none",
          NULL);
    assert_ok();
    cr_assert_eq(P.o.ndrives, 1);
    const DriveOpts *d = &P.o.drives[0];
    cr_assert_str_eq(d->file, EXISTING_FILE);
    cr_assert_str_eq(d->format, "raw");
    cr_assert_str_eq(d->iface, "virtio");
    cr_assert_eq(d->index, 1);
    cr_assert(d->cdrom);
    cr_assert(d->snapshot);
    cr_assert_str_eq(d->cache, "none");
    cr_assert(strncmp(d->spec, "file=", 5) == 0);

    parse("-drive", "file=" EXISTING_FILE ",color=blue", NULL);
    assert_error("doppel: -drive: unknown key 'color'");
    parse("-drive", "if=usb", NULL);
    assert_error_prefix("doppel: -drive: invalid if 'usb' (expected ide, scsi");
    parse("-drive", "snapshot=maybe", NULL);
    assert_error("doppel: -drive: invalid snapshot 'maybe' (expected on or off)");
    parse("-drive", EXISTING_FILE, NULL);
    assert_error_prefix("doppel: -drive: expected key=value");
}

Test(core_options, drive_shorthands)
{
    parse("-hda", EXISTING_FILE, "-hdb", EXISTING_FILE, "-cdrom", EXISTING_FILE, NULL);
    assert_ok();
    cr_assert_eq(P.o.ndrives, 3);
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(P.o.drives[i].index, i);
        cr_assert_str_eq(P.o.drives[i].iface, "ide");
        cr_assert_eq(P.o.drives[i].cdrom, i == 2);
    }
    parse(EXISTING_FILE, NULL); /* a bare argument is -hda, as in QEMU */
    assert_ok();
    cr_assert_eq(P.o.ndrives, 1);
    cr_assert_null(options_unsupported(&P.o));
    parse("-fda", EXISTING_FILE, "-drive", "file=" EXISTING_FILE ",if=ide,readonly=on", NULL);
    assert_ok();
    cr_assert_eq(P.o.ndrives, 2);
    cr_assert_str_eq(P.o.drives[0].iface, "floppy");
    cr_assert_eq(P.o.drives[0].index, 0);
    cr_assert(P.o.drives[1].read_only);
}

Test(core_options, netdev_user)
{
    parse("-netdev", "user,id=net0,hostfwd=tcp::2222-:22,hostfwd=udp:127.0.0.1:5353-10.0.2.15:53",
          NULL);
    assert_ok();
    cr_assert_eq(P.o.nnetdevs, 1);
    const NetdevOpts *n = &P.o.netdevs[0];
    cr_assert_str_eq(n->type, "user");
    cr_assert_str_eq(n->id, "net0");
    cr_assert_eq(n->nhostfwd, 2);
    cr_assert_str_eq(n->hostfwd[0], "tcp::2222-:22");
    cr_assert_null(options_unsupported(&P.o));

    parse("-netdev", "tap,id=n", NULL);
    assert_error("doppel: -netdev: unknown type 'tap' (only 'user' is available)");
    parse("-netdev", "user", NULL);
    assert_error("doppel: -netdev: missing id= (e.g. -netdev user,id=net0)");
    static const char *const bad_fwd[] = {"tcp::99999-:22", "tcp::2222", "sctp::1-:2",
                                          "tcp:1.2.3:1-:2", "tcp::1-:"};
    for (size_t i = 0; i < sizeof bad_fwd / sizeof bad_fwd[0]; i++) {
        char spec[128];
        snprintf(spec, sizeof spec, "user,id=n,hostfwd=%s", bad_fwd[i]);
        parse("-netdev", spec, NULL);
        assert_error_prefix("doppel: -netdev: invalid hostfwd");
    }
}

Test(core_options, device_specs_and_help)
{
    parse("-device", "help", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "uart16550"));
    cr_assert(strstr(P.out, "test-exit"));
    parse("-device", "uart16550,help", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "regshift=<u32>"));
    parse("-device", "nonesuch,help", NULL);
    assert_error("doppel: -device: unknown device 'nonesuch' (see -device help)");
    parse("-device", "nonesuch", NULL);
    assert_error("doppel: -device: unknown device 'nonesuch' (see -device help)");
    parse("-device", "uart16550", NULL);
    assert_error("doppel: -device: device 'uart16550' is placed by the board, not -device");
    parse("-device", "test-exit,addr=0x1000", NULL);
    assert_ok();
}

Test(core_options, serial_specs)
{
    parse("-serial", "mon:stdio", "-serial", "null", "-serial", "file:/tmp/x", "-serial", "none",
          NULL);
    assert_ok();
    cr_assert_eq(P.o.nserials, 4);
    cr_assert_str_eq(P.o.serials[0], "mon:stdio");
    cr_assert_str_eq(P.o.serials[2], "file:/tmp/x");
    cr_assert_null(options_unsupported(&P.o));

    parse("-serial", "tcp::4444,server=on,wait=off", NULL);
    assert_ok();
    cr_assert_null(options_unsupported(&P.o));
    parse("-serial", "tcp::4444,server,nowait", NULL);
    assert_ok();
    parse("-serial", "pty", NULL);
    assert_error_prefix("doppel: -serial: unknown chardev 'pty'");
    parse("-serial", "tcp::http", NULL);
    assert_error_prefix("doppel: -serial: invalid tcp chardev");
}

Test(core_options, display_monitor_gdb)
{
    parse("-nographic", "-display", "none", "-monitor", "none", NULL);
    assert_ok();
    cr_assert(P.o.nographic);
    cr_assert_str_eq(P.o.display, "none");
    cr_assert_null(options_unsupported(&P.o));
    parse("-display", "gtk", NULL);
    assert_error("doppel: -display: unknown display 'gtk' (expected sdl, none or vnc=<display>)");
    parse("-display", "sdl", NULL);
    assert_ok();
    cr_assert_null(options_unsupported(&P.o));
    parse("-s", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.gdb, "tcp::1234");
    cr_assert_null(options_unsupported(&P.o));
    parse("-gdb", "tcp::5555", "-S", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.gdb, "tcp::5555");
    cr_assert(P.o.start_stopped);
    parse("-qmp", "unix:/tmp/q.sock,server=on,wait=off", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.qmp, "unix:/tmp/q.sock,server=on,wait=off");
}

Test(core_options, log_items_and_file)
{
    parse("-d", "in_asm,int,nochain", "-D", "/tmp/doppel.log", NULL);
    assert_ok();
    cr_assert_eq(P.o.log_mask, LOG_IN_ASM | LOG_INT | LOG_NOCHAIN);
    cr_assert_str_eq(P.o.log_file, "/tmp/doppel.log");
    parse("-d", "in_asm,bogus", NULL);
    assert_error("doppel: -d: unknown log category 'bogus' (see -d help)");
    parse("-d", "in_asm,,int", NULL);
    assert_error_prefix("doppel: -d: empty log category");
    parse("-d", "help", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "in_asm"));
    cr_assert(strstr(P.out, "guest_errors"));
}

Test(core_options, icount_forms)
{
    parse("-icount", "shift=3,align=off,sleep=off", NULL);
    assert_ok();
    cr_assert(P.o.icount.enabled);
    cr_assert_eq(P.o.icount.shift, 3);
    cr_assert_not(P.o.icount.sleep);
    parse("-icount", "auto", NULL);
    assert_ok();
    cr_assert(P.o.icount.auto_shift);
    parse("-icount", "7", NULL);
    assert_ok();
    cr_assert_eq(P.o.icount.shift, 7);
    parse("-icount", "shift=11", NULL);
    assert_error_prefix("doppel: -icount: invalid shift '11'");
    parse("-icount", "align=perhaps", NULL);
    assert_error("doppel: -icount: invalid align 'perhaps' (expected on or off)");

    parse("-icount", "shift=2,rr=record,rrfile=/tmp/x.rr,rrsnapshot=start", NULL);
    assert_ok();
    cr_assert_eq(P.o.icount.rr, RR_RECORD);
    cr_assert_str_eq(P.o.icount.rrfile, "/tmp/x.rr");
    cr_assert_str_eq(P.o.icount.rrsnapshot, "start");
    parse("-icount", "shift=2,rr=replay,rrfile=/tmp/x.rr", NULL);
    assert_ok();
    cr_assert_eq(P.o.icount.rr, RR_REPLAY);
    parse("-icount", "shift=2,rr=record", NULL);
    assert_error("doppel: -icount: rr=record needs rrfile=FILE");
    parse("-icount", "shift=auto,rr=replay,rrfile=f", NULL);
    assert_error("doppel: -icount: rr= needs a fixed shift=N, not shift=auto");
    parse("-icount", "shift=1,rr=sometimes,rrfile=f", NULL);
    assert_error("doppel: -icount: rr= expects record, replay or off, got 'sometimes'");
    parse("-accel", "kvm", "-icount", "shift=1,rr=record,rrfile=f", NULL);
    assert_error("doppel: -icount: rr= cannot be used with -accel kvm");
}

Test(core_options, accelerators)
{
    static const struct {
        const char *arg;
        AccelKind kind;
    } cases[] = {{"interp", ACCEL_INTERP},
                 {"jit", ACCEL_JIT},
                 {"tcg", ACCEL_JIT},
                 {"kvm", ACCEL_KVM},
                 {"accel=kvm", ACCEL_KVM}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        parse("-accel", cases[i].arg, NULL);
        assert_ok();
        cr_assert_eq(P.o.accel, cases[i].kind, "-accel %s", cases[i].arg);
    }
    parse("-accel", "kvm", NULL);
    cr_assert_null(options_unsupported(&P.o));
    parse("-accel", "hvf", NULL);
    assert_error("doppel: -accel: unknown accelerator 'hvf' (expected interp, jit or kvm)");
}

Test(core_options, misc_flags_and_strings)
{
    parse("-no-reboot", "-no-shutdown", "-snapshot", "-name", "guest=demo,debug-threads=on",
          "-loadvm", "snap1", NULL);
    assert_ok();
    cr_assert(P.o.no_reboot);
    cr_assert(P.o.no_shutdown);
    cr_assert(P.o.snapshot);
    cr_assert_str_eq(P.o.name, "demo");
    cr_assert_str_eq(P.o.loadvm, "snap1");
    cr_assert_null(options_unsupported(&P.o));
    parse("-snapshot-dir", "/tmp/snaps", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.snapshot_dir, "/tmp/snaps");
    parse("-name", "plain", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.name, "plain");
}

Test(core_options, rtc_and_boot)
{
    parse("-rtc", "base=utc,clock=vm,driftfix=slew", "-boot", "order=cd,menu=on", NULL);
    assert_ok();
    cr_assert_str_eq(P.o.rtc, "base=utc,clock=vm,driftfix=slew");
    cr_assert_str_eq(P.o.boot, "order=cd,menu=on");
    parse("-rtc", "base=2006-06-17T16:01:21", "-boot", "cd", NULL);
    assert_ok();
    parse("-rtc", "base=yesterday", NULL);
    assert_error_prefix("doppel: -rtc: invalid base 'yesterday'");
    parse("-rtc", "clock=sundial", NULL);
    assert_error("doppel: -rtc: invalid clock 'sundial' (expected host, rt, vm)");
    parse("-boot", "order=z", NULL);
    assert_error_prefix("doppel: -boot: invalid order 'z'");
}

Test(core_options, help_and_version)
{
    parse("-help", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "-kernel file"));
    cr_assert(strstr(P.out, "-machine, -M"));
    parse("-h", NULL);
    cr_assert_eq(P.rc, 2);
    parse("-version", NULL);
    cr_assert_eq(P.rc, 2);
    cr_assert(strstr(P.out, "doppel emulator version " DOPPEL_VERSION));
    cr_assert_eq(P.err_len, 0);
}

Test(core_options, options_are_recorded_in_order)
{
    parse("-m", "64", "-nographic", "-d", "int", NULL);
    assert_ok();
    cr_assert_eq(P.o.nuses, 3);
    cr_assert_str_eq(P.o.uses[0].name, "m");
    cr_assert_str_eq(P.o.uses[0].arg, "64");
    cr_assert_str_eq(P.o.uses[1].name, "nographic");
    cr_assert_null(P.o.uses[1].arg);
    cr_assert_str_eq(P.o.uses[2].name, "d");
}

/* ---- through the binary ---- */

static int run_doppel(const char *args, bool only_stderr, char *buf, size_t len)
{
    return test_run_doppel(args, only_stderr, buf, len);
}

Test(core_options, binary_d_help)
{
    char buf[8192];
    cr_assert_eq(run_doppel("-d help", false, buf, sizeof buf), 0);
    cr_assert(strstr(buf, "in_asm"));
}

Test(core_options, binary_device_help)
{
    char buf[8192];
    cr_assert_eq(run_doppel("-device help", false, buf, sizeof buf), 0);
    cr_assert(strstr(buf, "uart16550"));
    cr_assert(strstr(buf, "test-exit"));
}

Test(core_options, binary_bad_memory_size)
{
    char buf[1024];
    cr_assert_eq(run_doppel("-m banana", true, buf, sizeof buf), 1);
    cr_assert_eq(count_lines(buf), 1, "stderr: %s", buf);
    cr_assert(strstr(buf, "-m"));
    cr_assert(strstr(buf, "banana"));
}

Test(core_options, binary_unknown_option)
{
    char buf[1024];
    cr_assert_eq(run_doppel("-frobnicate", true, buf, sizeof buf), 1);
    cr_assert_str_eq(buf, "doppel: unknown option '-frobnicate' (see doppel -help)\n");
}
