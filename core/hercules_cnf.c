/*
 * Hercules configuration files (see hercules_cnf.h): the statements of
 * the Hercules "Configuration File" documentation that matter to the
 * guest, and the translation of device statements to doppel devices.
 */
#include "core/hercules_cnf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/device.h"
#include "core/machine.h"

#define CNF_MAX_TOKENS  64
#define CNF_MAX_INCLUDE 8
#define CNF_MAX_EXPAND  512 /* devices one statement may define */

typedef enum DevFamily {
    FAM_NONE,
    FAM_CONSOLE,
    FAM_READER,
    FAM_PUNCH,
    FAM_PRINTER,
    FAM_CKD,
    FAM_FBA,
    FAM_TAPE,
    FAM_DISPLAY,
} DevFamily;

typedef struct Parser {
    HercConfig *cfg;
    FILE *diag;
    int depth;
    const char *name; /* file being read */
    int line;
} Parser;

/* ---- small helpers ---- */

static void diag(Parser *p, const char *fmt, const char *a, const char *b)
{
    if (!p->diag) return;
    fprintf(p->diag, "doppel: -hercules-cnf %s:%d: ", p->name, p->line);
    fprintf(p->diag, fmt, a, b);
    fputc('\n', p->diag);
}

static bool parse_hex(const char *s, unsigned max_digits, uint32_t *v)
{
    size_t n = strlen(s);
    if (n == 0 || n > max_digits) return false;
    uint32_t x = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isxdigit((unsigned char)s[i])) return false;
        x = x << 4 |
            (uint32_t)(isdigit((unsigned char)s[i]) ? s[i] - '0'
                                                    : tolower((unsigned char)s[i]) - 'a' + 10);
    }
    *v = x;
    return true;
}

static bool parse_dec(const char *s, unsigned long *v)
{
    char *end;
    if (!isdigit((unsigned char)s[0])) return false;
    errno = 0;
    *v = strtoul(s, &end, 10);
    return !*end && errno == 0;
}

static char *dup_upper(const char *s)
{
    char *d = strdup(s);
    for (char *c = d; c && *c; c++)
        *c = (char)toupper((unsigned char)*c);
    return d;
}

static char *path_join(const char *dir, const char *file)
{
    if (file[0] == '/' || !dir || !*dir) return strdup(file);
    size_t n = strlen(dir) + strlen(file) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, file);
    return p;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    return strndup(path, (size_t)(slash - path));
}

static bool word_in(const char *w, const char *const *list)
{
    for (; *list; list++)
        if (!strcasecmp(w, *list)) return true;
    return false;
}

/* ---- lexical: variables, tokens ---- */

/* $(NAME), ${NAME} and ${NAME:=default} from the environment. */
static char *expand_vars(const char *line)
{
    size_t cap = strlen(line) + 1, n = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    for (const char *s = line; *s;) {
        const char *val = NULL;
        size_t vlen = 0, skip = 1;
        if (s[0] == '$' && (s[1] == '(' || s[1] == '{')) {
            char close = s[1] == '(' ? ')' : '}';
            const char *end = strchr(s + 2, close);
            if (end) {
                char name[128];
                size_t len = (size_t)(end - s - 2);
                const char *def = NULL;
                size_t deflen = 0;
                const char *colon = memchr(s + 2, ':', len);
                if (colon && colon[1] == '=') {
                    def = colon + 2;
                    deflen = (size_t)(end - def);
                    len = (size_t)(colon - s - 2);
                }
                if (len < sizeof name) {
                    memcpy(name, s + 2, len);
                    name[len] = 0;
                    val = getenv(name);
                    if (!val || !*val) {
                        val = def ? def : "";
                        vlen = def ? deflen : 0;
                    } else {
                        vlen = strlen(val);
                    }
                    skip = (size_t)(end - s) + 1;
                }
            }
        }
        if (!val) {
            val = s;
            vlen = 1;
        }
        if (n + vlen + 1 > cap) {
            cap = (n + vlen + 1) * 2;
            char *o = realloc(out, cap);
            if (!o) {
                free(out);
                return NULL;
            }
            out = o;
        }
        memcpy(out + n, val, vlen);
        n += vlen;
        s += skip;
    }
    out[n] = 0;
    return out;
}

/* Split into blank-separated tokens ("..." and '...' keep blanks); a
 * token starting with '#' starts a comment. */
static int tokenize(char *s, char **tok, int max)
{
    int n = 0;
    for (;;) {
        while (*s && isspace((unsigned char)*s))
            s++;
        if (!*s || *s == '#' || n == max) return n;
        if (*s == '"' || *s == '\'') {
            char q = *s++;
            tok[n++] = s;
            while (*s && *s != q)
                s++;
        } else {
            tok[n++] = s;
            while (*s && !isspace((unsigned char)*s))
                s++;
        }
        if (!*s) return n;
        *s++ = 0;
    }
}

/* "0150", "150", "0:0150", ranges "0150-0153" and counts "0150.4". */
static bool parse_devnos(const char *tok, uint16_t *first, unsigned *count)
{
    char buf[32];
    if (strlen(tok) >= sizeof buf) return false;
    strcpy(buf, tok);
    char *s = buf;
    char *colon = strchr(s, ':');
    if (colon) {
        uint32_t lcss;
        *colon = 0;
        if (!parse_hex(s, 1, &lcss) || lcss != 0) return false;
        s = colon + 1;
    }
    char *dash = strchr(s, '-'), *dot = strchr(s, '.');
    uint32_t a, b = 0;
    if (dash) *dash = 0;
    if (dot) *dot = 0;
    if (!parse_hex(s, 4, &a)) return false;
    *first = (uint16_t)a;
    *count = 1;
    if (dash) {
        if (!parse_hex(dash + 1, 4, &b) || b < a) return false;
        *count = b - a + 1;
    } else if (dot) {
        unsigned long c;
        if (!parse_dec(dot + 1, &c) || c == 0 || a + c > 0x10000) return false;
        *count = (unsigned)c;
    }
    return *count <= CNF_MAX_EXPAND;
}

/* ---- device statements ---- */

static DevFamily family_of(const char *type)
{
    static const char *const consoles[] = {"3215", "3215-C", "1052", "1052-C", NULL};
    static const char *const readers[] = {"3505", "2540R", "1442", "2501", NULL};
    static const char *const punches[] = {"3525", "2540P", NULL};
    static const char *const printers[] = {"1403", "3211", NULL};
    static const char *const ckds[] = {"2305", "2311", "2314", "3330", "3340", "3350",
                                       "3375", "3380", "3390", "9345", NULL};
    static const char *const fbas[] = {"3310", "3370", "9313", "9332",
                                       "9335", "9336", "0671", NULL};
    static const char *const tapes[] = {"3420", "3410", "3411", "3422", "3430", "3480",
                                        "3490", "3590", "8809", "9347", "9348", NULL};
    static const char *const displays[] = {"3270", "3278", NULL};
    if (word_in(type, consoles)) return FAM_CONSOLE;
    if (word_in(type, readers)) return FAM_READER;
    if (word_in(type, punches)) return FAM_PUNCH;
    if (word_in(type, printers)) return FAM_PRINTER;
    if (word_in(type, ckds)) return FAM_CKD;
    if (word_in(type, fbas)) return FAM_FBA;
    if (word_in(type, tapes)) return FAM_TAPE;
    if (word_in(type, displays)) return FAM_DISPLAY;
    return FAM_NONE;
}

static const char *const reader_words[] = {"ascii", "ebcdic",    "autopad", "eof", "intrq",
                                           "trunc", "multifile", "sockdev", "*",   NULL};
static const char *const punch_words[] = {"ascii", "ebcdic", "crlf", "noclear", "sockdev", NULL};
static const char *const printer_words[] = {"crlf", "noclear", "sockdev", NULL};

/* Whether argument i of a statement names a host file. */
static bool arg_is_file(DevFamily fam, const char *arg, int i)
{
    if (!strcmp(arg, "*") || strchr(arg, '=')) return false;
    switch (fam) {
    case FAM_READER: return !word_in(arg, reader_words);
    case FAM_PUNCH: return i == 0 && !word_in(arg, punch_words);
    case FAM_PRINTER: return i == 0 && !word_in(arg, printer_words);
    case FAM_CKD:
    case FAM_FBA:
    case FAM_TAPE: return i == 0;
    default: return false;
    }
}

static bool add_devices(Parser *p, const char *dir, char **tok, int ntok)
{
    uint16_t first;
    unsigned count;
    if (ntok < 2 || !parse_devnos(tok[0], &first, &count)) {
        diag(p, "'%s%s' is not a device statement (devno type [arguments])", tok[0], "");
        return false;
    }
    HercConfig *cfg = p->cfg;
    HercDevice *v = realloc(cfg->devs, (size_t)(cfg->ndevs + (int)count) * sizeof *v);
    if (!v) return false;
    cfg->devs = v;
    char where[300];
    snprintf(where, sizeof where, "%s:%d", p->name, p->line);
    for (unsigned k = 0; k < count; k++) {
        HercDevice *d = &cfg->devs[cfg->ndevs];
        memset(d, 0, sizeof *d);
        d->devno = (uint16_t)(first + k);
        d->type = dup_upper(tok[1]);
        d->where = strdup(where);
        d->nargs = ntok - 2;
        d->args = calloc((size_t)(d->nargs ? d->nargs : 1), sizeof *d->args);
        cfg->ndevs++;
        if (!d->type || !d->where || !d->args) return false;
        DevFamily fam = family_of(d->type);
        for (int i = 0; i < d->nargs; i++) {
            const char *a = tok[2 + i];
            d->args[i] = arg_is_file(fam, a, i) ? path_join(dir, a) : strdup(a);
            if (!d->args[i]) return false;
        }
    }
    return true;
}

/* ---- system statements ---- */

/* Settings of the Hercules host side, with no meaning for the guest. */
static const char *const host_only[] = {
    "PANRATE",  "HTTPPORT", "HTTPROOT", "MODPATH", "LDMOD",    "LOGOPT",   "HERCPRIO",
    "CPUPRIO",  "DEVPRIO",  "TODPRIO",  "SRVPRIO", "TIMERINT", "DEVTMAX",  "SHCMDOPT",
    "PANTITLE", "HERCLOGO", "MSGLEVEL", "MSGHLD",  "LOGLEVEL", "CONKPALV", "AUTOINIT",
    "TRACEOPT", "CCKD",     "SHRDPORT", "DEFSYM",  "ECHO",     "MAXRATES", NULL};

static bool parse_mainsize(Parser *p, const char *v, uint64_t *bytes)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    uint64_t unit = 1ull << 20;
    if (*end) {
        char u = (char)toupper((unsigned char)*end);
        unit = u == 'K' ? 1ull << 10 : u == 'M' ? 1ull << 20 : u == 'G' ? 1ull << 30 : 0;
        if (end[1] && !(toupper((unsigned char)end[1]) == 'B' && !end[2])) unit = 0;
    }
    if (!isdigit((unsigned char)v[0]) || errno || !unit || n == 0 || n > (1ull << 44) / unit) {
        diag(p, "MAINSIZE '%s'%s: expected a size in MiB (or with K, M or G)", v, "");
        return false;
    }
    *bytes = n * unit;
    return true;
}

static bool parse_archmode(Parser *p, const char *v, HercArch *arch)
{
    if (!strcasecmp(v, "S/370") || !strcasecmp(v, "S370")) {
        *arch = HERC_ARCH_S370;
    } else if (!strcasecmp(v, "ESA/390") || !strcasecmp(v, "ESA390") || !strcasecmp(v, "E/S390") ||
               !strcasecmp(v, "ESA")) {
        *arch = HERC_ARCH_ESA390;
    } else if (!strcasecmp(v, "ESAME") || !strcasecmp(v, "z/Arch") || !strcasecmp(v, "z") ||
               !strcasecmp(v, "z/Architecture")) {
        *arch = HERC_ARCH_ZARCH;
    } else {
        diag(p, "ARCHMODE '%s'%s: expected S/370, ESA/390 or z/Arch", v, "");
        return false;
    }
    return true;
}

/* CNSLPORT [host:]port (Hercules "CNSLPORT"): the port of the 3270
 * displays.  doppel listens on 127.0.0.1 only, so another host is
 * reported and ignored. */
static bool parse_cnslport(Parser *p, const char *v, HercConfig *cfg)
{
    const char *colon = strrchr(v, ':');
    const char *port = colon ? colon + 1 : v;
    unsigned long n;
    if (!parse_dec(port, &n) || n > 65535) {
        diag(p, "CNSLPORT '%s'%s: expected a port number (or host:port)", v, "");
        return false;
    }
    if (colon && colon != v) {
        char host[256];
        snprintf(host, sizeof host, "%.*s", (int)(colon - v), v);
        static const char *const loopback[] = {"localhost", "[::1]", "::1", NULL};
        if (strncmp(host, "127.", 4) && !word_in(host, loopback))
            diag(p,
                 "CNSLPORT host '%s' ignored: doppel's 3270 terminals listen on 127.0.0.1%s "
                 "only",
                 host, "");
    }
    cfg->cnslport = (uint16_t)n;
    cfg->have_cnslport = true;
    return true;
}

static bool parse_text(Parser *p, const char *text, const char *dir);

static bool include_file(Parser *p, const char *dir, const char *file)
{
    if (p->depth >= CNF_MAX_INCLUDE) {
        diag(p, "INCLUDE %s%s: nested too deeply", file, "");
        return false;
    }
    char *path = path_join(dir, file);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        diag(p, "INCLUDE %s: %s", path ? path : file, strerror(errno));
        free(path);
        return false;
    }
    char *text = NULL;
    size_t cap = 0, n = 0, k;
    char chunk[4096];
    bool ok = true;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + k + 1 > cap) {
            cap = (n + k + 1) * 2;
            char *t = realloc(text, cap);
            if (!t) {
                ok = false;
                break;
            }
            text = t;
        }
        memcpy(text + n, chunk, k);
        n += k;
    }
    fclose(f);
    if (ok && text) text[n] = 0;
    if (ok) {
        Parser sub = *p;
        char *subdir = dir_of(path);
        sub.depth++;
        sub.name = path;
        ok = subdir && parse_text(&sub, text ? text : "", subdir);
        free(subdir);
    }
    free(text);
    free(path);
    return ok;
}

static bool statement(Parser *p, const char *dir, char **tok, int ntok)
{
    HercConfig *cfg = p->cfg;
    const char *kw = tok[0];
    const char *v = ntok > 1 ? tok[1] : NULL;
    uint16_t devno;
    unsigned count;
    /* Statements start with a letter; a number starts a device statement. */
    if (parse_devnos(kw, &devno, &count) || isdigit((unsigned char)kw[0]))
        return add_devices(p, dir, tok, ntok);
    bool needs_value = !strcasecmp(kw, "MAINSIZE") || !strcasecmp(kw, "ARCHMODE") ||
                       !strcasecmp(kw, "CPUMODEL") || !strcasecmp(kw, "CPUSERIAL") ||
                       !strcasecmp(kw, "NUMCPU") || !strcasecmp(kw, "IPL") ||
                       !strcasecmp(kw, "INCLUDE") || !strcasecmp(kw, "CNSLPORT");
    if (needs_value && !v) {
        diag(p, "%s needs a value%s", kw, "");
        return false;
    }
    if (!strcasecmp(kw, "MAINSIZE")) return parse_mainsize(p, v, &cfg->mainsize);
    if (!strcasecmp(kw, "ARCHMODE")) return parse_archmode(p, v, &cfg->arch);
    if (!strcasecmp(kw, "CNSLPORT")) return parse_cnslport(p, v, cfg);
    if (!strcasecmp(kw, "CPUMODEL") || !strcasecmp(kw, "CPUSERIAL")) {
        bool model = !strcasecmp(kw, "CPUMODEL");
        uint32_t x;
        if (!parse_hex(v, model ? 4 : 6, &x)) {
            diag(p,
                 model ? "CPUMODEL '%s'%s: expected 4 hex digits"
                       : "CPUSERIAL '%s'%s: expected 6 hex digits",
                 v, "");
            return false;
        }
        if (model) {
            cfg->cpumodel = (uint16_t)x;
            cfg->have_cpumodel = true;
        } else {
            cfg->cpuserial = x;
            cfg->have_cpuserial = true;
        }
        return true;
    }
    if (!strcasecmp(kw, "NUMCPU")) {
        unsigned long n;
        if (!parse_dec(v, &n) || n == 0 || n > 64) {
            diag(p, "NUMCPU '%s'%s: expected a number of CPUs", v, "");
            return false;
        }
        if (n > 1) diag(p, "NUMCPU %s: doppel's mainframe boards have one CPU%s; using 1", v, "");
        cfg->numcpu = 1;
        return true;
    }
    if (!strcasecmp(kw, "IPL")) {
        if (!parse_devnos(v, &devno, &count) || count != 1) {
            diag(p, "IPL '%s'%s: expected a device number", v, "");
            return false;
        }
        cfg->ipl_devno = devno;
        cfg->have_ipl = true;
        return true;
    }
    if (!strcasecmp(kw, "INCLUDE")) return include_file(p, dir, v);
    if (!strcasecmp(kw, "IGNORE") && v && !strcasecmp(v, "INCLUDE_ERRORS")) return true;
    char *upper = dup_upper(kw);
    if (upper && !word_in(upper, host_only))
        diag(p, "statement '%s' is not supported by doppel%s; skipped", upper, "");
    free(upper);
    return true;
}

static bool parse_text(Parser *p, const char *text, const char *dir)
{
    const char *s = text;
    for (p->line = 1; *s; p->line++) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        char *raw = strndup(s, len);
        s += len + (nl ? 1 : 0);
        if (!raw) return false;
        char *line = expand_vars(raw);
        free(raw);
        if (!line) return false;
        char *t = line;
        while (isspace((unsigned char)*t))
            t++;
        bool ok = true;
        if (*t && *t != '*' && *t != '#') {
            char *tok[CNF_MAX_TOKENS];
            int ntok = tokenize(t, tok, CNF_MAX_TOKENS);
            if (ntok) {
                int line_no = p->line;
                ok = statement(p, dir, tok, ntok);
                p->line = line_no;
            }
        }
        free(line);
        if (!ok) return false;
    }
    return true;
}

bool hercules_cnf_parse(const char *text, const char *dir, const char *name, HercConfig *cfg,
                        FILE *diag_out)
{
    memset(cfg, 0, sizeof *cfg);
    Parser p = {cfg, diag_out, 0, name, 0};
    if (!parse_text(&p, text, dir)) {
        hercules_cnf_free(cfg);
        return false;
    }
    return true;
}

bool hercules_cnf_load(const char *path, HercConfig *cfg, FILE *diag_out)
{
    memset(cfg, 0, sizeof *cfg);
    char *dir = dir_of(path);
    const char *slash = strrchr(path, '/');
    Parser p = {cfg, diag_out, 0, path, 0};
    bool ok = dir && include_file(&p, dir, slash ? slash + 1 : path);
    free(dir);
    if (!ok) hercules_cnf_free(cfg);
    return ok;
}

void hercules_cnf_free(HercConfig *cfg)
{
    for (int i = 0; i < cfg->ndevs; i++) {
        HercDevice *d = &cfg->devs[i];
        for (int k = 0; d->args && k < d->nargs; k++)
            free(d->args[k]);
        free(d->args);
        free(d->type);
        free(d->where);
    }
    free(cfg->devs);
    memset(cfg, 0, sizeof *cfg);
}

bool hercules_cnf_console(const HercConfig *cfg, uint16_t *devno)
{
    for (int i = 0; i < cfg->ndevs; i++)
        if (family_of(cfg->devs[i].type) == FAM_CONSOLE) {
            *devno = cfg->devs[i].devno;
            return true;
        }
    return false;
}

/* ---- applying device statements ---- */

#define MAX_PROPS 8

typedef struct DevPlan {
    const char *cls;
    const char *name[MAX_PROPS];
    const char *value[MAX_PROPS];
    int n;
    char port[8]; /* storage for a 3270's port value */
} DevPlan;

static void plan_set(DevPlan *pl, const char *name, const char *value)
{
    if (pl->n < MAX_PROPS) {
        pl->name[pl->n] = name;
        pl->value[pl->n] = value;
        pl->n++;
    }
}

static void apply_diag(FILE *out, const HercDevice *d, const char *fmt, const char *a)
{
    if (!out) return;
    fprintf(out, "doppel: -hercules-cnf %s: %04X %s: ", d->where, d->devno, d->type);
    fprintf(out, fmt, a);
    fputc('\n', out);
}

static Device *device_at(Machine *m, uint16_t devno)
{
    for (Device *d = m->devices; d; d = d->next) {
        char buf[32];
        uint32_t v;
        if (device_get_prop(d, "devno", buf, sizeof buf)) {
            const char *s = buf;
            if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s += 2;
            if (parse_hex(s, 4, &v) && v == devno) return d;
        }
    }
    return NULL;
}

/* The doppel class and properties for statement d; false to skip it
 * (reported). */
static bool plan_device(const HercConfig *cfg, const HercDevice *d, DevPlan *pl, FILE *out)
{
    DevFamily fam = family_of(d->type);
    memset(pl, 0, sizeof *pl);
    const char *file = NULL;
    bool readonly = false;
    switch (fam) {
    case FAM_CONSOLE: pl->cls = !strncmp(d->type, "1052", 4) ? "1052" : "3215"; return true;
    case FAM_READER:
        pl->cls = d->type;
        for (int i = 0; i < d->nargs; i++) {
            const char *a = d->args[i];
            if (!strcasecmp(a, "ascii") || !strcasecmp(a, "ebcdic"))
                plan_set(pl, "format", !strcasecmp(a, "ascii") ? "ascii" : "ebcdic");
            else if (!strcasecmp(a, "autopad"))
                plan_set(pl, "autopad", "on");
            else if (!strcasecmp(a, "eof"))
                plan_set(pl, "eof", "on");
            else if (!strcasecmp(a, "intrq"))
                plan_set(pl, "eof", "off");
            else if (!strcasecmp(a, "trunc") || !strcmp(a, "*"))
                ; /* lines are cut at 80 columns anyway; '*': empty hopper */
            else if (word_in(a, reader_words) || strchr(a, '='))
                apply_diag(out, d, "option '%s' is not supported; ignored", a);
            else if (file)
                apply_diag(out, d, "only the first deck is read; '%s' ignored", a);
            else
                file = a;
        }
        break;
    case FAM_PUNCH:
    case FAM_PRINTER:
        pl->cls = d->type;
        for (int i = 0; i < d->nargs; i++) {
            const char *a = d->args[i];
            if (i == 0 && arg_is_file(fam, a, 0))
                file = a;
            else if (fam == FAM_PUNCH && (!strcasecmp(a, "ascii") || !strcasecmp(a, "ebcdic")))
                plan_set(pl, "format", !strcasecmp(a, "ascii") ? "ascii" : "ebcdic");
            else if (!strcasecmp(a, "crlf"))
                ; /* lines end with "\n" on this host */
            else
                apply_diag(out, d, "option '%s' is not supported; ignored", a);
        }
        break;
    case FAM_CKD:
    case FAM_FBA:
    case FAM_TAPE: {
        static const char *const quiet[] = {
            "syncio",  "nosyncio",      "lazywrite", "nolazywrite", "fulltrackio",
            "fulltrk", "nofulltrackio", "awstape",   "noautomount", NULL};
        pl->cls = d->type;
        for (int i = 0; i < d->nargs; i++) {
            const char *a = d->args[i];
            if (i == 0) {
                if (strcmp(a, "*")) file = a;
            } else if (!strcasecmp(a, "ro") || !strcasecmp(a, "rdonly") ||
                       !strcasecmp(a, "readonly")) {
                readonly = true;
            } else if (!strncasecmp(a, "sf=", 3) || !strcasecmp(a, "fakewrite") ||
                       !strcasecmp(a, "fw")) {
                apply_diag(out, d,
                           "'%s' (shadow files, fake writes) is not supported: the volume is "
                           "opened read-only",
                           a);
                readonly = true;
            } else if (word_in(a, quiet) || !strncasecmp(a, "cu=", 3)) {
                /* host-side tuning */
            } else {
                apply_diag(out, d, "option '%s' is not supported; ignored", a);
            }
        }
        if (fam != FAM_TAPE && !file) {
            apply_diag(out, d, "%s", "no image file given; skipped");
            return false;
        }
        if (readonly) plan_set(pl, "readonly", "on");
        break;
    }
    case FAM_DISPLAY:
        /* devno 3270 [group | *] [ipaddr [mask]]: every client of doppel's
         * loopback server is local, so the address rule has nothing to do. */
        pl->cls = "3270";
        if (d->nargs > 0 && strcmp(d->args[0], "*")) plan_set(pl, "group", d->args[0]);
        if (d->nargs > 1)
            apply_diag(out, d, "client address '%s' ignored: only local tn3270 clients connect",
                       d->args[1]);
        if (cfg->have_cnslport) {
            snprintf(pl->port, sizeof pl->port, "%u", cfg->cnslport);
            plan_set(pl, "port", pl->port);
        }
        return true;
    default: apply_diag(out, d, "%s", "device type not supported by doppel; skipped"); return false;
    }
    if (!device_find_class(pl->cls)) {
        apply_diag(out, d, "%s", "device type not supported by doppel; skipped");
        return false;
    }
    if (file) plan_set(pl, "file", file);
    return true;
}

bool hercules_cnf_apply(const HercConfig *cfg, Machine *m, FILE *out)
{
    for (int i = 0; i < cfg->ndevs; i++) {
        const HercDevice *d = &cfg->devs[i];
        DevPlan pl;
        if (!plan_device(cfg, d, &pl, out)) continue;
        Device *have = device_at(m, d->devno);
        if (have) {
            if (family_of(d->type) == FAM_CONSOLE &&
                (!strcmp(have->class->name, "3215") || !strcmp(have->class->name, "1052")))
                continue; /* the board's console serves this statement */
            apply_diag(out, d, "device number is already used by a %s", have->class->name);
            return false;
        }
        Device *dev = device_create(m, pl.cls);
        char devno[8], err[256] = "";
        snprintf(devno, sizeof devno, "%04x", d->devno);
        bool ok = dev && device_set_prop(dev, "devno", devno, err, sizeof err);
        for (int k = 0; ok && k < pl.n; k++)
            ok = device_set_prop(dev, pl.name[k], pl.value[k], err, sizeof err);
        if (!ok) {
            apply_diag(out, d, "%s", err[0] ? err : "cannot create the device");
            device_free(dev);
            return false;
        }
        if (!device_realize(dev)) {
            apply_diag(out, d, "%s", "the device could not be set up (see above)");
            return false;
        }
    }
    return true;
}
