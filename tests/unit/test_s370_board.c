/*
 * The mainframe boards built from a Hercules configuration
 * (-hercules-cnf): the machine chosen by ARCHMODE, MAINSIZE, the console
 * and reader statements, and the errors a user sees.  Runs doppel on the
 * guest decks the build made (tests/guest/s370).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_util.h"

typedef struct BoardDir {
    char path[64];
} BoardDir;

static BoardDir board_dir(void)
{
    BoardDir d;
    snprintf(d.path, sizeof d.path, "/tmp/doppel-board-XXXXXX");
    cr_assert_not_null(mkdtemp(d.path));
    return d;
}

static void board_dir_remove(const BoardDir *d)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", d->path);
    cr_assert_eq(system(cmd), 0);
}

/* Write text to dir/name; returns the path in buf. */
static const char *write_file(const BoardDir *d, const char *name, const char *text, char *buf,
                              size_t len)
{
    snprintf(buf, len, "%s/%s", d->path, name);
    FILE *f = fopen(buf, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return buf;
}

static bool have_deck(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.deck", DOPPEL_S370_GUEST_DIR, name);
    if (access(path, R_OK) == 0) return true;
    fprintf(stderr, "s370_board: skipped: %s.deck is not built (s390x cross tools missing)\n",
            name);
    return false;
}

/* An ESA/390 configuration with no -M: the C guest runs, so the board is
 * -M s390; its reader statement holds the deck, the console prints. */
Test(s370_board, hercules_cnf_esa390_runs_c_guest, .timeout = 60)
{
    if (!have_deck("c_hello")) cr_skip_test("c_hello.deck not built");
    BoardDir d = board_dir();
    char cnf_text[1024], cnf[128], console[128], args[512], out[4096], got[4096];
    snprintf(cnf_text, sizeof cnf_text,
             "# a Hercules set-up\n"
             "CPUSERIAL 012345\nCPUMODEL 9672\nMAINSIZE 32\nARCHMODE ESA/390\nNUMCPU 1\n"
             "CNSLPORT 3270\nHTTPPORT 8081\nTODDRIFT 1\n"
             "0009 3215-C /\n"
             "000C 3505 %s/c_hello.deck ebcdic\n",
             DOPPEL_S370_GUEST_DIR);
    write_file(&d, "esa.cnf", cnf_text, cnf, sizeof cnf);
    snprintf(console, sizeof console, "%s/console.out", d.path);
    snprintf(args, sizeof args, "-hercules-cnf %s -ipl 00c -nographic -serial file:%s", cnf,
             console);
    int status = test_run_doppel(args, false, out, sizeof out);
    cr_expect_eq(status, 0, "exit %d:\n%s", status, out);
    cr_expect_not_null(strstr(out, "'TODDRIFT' is not supported by doppel; skipped"), "%s", out);
    test_read_file(console, got, sizeof got);
    cr_expect_not_null(strstr(got, "hello from C on ESA/390"), "console: %s", got);
    board_dir_remove(&d);
}

/* An S/370 configuration on the ESA/390 board is refused in one line. */
Test(s370_board, hercules_cnf_archmode_must_match, .timeout = 30)
{
    BoardDir d = board_dir();
    char cnf[128], out[4096];
    write_file(&d, "s370.cnf", "ARCHMODE S/370\n0009 3215\n", cnf, sizeof cnf);
    char args[256];
    snprintf(args, sizeof args, "-M s390 -hercules-cnf %s -ipl 009 -nographic", cnf);
    int status = test_run_doppel(args, true, out, sizeof out);
    cr_expect_eq(status, 1);
    cr_expect_not_null(strstr(out, "ARCHMODE S/370 needs -M s370, not -M s390"), "%s", out);
    board_dir_remove(&d);
}

/* MAINSIZE sizes main storage unless -m is given: 128 MiB is too much for
 * System/370 (ARCHMODE S/370 picks -M s370), and -m 1M overrides it. */
Test(s370_board, hercules_cnf_mainsize, .timeout = 60)
{
    if (!have_deck("basic")) cr_skip_test("basic.deck not built");
    BoardDir d = board_dir();
    char cnf_text[512], cnf[128], args[512], out[4096];
    snprintf(cnf_text, sizeof cnf_text,
             "MAINSIZE 128\nARCHMODE S/370\n0009 3215-C /\n000C 3505 %s/basic.deck ebcdic\n",
             DOPPEL_S370_GUEST_DIR);
    write_file(&d, "big.cnf", cnf_text, cnf, sizeof cnf);
    snprintf(args, sizeof args, "-hercules-cnf %s -ipl 00c -nographic -serial null", cnf);
    int status = test_run_doppel(args, true, out, sizeof out);
    cr_expect_eq(status, 1);
    cr_expect_not_null(strstr(out, "s370 main storage must be"), "%s", out);
    snprintf(args, sizeof args, "-hercules-cnf %s -m 1M -ipl 00c -nographic -serial null", cnf);
    status = test_run_doppel(args, true, out, sizeof out);
    cr_expect_eq(status, 0, "exit %d:\n%s", status, out);
    board_dir_remove(&d);
}

/* Two devices at one number: the second fails to realize, clearly. */
Test(s370_board, hercules_cnf_device_number_in_use, .timeout = 30)
{
    BoardDir d = board_dir();
    char cnf_text[256], cnf[128], args[256], out[4096];
    snprintf(cnf_text, sizeof cnf_text, "ARCHMODE S/370\n000E 1403 %s/a.txt\n000E 1403 %s/b.txt\n",
             d.path, d.path);
    write_file(&d, "dup.cnf", cnf_text, cnf, sizeof cnf);
    snprintf(args, sizeof args, "-hercules-cnf %s -ipl 00e -nographic -serial null", cnf);
    int status = test_run_doppel(args, true, out, sizeof out);
    cr_expect_eq(status, 1);
    cr_expect_not_null(strstr(out, "1403"), "%s", out);
    cr_expect_eq(strchr(out, '\n'), strrchr(out, '\n'), "one error line expected:\n%s", out);
    board_dir_remove(&d);
}
