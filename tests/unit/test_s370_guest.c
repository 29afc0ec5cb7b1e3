/*
 * The S/370 and ESA/390 guest tests (tests/guest/s370): every deck the
 * build made is IPL'd on its machine under each accelerator mode; it must
 * end in a disabled wait with code 0, and, where the test has a .expected
 * file, print exactly that on the 3215 console, so every mode gives the
 * same result.  A test's .args file adds doppel arguments (see README.md).
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

/* The accelerator modes every deck runs under: the interpreter alone;
 * every TB compiled by LLVM before it first runs (deterministic); and
 * asynchronous regions, with a threshold low enough that regions are
 * installed while even short decks run, and with the default threshold.
 * tag names the run's console file. */
typedef struct GuestMode {
    const char *name, *tag, *args;
} GuestMode;

static const GuestMode guest_modes[] = {
    {"interp", "interp", "-accel interp"},
    {"jit,sync=on", "jit-sync", "-accel jit,sync=on"},
    {"jit -jit-threshold 5", "jit-t5", "-accel jit -jit-threshold 5"},
    {"jit", "jit", "-accel jit"},
};
#define GUEST_NMODES (sizeof guest_modes / sizeof guest_modes[0])

typedef struct GuestDeck {
    char name[64];
    unsigned mode; /* index in guest_modes */
} GuestDeck;

static int deck_compare(const void *a, const void *b)
{
    const GuestDeck *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (int)x->mode - (int)y->mode;
}

/* Whether the directory entry name is a test's deck: name.deck, not the
 * demo. */
static bool deck_file(const char *name)
{
    size_t len = strlen(name);
    return len >= 6 && len - 5 < 64 && !strcmp(name + len - 5, ".deck") &&
           strncmp(name, "s370-demo", 9);
}

ParameterizedTestParameters(s370_guest, run)
{
    DIR *dir = opendir(DOPPEL_S370_GUEST_DIR);
    size_t n = 0, cap = 0;
    struct dirent *e;
    while (dir && (e = readdir(dir)))
        cap += deck_file(e->d_name) ? GUEST_NMODES : 0;
    GuestDeck *decks = cr_malloc((cap ? cap : 1) * sizeof *decks);
    if (dir) rewinddir(dir);
    while (dir && (e = readdir(dir)) && n + GUEST_NMODES <= cap) {
        if (!deck_file(e->d_name)) continue;
        for (unsigned m = 0; m < GUEST_NMODES; m++) {
            memset(&decks[n], 0, sizeof decks[n]);
            memcpy(decks[n].name, e->d_name, strlen(e->d_name) - 5);
            decks[n].mode = m;
            n++;
        }
    }
    if (dir) closedir(dir);
    qsort(decks, n, sizeof *decks, deck_compare);
    return cr_make_param_array(GuestDeck, decks, n);
}

static bool deck_is_esa(const char *name)
{
    size_t len = strlen(name);
    return !strncmp(name, "c_", 2) || (len > 4 && !strcmp(name + len - 4, "_390"));
}

/* Where a deck's source keeps its extra arguments: tests/guest/s370/
 * <name>.args, or c/<name>.args for the C program c_<name>. */
static void deck_args_path(const char *name, char *path, size_t len)
{
    if (!strncmp(name, "c_", 2))
        snprintf(path, len, "%s/tests/guest/s370/c/%s.args", DOPPEL_SOURCE_DIR, name + 2);
    else
        snprintf(path, len, "%s/tests/guest/s370/%s.args", DOPPEL_SOURCE_DIR, name);
}

/* Append arg to the command line cmd, quoted for the shell, with every
 * "@TMP@" replaced by tmpdir. */
static void deck_append_arg(char *cmd, size_t len, const char *arg, const char *tmpdir)
{
    size_t n = strlen(cmd);
    cr_assert_lt(n + 2, len, "extra arguments too long");
    cmd[n++] = ' ';
    cmd[n++] = '\'';
    for (const char *a = arg; *a;) {
        const char *piece = a;
        size_t plen = 1;
        if (!strncmp(a, "@TMP@", 5)) {
            piece = tmpdir;
            plen = strlen(tmpdir);
            a += 5;
        } else if (*a == '\'') {
            piece = "'\\''";
            plen = 4;
            a++;
        } else {
            a++;
        }
        cr_assert_lt(n + plen + 2, len, "extra arguments too long");
        memcpy(cmd + n, piece, plen);
        n += plen;
    }
    cmd[n++] = '\'';
    cmd[n] = '\0';
}

/* The .args file at path, one argument a line (blank lines and lines
 * starting with '#' skipped), appended to cmd. */
static void deck_extra_args(const char *path, const char *tmpdir, char *cmd, size_t len)
{
    char line[512];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot read %s", path);
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#') deck_append_arg(cmd, len, line, tmpdir);
    }
    fclose(f);
}

/* Remove the run's temporary directory and the files doppel made in it. */
static void deck_remove_tmpdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    cr_expect_eq(rmdir(dir), 0, "cannot remove %s (a subdirectory in it?)", dir);
}

ParameterizedTest(GuestDeck *deck, s370_guest, run, .timeout = 120)
{
    char console[200], args[2048], out[8192], expected_path[512], args_path[512];
    char tmpdir[] = "/tmp/doppel-s370-args-XXXXXX";
    const GuestMode *mode = &guest_modes[deck->mode];
    snprintf(console, sizeof console, "/tmp/doppel-s370-%s-%s-%d.out", deck->name, mode->tag,
             (int)getpid());
    snprintf(args, sizeof args, "-M %s %s -nographic -serial file:%s -kernel %s/%s.deck",
             deck_is_esa(deck->name) ? "s390" : "s370", mode->args, console, DOPPEL_S370_GUEST_DIR,
             deck->name);
    deck_args_path(deck->name, args_path, sizeof args_path);
    bool extra = access(args_path, R_OK) == 0;
    if (extra) {
        cr_assert_not_null(mkdtemp(tmpdir), "cannot make a temporary directory");
        deck_extra_args(args_path, tmpdir, args, sizeof args);
        /* test_run_doppel's command buffer */
        cr_assert_lt(strlen(DOPPEL_BINARY) + strlen(args) + 32, 1024, "%s: arguments too long",
                     args_path);
    }
    int status = test_run_doppel(args, false, out, sizeof out);
    if (extra) deck_remove_tmpdir(tmpdir);
    cr_expect_eq(status, 0, "%s (%s): exit status %d (0x%x), output:\n%s", deck->name, mode->name,
                 status, status, out);
    snprintf(expected_path, sizeof expected_path, "%s/tests/guest/s370/%s.expected",
             DOPPEL_SOURCE_DIR, deck->name);
    if (access(expected_path, R_OK) == 0) {
        static char got[65536], want[65536];
        test_read_file(console, got, sizeof got);
        test_read_file(expected_path, want, sizeof want);
        cr_expect_str_eq(got, want, "%s (%s): console output differs", deck->name, mode->name);
    }
    unlink(console);
}
