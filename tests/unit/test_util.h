/*
 * Small helpers shared by the unit tests: running the doppel binary or
 * another program, finding programs on PATH, and reading back what a
 * chardev or the logger wrote to a file.
 */
#ifndef DOPPEL_TEST_UTIL_H
#define DOPPEL_TEST_UTIL_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run the shell command cmd; what it prints to stdout in buf (truncated).
 * Returns the exit status, or -1 if it did not exit normally. */
static inline int test_run_command(const char *cmd, char *buf, size_t len)
{
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p, "cannot run %s", cmd);
    size_t n = fread(buf, 1, len - 1, p);
    buf[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run doppel with args, stdin from /dev/null; capture stdout and stderr
 * (only stderr with only_stderr) into buf.  Returns the exit status, or -1
 * if it did not exit normally. */
static inline int test_run_doppel(const char *args, bool only_stderr, char *buf, size_t len)
{
    char cmd[8192];
    /* A guest that hangs must not outlive the test: Criterion's own
     * timeout kills the test process, not this child. */
    int cmd_len = snprintf(cmd, sizeof cmd, "timeout -k 5 300 %s %s %s", DOPPEL_BINARY, args,
                           only_stderr ? "2>&1 >/dev/null </dev/null" : "</dev/null 2>&1");
    cr_assert(cmd_len > 0 && (size_t)cmd_len < sizeof cmd, "doppel command line too long");
    return test_run_command(cmd, buf, len);
}

/* Whether the executable name is on PATH; its path in path. */
static inline bool test_find_program(const char *name, char *path, size_t len)
{
    const char *dirs = getenv("PATH");
    while (dirs && *dirs) {
        size_t n = strcspn(dirs, ":");
        if (n && (size_t)snprintf(path, len, "%.*s/%s", (int)n, dirs, name) < len &&
            access(path, X_OK) == 0)
            return true;
        dirs += n + (dirs[n] == ':');
    }
    return false;
}

/* Skip the test (saying so on stdout too, under suite) unless program is
 * installed; package is what apt-get installs it with. */
static inline void test_require_program(const char *suite, const char *program, const char *package)
{
    char path[4200];
    if (test_find_program(program, path, sizeof path)) return;
    printf("%s: skipped: %s is not installed (apt-get install %s)\n", suite, program, package);
    cr_skip_test("%s is not installed (apt-get install %s)", program, package);
}

/* The contents of path as a NUL-terminated string in buf (truncated). */
static inline char *test_read_file(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(buf, 1, len - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

#endif
