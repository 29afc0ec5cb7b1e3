/*
 * Processes and files for the differential test drivers (s370-difftest,
 * x86-difftest): start a program with its output in files, wait for
 * several at once with a timeout that kills each one's whole process
 * group, and read or write a whole file.
 */
#ifndef DOPPEL_DIFF_COMMON_PROC_H
#define DOPPEL_DIFF_COMMON_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct DiffChild {
    pid_t pid;
    int status;     /* exit status, or -1: killed, timed out or not started */
    bool timed_out; /* killed after the timeout */
    int signal;     /* the signal that ended it, or 0 */
} DiffChild;

/* Start argv with stdin from /dev/null and stdout to out, stderr to err
 * (NULL: /dev/null), in dir (NULL: here), with the extra environment
 * variable env ("NAME=value", or NULL), in a process group of its own. */
DiffChild diff_spawn(char *const argv[], const char *out, const char *err, const char *dir,
                     const char *env);

/* Wait for every child; kill (by its process group) whichever still runs
 * after timeout_s seconds. */
void diff_wait_all(DiffChild *c, unsigned n, unsigned timeout_s);

/* Run argv to its end (at most timeout_s seconds); its exit status. */
int diff_run(char *const argv[], const char *out, const char *err, unsigned timeout_s);

/* "exit status 3", "killed by signal 11", "timed out after 120 s". */
const char *diff_describe_exit(const DiffChild *c, unsigned timeout_s, char *buf, size_t n);

/* The whole file, NUL-terminated (its length in *len unless NULL), to
 * free; NULL if it cannot be read. */
char *diff_read_file(const char *path, size_t *len);

/* Write the formatted text to path; false on any error. */
bool diff_write_file(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
