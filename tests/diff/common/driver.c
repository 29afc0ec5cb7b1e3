/*
 * What the differential test drivers share (see driver.h).
 */
#include "driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How common_option took argv[*i]. */
enum { OPT_TAKEN, OPT_OTHER, OPT_BAD };

/* One of the common options at argv[*i]; *i on its value if it took one. */
static int common_option(DiffOptions *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
    if (!strcmp(a, "-K")) {
        o->keep = true;
        return OPT_TAKEN;
    }
    if (!strcmp(a, "-v")) {
        o->verbose = true;
        return OPT_TAKEN;
    }
    if (!strcmp(a, "-q")) {
        o->quiet = true;
        return OPT_TAKEN;
    }
    static const char *const valued[] = {"-s", "-k",       "-n",        "-a",
                                         "-w", "--doppel", "--diffgen", "-X"};
    size_t k = 0;
    while (k < sizeof valued / sizeof valued[0] && strcmp(a, valued[k]))
        k++;
    if (k == sizeof valued / sizeof valued[0]) return OPT_OTHER;
    if (!v) return OPT_BAD;
    ++*i;
    switch (k) {
    case 0: o->first_seed = strtoul(v, NULL, 0); break;
    case 1: o->seeds = strtoul(v, NULL, 0); break;
    case 2: o->n = strtoul(v, NULL, 0); break;
    case 3: o->accel = v; break;
    case 4: o->workdir = v; break;
    case 5: o->doppel = v; break;
    case 6: o->diffgen = v; break;
    default:
        if (o->nexclude == sizeof o->exclude / sizeof o->exclude[0]) return OPT_BAD;
        o->exclude[o->nexclude++] = v;
        break;
    }
    return OPT_TAKEN;
}

bool diff_parse_args(DiffOptions *o, int argc, char **argv, DiffToolOption tool_option, void *tool)
{
    for (int i = 1; i < argc; i++) {
        int common = common_option(o, argc, argv, &i);
        if (common == OPT_BAD) return false;
        if (common == OPT_TAKEN) continue;
        int took = tool_option(tool, argv[i], i + 1 < argc ? argv[i + 1] : NULL);
        if (!took) return false;
        i += took - 1;
    }
    return true;
}

bool diff_workdir_open(DiffOptions *o)
{
    if (o->workdir) {
        mkdir(o->workdir, 0755);
        return true;
    }
    snprintf(o->workdir_tmp, sizeof o->workdir_tmp, "/tmp/%s.XXXXXX", o->tool);
    if (!mkdtemp(o->workdir_tmp)) {
        char what[80];
        snprintf(what, sizeof what, "%s: mkdtemp", o->tool);
        perror(what);
        return false;
    }
    o->workdir = o->workdir_tmp;
    o->made_workdir = true;
    return true;
}

void diff_seed_dir(const DiffOptions *o, unsigned long seed, char *dir, size_t dirlen,
                   const char *const *names, size_t n, char (*paths)[DIFF_PATH_MAX])
{
    snprintf(dir, dirlen, "%s/seed%lu", o->workdir, seed);
    mkdir(dir, 0755);
    for (size_t i = 0; i < n; i++)
        snprintf(paths[i], DIFF_PATH_MAX, "%s/%s", dir, names[i]);
}

void diff_count_rule(DiffTotals *t, const void *rule, const char *name)
{
    for (unsigned i = 0; i < t->n_by_rule; i++) {
        if (t->by_rule[i].rule == rule) {
            t->by_rule[i].count++;
            return;
        }
    }
    if (t->n_by_rule < sizeof t->by_rule / sizeof t->by_rule[0]) {
        t->by_rule[t->n_by_rule].rule = rule;
        t->by_rule[t->n_by_rule].name = name;
        t->by_rule[t->n_by_rule++].count = 1;
    }
}

bool diff_show_full(const DiffOptions *o, DiffTotals *t)
{
    return t->shown++ < DIFF_SHOW_FULL || o->verbose;
}

void diff_print_counts(const DiffOptions *o, const char *what, const DiffCounts *c)
{
    printf("%s: %lu sequences, %lu identical, %lu known", what, c->sequences, c->identical,
           c->known);
    if (o->has_undefined) printf(", %lu undefined", c->undefined);
    printf(", %lu differ", c->differ);
}

void diff_add_counts(DiffTotals *t, const DiffCounts *c)
{
    t->c.sequences += c->sequences, t->c.identical += c->identical, t->c.known += c->known;
    t->c.undefined += c->undefined, t->c.differ += c->differ, t->c.excluded += c->excluded;
}

/* Remove the seeds' files, their directories and the work directory. */
static void remove_tree(const DiffOptions *o, const char *const *names, size_t n)
{
    char p[DIFF_PATH_MAX + 100];
    for (unsigned long s = o->first_seed; s < o->first_seed + o->seeds; s++) {
        for (size_t i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s/seed%lu/%s", o->workdir, s, names[i]);
            unlink(p);
        }
        snprintf(p, sizeof p, "%s/seed%lu", o->workdir, s);
        rmdir(p);
    }
    rmdir(o->workdir);
}

int diff_finish(const DiffOptions *o, const DiffTotals *t, const char *const *names, size_t n)
{
    for (unsigned i = 0; i < t->n_by_rule; i++)
        printf("known: %lu x %s (KNOWN.md)\n", t->by_rule[i].count, t->by_rule[i].name);
    diff_print_counts(o, o->tool, &t->c);
    if (t->c.excluded) printf(", %lu excluded (-X)", t->c.excluded);
    if (t->failed_runs) printf(", %lu runs failed", t->failed_runs);
    printf("\n");
    if (o->made_workdir && !o->keep && !t->c.differ && !t->failed_runs)
        remove_tree(o, names, n);
    else if (o->made_workdir)
        printf("%s: files kept in %s\n", o->tool, o->workdir);
    return t->c.differ || t->failed_runs ? 1 : 0;
}
