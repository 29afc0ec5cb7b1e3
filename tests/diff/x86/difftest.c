/*
 * x86-difftest: the differential test of doppel's x86 CPU against QEMU
 * (README.md).  For each seed it generates a program of random instruction
 * sequences (x86-diffgen), assembles and links it (nasm, ld), runs it on
 * doppel (-M pc -kernel) and on qemu-system-i386 side by side, and
 * compares the state each sequence left, field by field.
 *
 *   x86-difftest [-s FIRST_SEED] [-k SEEDS] [-n SEQUENCES] [-i MIN-MAX]
 *                [-c int|x87|sse|mixed] [-a ACCEL] [-w WORKDIR] [-K] [-v] [-q]
 *                [-X MNEMONIC]... [--doppel P] [--diffgen P] [--qemu P]
 *
 * Each sequence is identical, known (a QEMU deviation from the SDM in
 * KNOWN.md explains every difference), undefined (the differences are
 * all in flags or registers the SDM leaves undefined there), or differs.
 * Prints each differing sequence (instructions, initial state, differing
 * fields) and "N sequences, M identical, K known, U undefined, D differ".
 * Exit status 0 when nothing differs and every run finished, 1 otherwise,
 * 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/driver.h"
#include "../common/proc.h"
#include "diff.h"

#ifndef DEFAULT_DOPPEL
#define DEFAULT_DOPPEL "doppel"
#endif
#ifndef DEFAULT_DIFFGEN
#define DEFAULT_DIFFGEN "x86-diffgen"
#endif

typedef struct Options {
    DiffOptions c;
    const char *insns, *cat, *qemu;
} Options;

/* ---------------------------------------------------------------- */
/* Parsing.                                                          */

static bool hex_bytes(const char *p, uint8_t *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        char b[3] = {p[2 * i], p[2 * i + 1], 0};
        char *end;
        if (!b[0] || !b[1]) return false;
        out[i] = (uint8_t)strtoul(b, &end, 16);
        if (end != b + 2) return false;
    }
    return true;
}

static bool parse_map(const char *path, MapSeq *seqs, unsigned long n)
{
    char *text = diff_read_file(path, NULL);
    if (!text) return false;
    MapSeq *cur = NULL;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        unsigned long idx;
        switch (line[0]) {
        case 'S':
            cur = NULL;
            if (sscanf(line, "S %lu", &idx) == 1 && idx < n) {
                cur = &seqs[idx];
                cur->present = true;
                sscanf(line, "S %*u %7s", cur->cat);
            }
            break;
        case 'R':
            if (cur) {
                char *p = line + 1;
                for (unsigned r = 0; r < 9; r++)
                    cur->regs[r] = (uint32_t)strtoul(p, &p, 16);
            }
            break;
        case 'A':
            if (cur) hex_bytes(line + 2, cur->area, AREA_SIZE);
            break;
        case 'F':
            if (cur) snprintf(cur->fpu_init, sizeof cur->fpu_init, "%s", line + 2);
            break;
        case 'X':
            if (cur) snprintf(cur->sse_init, sizeof cur->sse_init, "%s", line + 2);
            break;
        case 'U':
            if (cur) {
                unsigned f, r;
                if (sscanf(line, "U %x %x", &f, &r) == 2)
                    cur->undef_flags = f, cur->undef_regs = (uint8_t)r;
            }
            break;
        case 'I':
            if (cur && strlen(line) > 4) {
                MapLine *p = realloc(cur->lines, (cur->nlines + 1) * sizeof *p);
                if (!p) break;
                cur->lines = p;
                p[cur->nlines].role = line[2];
                snprintf(p[cur->nlines].text, sizeof p->text, "%s", line + 4);
                cur->nlines++;
            }
            break;
        default: break;
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
    return true;
}

/* The "@" lines of a serial log (README.md "Dump format"). */
static void parse_dump(const char *path, Dump *d, unsigned long n)
{
    char *text = diff_read_file(path, NULL);
    Dump *cur = NULL;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        char *at = strchr(line, '@'); /* a line may follow other output */
        unsigned long idx;
        if (at && at[1] && at[2] == ' ') {
            char *p = at + 3;
            switch (at[1]) {
            case 'S':
                idx = strtoul(p, NULL, 16);
                cur = idx < n ? &d[idx] : NULL;
                if (cur) memset(cur, 0, sizeof *cur), cur->present = true;
                break;
            case 'R':
                if (!cur) break;
                for (unsigned r = 0; r < 9; r++)
                    cur->regs[r] = (uint32_t)strtoul(p, &p, 16);
                cur->has_regs = true;
                break;
            case 'A':
                if (cur) cur->has_area = hex_bytes(p, cur->area, AREA_SIZE);
                break;
            case 'F':
                if (cur) cur->has_fpu = hex_bytes(p, cur->fpu, FSAVE_SIZE);
                break;
            case 'X':
                if (cur && hex_bytes(p, cur->xmm, XMM_SIZE)) {
                    cur->mxcsr = (uint32_t)strtoul(p + 2 * XMM_SIZE, NULL, 16);
                    cur->has_xmm = true;
                }
                break;
            case 'T':
                if (!cur) break;
                cur->trapped = true;
                cur->vector = (uint32_t)strtoul(p, &p, 16);
                cur->error = (uint32_t)strtoul(p, &p, 16);
                cur->eip = (uint32_t)strtoul(p, &p, 16);
                break;
            case 'E':
                if (cur) cur->ended = true;
                cur = NULL;
                break;
            default: break;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    free(text);
}

/* ---------------------------------------------------------------- */
/* Comparison.                                                       */

enum Verdict { V_SAME, V_UNDEFINED, V_KNOWN, V_DIFFER }; /* worst wins */

typedef struct Diff {
    Field f;
    unsigned i;
    enum Verdict v;
    const Known *rule;
} Diff;

typedef struct Comparison {
    Diff d[AREA_SIZE + 64];
    unsigned n;
    enum Verdict v;
} Comparison;

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void add_diff(Comparison *c, const MapSeq *s, Field f, unsigned i, const Dump *dd,
                     const Dump *qd)
{
    Diff x = {f, i, V_DIFFER, NULL};
    if (f == F_EFLAGS && (s->undef_flags >> i & 1)) x.v = V_UNDEFINED;
    if (f == F_GPR && (s->undef_regs >> i & 1)) x.v = V_UNDEFINED;
    /* FCS and FDS: the selectors are the low 16 bits; FCS bits 16-26 are
     * the FOP, stored only after an unmasked exception unless the FOP
     * compatibility mode is on (SDM Vol 1 §8.1.9.1), the rest reserved. */
    if (f == F_FPTR && (i == 4 || i == 6) &&
        !((le32(dd->fpu + 4 * i) ^ le32(qd->fpu + 4 * i)) & 0xffff))
        x.v = V_UNDEFINED;
    if (x.v == V_DIFFER && (x.rule = known_case(s, f, i, dd, qd))) x.v = V_KNOWN;
    if (c->n < sizeof c->d / sizeof c->d[0]) c->d[c->n++] = x;
    if (x.v > c->v) c->v = x.v;
}

static void compare(const MapSeq *s, const Dump *d, const Dump *q, Comparison *c)
{
    c->n = 0, c->v = V_SAME;
    if (d->trapped || q->trapped || !d->ended || !d->has_regs) {
        if (d->trapped != q->trapped || d->vector != q->vector || d->eip != q->eip || !d->ended ||
            (!d->trapped && !d->has_regs))
            add_diff(c, s, F_TRAP, 0, d, q);
        return;
    }
    for (unsigned r = 0; r < 8; r++)
        if (d->regs[r] != q->regs[r]) add_diff(c, s, F_GPR, r, d, q);
    for (unsigned b = 0; b < 32; b++)
        if ((d->regs[8] ^ q->regs[8]) >> b & 1) add_diff(c, s, F_EFLAGS, b, d, q);
    for (unsigned i = 0; i < AREA_SIZE; i++)
        if (d->area[i] != q->area[i]) add_diff(c, s, F_AREA, i, d, q);
    if (q->has_fpu) {
        if (!d->has_fpu) {
            add_diff(c, s, F_FSW, 0, d, q);
        } else {
            static const Field ctl[] = {F_FCW, F_FSW, F_FTW};
            for (unsigned k = 0; k < 3; k++) /* the low 16 bits; the upper are reserved */
                if ((le32(d->fpu + 4 * k) ^ le32(q->fpu + 4 * k)) & 0xffff)
                    add_diff(c, s, ctl[k], 0, d, q);
            for (unsigned k = 3; k < 7; k++)
                if (le32(d->fpu + 4 * k) != le32(q->fpu + 4 * k)) add_diff(c, s, F_FPTR, k, d, q);
            for (unsigned r = 0; r < 8; r++)
                if (memcmp(d->fpu + FS_ST0 + 10 * r, q->fpu + FS_ST0 + 10 * r, 10))
                    add_diff(c, s, F_ST, r, d, q);
        }
    }
    if (q->has_xmm) {
        if (!d->has_xmm) {
            add_diff(c, s, F_MXCSR, 0, d, q);
        } else {
            for (unsigned r = 0; r < 8; r++)
                if (memcmp(d->xmm + 16 * r, q->xmm + 16 * r, 16)) add_diff(c, s, F_XMM, r, d, q);
            if (d->mxcsr != q->mxcsr) add_diff(c, s, F_MXCSR, 0, d, q);
        }
    }
}

/* ---------------------------------------------------------------- */
/* Reports.                                                          */

static const char *const gpr_names[] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
static const char *const flag_names[32] = {
    [0] = "CF",  [2] = "PF",  [4] = "AF",  [6] = "ZF",  [7] = "SF",  [8] = "TF", [9] = "IF",
    [10] = "DF", [11] = "OF", [14] = "NT", [16] = "RF", [18] = "AC", [21] = "ID"};

static void print_bytes(const uint8_t *b, unsigned n, bool reverse)
{
    for (unsigned i = 0; i < n; i++)
        printf("%02x", b[reverse ? n - 1 - i : i]);
}

static void print_sequence(const MapSeq *s)
{
    printf("    initial:");
    for (unsigned r = 0; r < 8; r++)
        printf(" %s=%08x", gpr_names[r], s->regs[r]);
    printf(" eflags=%08x\n", s->regs[8]);
    if (s->fpu_init[0]) printf("    x87 (fcw fnclex n values...): %s\n", s->fpu_init);
    if (s->sse_init[0]) {
        printf("    xmm0-7 (bytes in memory order), mxcsr:\n");
        const char *p = s->sse_init;
        for (unsigned r = 0; r < 8 && strlen(p) >= 32; r++, p += 32)
            printf("      xmm%u %.32s\n", r, p);
        printf("      mxcsr %s\n", p);
    }
    printf("    area:");
    for (unsigned i = 0; i < AREA_SIZE; i++)
        printf("%s%02x", i % 32 ? "" : "\n      ", s->area[i]);
    printf("\n");
    for (unsigned i = 0; i < s->nlines; i++)
        printf("    %-5s %s\n", s->lines[i].role == 's' ? "setup" : "", s->lines[i].text);
}

static const char *verdict_name(enum Verdict v)
{
    return v == V_UNDEFINED ? " (undefined)" : v == V_KNOWN ? " (known)" : "";
}

static void print_differences(const MapSeq *s, const Dump *d, const Dump *q, const Comparison *c)
{
    for (unsigned k = 0; k < c->n; k++) {
        const Diff *x = &c->d[k];
        const char *v = verdict_name(x->v);
        switch (x->f) {
        case F_TRAP:
            printf("    end:    doppel ");
            if (!d->present)
                printf("not reached");
            else if (d->trapped)
                printf("exception %u (error %x) at eip %08x", d->vector, d->error, d->eip);
            else
                printf("%s", d->ended ? "completed" : "dump incomplete");
            printf("\n            qemu   ");
            if (q->trapped)
                printf("exception %u (error %x) at eip %08x\n", q->vector, q->error, q->eip);
            else
                printf("completed\n");
            break;
        case F_GPR:
            printf("    %-6s doppel %08x qemu %08x (initial %08x)%s\n", gpr_names[x->i],
                   d->regs[x->i], q->regs[x->i], s->regs[x->i], v);
            break;
        case F_EFLAGS: {                       /* one line for all the bits */
            char names[3][160] = {"", "", ""}; /* differ, known, undefined */
            for (; k < c->n && c->d[k].f == F_EFLAGS; k++) {
                const Diff *y = &c->d[k];
                char *p = names[y->v == V_DIFFER ? 0 : y->v == V_KNOWN ? 1 : 2];
                char bit[8];
                snprintf(bit, sizeof bit, "b%u", y->i);
                size_t len = strlen(p);
                snprintf(p + len, 160 - len, " %s", flag_names[y->i] ? flag_names[y->i] : bit);
            }
            k--;
            printf("    eflags doppel %08x qemu %08x:", d->regs[8], q->regs[8]);
            if (names[0][0]) printf(" differ%s;", names[0]);
            if (names[1][0]) printf(" known%s;", names[1]);
            if (names[2][0]) printf(" undefined%s;", names[2]);
            printf("\n");
            break;
        }
        case F_AREA: {
            unsigned end = x->i + 1;
            while (k + 1 < c->n && c->d[k + 1].f == F_AREA && c->d[k + 1].i == end &&
                   end - x->i < 16)
                end++, k++;
            printf("    area+%-3u doppel ", x->i);
            print_bytes(d->area + x->i, end - x->i, false);
            printf(" qemu ");
            print_bytes(q->area + x->i, end - x->i, false);
            printf("%s\n", v);
            break;
        }
        case F_FCW:
        case F_FSW:
        case F_FTW: {
            static const char *const n[] = {"fcw", "fsw", "ftw"};
            unsigned o = x->f == F_FCW ? 0 : x->f == F_FSW ? 1 : 2;
            printf("    %-6s doppel %04x qemu %04x%s\n", n[o],
                   d->has_fpu ? le32(d->fpu + 4 * o) & 0xffff : 0xffffffffu,
                   le32(q->fpu + 4 * o) & 0xffff, d->has_fpu ? v : " (doppel dumped no x87 state)");
            break;
        }
        case F_FPTR: {
            static const char *const n[] = {"", "", "", "fip", "fcs/fop", "fdp", "fds"};
            printf("    %-6s doppel %08x qemu %08x%s\n", n[x->i], le32(d->fpu + 4 * x->i),
                   le32(q->fpu + 4 * x->i), v);
            break;
        }
        case F_ST:
            printf("    st%u    doppel ", x->i);
            print_bytes(d->fpu + FS_ST0 + 10 * x->i, 10, true);
            printf(" qemu ");
            print_bytes(q->fpu + FS_ST0 + 10 * x->i, 10, true);
            printf("%s\n", v);
            break;
        case F_XMM:
            printf("    xmm%u   doppel ", x->i);
            print_bytes(d->xmm + 16 * x->i, 16, true);
            printf(" qemu ");
            print_bytes(q->xmm + 16 * x->i, 16, true);
            printf("%s\n", v);
            break;
        case F_MXCSR:
            if (d->has_xmm)
                printf("    mxcsr  doppel %08x qemu %08x%s\n", d->mxcsr, q->mxcsr, v);
            else
                printf("    xmm    doppel dumped no SSE state\n");
            break;
        default: break;
        }
    }
}

/* ---------------------------------------------------------------- */
/* One seed.                                                         */

static bool excluded(const Options *o, const MapSeq *s)
{
    for (unsigned k = 0; k < o->c.nexclude; k++)
        if (seq_has_insn(s, o->c.exclude[k])) return true;
    return false;
}

/* Where a run's dump stops: the first sequence it did not finish. */
static unsigned long first_missing(const Dump *d, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++)
        if (!d[i].ended) return i;
    return n;
}

/* The files of a seed's directory. */
enum { SF_ASM, SF_MAP, SF_OBJ, SF_ELF, SF_DOUT, SF_DERR, SF_QOUT, SF_QERR, SF_BUILD_ERR, SF_COUNT };
static const char *const seed_files[SF_COUNT] = {
    [SF_ASM] = "prog.asm",  [SF_MAP] = "prog.map",    [SF_OBJ] = "prog.o",
    [SF_ELF] = "prog.elf",  [SF_DOUT] = "doppel.out", [SF_DERR] = "doppel.err",
    [SF_QOUT] = "qemu.out", [SF_QERR] = "qemu.err",   [SF_BUILD_ERR] = "build.err",
};

static bool run_seed(const Options *o, unsigned long seed, DiffTotals *t)
{
    char dir[512], path[SF_COUNT][DIFF_PATH_MAX];
    diff_seed_dir(&o->c, seed, dir, sizeof dir, seed_files, SF_COUNT, path);

    char seed_s[32], n_s[32];
    snprintf(seed_s, sizeof seed_s, "%lu", seed);
    snprintf(n_s, sizeof n_s, "%lu", o->c.n);
    char *gen[] = {(char *)o->c.diffgen, "-s", seed_s,         "-n", n_s,          "-i",
                   (char *)o->insns,     "-c", (char *)o->cat, "-o", path[SF_ASM], "-m",
                   path[SF_MAP],         NULL};
    char *nasm[] = {"nasm", "-f", "elf32", path[SF_ASM], "-o", path[SF_OBJ], NULL};
    char *ld[] = {"ld",         "-m", "elf_i386",   "-Ttext=0x100000",
                  path[SF_OBJ], "-o", path[SF_ELF], NULL};
    if (diff_run(gen, NULL, path[SF_BUILD_ERR], DIFF_RUN_TIMEOUT_S) != 0 ||
        diff_run(nasm, NULL, path[SF_BUILD_ERR], DIFF_RUN_TIMEOUT_S) != 0 ||
        diff_run(ld, NULL, path[SF_BUILD_ERR], DIFF_RUN_TIMEOUT_S) != 0) {
        printf("seed %lu: building the program failed (see %s)\n", seed, path[SF_BUILD_ERR]);
        t->failed_runs++;
        return false;
    }

    char *dop[] = {(char *)o->c.doppel, "-M",      "pc",         "-accel", (char *)o->c.accel,
                   "-nographic",        "-kernel", path[SF_ELF], NULL};
    char *qemu[] = {(char *)o->qemu,
                    "-M",
                    "pc",
                    "-accel",
                    "tcg",
                    "-display",
                    "none",
                    "-serial",
                    "stdio",
                    "-monitor",
                    "none",
                    "-no-reboot",
                    "-device",
                    "isa-debug-exit,iobase=0xf4,iosize=4",
                    "-kernel",
                    path[SF_ELF],
                    NULL};
    DiffChild c[2];
    c[0] = diff_spawn(dop, path[SF_DOUT], path[SF_DERR], NULL, NULL);
    c[1] = diff_spawn(qemu, path[SF_QOUT], path[SF_QERR], NULL, NULL);
    diff_wait_all(c, 2, DIFF_RUN_TIMEOUT_S);

    Dump *dd = calloc(o->c.n, sizeof *dd), *qd = calloc(o->c.n, sizeof *qd);
    MapSeq *seqs = calloc(o->c.n, sizeof *seqs);
    if (!dd || !qd || !seqs || !parse_map(path[SF_MAP], seqs, o->c.n)) {
        printf("seed %lu: cannot read %s\n", seed, path[SF_MAP]);
        free(dd), free(qd), free(seqs);
        t->failed_runs++;
        return false;
    }
    parse_dump(path[SF_DOUT], dd, o->c.n);
    parse_dump(path[SF_QOUT], qd, o->c.n);
    char why[64];
    bool ok = true;
    /* The program ends with isa-debug-exit 0: status 1 on both. */
    unsigned long qmiss = first_missing(qd, o->c.n), dmiss = first_missing(dd, o->c.n);
    if (c[1].status != 1 || qmiss < o->c.n) {
        printf("seed %lu: qemu did not run the program to the end (%s, sequence %lu; see %s)\n",
               seed, diff_describe_exit(&c[1], DIFF_RUN_TIMEOUT_S, why, sizeof why), qmiss,
               path[SF_QERR]);
        ok = false;
    }
    if (c[0].status != 1 || dmiss < o->c.n) {
        printf("seed %lu: doppel %s, its dump stops at sequence %lu of %lu (see %s)\n", seed,
               diff_describe_exit(&c[0], DIFF_RUN_TIMEOUT_S, why, sizeof why), dmiss, o->c.n,
               path[SF_DERR]);
        ok = false;
    }

    DiffCounts n = {0};
    unsigned long limit = qmiss; /* only what QEMU finished can be judged */
    for (unsigned long i = 0; i < limit; i++) {
        /* A doppel crash: one report for the sequence it stopped in. */
        if (!dd[i].present && i > dmiss) break;
        n.sequences++;
        if (excluded(o, &seqs[i])) {
            n.excluded++;
            continue;
        }
        Comparison cmp;
        compare(&seqs[i], &dd[i], &qd[i], &cmp);
        if (cmp.v == V_SAME) {
            n.identical++;
            continue;
        }
        if (cmp.v == V_UNDEFINED) n.undefined++;
        if (cmp.v == V_KNOWN) {
            n.known++;
            for (unsigned k = 0; k < cmp.n; k++)
                if (cmp.d[k].rule) {
                    diff_count_rule(t, cmp.d[k].rule, cmp.d[k].rule->name);
                    break;
                }
        }
        if (cmp.v == V_DIFFER) n.differ++;
        if (o->c.quiet || (cmp.v != V_DIFFER && !o->c.verbose)) continue;
        if (diff_show_full(&o->c, t)) {
            printf("seed %lu sequence %lu (%s) %s:\n", seed, i, seqs[i].cat,
                   cmp.v == V_DIFFER  ? "differs"
                   : cmp.v == V_KNOWN ? "known"
                                      : "undefined");
            print_sequence(&seqs[i]);
            print_differences(&seqs[i], &dd[i], &qd[i], &cmp);
        } else {
            printf("seed %lu sequence %lu (%s) differs (%u fields)\n", seed, i, seqs[i].cat, cmp.n);
        }
    }
    char what[48];
    snprintf(what, sizeof what, "seed %lu", seed);
    diff_print_counts(&o->c, what, &n);
    if (n.excluded) printf(", %lu excluded", n.excluded);
    if (n.sequences < o->c.n) printf(", %lu not compared", o->c.n - n.sequences);
    printf("\n");
    fflush(stdout);
    diff_add_counts(t, &n);
    if (!ok) t->failed_runs++;
    for (unsigned long i = 0; i < o->c.n; i++)
        free(seqs[i].lines);
    free(dd), free(qd), free(seqs);
    return ok;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: x86-difftest [-s FIRST_SEED] [-k SEEDS] [-n SEQUENCES] [-i MIN-MAX]\n"
            "                    [-c int|x87|sse|mixed] [-a ACCEL] [-w WORKDIR] [-K] [-v] [-q]\n"
            "                    [-X MNEMONIC]... [--doppel P] [--diffgen P] [--qemu P]\n"
            "  -K keep the work directory, -v show undefined and known cases too,\n"
            "  -q only the per-seed lines, -X do not compare sequences that execute MNEMONIC\n");
    return 2;
}

/* The options only x86-difftest has (DiffToolOption). */
static int x86_option(void *tool, const char *a, const char *v)
{
    Options *o = tool;
    const char **value = !strcmp(a, "-i")       ? &o->insns
                         : !strcmp(a, "-c")     ? &o->cat
                         : !strcmp(a, "--qemu") ? &o->qemu
                                                : NULL;
    if (!value || !v) return 0;
    *value = v;
    return 2;
}

int main(int argc, char **argv)
{
    Options o = {.c = {.tool = "x86-difftest",
                       .has_undefined = true,
                       .first_seed = 1,
                       .seeds = 4,
                       .n = 500,
                       .accel = "interp",
                       .doppel = DEFAULT_DOPPEL,
                       .diffgen = DEFAULT_DIFFGEN},
                 .insns = "4-12",
                 .cat = "mixed",
                 .qemu = "qemu-system-i386"};
    if (!diff_parse_args(&o.c, argc, argv, x86_option, &o) || o.c.n == 0 || o.c.n > 100000)
        return usage();
    if (!diff_workdir_open(&o.c)) return 1;
    DiffTotals t = {0};
    for (unsigned long s = o.c.first_seed; s < o.c.first_seed + o.c.seeds; s++)
        run_seed(&o, s, &t);
    return diff_finish(&o.c, &t, seed_files, SF_COUNT);
}
