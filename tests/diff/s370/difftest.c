/*
 * s370-difftest: the differential test of doppel's S/370 CPU against
 * Hercules (README.md).  For each seed it generates a program of random
 * instruction sequences (s370-diffgen), makes its IPL deck (s370-mkdeck),
 * runs it on doppel (-M s370, -dump-on-wait of the results) and on
 * Hercules (its "r" display of the results at the disabled wait) side by
 * side, and compares the results byte for byte, sequence by sequence.
 * -B runs the even seeds with BC-mode PSWs.
 *
 *   s370-difftest [-s FIRST_SEED] [-k SEEDS] [-n SEQUENCES] [-a ACCEL]
 *                 [-w WORKDIR] [-K] [-v] [-q] [-S] [-B] [-X MNEMONIC]...
 *                 [--doppel P] [--diffgen P] [--mkdeck P] [--hercules P]
 *
 * Prints one line per seed, each differing sequence decoded (its code,
 * initial state, and the fields that differ), and a summary:
 *   "N sequences, M identical, K known, D differ".
 * Differences explained by a Hercules deviation from the Principles of
 * Operation (KNOWN.md) count as known.  Exit status 0 when nothing
 * differs, 1 when something does or a run failed, 2 on bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "known.h"
#include "layout.h"

#ifndef DEFAULT_DOPPEL
#define DEFAULT_DOPPEL "doppel"
#endif
#ifndef DEFAULT_DIFFGEN
#define DEFAULT_DIFFGEN "s370-diffgen"
#endif
#ifndef DEFAULT_MKDECK
#define DEFAULT_MKDECK "s370-mkdeck"
#endif

enum {
    RUN_TIMEOUT_S = 120,
    SHOW_FULL = 20,            /* differences printed in full; then one line each */
    HERCULES_R_CHUNK = 0x3e00, /* Hercules' "r" shows at most 999 lines of 16 bytes */
};

typedef struct Options {
    unsigned long first_seed, seeds, n;
    const char *accel, *workdir, *doppel, *diffgen, *mkdeck, *hercules;
    bool keep, verbose, quiet, stats, bc_seeds;
    const char *exclude[16]; /* -X: mnemonics whose sequences are not compared */
    unsigned nexclude;
} Options;

typedef struct Totals {
    unsigned long sequences, identical, known, differ, excluded, failed_runs, shown;
    unsigned long completed, interrupted;
    unsigned long pic[256];
    struct {
        char mnemonic[8];
        unsigned code;
        unsigned long count;
    } by_insn[256];
    unsigned n_by_insn;
    struct {
        const DiffKnown *rule;
        unsigned long count;
    } by_rule[16];
    unsigned n_by_rule;
} Totals;

static void count_known(Totals *t, const DiffKnown *k)
{
    for (unsigned i = 0; i < t->n_by_rule; i++) {
        if (t->by_rule[i].rule == k) {
            t->by_rule[i].count++;
            return;
        }
    }
    if (t->n_by_rule < sizeof t->by_rule / sizeof t->by_rule[0])
        t->by_rule[t->n_by_rule].rule = k, t->by_rule[t->n_by_rule++].count = 1;
}

/* Count an interruption under its instruction's mnemonic (for -S). */
static void count_interruption(Totals *t, const DiffIns *in, unsigned code)
{
    char m[8] = "?";
    if (in) sscanf(in->text, "%7s", m);
    for (unsigned i = 0; i < t->n_by_insn; i++) {
        if (t->by_insn[i].code == code && !strcmp(t->by_insn[i].mnemonic, m)) {
            t->by_insn[i].count++;
            return;
        }
    }
    if (t->n_by_insn == sizeof t->by_insn / sizeof t->by_insn[0]) return;
    snprintf(t->by_insn[t->n_by_insn].mnemonic, sizeof m, "%s", m);
    t->by_insn[t->n_by_insn].code = code;
    t->by_insn[t->n_by_insn++].count = 1;
}

/* ---------------------------------------------------------------- */
/* Processes.                                                        */

/* Extra Hercules runs when its display of the results comes out cut. */
#define HERCULES_RETRIES 2

typedef struct Child {
    pid_t pid;
    int status; /* exit status, or -1: killed, timed out or not started */
} Child;

/* Start argv with stdout to out and stderr to err (NULL: /dev/null), in
 * dir, with the extra environment variable env ("NAME=value" or NULL). */
static Child spawn(char *const argv[], const char *out, const char *err, const char *dir,
                   const char *env)
{
    Child c = {-1, -1};
    pid_t pid = fork();
    if (pid < 0) return c;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0) _exit(127);
        dup2(in, 0), dup2(o, 1), dup2(e, 2);
        if (dir && chdir(dir) != 0) _exit(127);
        if (env) putenv((char *)env);
        setpgid(0, 0); /* so a timeout can stop the whole emulator */
        execvp(argv[0], argv);
        _exit(127);
    }
    c.pid = pid;
    return c;
}

/* Wait for every child; kill (by its own process group) whichever is
 * still running after the timeout. */
static void wait_all(Child *c, unsigned n, unsigned timeout_s)
{
    struct timespec start, now, tick = {0, 5 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned left = 0;
    for (unsigned i = 0; i < n; i++)
        left += c[i].pid > 0;
    while (left) {
        for (unsigned i = 0; i < n; i++) {
            if (c[i].pid <= 0) continue;
            int st;
            pid_t r = waitpid(c[i].pid, &st, WNOHANG);
            if (r == c[i].pid || (r < 0 && errno != EINTR)) {
                c[i].status = r == c[i].pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                c[i].pid = 0;
                left--;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (left && now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
            for (unsigned i = 0; i < n; i++) {
                if (c[i].pid <= 0) continue;
                kill(-c[i].pid, SIGKILL);
                kill(c[i].pid, SIGKILL);
                waitpid(c[i].pid, NULL, 0);
                c[i].pid = 0, c[i].status = -1;
                left--;
            }
        }
        if (left) nanosleep(&tick, NULL);
    }
}

static int run(char *const argv[], const char *out, const char *err)
{
    Child c = spawn(argv, out, err, NULL, NULL);
    wait_all(&c, 1, RUN_TIMEOUT_S);
    return c.status;
}

static bool write_file(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    return fclose(f) == 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *p = realloc(buf, 2 * cap + 1);
            if (!p) break;
            buf = p, cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* ---------------------------------------------------------------- */
/* The map written by s370-diffgen.                                  */

static bool parse_map(const char *path, DiffSeq *seqs, unsigned long n)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char line[256];
    DiffSeq *cur = NULL;
    bool bc = false;
    while (fgets(line, sizeof line, f)) {
        unsigned long idx;
        switch (line[0]) {
        case 'P': bc = !strncmp(line, "P BC", 4); break;
        case 'S': {
            unsigned entry, rec;
            if (sscanf(line, "S %lu %x %x", &idx, &entry, &rec) != 3 || idx >= n) break;
            cur = &seqs[idx];
            free(cur->ins);
            memset(cur, 0, sizeof *cur);
            cur->index = (unsigned)idx, cur->entry = entry, cur->bc = bc;
            break;
        }
        case 'R': {
            char *p = line + 2;
            strtoul(p, &p, 10);
            for (unsigned r = 0; cur && r < 16; r++)
                cur->gpr[r] = (uint32_t)strtoul(p, &p, 16);
            break;
        }
        case 'F': {
            char *p = line + 2;
            strtoul(p, &p, 10);
            for (unsigned r = 0; cur && r < 4; r++)
                cur->fpr[r] = strtoull(p, &p, 16);
            break;
        }
        case 'M': {
            unsigned cc, pm;
            if (cur && sscanf(line, "M %lu %u %x", &idx, &cc, &pm) == 3) cur->cc = cc, cur->pm = pm;
            break;
        }
        case 'I': {
            if (!cur) break;
            if (cur->nins == cur->cap) {
                unsigned cap = cur->cap ? 2 * cur->cap : 32;
                DiffIns *p = realloc(cur->ins, cap * sizeof *p);
                if (!p) break;
                cur->ins = p, cur->cap = cap;
            }
            DiffIns *in = &cur->ins[cur->nins];
            char hex[16], role;
            int off = 0;
            if (sscanf(line, "I %x %15s %c %n", &in->addr, hex, &role, &off) != 3 || !off) break;
            in->len = (uint8_t)(strlen(hex) / 2);
            for (unsigned k = 0; k < in->len && k < 6; k++) {
                char b[3] = {hex[2 * k], hex[2 * k + 1], 0};
                in->bytes[k] = (uint8_t)strtoul(b, NULL, 16);
            }
            in->role = role;
            snprintf(in->text, sizeof in->text, "%s", line + off);
            in->text[strcspn(in->text, "\n")] = '\0';
            cur->nins++;
            break;
        }
        default: break;
        }
    }
    fclose(f);
    return true;
}

static void free_seqs(DiffSeq *seqs, unsigned long n)
{
    for (unsigned long i = 0; seqs && i < n; i++)
        free(seqs[i].ins);
    free(seqs);
}

/* ---------------------------------------------------------------- */
/* Results.                                                          */

/* doppel's -dump-on-wait lines: "ADDR: XX XX ..." */
static bool parse_doppel_dump(const char *path, uint8_t *out, size_t len)
{
    char *text = read_file(path, NULL);
    if (!text) return false;
    size_t got = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *end;
        unsigned long addr = strtoul(line, &end, 16);
        if (end != line && *end == ':' && addr >= RES_ADDR && addr - RES_ADDR < len) {
            size_t off = addr - RES_ADDR;
            char *p = end + 1;
            for (;;) {
                char *q;
                unsigned long b = strtoul(p, &q, 16);
                if (q == p || off >= len) break;
                out[off++] = (uint8_t)b;
                p = q;
            }
            if (off > got) got = off;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return got == len;
}

/* Hercules' "r" display lines: "R:ADDRESS:K:KK=XXXXXXXX XXXXXXXX XXXXXXXX XXXXXXXX  text" */
static bool parse_hercules_dump(const char *path, uint8_t *out, size_t len)
{
    char *text = read_file(path, NULL);
    if (!text) return false;
    size_t got = 0;
    for (char *line = text; line && *line;) {
        /* One line at a time: sscanf on the rest of a large log would
         * measure all of it for every line. */
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        unsigned long addr;
        unsigned key;
        int pos = 0;
        if (line[0] == 'R' && sscanf(line, "R:%8lx:K:%2x=%n", &addr, &key, &pos) == 2 && pos &&
            addr >= RES_ADDR && addr - RES_ADDR < len) {
            size_t off = addr - RES_ADDR;
            const char *p = line + pos;
            for (unsigned k = 0; k < 16 && off < len; k++) {
                if (*p == ' ') p++;
                char b[3] = {p[0], p[1], 0};
                char *end;
                unsigned long v = strtoul(b, &end, 16);
                if (end != b + 2) break;
                out[off++] = (uint8_t)v;
                got++;
                p += 2;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return got == len;
}

/* The disabled-wait PSW Hercules logged (HHCCP011I, then "PSW=..."). */
static bool hercules_wait_psw(const char *log, char *psw, size_t n)
{
    char *text = read_file(log, NULL);
    if (!text) return false;
    char *p = strstr(text, "HHCCP011I CPU");
    p = p ? strstr(p, "PSW=") : NULL;
    if (p) snprintf(psw, n, "%.17s", p + 4);
    free(text);
    return p != NULL;
}

enum { HERC_OK, HERC_NO_WAIT, HERC_CUT };

/* Hercules' results in its log: the final wait PSW (BC mode shows the
 * LPSW's ILC in bits 32-33) and the displayed result area. */
static int hercules_results(const char *hlog, bool bc, uint8_t *hres, size_t len, char *psw,
                            size_t pswlen)
{
    unsigned long psw_hi = 0, psw_lo = 1;
    psw[0] = 0;
    if (!hercules_wait_psw(hlog, psw, pswlen) || sscanf(psw, "%lx %lx", &psw_hi, &psw_lo) != 2 ||
        psw_hi != (bc ? 0x00020000ul : 0x000a0000ul) || (psw_lo & 0x3fffffff) != DONE_CODE)
        return HERC_NO_WAIT;
    return parse_hercules_dump(hlog, hres, len) ? HERC_OK : HERC_CUT;
}

static const char *status_name(uint8_t s)
{
    return s == REC_COMPLETED     ? "completed"
           : s == REC_INTERRUPTED ? "program interruption"
           : s == REC_NOT_REACHED ? "not reached"
                                  : "?";
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

/* How one side ended: completed with CC/mask, or the interruption. */
static void describe_end(const DiffSeq *s, const uint8_t *rec, char *out, size_t n)
{
    if (rec[REC_STATUS] == REC_COMPLETED) {
        uint32_t link = be32(rec + REC_LINK);
        snprintf(out, n, "completed, CC %u, program mask %X", link >> 28 & 3, link >> 24 & 15);
    } else if (rec[REC_STATUS] == REC_INTERRUPTED) {
        const uint8_t *psw = rec + REC_PSW;
        const DiffIns *in = diff_faulting_insn(s, rec);
        snprintf(out, n, "code %04X ILC %u, old PSW %016llX (CC %u)%s%s", diff_pgm_code(s, rec),
                 diff_pgm_ilc(s, rec), (unsigned long long)be64(psw), diff_psw_cc(s, psw),
                 in ? " at " : "", in ? in->text : "");
    } else {
        snprintf(out, n, "%s", status_name(rec[REC_STATUS]));
    }
}

static void print_sequence(const DiffSeq *s)
{
    printf("    initial:");
    for (unsigned r = 0; r < 16; r++)
        printf("%s r%u=%08X", r == 8 ? "\n            " : "", r, s->gpr[r]);
    printf("\n            ");
    for (unsigned f = 0; f < 4; f++)
        printf(" f%u=%016llX", 2 * f, (unsigned long long)s->fpr[f]);
    printf("\n             CC %u, program mask %X\n", s->cc, s->pm);
    for (unsigned i = 0; i < s->nins; i++) {
        const DiffIns *in = &s->ins[i];
        printf("    %08X %-5s %s\n", in->addr,
               in->role == 's'   ? "setup"
               : in->role == 'x' ? "(EX)"
                                 : "",
               in->text);
    }
}

/* Print the differing fields of one record. */
static void print_differences(const DiffSeq *s, const uint8_t *d, const uint8_t *h)
{
    char a[192], b[192];
    describe_end(s, d, a, sizeof a);
    describe_end(s, h, b, sizeof b);
    if (strcmp(a, b) != 0 || d[REC_STATUS] != h[REC_STATUS]) {
        printf("    end:      doppel   %s\n", a);
        printf("              hercules %s\n", b);
    } else if (memcmp(d + REC_LINK, h + REC_LINK, 4) != 0 && d[REC_STATUS] == REC_COMPLETED) {
        printf("    link:     doppel %08X hercules %08X\n", be32(d + REC_LINK), be32(h + REC_LINK));
    } else if (d[REC_STATUS] == REC_INTERRUPTED && memcmp(d + REC_PSW, h + REC_PSW, 12) != 0) {
        printf("    old PSW:  doppel %016llX %08X hercules %016llX %08X\n",
               (unsigned long long)be64(d + REC_PSW), be32(d + REC_PIC),
               (unsigned long long)be64(h + REC_PSW), be32(h + REC_PIC));
    }
    for (unsigned r = 0; r < 16; r++)
        if (memcmp(d + REC_GPRS + 4 * r, h + REC_GPRS + 4 * r, 4))
            printf("    r%-2u       doppel %08X hercules %08X (initial %08X)\n", r,
                   be32(d + REC_GPRS + 4 * r), be32(h + REC_GPRS + 4 * r), s->gpr[r]);
    for (unsigned f = 0; f < 4; f++)
        if (memcmp(d + REC_FPRS + 8 * f, h + REC_FPRS + 8 * f, 8))
            printf("    f%u        doppel %016llX hercules %016llX (initial %016llX)\n", 2 * f,
                   (unsigned long long)be64(d + REC_FPRS + 8 * f),
                   (unsigned long long)be64(h + REC_FPRS + 8 * f), (unsigned long long)s->fpr[f]);
    for (unsigned off = 0; off < SBX_SIZE;) {
        if (d[REC_SBX + off] == h[REC_SBX + off]) {
            off++;
            continue;
        }
        unsigned end = off;
        while (end < SBX_SIZE && end - off < 16 && d[REC_SBX + end] != h[REC_SBX + end])
            end++;
        printf("    sandbox+%-3u doppel ", off);
        for (unsigned k = off; k < end; k++)
            printf("%02X", d[REC_SBX + k]);
        printf(" hercules ");
        for (unsigned k = off; k < end; k++)
            printf("%02X", h[REC_SBX + k]);
        printf("\n");
        off = end;
    }
}

/* ---------------------------------------------------------------- */
/* One seed.                                                         */

/* Does the sequence contain an instruction -X names? */
static bool excluded(const Options *o, const DiffSeq *s)
{
    for (unsigned i = 0; i < s->nins; i++) {
        if (s->ins[i].role == 's') continue;
        for (unsigned k = 0; k < o->nexclude; k++) {
            size_t n = strlen(o->exclude[k]);
            if (!strncmp(s->ins[i].text, o->exclude[k], n) && s->ins[i].text[n] == ' ') return true;
        }
    }
    return false;
}

static bool run_seed(const Options *o, unsigned long seed, Totals *t)
{
    char dir[512], bin[600], map[600], deck[600], dout[600], derr[600], hlog[600], cnf[600],
        rc[600], dumprc[600];
    snprintf(dir, sizeof dir, "%s/seed%lu", o->workdir, seed);
    mkdir(dir, 0755);
    snprintf(bin, sizeof bin, "%s/prog.bin", dir);
    snprintf(map, sizeof map, "%s/prog.map", dir);
    snprintf(deck, sizeof deck, "%s/prog.deck", dir);
    snprintf(dout, sizeof dout, "%s/doppel.out", dir);
    snprintf(derr, sizeof derr, "%s/doppel.err", dir);
    snprintf(hlog, sizeof hlog, "%s/hercules.log", dir);
    snprintf(cnf, sizeof cnf, "%s/hercules.cnf", dir);
    snprintf(rc, sizeof rc, "%s/hercules.rc", dir);
    snprintf(dumprc, sizeof dumprc, "%s/dump.rc", dir);

    char seed_s[32], n_s[32], dump_arg[64];
    bool bc = o->bc_seeds && seed % 2 == 0; /* -B: even seeds run in BC mode */
    snprintf(seed_s, sizeof seed_s, "%lu", seed);
    snprintf(n_s, sizeof n_s, "%lu", o->n);
    size_t len = o->n * REC_SIZE;
    snprintf(dump_arg, sizeof dump_arg, "%X:%zX", RES_ADDR, len);

    char *gen[] = {(char *)o->diffgen, "-s", seed_s, "-n", n_s, "-o", bin, "-m", map,
                   bc ? "-b" : NULL,   NULL};
    if (run(gen, NULL, NULL) != 0) {
        printf("seed %lu: %s failed\n", seed, o->diffgen);
        return false;
    }
    char *mk[] = {(char *)o->mkdeck,
                  "-a",
                  "400",
                  "-p",
                  bc ? "0000000000000000" : "0008000000000000",
                  bin,
                  deck,
                  NULL};
    if (run(mk, NULL, NULL) != 0) {
        printf("seed %lu: %s failed\n", seed, o->mkdeck);
        return false;
    }

    /* Hercules: IPL the deck; at the disabled wait (HHCCP011I) the
     * automatic operator runs dump.rc, which displays the results with
     * "r" (at most 999 lines a command) and quits.  (savecore would need
     * the CPU stopped first, and "stop" does not wait for that.) */
    FILE *f = fopen(dumprc, "w");
    for (size_t off = 0; f && off < len; off += HERCULES_R_CHUNK)
        fprintf(f, "r %X.%zX\n", (unsigned)(RES_ADDR + off),
                len - off < HERCULES_R_CHUNK ? len - off : (size_t)HERCULES_R_CHUNK);
    if (!f || fprintf(f, "quit\n") < 0 || fclose(f) != 0 ||
        !write_file(cnf,
                    "MAINSIZE 16\nARCHMODE S/370\nNUMCPU 1\nCNSLPORT 0\nOSTAILOR QUIET\n"
                    "000C 3505 %s ebcdic eof\n",
                    deck) ||
        !write_file(rc, "hao tgt HHCCP011I\nhao cmd script %s\nipl 00C\n", dumprc)) {
        printf("seed %lu: cannot write the Hercules files in %s\n", seed, dir);
        return false;
    }
    char env[700];
    snprintf(env, sizeof env, "HERCULES_RC=%s", rc);
    char *dop[] = {(char *)o->doppel, "-M",      "s370", "-accel",  (char *)o->accel,
                   "-nographic",      "-serial", "null", "-kernel", deck,
                   "-dump-on-wait",   dump_arg,  NULL};
    char *herc_argv[] = {(char *)o->hercules, "-f", cnf, "-d", NULL};
    Child c[2];
    c[0] = spawn(dop, dout, derr, NULL, NULL);
    c[1] = spawn(herc_argv, hlog, NULL, dir, env);
    wait_all(c, 2, RUN_TIMEOUT_S);

    bool ok = true;
    if (c[0].status != DONE_CODE) {
        printf("seed %lu: doppel ended with status %d (see %s)\n", seed, c[0].status, derr);
        ok = false;
    }
    /* Hercules' logger can drop or split lines (the wait PSW, the end of
     * the display) when "quit" comes while the host is busy: run
     * Hercules alone again before giving up. */
    uint8_t *dres = calloc(1, len), *hres = calloc(1, len);
    DiffSeq *seqs = calloc(o->n, sizeof *seqs);
    char psw[32] = "";
    int herc = hercules_results(hlog, bc, hres, len, psw, sizeof psw);
    for (int retry = 0; herc != HERC_OK && retry < HERCULES_RETRIES; retry++) {
        c[1] = spawn(herc_argv, hlog, NULL, dir, env);
        wait_all(&c[1], 1, RUN_TIMEOUT_S);
        herc = hercules_results(hlog, bc, hres, len, psw, sizeof psw);
    }
    if (herc == HERC_NO_WAIT) {
        printf("seed %lu: Hercules did not reach the final wait (PSW %s; see %s)\n", seed,
               psw[0] ? psw : "none", hlog);
        ok = false;
    }
    if (ok && !parse_doppel_dump(dout, dres, len)) {
        printf("seed %lu: doppel's dump is incomplete (%s)\n", seed, dout);
        ok = false;
    }
    if (ok && herc == HERC_CUT) {
        printf("seed %lu: Hercules' display of the results is incomplete (%s)\n", seed, hlog);
        ok = false;
    }
    if (ok && !parse_map(map, seqs, o->n)) {
        printf("seed %lu: cannot read %s\n", seed, map);
        ok = false;
    }
    if (!ok) {
        t->failed_runs++;
        free(dres), free(hres), free_seqs(seqs, o->n);
        return false;
    }

    unsigned long same = 0, known = 0, differ = 0, skipped = 0;
    for (unsigned long i = 0; i < o->n; i++) {
        const uint8_t *d = dres + i * REC_SIZE, *h = hres + i * REC_SIZE;
        t->completed += h[REC_STATUS] == REC_COMPLETED;
        t->interrupted += h[REC_STATUS] == REC_INTERRUPTED;
        if (h[REC_STATUS] == REC_INTERRUPTED) {
            unsigned code = diff_pgm_code(&seqs[i], h) & 0xff;
            t->pic[code]++;
            count_interruption(t, diff_faulting_insn(&seqs[i], h), code);
        }
        if (!memcmp(d, h, REC_SIZE)) {
            same++;
            continue;
        }
        if (excluded(o, &seqs[i])) {
            skipped++;
            continue;
        }
        const DiffKnown *k = diff_known_case(&seqs[i], d, h);
        if (k) {
            known++;
            count_known(t, k);
            if (o->verbose)
                printf("seed %lu sequence %lu: known (%s), skipped\n", seed, i, k->name);
            continue;
        }
        differ++;
        if (o->quiet) continue;
        if (t->shown++ < SHOW_FULL || o->verbose) {
            printf("seed %lu sequence %lu (entry %08X) differs:\n", seed, i, seqs[i].entry);
            print_sequence(&seqs[i]);
            print_differences(&seqs[i], d, h);
        } else {
            char a[192];
            describe_end(&seqs[i], h, a, sizeof a);
            printf("seed %lu sequence %lu differs (hercules: %s)\n", seed, i, a);
        }
    }
    printf("seed %lu: %lu sequences, %lu identical, %lu known, %lu differ", seed, o->n, same, known,
           differ);
    if (skipped) printf(", %lu excluded", skipped);
    printf("\n");
    fflush(stdout);
    t->sequences += o->n, t->identical += same, t->known += known, t->differ += differ;
    t->excluded += skipped;
    free(dres), free(hres), free_seqs(seqs, o->n);
    return true;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: s370-difftest [-s FIRST_SEED] [-k SEEDS] [-n SEQUENCES] [-a ACCEL]\n"
            "                     [-w WORKDIR] [-K] [-v] [-q] [-S] [-B] [-X MNEMONIC]...\n"
            "                     [--doppel P] [--diffgen P] [--mkdeck P] [--hercules P]\n"
            "  -K keep the work directory, -v show every difference and known case,\n"
            "  -q only the per-seed lines, -S interruption statistics, -B even seeds in BC mode,\n"
            "  -X do not compare sequences that execute MNEMONIC (an open doppel bug)\n");
    return 2;
}

static void remove_tree(const char *dir, unsigned long first, unsigned long count)
{
    static const char *const files[] = {"prog.bin",     "prog.map",    "prog.deck",
                                        "doppel.out",   "doppel.err",  "hercules.log",
                                        "hercules.cnf", "hercules.rc", "dump.rc"};
    char p[700];
    for (unsigned long s = first; s < first + count; s++) {
        for (unsigned i = 0; i < sizeof files / sizeof files[0]; i++) {
            snprintf(p, sizeof p, "%s/seed%lu/%s", dir, s, files[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s/seed%lu", dir, s);
        rmdir(p);
    }
    rmdir(dir);
}

int main(int argc, char **argv)
{
    Options o = {.first_seed = 1,
                 .seeds = 4,
                 .n = 1000,
                 .accel = "interp",
                 .doppel = DEFAULT_DOPPEL,
                 .diffgen = DEFAULT_DIFFGEN,
                 .mkdeck = DEFAULT_MKDECK,
                 .hercules = "hercules"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-K"))
            o.keep = true;
        else if (!strcmp(a, "-v"))
            o.verbose = true;
        else if (!strcmp(a, "-q"))
            o.quiet = true;
        else if (!strcmp(a, "-S"))
            o.stats = true;
        else if (!strcmp(a, "-B"))
            o.bc_seeds = true;
        else if (!v)
            return usage();
        else if (i++, !strcmp(a, "-s"))
            o.first_seed = strtoul(v, NULL, 0);
        else if (!strcmp(a, "-k"))
            o.seeds = strtoul(v, NULL, 0);
        else if (!strcmp(a, "-n"))
            o.n = strtoul(v, NULL, 0);
        else if (!strcmp(a, "-a"))
            o.accel = v;
        else if (!strcmp(a, "-w"))
            o.workdir = v;
        else if (!strcmp(a, "--doppel"))
            o.doppel = v;
        else if (!strcmp(a, "--diffgen"))
            o.diffgen = v;
        else if (!strcmp(a, "--mkdeck"))
            o.mkdeck = v;
        else if (!strcmp(a, "--hercules"))
            o.hercules = v;
        else if (!strcmp(a, "-X") && o.nexclude < sizeof o.exclude / sizeof o.exclude[0])
            o.exclude[o.nexclude++] = v;
        else
            return usage();
    }
    if (o.n == 0 || o.n * REC_SIZE > 0x7ff000) return usage();
    char tmpl[] = "/tmp/s370-difftest.XXXXXX";
    bool made = false;
    if (!o.workdir) {
        if (!mkdtemp(tmpl)) {
            perror("s370-difftest: mkdtemp");
            return 1;
        }
        o.workdir = tmpl, made = true;
    } else {
        mkdir(o.workdir, 0755);
    }
    Totals t = {0};
    for (unsigned long s = o.first_seed; s < o.first_seed + o.seeds; s++)
        run_seed(&o, s, &t);
    if (o.stats) {
        printf("Hercules: %lu completed, %lu interrupted:", t.completed, t.interrupted);
        for (unsigned c = 0; c < 256; c++)
            if (t.pic[c]) printf(" %02X:%lu", c, t.pic[c]);
        printf("\nby instruction (code:count):");
        for (unsigned i = 0; i < t.n_by_insn; i++)
            printf("%s %s %02X:%lu", i % 8 ? "," : "\n ", t.by_insn[i].mnemonic, t.by_insn[i].code,
                   t.by_insn[i].count);
        printf("\n");
    }
    for (unsigned i = 0; i < t.n_by_rule; i++)
        printf("known: %lu x %s (KNOWN.md)\n", t.by_rule[i].count, t.by_rule[i].rule->name);
    printf("s370-difftest: %lu sequences, %lu identical, %lu known, %lu differ", t.sequences,
           t.identical, t.known, t.differ);
    if (t.excluded) printf(", %lu excluded (-X)", t.excluded);
    if (t.failed_runs) printf(", %lu runs failed", t.failed_runs);
    printf("\n");
    if (made && !o.keep && !t.differ && !t.failed_runs)
        remove_tree(o.workdir, o.first_seed, o.seeds);
    else if (made)
        printf("s370-difftest: files kept in %s\n", o.workdir);
    return t.differ || t.failed_runs ? 1 : 0;
}
