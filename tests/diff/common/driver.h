/*
 * What the differential test drivers (s370-difftest, x86-difftest) share
 * beyond processes: the common options, the work directory with one
 * folder per seed, the counts of identical, known, undefined and
 * differing sequences, and the summary.
 */
#ifndef DOPPEL_DIFF_COMMON_DRIVER_H
#define DOPPEL_DIFF_COMMON_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

enum {
    DIFF_RUN_TIMEOUT_S = 120, /* for each program a seed runs */
    DIFF_SHOW_FULL = 20,      /* differences printed in full; then one line each */
    DIFF_PATH_MAX = 600,      /* a file in a seed's directory */
};

typedef struct DiffOptions {
    const char *tool;   /* "x86-difftest": the summary's and the work directory's name */
    bool has_undefined; /* the counts have an "undefined" column */
    unsigned long first_seed, seeds, n;
    const char *accel, *workdir, *doppel, *diffgen;
    bool keep, verbose, quiet;
    const char *exclude[16]; /* -X: mnemonics whose sequences are not compared */
    unsigned nexclude;
    bool made_workdir; /* diff_workdir_open made a temporary one */
    char workdir_tmp[64];
} DiffOptions;

/* A driver's own options: a is one, v the argument after it (NULL at the
 * end).  Returns how many arguments it took: 1 (a flag), 2 (a and its
 * value v), or 0 (not one of its options, or v missing). */
typedef int (*DiffToolOption)(void *tool, const char *a, const char *v);

/* Parse the arguments: the options every driver has (-s FIRST_SEED -k
 * SEEDS -n SEQUENCES -a ACCEL -w WORKDIR -K keep -v verbose -q quiet
 * -X MNEMONIC --doppel P --diffgen P) into o, the others through
 * tool_option.  False on bad usage. */
bool diff_parse_args(DiffOptions *o, int argc, char **argv, DiffToolOption tool_option, void *tool);

/* The work directory: -w's (made if missing), or a new
 * /tmp/<tool>.XXXXXX; false after saying why not. */
bool diff_workdir_open(DiffOptions *o);

/* Make the directory of one seed (its path into dir); the paths of the
 * files names[0..n) in it into paths. */
void diff_seed_dir(const DiffOptions *o, unsigned long seed, char *dir, size_t dirlen,
                   const char *const *names, size_t n, char (*paths)[DIFF_PATH_MAX]);

typedef struct DiffCounts {
    unsigned long sequences, identical, known, undefined, differ, excluded;
} DiffCounts;

typedef struct DiffTotals {
    DiffCounts c;
    unsigned long failed_runs, shown;
    struct {
        const void *rule; /* a KNOWN.md entry of the driver's table */
        const char *name;
        unsigned long count;
    } by_rule[16];
    unsigned n_by_rule;
} DiffTotals;

/* One more sequence explained by the known deviation rule. */
void diff_count_rule(DiffTotals *t, const void *rule, const char *name);

/* Whether the next difference is printed in full (the first
 * DIFF_SHOW_FULL, every one with -v). */
bool diff_show_full(const DiffOptions *o, DiffTotals *t);

/* Print "<what>: N sequences, M identical, K known, [U undefined, ]D
 * differ" (no newline). */
void diff_print_counts(const DiffOptions *o, const char *what, const DiffCounts *c);

/* A seed's counts added to the totals. */
void diff_add_counts(DiffTotals *t, const DiffCounts *c);

/* Print the known deviations seen and the summary; remove the temporary
 * work directory (the seeds' files names[0..n)) when nothing
 * differed and every run finished, else say where it is.  Returns the
 * exit status: 0 when nothing differed and every run finished, else 1. */
int diff_finish(const DiffOptions *o, const DiffTotals *t, const char *const *names, size_t n);

#endif
