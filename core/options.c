/*
 * QEMU-compatible command line.  One table holds every option: its name,
 * argument, handler and help line; another lists the options whose
 * feature does not exist yet (later issues delete lines from it).
 */
#include "core/options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/chardev.h"
#include "core/device.h"
#include "core/keyval.h"
#include "core/log.h"
#include "core/machine.h"

enum { OPT_OK = 0, OPT_ERROR = 1, OPT_HELP = 2 };

typedef struct ParseCtx {
    Options *o;
    FILE *out, *err;
    const char *opt; /* as typed, e.g. "-M" */
} ParseCtx;

typedef int OptHandler(ParseCtx *c, const char *arg);

typedef struct OptionDef {
    const char *name;    /* canonical, without the dash */
    const char *alias;   /* another spelling, or NULL */
    const char *argname; /* NULL for a flag */
    OptHandler *handle;
    const char *help;
} OptionDef;

/* ---- features not available yet: (option, argument prefix, reason).
 * An argument of "none" is never unsupported (turning a feature off is). */
#define UNSUPPORTED(opt, prefix, reason)                                                           \
    {                                                                                              \
        opt, prefix, "doppel: " opt ": not supported yet (" reason ")"                             \
    }

static const struct {
    const char *option;
    const char *arg_prefix; /* NULL: any argument */
    const char *message;
} unsupported_table[] = {
    UNSUPPORTED("-display", "vnc", "VNC is not planned yet"),
    UNSUPPORTED("-vnc", NULL, "VNC is not planned yet"),
};

/* ---- helpers ---- */

__attribute__((format(printf, 2, 3))) static int opt_error(ParseCtx *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(c->err, "doppel: %s: ", c->opt);
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
    return OPT_ERROR;
}

static void set_string(char **dst, const char *value)
{
    free(*dst);
    *dst = value ? strdup(value) : NULL;
}

static int check_file(ParseCtx *c, const char *path)
{
    if (access(path, R_OK) != 0) return opt_error(c, "cannot open '%s': %s", path, strerror(errno));
    return OPT_OK;
}

static bool one_of(const char *value, const char *const *choices)
{
    for (; *choices; choices++) {
        if (strcmp(value, *choices) == 0) return true;
    }
    return false;
}

static const char *choices_text(const char *const *choices, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (; *choices && n < len; choices++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? ", " : "", *choices);
    return buf;
}

/* Check value against choices; error names the key. */
static int check_choice(ParseCtx *c, const char *key, const char *value, const char *const *choices)
{
    char buf[160];
    if (value && one_of(value, choices)) return OPT_OK;
    return opt_error(c, "invalid %s '%s' (expected %s)", key, value ? value : "",
                     choices_text(choices, buf, sizeof buf));
}

static int parse_int_range(ParseCtx *c, const char *key, const char *s, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v < lo || v > hi)
        return opt_error(c, "invalid %s '%s' (expected a number from %ld to %ld)", key, s ? s : "",
                         lo, hi);
    *out = (int)v;
    return OPT_OK;
}

static int parse_onoff(ParseCtx *c, const char *key, const char *s, bool *out)
{
    if (s && parse_bool(s, out)) return OPT_OK;
    return opt_error(c, "invalid %s '%s' (expected on or off)", key, s ? s : "");
}

static int unknown_key(ParseCtx *c, const KeyVal *kv)
{
    if (!kv->value) return opt_error(c, "expected key=value, got '%s'", kv->key);
    return opt_error(c, "unknown key '%s'", kv->key);
}

static const char *const onoff_choices[] = {"on", "off", NULL};

/* ---- handlers ---- */

static int opt_machine(ParseCtx *c, const char *arg)
{
    Options *o = c->o;
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        machine_print_list(c->out);
        return OPT_HELP;
    }
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if ((i == 0 && !kv->value) || strcmp(kv->key, "type") == 0) {
            const char *name = kv->value ? kv->value : kv->key;
            if (!machine_find(name))
                rc = opt_error(c, "unknown machine '%s' (see -M help)", name);
            else
                set_string(&o->machine, name);
        } else if (strcmp(kv->key, "accel") == 0 && kv->value) {
            set_string(&o->machine_accel, kv->value);
        } else {
            rc = unknown_key(c, kv);
        }
    }
    keyval_free(&l);
    return rc;
}

static int opt_memory(ParseCtx *c, const char *arg)
{
    const char *size = arg;
    if (strncmp(arg, "size=", 5) == 0) size = arg + 5;
    uint64_t bytes;
    if (!parse_size(size, 1ull << 20, &bytes) || bytes == 0)
        return opt_error(c, "invalid size '%s' (expected e.g. 512M or 2G)", arg);
    c->o->ram_size = bytes;
    return OPT_OK;
}

static int opt_cpu(ParseCtx *c, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0)
        c->o->cpu_help = true;
    else
        set_string(&c->o->cpu_model, arg);
    return OPT_OK;
}

static int opt_smp(ParseCtx *c, const char *arg)
{
    KeyValList l;
    keyval_split(arg, &l);
    int cpus = 0, maxcpus = 0, topo[3] = {1, 1, 1};
    static const char *const topo_keys[] = {"sockets", "cores", "threads"};
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if (i == 0 && !kv->value) {
            rc = parse_int_range(c, "cpu count", kv->key, 1, MACHINE_MAX_CPUS, &cpus);
            continue;
        }
        if (strcmp(kv->key, "cpus") == 0) {
            rc = parse_int_range(c, "cpus", kv->value, 1, MACHINE_MAX_CPUS, &cpus);
            continue;
        }
        if (strcmp(kv->key, "maxcpus") == 0) {
            rc = parse_int_range(c, "maxcpus", kv->value, 1, MACHINE_MAX_CPUS, &maxcpus);
            continue;
        }
        int t = 0;
        while (t < 3 && strcmp(kv->key, topo_keys[t]) != 0)
            t++;
        if (t < 3)
            rc = parse_int_range(c, kv->key, kv->value, 1, MACHINE_MAX_CPUS, &topo[t]);
        else
            rc = unknown_key(c, kv);
    }
    keyval_free(&l);
    if (rc != OPT_OK) return rc;
    if (!cpus) cpus = topo[0] * topo[1] * topo[2];
    if (cpus > MACHINE_MAX_CPUS)
        return opt_error(c, "%d cpus is more than the maximum %d", cpus, MACHINE_MAX_CPUS);
    if (maxcpus && maxcpus < cpus)
        return opt_error(c, "maxcpus %d is less than cpus %d", maxcpus, cpus);
    c->o->smp = cpus;
    c->o->max_cpus = maxcpus ? maxcpus : cpus;
    return OPT_OK;
}

/* -bios, -kernel, -initrd, -dtb: a file that must exist. */
#define FILE_OPTION(field)                                                                         \
    static int opt_##field(ParseCtx *c, const char *arg)                                           \
    {                                                                                              \
        if (check_file(c, arg) != OPT_OK) return OPT_ERROR;                                        \
        set_string(&c->o->field, arg);                                                             \
        return OPT_OK;                                                                             \
    }
FILE_OPTION(bios)
FILE_OPTION(kernel)
FILE_OPTION(initrd)
FILE_OPTION(dtb)
FILE_OPTION(hercules_cnf)

/* Options that keep their argument as it is. */
#define STRING_OPTION(fn, field)                                                                   \
    static int opt_##fn(ParseCtx *c, const char *arg)                                              \
    {                                                                                              \
        set_string(&c->o->field, arg);                                                             \
        return OPT_OK;                                                                             \
    }
STRING_OPTION(append, append)
STRING_OPTION(log_file, log_file)
STRING_OPTION(snapshot_dir, snapshot_dir)

/* -ipl: a device number of 1 to 4 hex digits. */
static int opt_ipl(ParseCtx *c, const char *arg)
{
    size_t n = strlen(arg);
    if (n == 0 || n > 4 || strspn(arg, "0123456789abcdefABCDEF") != n) {
        fprintf(c->err, "doppel: -ipl %s: expected a device number of 1 to 4 hex digits\n", arg);
        return OPT_ERROR;
    }
    set_string(&c->o->ipl, arg);
    return OPT_OK;
}

/* -dump-on-wait ADDR:LEN, both hex. */
static int opt_dump_on_wait(ParseCtx *c, const char *arg)
{
    const char *colon = strchr(arg, ':');
    static const char hex[] = "0123456789abcdefABCDEF";
    size_t na = colon ? (size_t)(colon - arg) : 0;
    if (!colon || na == 0 || na > 8 || strspn(arg, hex) != na || colon[1] == '\0' ||
        strlen(colon + 1) > 8 || strspn(colon + 1, hex) != strlen(colon + 1)) {
        fprintf(c->err, "doppel: -dump-on-wait %s: expected ADDR:LEN in hex (e.g. 200:40)\n", arg);
        return OPT_ERROR;
    }
    set_string(&c->o->dump_on_wait, arg);
    return OPT_OK;
}

/* Flags. */
#define FLAG_OPTION(fn, field)                                                                     \
    static int opt_##fn(ParseCtx *c, const char *arg)                                              \
    {                                                                                              \
        c->o->field = true;                                                                        \
        return OPT_OK;                                                                             \
    }
FLAG_OPTION(nographic, nographic)
FLAG_OPTION(start_stopped, start_stopped)
FLAG_OPTION(snapshot, snapshot)
FLAG_OPTION(no_reboot, no_reboot)
FLAG_OPTION(no_shutdown, no_shutdown)

static DriveOpts *drive_add(Options *o, const char *spec)
{
    o->drives = realloc(o->drives, (size_t)(o->ndrives + 1) * sizeof *o->drives);
    DriveOpts *d = &o->drives[o->ndrives++];
    memset(d, 0, sizeof *d);
    d->spec = strdup(spec);
    d->index = -1;
    return d;
}

static int opt_drive(ParseCtx *c, const char *arg)
{
    static const char *const if_choices[] = {"ide",    "scsi", "virtio", "floppy",
                                             "pflash", "none", "sd",     NULL};
    static const char *const media_choices[] = {"disk", "cdrom", NULL};
    static const char *const cache_choices[] = {"none",       "writeback", "writethrough",
                                                "directsync", "unsafe",    NULL};
    DriveOpts *d = drive_add(c->o, arg);
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        const char *k = kv->key, *v = kv->value;
        if (!v) {
            rc = unknown_key(c, kv);
        } else if (strcmp(k, "file") == 0) {
            rc = check_file(c, v);
            set_string(&d->file, v);
        } else if (strcmp(k, "format") == 0) {
            set_string(&d->format, v);
        } else if (strcmp(k, "if") == 0) {
            rc = check_choice(c, "if", v, if_choices);
            set_string(&d->iface, v);
        } else if (strcmp(k, "index") == 0) {
            rc = parse_int_range(c, "index", v, 0, 255, &d->index);
        } else if (strcmp(k, "media") == 0) {
            rc = check_choice(c, "media", v, media_choices);
            d->cdrom = strcmp(v, "cdrom") == 0;
        } else if (strcmp(k, "snapshot") == 0) {
            rc = parse_onoff(c, "snapshot", v, &d->snapshot);
        } else if (strcmp(k, "readonly") == 0) {
            rc = parse_onoff(c, "readonly", v, &d->read_only);
        } else if (strcmp(k, "cache") == 0) {
            rc = check_choice(c, "cache", v, cache_choices);
            set_string(&d->cache, v);
        } else {
            rc = unknown_key(c, kv);
        }
    }
    keyval_free(&l);
    return rc;
}

/* -cdrom, -hda, -hdb, -fda, -fdb: shorthands for an IDE or floppy -drive. */
static int drive_shorthand(ParseCtx *c, const char *file, const char *iface, int index, bool cdrom)
{
    if (check_file(c, file) != OPT_OK) return OPT_ERROR;
    char spec[64 + 4096];
    snprintf(spec, sizeof spec, "file=%s,if=%s,index=%d,media=%s", file, iface, index,
             cdrom ? "cdrom" : "disk");
    DriveOpts *d = drive_add(c->o, spec);
    d->file = strdup(file);
    d->iface = strdup(iface);
    d->index = index;
    d->cdrom = cdrom;
    return OPT_OK;
}

static int opt_hda(ParseCtx *c, const char *arg)
{
    return drive_shorthand(c, arg, "ide", 0, false);
}
static int opt_hdb(ParseCtx *c, const char *arg)
{
    return drive_shorthand(c, arg, "ide", 1, false);
}
static int opt_cdrom(ParseCtx *c, const char *arg)
{
    return drive_shorthand(c, arg, "ide", 2, true);
}
static int opt_fda(ParseCtx *c, const char *arg)
{
    return drive_shorthand(c, arg, "floppy", 0, false);
}
static int opt_fdb(ParseCtx *c, const char *arg)
{
    return drive_shorthand(c, arg, "floppy", 1, false);
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
static bool hostfwd_valid(const char *rule)
{
    char buf[256];
    if (strlen(rule) >= sizeof buf) return false;
    strcpy(buf, rule);
    char *dash = strchr(buf, '-');
    if (!dash) return false;
    *dash = '\0';
    char *host = buf, *guest = dash + 1;
    char *f[3];
    int nf = 0;
    for (char *p = host; nf < 3; nf++) {
        f[nf] = p;
        p = strchr(p, ':');
        if (!p) {
            nf++;
            break;
        }
        *p++ = '\0';
    }
    if (nf != 3 || strchr(f[2], ':')) return false;
    if (*f[0] && strcmp(f[0], "tcp") != 0 && strcmp(f[0], "udp") != 0) return false;
    char *gport = strrchr(guest, ':');
    if (!gport) return false;
    *gport++ = '\0';
    const char *addrs[2] = {f[1], guest}, *ports[2] = {f[2], gport};
    for (int i = 0; i < 2; i++) {
        struct in_addr a;
        if (*addrs[i] && inet_pton(AF_INET, addrs[i], &a) != 1) return false;
        char *end;
        long port = strtol(ports[i], &end, 10);
        if (!*ports[i] || *end || port < 1 || port > 65535) return false;
    }
    return true;
}

static int opt_netdev(ParseCtx *c, const char *arg)
{
    static const char *const user_keys[] = {"net",  "host",       "hostname",  "dns",  "restrict",
                                            "ipv4", "ipv6",       "dhcpstart", "tftp", "bootfile",
                                            "smb",  "domainname", NULL};
    Options *o = c->o;
    o->netdevs = realloc(o->netdevs, (size_t)(o->nnetdevs + 1) * sizeof *o->netdevs);
    NetdevOpts *n = &o->netdevs[o->nnetdevs++];
    memset(n, 0, sizeof *n);
    n->spec = strdup(arg);
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    if (l.items[0].value || strcmp(l.items[0].key, "user") != 0)
        rc = opt_error(c, "unknown type '%s' (only 'user' is available)", l.items[0].key);
    else
        n->type = strdup("user");
    for (int i = 1; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if (!kv->value) {
            rc = unknown_key(c, kv);
        } else if (strcmp(kv->key, "id") == 0) {
            set_string(&n->id, kv->value);
        } else if (strcmp(kv->key, "hostfwd") == 0) {
            if (!hostfwd_valid(kv->value)) {
                rc = opt_error(c, "invalid hostfwd '%s' (expected e.g. tcp::2222-:22)", kv->value);
                break;
            }
            n->hostfwd = realloc(n->hostfwd, (size_t)(n->nhostfwd + 1) * sizeof *n->hostfwd);
            n->hostfwd[n->nhostfwd++] = strdup(kv->value);
        } else if (!one_of(kv->key, user_keys)) {
            rc = unknown_key(c, kv);
        }
    }
    keyval_free(&l);
    if (rc == OPT_OK && (!n->id || !*n->id))
        rc = opt_error(c, "missing id= (e.g. -netdev user,id=net0)");
    return rc;
}

static int opt_device(ParseCtx *c, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        device_print_list(c->out);
        return OPT_HELP;
    }
    KeyValList l;
    keyval_split(arg, &l);
    bool want_props = false;
    for (int i = 1; i < l.n; i++)
        want_props |= !l.items[i].value && strcmp(l.items[i].key, "help") == 0;
    int rc = OPT_OK;
    if (want_props) {
        if (device_print_props(l.items[0].key, c->out))
            rc = OPT_HELP;
        else
            rc = opt_error(c, "unknown device '%s' (see -device help)", l.items[0].key);
    } else {
        char err[256];
        if (device_check_spec(arg, err, sizeof err)) {
            Options *o = c->o;
            o->devices = realloc(o->devices, (size_t)(o->ndevices + 1) * sizeof *o->devices);
            o->devices[o->ndevices++] = strdup(arg);
        } else {
            rc = opt_error(c, "%s", err);
        }
    }
    keyval_free(&l);
    return rc;
}

/* -serial (repeatable), -monitor, -qmp, -gdb: chardev specs. */
static int check_chardev(ParseCtx *c, const char *arg)
{
    char err[256];
    if (!chardev_check_spec(arg, err, sizeof err)) return opt_error(c, "%s", err);
    return OPT_OK;
}

static int opt_serial(ParseCtx *c, const char *arg)
{
    if (check_chardev(c, arg) != OPT_OK) return OPT_ERROR;
    Options *o = c->o;
    o->serials = realloc(o->serials, (size_t)(o->nserials + 1) * sizeof *o->serials);
    o->serials[o->nserials++] = strdup(arg);
    return OPT_OK;
}

#define CHARDEV_OPTION(field)                                                                      \
    static int opt_##field(ParseCtx *c, const char *arg)                                           \
    {                                                                                              \
        if (check_chardev(c, arg) != OPT_OK) return OPT_ERROR;                                     \
        set_string(&c->o->field, arg);                                                             \
        return OPT_OK;                                                                             \
    }
CHARDEV_OPTION(monitor)
CHARDEV_OPTION(qmp)
CHARDEV_OPTION(debugcon)
CHARDEV_OPTION(gdb)

static int opt_gdb_default(ParseCtx *c, const char *arg)
{
    set_string(&c->o->gdb, "tcp::1234");
    return OPT_OK;
}

static int opt_display(ParseCtx *c, const char *arg)
{
    KeyValList l;
    keyval_split(arg, &l);
    const KeyVal *kv = &l.items[0];
    int rc = OPT_OK;
    if (kv->value ? strcmp(kv->key, "vnc") != 0
                  : strcmp(kv->key, "sdl") != 0 && strcmp(kv->key, "none") != 0)
        rc = opt_error(c, "unknown display '%s' (expected sdl, none or vnc=<display>)", kv->key);
    for (int i = 1; i < l.n && rc == OPT_OK; i++) {
        bool b;
        if (strcmp(l.items[i].key, "gl") == 0 || strcmp(l.items[i].key, "full-screen") == 0)
            rc = parse_onoff(c, l.items[i].key, l.items[i].value, &b);
        else
            rc = unknown_key(c, &l.items[i]);
    }
    keyval_free(&l);
    if (rc == OPT_OK) set_string(&c->o->display, arg);
    return rc;
}

static int opt_vnc(ParseCtx *c, const char *arg)
{
    if (!*arg) return opt_error(c, "expected a display such as :0 or none");
    set_string(&c->o->vnc, arg);
    return OPT_OK;
}

static int opt_log(ParseCtx *c, const char *arg)
{
    if (strcmp(arg, "help") == 0 || strcmp(arg, "?") == 0) {
        log_print_categories(c->out);
        return OPT_HELP;
    }
    char err[160];
    uint32_t mask;
    if (!log_parse_mask(arg, &mask, err, sizeof err)) return opt_error(c, "%s", err);
    set_string(&c->o->log_spec, arg);
    c->o->log_mask = mask;
    return OPT_OK;
}

static int opt_icount(ParseCtx *c, const char *arg)
{
    IcountOpts *ic = &c->o->icount;
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    ic->enabled = true;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        const char *shift = (i == 0 && !kv->value)          ? kv->key
                            : strcmp(kv->key, "shift") == 0 ? kv->value
                                                            : NULL;
        if (shift) {
            ic->auto_shift = strcmp(shift, "auto") == 0;
            if (!ic->auto_shift) rc = parse_int_range(c, "shift", shift, 0, 10, &ic->shift);
        } else if (strcmp(kv->key, "align") == 0) {
            rc = parse_onoff(c, "align", kv->value, &ic->align);
        } else if (strcmp(kv->key, "sleep") == 0) {
            rc = parse_onoff(c, "sleep", kv->value, &ic->sleep);
        } else if (strcmp(kv->key, "rr") == 0) {
            if (kv->value && strcmp(kv->value, "record") == 0)
                ic->rr = RR_RECORD;
            else if (kv->value && strcmp(kv->value, "replay") == 0)
                ic->rr = RR_REPLAY;
            else if (kv->value && strcmp(kv->value, "off") == 0)
                ic->rr = RR_OFF;
            else
                rc = opt_error(c, "rr= expects record, replay or off, got '%s'",
                               kv->value ? kv->value : "");
        } else if (strcmp(kv->key, "rrfile") == 0) {
            if (!kv->value || !*kv->value)
                rc = opt_error(c, "rrfile= expects a file name");
            else
                set_string(&ic->rrfile, kv->value);
        } else if (strcmp(kv->key, "rrsnapshot") == 0) {
            if (!kv->value || !*kv->value)
                rc = opt_error(c, "rrsnapshot= expects a snapshot name");
            else
                set_string(&ic->rrsnapshot, kv->value);
        } else {
            rc = unknown_key(c, kv);
        }
    }
    keyval_free(&l);
    return rc;
}

static int opt_loadvm(ParseCtx *c, const char *arg)
{
    if (!*arg) return opt_error(c, "expected a snapshot name");
    set_string(&c->o->loadvm, arg);
    return OPT_OK;
}

static const struct {
    const char *name;
    AccelKind kind;
} accel_names[] = {
    {"interp", ACCEL_INTERP},
    {"jit", ACCEL_JIT},
    {"tcg", ACCEL_JIT}, /* QEMU's name for its software translator */
    {"kvm", ACCEL_KVM},
};

/* Sets o->accel and records the canonical name for options_unsupported. */
static int set_accel(ParseCtx *c, const char *name, OptionUse *use)
{
    for (size_t i = 0; i < sizeof accel_names / sizeof accel_names[0]; i++) {
        if (strcmp(name, accel_names[i].name) == 0) {
            c->o->accel = accel_names[i].kind;
            if (use) {
                free(use->arg);
                use->arg = strdup(accel_names[i].kind == ACCEL_JIT ? "jit" : name);
            }
            return OPT_OK;
        }
    }
    return opt_error(c, "unknown accelerator '%s' (expected interp, jit or kvm)", name);
}

static int opt_accel(ParseCtx *c, const char *arg)
{
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    bool have_sync = false;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if (i == 0 && !kv->value) {
            rc = set_accel(c, kv->key, &c->o->uses[c->o->nuses - 1]);
        } else if (strcmp(kv->key, "accel") == 0 && kv->value) {
            rc = set_accel(c, kv->value, &c->o->uses[c->o->nuses - 1]);
        } else if (strcmp(kv->key, "sync") == 0) {
            rc = parse_onoff(c, "sync", kv->value, &c->o->jit_sync);
            have_sync = true;
        } else {
            rc = unknown_key(c, kv);
        }
    }
    if (rc == OPT_OK && have_sync && c->o->accel != ACCEL_JIT)
        rc = opt_error(c, "sync= applies only to -accel jit");
    keyval_free(&l);
    return rc;
}

static int opt_jit_threshold(ParseCtx *c, const char *arg)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(arg, &end, 10);
    if (!*arg || *end || errno || v == 0 || arg[0] == '-')
        return opt_error(c, "invalid threshold '%s' (expected a number of executions >= 1)", arg);
    c->o->jit_threshold = v;
    return OPT_OK;
}

static int opt_jit_cache_size(ParseCtx *c, const char *arg)
{
    uint64_t bytes;
    if (!parse_size(arg, 1ull << 20, &bytes) || bytes < (1u << 20))
        return opt_error(c, "invalid size '%s' (expected at least 1M, e.g. 64M)", arg);
    c->o->jit_cache_size = bytes;
    return OPT_OK;
}

static int opt_name(ParseCtx *c, const char *arg)
{
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        bool b;
        if ((i == 0 && !kv->value) || strcmp(kv->key, "guest") == 0)
            set_string(&c->o->name, kv->value ? kv->value : kv->key);
        else if (strcmp(kv->key, "debug-threads") == 0)
            rc = parse_onoff(c, "debug-threads", kv->value, &b);
        else if (strcmp(kv->key, "process") != 0 || !kv->value)
            rc = unknown_key(c, kv);
    }
    keyval_free(&l);
    return rc;
}

/* base=utc|localtime|YYYY-MM-DD[THH:MM:SS] */
static bool rtc_base_valid(const char *s)
{
    if (strcmp(s, "utc") == 0 || strcmp(s, "localtime") == 0) return true;
    static const char date[] = "dddd-dd-dd", time[] = "Tdd:dd:dd";
    size_t n = strlen(s);
    if (n != strlen(date) && n != strlen(date) + strlen(time)) return false;
    for (size_t i = 0; i < n; i++) {
        char want = i < strlen(date) ? date[i] : time[i - strlen(date)];
        if (want == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != want) return false;
    }
    return true;
}

static int opt_rtc(ParseCtx *c, const char *arg)
{
    static const char *const clock_choices[] = {"host", "rt", "vm", NULL};
    static const char *const drift_choices[] = {"none", "slew", NULL};
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if (!kv->value)
            rc = unknown_key(c, kv);
        else if (strcmp(kv->key, "base") == 0 && !rtc_base_valid(kv->value))
            rc = opt_error(c, "invalid base '%s' (expected utc, localtime or 2006-06-17T16:01:21)",
                           kv->value);
        else if (strcmp(kv->key, "clock") == 0)
            rc = check_choice(c, "clock", kv->value, clock_choices);
        else if (strcmp(kv->key, "driftfix") == 0)
            rc = check_choice(c, "driftfix", kv->value, drift_choices);
        else if (strcmp(kv->key, "base") != 0)
            rc = unknown_key(c, kv);
    }
    keyval_free(&l);
    if (rc == OPT_OK) set_string(&c->o->rtc, arg);
    return rc;
}

static int check_boot_drives(ParseCtx *c, const char *key, const char *s)
{
    if (!s || !*s || strspn(s, "abcdefghijklmnop") != strlen(s))
        return opt_error(c, "invalid %s '%s' (expected drive letters a-p, e.g. cd)", key,
                         s ? s : "");
    return OPT_OK;
}

static int opt_boot(ParseCtx *c, const char *arg)
{
    KeyValList l;
    keyval_split(arg, &l);
    int rc = OPT_OK;
    for (int i = 0; i < l.n && rc == OPT_OK; i++) {
        const KeyVal *kv = &l.items[i];
        if (i == 0 && !kv->value)
            rc = check_boot_drives(c, "order", kv->key);
        else if (strcmp(kv->key, "order") == 0 || strcmp(kv->key, "once") == 0)
            rc = check_boot_drives(c, kv->key, kv->value);
        else if (strcmp(kv->key, "menu") == 0 || strcmp(kv->key, "strict") == 0)
            rc = check_choice(c, kv->key, kv->value, onoff_choices);
        else if (strcmp(kv->key, "splash-time") == 0 || strcmp(kv->key, "reboot-timeout") == 0) {
            int ms;
            rc = parse_int_range(c, kv->key, kv->value, -1, 65535, &ms);
        } else
            rc = unknown_key(c, kv);
    }
    keyval_free(&l);
    if (rc == OPT_OK) set_string(&c->o->boot, arg);
    return rc;
}

static int opt_version(ParseCtx *c, const char *arg)
{
    fprintf(c->out, "doppel emulator version %s\n", DOPPEL_VERSION);
    return OPT_HELP;
}

static int opt_help(ParseCtx *c, const char *arg)
{
    options_print_help(c->out);
    return OPT_HELP;
}

/* ---- the table: one source for parsing and -help ---- */

static const OptionDef option_table[] = {
    {"h", "help", NULL, opt_help, "print this help and exit"},
    {"version", NULL, NULL, opt_version, "print the version and exit"},
    {"machine", "M", "name[,accel=..]", opt_machine, "select the board ('-M help' lists them)"},
    {"cpu", NULL, "model", opt_cpu, "select the cpu model ('-cpu help' lists them)"},
    {"m", NULL, "size", opt_memory, "guest RAM size (default unit MiB; e.g. 512M, 2G)"},
    {"smp", NULL, "n[,cores=..]", opt_smp, "number of vCPUs (or cpus=,sockets=,cores=,threads=)"},
    {"bios", NULL, "file", opt_bios, "firmware image"},
    {"kernel", NULL, "file", opt_kernel, "kernel or bare-metal program to boot"},
    {"initrd", NULL, "file", opt_initrd, "initial ram disk"},
    {"append", NULL, "cmdline", opt_append, "kernel command line"},
    {"dtb", NULL, "file", opt_dtb, "device tree blob passed to the kernel"},
    {"drive", NULL, "file=..,if=..", opt_drive,
     "disk image (keys: file format if index media snapshot cache)"},
    {"cdrom", NULL, "file", opt_cdrom, "CD-ROM image (IDE index 2)"},
    {"hda", NULL, "file", opt_hda, "hard disk image (IDE index 0)"},
    {"hdb", NULL, "file", opt_hdb, "hard disk image (IDE index 1)"},
    {"fda", NULL, "file", opt_fda, "floppy disk image (drive A:)"},
    {"fdb", NULL, "file", opt_fdb, "floppy disk image (drive B:)"},
    {"netdev", NULL, "user,id=..", opt_netdev, "user network backend (hostfwd=tcp::2222-:22)"},
    {"device", NULL, "name[,prop=..]", opt_device,
     "add a device ('-device help', '-device name,help')"},
    {"serial", NULL, "dev", opt_serial, "serial port backend: stdio, mon:stdio, null, file:path"},
    {"nographic", NULL, NULL, opt_nographic, "no window; serial and monitor on stdio"},
    {"display", NULL, "type", opt_display, "display: sdl, none, vnc=<display>"},
    {"vnc", NULL, "display", opt_vnc, "VNC server on display"},
    {"monitor", NULL, "dev", opt_monitor, "monitor on a chardev"},
    {"debugcon", NULL, "dev", opt_debugcon,
     "x86: debug console at port 0x402 (SeaBIOS's log), e.g. file:bios.log"},
    {"qmp", NULL, "dev", opt_qmp, "QMP server on a chardev"},
    {"gdb", NULL, "dev", opt_gdb, "gdbstub on a chardev (e.g. tcp::1234)"},
    {"s", NULL, NULL, opt_gdb_default, "shorthand for -gdb tcp::1234"},
    {"S", NULL, NULL, opt_start_stopped, "do not start the cpus"},
    {"d", NULL, "item,..", opt_log, "log items ('-d help' lists them)"},
    {"D", NULL, "file", opt_log_file, "write the log to file instead of stderr"},
    {"icount", NULL, "shift=N|auto", opt_icount,
     "virtual time from instructions executed (keys: shift align sleep rr rrfile rrsnapshot)"},
    {"snapshot", NULL, NULL, opt_snapshot, "write disk changes to a temporary overlay"},
    {"loadvm", NULL, "name", opt_loadvm, "start from a saved snapshot"},
    {"snapshot-dir", NULL, "dir", opt_snapshot_dir,
     "where savevm/loadvm keep snapshots (default .)"},
    {"accel", NULL, "name[,sync=on]", opt_accel,
     "accelerator: interp, jit (default) or kvm; jit,sync=on compiles every block first"},
    {"jit-threshold", NULL, "n", opt_jit_threshold,
     "jit: executions before a block is compiled (default 1000)"},
    {"jit-cache-size", NULL, "size", opt_jit_cache_size,
     "jit: host code kept before compiled regions are flushed (default 64M)"},
    {"no-reboot", NULL, NULL, opt_no_reboot, "exit instead of rebooting"},
    {"no-shutdown", NULL, NULL, opt_no_shutdown, "stop instead of exiting at guest shutdown"},
    {"name", NULL, "string", opt_name, "guest name"},
    {"rtc", NULL, "base=..", opt_rtc, "real-time clock (keys: base clock driftfix)"},
    {"boot", NULL, "order=..", opt_boot, "boot order (keys: order once menu strict)"},
    {"ipl", NULL, "devno", opt_ipl, "mainframes: IPL from this device number (hex)"},
    {"dump-on-wait", NULL, "addr:len", opt_dump_on_wait,
     "mainframes: print storage (hex) at a disabled wait"},
    {"hercules-cnf", NULL, "file", opt_hercules_cnf,
     "mainframes: read a Hercules configuration file"},
};

#define NOPTIONS (sizeof option_table / sizeof option_table[0])

static const OptionDef *option_lookup(const char *name)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        const OptionDef *d = &option_table[i];
        if (strcmp(name, d->name) == 0 || (d->alias && strcmp(name, d->alias) == 0)) return d;
    }
    return NULL;
}

void options_print_help(FILE *out)
{
    fprintf(out, "usage: doppel [options] [disk-image]\n\n");
    for (size_t i = 0; i < NOPTIONS; i++) {
        const OptionDef *d = &option_table[i];
        char left[64];
        snprintf(left, sizeof left, "-%s%s%s%s%s", d->name, d->alias ? ", -" : "",
                 d->alias ? d->alias : "", d->argname ? " " : "", d->argname ? d->argname : "");
        fprintf(out, "  %-30s %s\n", left, d->help);
    }
    fprintf(out, "\nDuring emulation on a mon:stdio console, Ctrl-A h lists the escapes.\n");
}

static void record_use(Options *o, const OptionDef *d, const char *arg)
{
    o->uses = realloc(o->uses, (size_t)(o->nuses + 1) * sizeof *o->uses);
    o->uses[o->nuses].name = d->name; /* canonical; "-" added on output */
    o->uses[o->nuses].arg = arg ? strdup(arg) : NULL;
    o->nuses++;
}

/* [monitor] The boards put the first serial port on mon:stdio unless
 * -serial says otherwise.  With -monitor and no -serial, the port follows
 * the monitor as QEMU's would: -monitor mon:X shares X with it (Ctrl-A c),
 * and a monitor alone on stdio leaves the port on null (QEMU: a hidden
 * virtual console). */
static void options_monitor_serial_default(Options *o)
{
    if (!o->monitor || o->nserials) return;
    const char *serial = strncmp(o->monitor, "mon:", 4) == 0 ? o->monitor
                         : strcmp(o->monitor, "stdio") == 0  ? "null"
                                                             : NULL;
    if (!serial) return;
    o->serials = malloc(sizeof *o->serials);
    o->serials[0] = strdup(serial);
    o->nserials = 1;
}

int options_parse_stream(int argc, char **argv, Options *o, FILE *out, FILE *err)
{
    memset(o, 0, sizeof *o);
    o->icount.sleep = true;
    ParseCtx c = {.o = o, .out = out, .err = err};
    int rc = OPT_OK;
    for (int i = 1; i < argc && rc == OPT_OK; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            /* QEMU treats a bare argument as the first hard disk. */
            c.opt = "-hda";
            record_use(o, option_lookup("hda"), a);
            rc = opt_hda(&c, a);
            continue;
        }
        const char *name = a + 1 + (a[1] == '-'); /* --opt works like -opt */
        const OptionDef *d = option_lookup(name);
        if (!d) {
            fprintf(err, "doppel: unknown option '%s' (see doppel -help)\n", a);
            rc = OPT_ERROR;
            break;
        }
        c.opt = a + (a[1] == '-');
        const char *arg = NULL;
        if (d->argname) {
            if (i + 1 >= argc) {
                rc = opt_error(&c, "missing argument <%s>", d->argname);
                break;
            }
            arg = argv[++i];
        }
        record_use(o, d, arg);
        rc = d->handle(&c, arg);
    }
    if (rc == OPT_OK && o->machine_accel) {
        /* -M ...,accel=kvm is the old spelling of -accel kvm. */
        c.opt = "-machine";
        record_use(o, option_lookup("accel"), o->machine_accel);
        rc = set_accel(&c, o->machine_accel, &o->uses[o->nuses - 1]);
    }
    if (rc == OPT_OK && o->icount.rr != RR_OFF) {
        /* Record/replay needs instruction-driven time and a log file. */
        c.opt = "-icount";
        if (!o->icount.rrfile)
            rc = opt_error(&c, "rr=%s needs rrfile=FILE",
                           o->icount.rr == RR_RECORD ? "record" : "replay");
        else if (o->icount.auto_shift)
            rc = opt_error(&c, "rr= needs a fixed shift=N, not shift=auto");
        else if (o->accel == ACCEL_KVM)
            rc = opt_error(&c, "rr= cannot be used with -accel kvm");
    }
    if (rc == OPT_OK) options_monitor_serial_default(o); /* [monitor] */
    if (rc != OPT_OK) options_free(o);
    return rc;
}

int options_parse(int argc, char **argv, Options *o)
{
    return options_parse_stream(argc, argv, o, stdout, stderr);
}

const char *options_unsupported(const Options *o)
{
    for (int i = 0; i < o->nuses; i++) {
        const OptionUse *u = &o->uses[i];
        if (u->arg && strcmp(u->arg, "none") == 0) continue;
        for (size_t j = 0; j < sizeof unsupported_table / sizeof unsupported_table[0]; j++) {
            const char *prefix = unsupported_table[j].arg_prefix;
            if (strcmp(unsupported_table[j].option + 1, u->name) != 0) continue;
            if (prefix && (!u->arg || strncmp(u->arg, prefix, strlen(prefix)) != 0)) continue;
            return unsupported_table[j].message;
        }
    }
    return NULL;
}

static void free_strings(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void options_free(Options *o)
{
    char **strings[] = {
        &o->machine,          &o->machine_accel, &o->cpu_model, &o->bios,         &o->kernel,
        &o->initrd,           &o->append,        &o->dtb,       &o->display,      &o->vnc,
        &o->monitor,          &o->qmp,           &o->gdb,       &o->log_spec,     &o->log_file,
        &o->loadvm,           &o->name,          &o->rtc,       &o->boot,         &o->ipl,
        &o->dump_on_wait,     &o->hercules_cnf,  &o->debugcon,  &o->snapshot_dir, &o->icount.rrfile,
        &o->icount.rrsnapshot};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        free(*strings[i]);
    for (int i = 0; i < o->ndrives; i++) {
        DriveOpts *d = &o->drives[i];
        free(d->spec);
        free(d->file);
        free(d->format);
        free(d->iface);
        free(d->cache);
    }
    free(o->drives);
    for (int i = 0; i < o->nnetdevs; i++) {
        NetdevOpts *n = &o->netdevs[i];
        free(n->spec);
        free(n->type);
        free(n->id);
        free_strings(n->hostfwd, n->nhostfwd);
    }
    free(o->netdevs);
    free_strings(o->devices, o->ndevices);
    free_strings(o->serials, o->nserials);
    for (int i = 0; i < o->nuses; i++)
        free(o->uses[i].arg);
    free(o->uses);
    memset(o, 0, sizeof *o);
}
