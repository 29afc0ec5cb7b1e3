/*
 * The S/370 and ESA/390 guest tests (tests/guest/s370): every deck the
 * build made is IPL'd on its machine under each accelerator; it must end
 * in a disabled wait with code 0, and, where the test has a .expected
 * file, print exactly that on the 3215 console.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

typedef struct GuestDeck {
    char name[64];
    char accel[16];
} GuestDeck;

static const char *const guest_accels[] = {"interp", "jit"};

static int deck_compare(const void *a, const void *b)
{
    return strcmp(((const GuestDeck *)a)->name, ((const GuestDeck *)b)->name);
}

ParameterizedTestParameters(s370_guest, run)
{
    DIR *dir = opendir(DOPPEL_S370_GUEST_DIR);
    size_t n = 0, cap = 64;
    GuestDeck *decks = cr_malloc(cap * sizeof *decks);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".deck") || len - 5 >= 64) continue;
        if (!strncmp(e->d_name, "s370-demo", 9)) continue;
        for (size_t a = 0; a < sizeof guest_accels / sizeof guest_accels[0] && n < cap; a++) {
            memset(&decks[n], 0, sizeof decks[n]);
            memcpy(decks[n].name, e->d_name, len - 5);
            snprintf(decks[n].accel, sizeof decks[n].accel, "%s", guest_accels[a]);
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

ParameterizedTest(GuestDeck *deck, s370_guest, run, .timeout = 120)
{
    char console[200], args[768], out[8192], expected_path[512];
    snprintf(console, sizeof console, "/tmp/doppel-s370-%s-%s-%d.out", deck->name, deck->accel,
             (int)getpid());
    snprintf(args, sizeof args, "-M %s -accel %s -nographic -serial file:%s -kernel %s/%s.deck",
             deck_is_esa(deck->name) ? "s390" : "s370", deck->accel, console, DOPPEL_S370_GUEST_DIR,
             deck->name);
    int status = test_run_doppel(args, false, out, sizeof out);
    cr_expect_eq(status, 0, "%s (%s): exit status %d (0x%x), output:\n%s", deck->name, deck->accel,
                 status, status, out);
    snprintf(expected_path, sizeof expected_path, "%s/tests/guest/s370/%s.expected",
             DOPPEL_SOURCE_DIR, deck->name);
    if (access(expected_path, R_OK) == 0) {
        static char got[65536], want[65536];
        test_read_file(console, got, sizeof got);
        test_read_file(expected_path, want, sizeof want);
        cr_expect_str_eq(got, want, "%s (%s): console output differs", deck->name, deck->accel);
    }
    unlink(console);
}
