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
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/driver.h"
#include "../common/proc.h"
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
    HERCULES_R_CHUNK = 0x3e00, /* Hercules' "r" shows at most 999 lines of 16 bytes */
};

typedef struct Options {
    DiffOptions c;
    const char *mkdeck, *hercules;
    bool stats, bc_seeds;
} Options;

typedef struct Totals {
    DiffTotals d;
    unsigned long completed, interrupted;
    unsigned long pic[256];
    struct {
        char mnemonic[8];
        unsigned code;
        unsigned long count;
    } by_insn[256];
    unsigned n_by_insn;
} Totals;

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

/* Extra Hercules runs when its display of the results comes out cut. */
#define HERCULES_RETRIES 2

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
    char *text = diff_read_file(path, NULL);
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
    char *text = diff_read_file(path, NULL);
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
    char *text = diff_read_file(log, NULL);
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
        for (unsigned k = 0; k < o->c.nexclude; k++) {
            size_t n = strlen(o->c.exclude[k]);
            if (!strncmp(s->ins[i].text, o->c.exclude[k], n) && s->ins[i].text[n] == ' ')
                return true;
        }
    }
    return false;
}

/* The files of a seed's directory. */
enum { SF_BIN, SF_MAP, SF_DECK, SF_DOUT, SF_DERR, SF_HLOG, SF_CNF, SF_RC, SF_DUMPRC, SF_COUNT };
static const char *const seed_files[SF_COUNT] = {
    [SF_BIN] = "prog.bin",     [SF_MAP] = "prog.map",    [SF_DECK] = "prog.deck",
    [SF_DOUT] = "doppel.out",  [SF_DERR] = "doppel.err", [SF_HLOG] = "hercules.log",
    [SF_CNF] = "hercules.cnf", [SF_RC] = "hercules.rc",  [SF_DUMPRC] = "dump.rc",
};

static bool run_seed(const Options *o, unsigned long seed, Totals *t)
{
    char dir[512], path[SF_COUNT][DIFF_PATH_MAX];
    diff_seed_dir(&o->c, seed, dir, sizeof dir, seed_files, SF_COUNT, path);

    char seed_s[32], n_s[32], dump_arg[64];
    bool bc = o->bc_seeds && seed % 2 == 0; /* -B: even seeds run in BC mode */
    snprintf(seed_s, sizeof seed_s, "%lu", seed);
    snprintf(n_s, sizeof n_s, "%lu", o->c.n);
    size_t len = o->c.n * REC_SIZE;
    snprintf(dump_arg, sizeof dump_arg, "%X:%zX", RES_ADDR, len);

    char *gen[] = {
        (char *)o->c.diffgen, "-s", seed_s, "-n", n_s, "-o", path[SF_BIN], "-m", path[SF_MAP],
        bc ? "-b" : NULL,     NULL};
    if (diff_run(gen, NULL, NULL, DIFF_RUN_TIMEOUT_S) != 0) {
        printf("seed %lu: %s failed\n", seed, o->c.diffgen);
        return false;
    }
    char *mk[] = {
        (char *)o->mkdeck, "-a",          "400", "-p", bc ? "0000000000000000" : "0008000000000000",
        path[SF_BIN],      path[SF_DECK], NULL};
    if (diff_run(mk, NULL, NULL, DIFF_RUN_TIMEOUT_S) != 0) {
        printf("seed %lu: %s failed\n", seed, o->mkdeck);
        return false;
    }

    /* Hercules: IPL the deck; at the disabled wait (HHCCP011I) the
     * automatic operator runs dump.rc, which displays the results with
     * "r" (at most 999 lines a command) and quits.  (savecore would need
     * the CPU stopped first, and "stop" does not wait for that.) */
    FILE *f = fopen(path[SF_DUMPRC], "w");
    for (size_t off = 0; f && off < len; off += HERCULES_R_CHUNK)
        fprintf(f, "r %X.%zX\n", (unsigned)(RES_ADDR + off),
                len - off < HERCULES_R_CHUNK ? len - off : (size_t)HERCULES_R_CHUNK);
    if (!f || fprintf(f, "quit\n") < 0 || fclose(f) != 0 ||
        !diff_write_file(path[SF_CNF],
                         "MAINSIZE 16\nARCHMODE S/370\nNUMCPU 1\nCNSLPORT 0\nOSTAILOR QUIET\n"
                         "000C 3505 %s ebcdic eof\n",
                         path[SF_DECK]) ||
        !diff_write_file(path[SF_RC], "hao tgt HHCCP011I\nhao cmd script %s\nipl 00C\n",
                         path[SF_DUMPRC])) {
        printf("seed %lu: cannot write the Hercules files in %s\n", seed, dir);
        return false;
    }
    char env[700];
    snprintf(env, sizeof env, "HERCULES_RC=%s", path[SF_RC]);
    char *dop[] = {(char *)o->c.doppel, "-M",      "s370", "-accel",  (char *)o->c.accel,
                   "-nographic",        "-serial", "null", "-kernel", path[SF_DECK],
                   "-dump-on-wait",     dump_arg,  NULL};
    char *herc_argv[] = {(char *)o->hercules, "-f", path[SF_CNF], "-d", NULL};
    DiffChild c[2];
    c[0] = diff_spawn(dop, path[SF_DOUT], path[SF_DERR], NULL, NULL);
    c[1] = diff_spawn(herc_argv, path[SF_HLOG], NULL, dir, env);
    diff_wait_all(c, 2, DIFF_RUN_TIMEOUT_S);

    bool ok = true;
    if (c[0].status != DONE_CODE) {
        printf("seed %lu: doppel ended with status %d (see %s)\n", seed, c[0].status,
               path[SF_DERR]);
        ok = false;
    }
    /* Hercules' logger can drop or split lines (the wait PSW, the end of
     * the display) when "quit" comes while the host is busy: run
     * Hercules alone again before giving up. */
    uint8_t *dres = calloc(1, len), *hres = calloc(1, len);
    DiffSeq *seqs = calloc(o->c.n, sizeof *seqs);
    char psw[32] = "";
    int herc = hercules_results(path[SF_HLOG], bc, hres, len, psw, sizeof psw);
    for (int retry = 0; herc != HERC_OK && retry < HERCULES_RETRIES; retry++) {
        c[1] = diff_spawn(herc_argv, path[SF_HLOG], NULL, dir, env);
        diff_wait_all(&c[1], 1, DIFF_RUN_TIMEOUT_S);
        herc = hercules_results(path[SF_HLOG], bc, hres, len, psw, sizeof psw);
    }
    if (herc == HERC_NO_WAIT) {
        printf("seed %lu: Hercules did not reach the final wait (PSW %s; see %s)\n", seed,
               psw[0] ? psw : "none", path[SF_HLOG]);
        ok = false;
    }
    if (ok && !parse_doppel_dump(path[SF_DOUT], dres, len)) {
        printf("seed %lu: doppel's dump is incomplete (%s)\n", seed, path[SF_DOUT]);
        ok = false;
    }
    if (ok && herc == HERC_CUT) {
        printf("seed %lu: Hercules' display of the results is incomplete (%s)\n", seed,
               path[SF_HLOG]);
        ok = false;
    }
    if (ok && !parse_map(path[SF_MAP], seqs, o->c.n)) {
        printf("seed %lu: cannot read %s\n", seed, path[SF_MAP]);
        ok = false;
    }
    if (!ok) {
        t->d.failed_runs++;
        free(dres), free(hres), free_seqs(seqs, o->c.n);
        return false;
    }

    DiffCounts n = {.sequences = o->c.n};
    for (unsigned long i = 0; i < o->c.n; i++) {
        const uint8_t *d = dres + i * REC_SIZE, *h = hres + i * REC_SIZE;
        t->completed += h[REC_STATUS] == REC_COMPLETED;
        t->interrupted += h[REC_STATUS] == REC_INTERRUPTED;
        if (h[REC_STATUS] == REC_INTERRUPTED) {
            unsigned code = diff_pgm_code(&seqs[i], h) & 0xff;
            t->pic[code]++;
            count_interruption(t, diff_faulting_insn(&seqs[i], h), code);
        }
        if (!memcmp(d, h, REC_SIZE)) {
            n.identical++;
            continue;
        }
        if (excluded(o, &seqs[i])) {
            n.excluded++;
            continue;
        }
        const DiffKnown *k = diff_known_case(&seqs[i], d, h);
        if (k) {
            n.known++;
            diff_count_rule(&t->d, k, k->name);
            if (o->c.verbose)
                printf("seed %lu sequence %lu: known (%s), skipped\n", seed, i, k->name);
            continue;
        }
        n.differ++;
        if (o->c.quiet) continue;
        if (diff_show_full(&o->c, &t->d)) {
            printf("seed %lu sequence %lu (entry %08X) differs:\n", seed, i, seqs[i].entry);
            print_sequence(&seqs[i]);
            print_differences(&seqs[i], d, h);
        } else {
            char a[192];
            describe_end(&seqs[i], h, a, sizeof a);
            printf("seed %lu sequence %lu differs (hercules: %s)\n", seed, i, a);
        }
    }
    char what[48];
    snprintf(what, sizeof what, "seed %lu", seed);
    diff_print_counts(&o->c, what, &n);
    if (n.excluded) printf(", %lu excluded", n.excluded);
    printf("\n");
    fflush(stdout);
    diff_add_counts(&t->d, &n);
    free(dres), free(hres), free_seqs(seqs, o->c.n);
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

/* The options only s370-difftest has (DiffToolOption). */
static int s370_option(void *tool, const char *a, const char *v)
{
    Options *o = tool;
    if (!strcmp(a, "-S")) {
        o->stats = true;
        return 1;
    }
    if (!strcmp(a, "-B")) {
        o->bc_seeds = true;
        return 1;
    }
    const char **value = !strcmp(a, "--mkdeck")     ? &o->mkdeck
                         : !strcmp(a, "--hercules") ? &o->hercules
                                                    : NULL;
    if (!value || !v) return 0;
    *value = v;
    return 2;
}

int main(int argc, char **argv)
{
    Options o = {.c = {.tool = "s370-difftest",
                       .first_seed = 1,
                       .seeds = 4,
                       .n = 1000,
                       .accel = "interp",
                       .doppel = DEFAULT_DOPPEL,
                       .diffgen = DEFAULT_DIFFGEN},
                 .mkdeck = DEFAULT_MKDECK,
                 .hercules = "hercules"};
    if (!diff_parse_args(&o.c, argc, argv, s370_option, &o) || o.c.n == 0 ||
        o.c.n * REC_SIZE > 0x7ff000)
        return usage();
    if (!diff_workdir_open(&o.c)) return 1;
    Totals t = {0};
    for (unsigned long s = o.c.first_seed; s < o.c.first_seed + o.c.seeds; s++)
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
    return diff_finish(&o.c, &t.d, seed_files, SF_COUNT);
}
