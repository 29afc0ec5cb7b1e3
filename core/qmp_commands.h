/*
 * Internal to core/qmp.c and core/qmp_commands.c: a QMP server's state
 * and the machine's command table.
 */
#ifndef DOPPEL_QMP_COMMANDS_H
#define DOPPEL_QMP_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/qmp.h"
#include "core/qmp_session.h"

typedef struct Monitor Monitor;

/* QEMU's job states, in the order a snapshot job goes through them
 * (QEMU qapi/job.json, JobStatus). */
typedef enum QmpJobStatus {
    QMP_JOB_CREATED,
    QMP_JOB_RUNNING,
    QMP_JOB_WAITING,
    QMP_JOB_PENDING,
    QMP_JOB_CONCLUDED,
} QmpJobStatus;

#define QMP_MAX_JOBS 16

typedef struct QmpJob {
    char id[64];
    const char *type; /* "snapshot-save", ... */
    QmpJobStatus status;
    char *error; /* NULL when it succeeded */
} QmpJob;

struct Qmp {
    Machine *machine;
    Chardev *chr;
    bool owns_chr;
    QmpSession *session;
    Monitor *hmp; /* human-monitor-command's monitor, made on first use */
    char *hmp_out;
    size_t hmp_len, hmp_cap;
    QmpJob jobs[QMP_MAX_JOBS];
    int njobs;
};

extern const QmpCommand qmp_commands[];
extern const size_t qmp_ncommands;

/* {"qemu": {"major", "minor", "micro"}, "package"}: the greeting's
 * version and query-version's answer. */
json_t *qmp_version_info(void);

/* Free what the commands made (monitor, jobs). */
void qmp_commands_cleanup(Qmp *q);

#endif
