/*
 * Processes and files for the differential test drivers (see proc.h).
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

DiffChild diff_spawn(char *const argv[], const char *out, const char *err, const char *dir,
                     const char *env)
{
    DiffChild c = {-1, -1, false, 0};
    pid_t pid = fork();
    if (pid < 0) return c;
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int o = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || o < 0 || e < 0) _exit(127);
        dup2(in, 0), dup2(o, 1), dup2(e, 2);
        if (dir && chdir(dir) != 0) _exit(127);
        if (env) putenv((char *)env);
        setpgid(0, 0); /* so a timeout can stop the whole emulator */
        execvp(argv[0], argv);
        _exit(127);
    }
    c.pid = pid;
    return c;
}

void diff_wait_all(DiffChild *c, unsigned n, unsigned timeout_s)
{
    struct timespec start, now, tick = {0, 5 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned left = 0;
    for (unsigned i = 0; i < n; i++)
        left += c[i].pid > 0;
    while (left) {
        for (unsigned i = 0; i < n; i++) {
            if (c[i].pid <= 0) continue;
            int st;
            pid_t r = waitpid(c[i].pid, &st, WNOHANG);
            if (r == c[i].pid || (r < 0 && errno != EINTR)) {
                c[i].status = r == c[i].pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
                c[i].signal = r == c[i].pid && WIFSIGNALED(st) ? WTERMSIG(st) : 0;
                c[i].pid = 0;
                left--;
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (left && now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
            for (unsigned i = 0; i < n; i++) {
                if (c[i].pid <= 0) continue;
                kill(-c[i].pid, SIGKILL);
                kill(c[i].pid, SIGKILL);
                waitpid(c[i].pid, NULL, 0);
                c[i].pid = 0, c[i].status = -1, c[i].timed_out = true;
                left--;
            }
        }
        if (left) nanosleep(&tick, NULL);
    }
}

int diff_run(char *const argv[], const char *out, const char *err, unsigned timeout_s)
{
    DiffChild c = diff_spawn(argv, out, err, NULL, NULL);
    diff_wait_all(&c, 1, timeout_s);
    return c.status;
}

const char *diff_describe_exit(const DiffChild *c, unsigned timeout_s, char *buf, size_t n)
{
    if (c->timed_out)
        snprintf(buf, n, "timed out after %u s", timeout_s);
    else if (c->signal)
        snprintf(buf, n, "killed by signal %d", c->signal);
    else
        snprintf(buf, n, "exit status %d", c->status);
    return buf;
}

char *diff_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, k;
    char *buf = malloc(cap + 1);
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *p = realloc(buf, 2 * cap + 1);
            if (!p) break;
            buf = p, cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

bool diff_write_file(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    return fclose(f) == 0;
}
