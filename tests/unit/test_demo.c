/*
 * The default demo guest end to end: the doppel binary runs the IR demo
 * program through translation, the TB cache, the interpreter, the soft TLB
 * and the UART, and we check what the guest printed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

static int run_doppel(const char *args, char *out, size_t len)
{
    return test_run_doppel(args, false, out, len);
}

Test(demo, primes_below_2000)
{
    static char out[65536];
    int st = run_doppel("-nographic", out, sizeof out);
    cr_assert_eq(st, 0, "exit %d, output:\n%s", st, out);
    cr_assert_not_null(strstr(out, "doppel ir-demo: primes below 2000:\n2 3 5 7 11 13 "), "%s",
                       out);
    cr_assert_not_null(strstr(out, " 1987 1993 1997 1999 \nprimes found: 303 \n"), "%s", out);
}

Test(demo, sieve_bound_from_append)
{
    static char out[65536];
    int st = run_doppel("-append 100", out, sizeof out);
    cr_assert_eq(st, 0, "%s", out);
    cr_assert_not_null(strstr(out, "primes below 100:\n2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 "
                                   "59 61 67 71 73 79 83 89 97 \nprimes found: 25 \n"),
                       "%s", out);
}

Test(demo, interp_accel_and_logging)
{
    static char out[65536];
    char path[] = "/tmp/doppel-demo-log-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    char args[256];
    snprintf(args, sizeof args, "-accel interp -append 30 -d op,exec,nochain -D %s", path);
    cr_assert_eq(run_doppel(args, out, sizeof out), 0, "%s", out);
    cr_assert_not_null(strstr(out, "primes found: 10 \n"), "%s", out);
    static char log[1 << 20];
    test_read_file(path, log, sizeof log);
    unlink(path);
    cr_assert_not_null(strstr(log, "Trace 0: pc=0xffff0000"), "exec log missing");
    cr_assert_not_null(strstr(log, "goto_ptr"), "op log missing");
}

Test(demo, bad_append_is_one_line)
{
    static char out[4096];
    cr_assert_eq(run_doppel("-append banana", out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "-append"), "%s", out);
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "more than one line: %s", out);
}

Test(demo, sieve_larger_than_ram_is_refused)
{
    static char out[4096];
    cr_assert_eq(run_doppel("-m 1M -append 2000000", out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "needs 2004096 bytes of RAM"), "%s", out);
    cr_assert_eq(run_doppel("-m 1K", out, sizeof out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "the sieve below 2000 needs"), "%s", out);
}

Test(demo, machine_list_names_the_demo)
{
    static char out[16384];
    cr_assert_eq(run_doppel("-M help", out, sizeof out), 0);
    cr_assert_not_null(strstr(out, "ir-demo"), "%s", out);
}

Test(demo, m_banana_fails_cleanly)
{
    static char out[4096];
    cr_assert_eq(run_doppel("-m banana", out, sizeof out), 1);
    cr_assert_not_null(strstr(out, "-m"), "%s", out);
    cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "more than one line: %s", out);
}

/* -device with a typed property, end to end: a test-exit register mapped
 * over the sieve's byte for 4 ends the run when the guest marks 4 as
 * composite, with status (1 << 1) | 1. */
Test(demo, device_option_maps_test_exit_over_ram)
{
    static char out[4096];
    cr_assert_eq(run_doppel("-device test-exit,addr=0x1004", out, sizeof out), 3, "%s", out);
    cr_assert_not_null(strstr(out, "primes below 2000:\n2 "), "%s", out);
    cr_assert_null(strstr(out, "primes found"), "%s", out);
    cr_assert_eq(run_doppel("-device test-exit", out, sizeof out), 1, "%s", out);
    cr_assert_not_null(strstr(out, "addr="), "%s", out);
}
