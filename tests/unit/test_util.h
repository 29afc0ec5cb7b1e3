/*
 * Small helpers shared by the unit tests: running the doppel binary or
 * another program, finding programs on PATH, and reading back what a
 * chardev or the logger wrote to a file.
 */
#ifndef DOPPEL_TEST_UTIL_H
#define DOPPEL_TEST_UTIL_H

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* gdb-multiarch (Debian's) loads the target description xml without a
 * warning, reports the architecture arch, and lists every register named
 * in names (each written " name "). */
static inline void test_gdb_accepts_tdesc(const char *suite, const char *xml, const char *arch,
                                          const char *const *names, size_t nnames)
{
    test_require_program(suite, "gdb-multiarch", "gdb-multiarch");
    char path[64], cmd[512], want[96];
    static char out[32768];
    snprintf(path, sizeof path, "/tmp/doppel-%s-tdesc-%d.xml", suite, (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(xml, f);
    fclose(f);
    snprintf(cmd, sizeof cmd,
             "gdb-multiarch -batch -nx -ex 'set tdesc filename %s' -ex 'show architecture' "
             "-ex 'maint print registers' 2>&1",
             path);
    int status = test_run_command(cmd, out, sizeof out);
    unlink(path);
    cr_assert_eq(status, 0, "gdb-multiarch failed:\n%s", out);
    cr_assert_null(strstr(out, "warning"), "gdb warned:\n%s", out);
    snprintf(want, sizeof want, "currently \"%s\"", arch);
    cr_assert_not_null(strstr(out, want), "%s", out);
    for (size_t i = 0; i < nnames; i++)
        cr_assert_not_null(strstr(out, names[i]), "no%s in:\n%s", names[i], out);
}

/* A tcp socket listening on a free loopback port (the port in *port). */
static inline int test_listen_loopback(int *port)
{
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof sa;
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(l, 1), 0);
    getsockname(l, (struct sockaddr *)&sa, &sl);
    *port = ntohs(sa.sin_port);
    return l;
}

#endif
