/*
 * The QMP commands on a Machine, with QEMU's names, arguments and answers
 * (QEMU's qapi schema: run-state, machine, misc, ui, migration, job).
 */
#include "core/qmp_commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/machine.h"
#include "core/monitor.h"
#include "core/options.h"
#include "core/runstate.h"
#include "core/snapshot.h"
#include "ui/display.h"

json_t *qmp_version_info(void)
{
    int major = 0, minor = 0, micro = 0;
    sscanf(DOPPEL_VERSION, "%d.%d.%d", &major, &minor, &micro);
    return json_pack("{s:{s:i,s:i,s:i},s:s}", "qemu", "major", major, "minor", minor, "micro",
                     micro, "package", "doppel " DOPPEL_VERSION);
}

/* ---- run state ---- */

static json_t *cmd_query_status(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    return json_pack("{s:s,s:b,s:b}", "status", runstate_name(vm_state(q->machine)), "running",
                     vm_running(q->machine), "singlestep", 0);
}

static json_t *cmd_stop(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    vm_stop(q->machine, RUN_STATE_PAUSED);
    return json_object();
}

static json_t *cmd_cont(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    if (vm_state(q->machine) == RUN_STATE_SHUTDOWN)
        return qmp_error(err, "GenericError", "Resetting the Virtual Machine is required");
    vm_start(q->machine);
    return json_object();
}

static json_t *cmd_system_reset(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    vm_reset(q->machine, "host-qmp-system-reset");
    return json_object();
}

static json_t *cmd_system_powerdown(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    if (!vm_powerdown(q->machine))
        return qmp_error(err, "GenericError", "machine '%s' has no power button to press",
                         q->machine->mc->name);
    return json_object();
}

static json_t *cmd_quit(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    /* The reply goes out first (the session sends it on return); the
     * SHUTDOWN event follows and is flushed when the chardev closes. */
    machine_request_shutdown(q->machine, 0, false, "host-qmp-quit");
    return json_object();
}

/* ---- machine ---- */

/* QEMU's target names (qapi/machine.json SysEmuTarget). */
static const char *qmp_target_name(const char *arch)
{
    if (strcmp(arch, "s370") == 0) return "s390x"; /* S/370 and ESA/390 */
    if (strcmp(arch, "x86") == 0) return "i386";
    return arch;
}

static json_t *cmd_query_cpus_fast(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    json_t *list = json_array();
    for (int i = 0; i < q->machine->ncpus; i++) {
        CPUState *cpu = q->machine->cpus[i];
        if (!cpu) continue;
        char path[64];
        snprintf(path, sizeof path, "/machine/unattached/device[%d]", cpu->cpu_index);
        /* Every vCPU runs on the machine's (main) thread. */
        json_array_append_new(list, json_pack("{s:i,s:s,s:i,s:s}", "cpu-index", cpu->cpu_index,
                                              "qom-path", path, "thread-id", (int)getpid(),
                                              "target", qmp_target_name(q->machine->mc->arch)));
    }
    return list;
}

static json_t *cmd_query_version(void *ctx, json_t *args, QmpError *err)
{
    return qmp_version_info();
}

static json_t *cmd_query_name(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    const char *name = q->machine->opts ? q->machine->opts->name : NULL;
    /* Without -name, QEMU leaves "name" out. */
    return name ? json_pack("{s:s}", "name", name) : json_object();
}

static json_t *cmd_query_commands(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    return qmp_session_command_list(q->session);
}

/* ---- the human monitor ---- */

static void hmp_capture(void *opaque, const char *text, size_t len)
{
    Qmp *q = opaque;
    if (q->hmp_len + len + 1 > q->hmp_cap) {
        size_t cap = (q->hmp_len + len + 1) * 2;
        char *grown = realloc(q->hmp_out, cap);
        if (!grown) return;
        q->hmp_out = grown;
        q->hmp_cap = cap;
    }
    memcpy(q->hmp_out + q->hmp_len, text, len);
    q->hmp_len += len;
    q->hmp_out[q->hmp_len] = '\0';
}

static json_t *cmd_human_monitor_command(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    if (!q->hmp) q->hmp = monitor_new(q->machine, hmp_capture, q);
    if (!q->hmp) return qmp_error(err, "GenericError", "cannot create a monitor");
    q->hmp_len = 0;
    monitor_execute(q->hmp, json_string_value(json_object_get(args, "command-line")));
    json_t *out = json_stringn(q->hmp_out ? q->hmp_out : "", q->hmp_len);
    q->hmp_len = 0;
    /* Monitor output is the guest's bytes at times (x/s): keep it valid JSON. */
    return out ? out : json_string("(output is not valid UTF-8)\n");
}

/* ---- screendump ---- */

static json_t *cmd_screendump(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    const char *format = json_string_value(json_object_get(args, "format"));
    if (format && strcmp(format, "png") != 0)
        return qmp_error(err, "GenericError", "screendump format '%s' is not supported (png only)",
                         format);
    char why[300];
    if (!display_screendump(q->machine, json_string_value(json_object_get(args, "filename")), why,
                            sizeof why))
        return qmp_error(err, "GenericError", "%s", why);
    return json_object();
}

/* ---- snapshot jobs ---- */

static const char *const job_status_name[] = {
    [QMP_JOB_CREATED] = "created", [QMP_JOB_RUNNING] = "running",     [QMP_JOB_WAITING] = "waiting",
    [QMP_JOB_PENDING] = "pending", [QMP_JOB_CONCLUDED] = "concluded",
};

static QmpJob *job_find(Qmp *q, const char *id)
{
    for (int i = 0; i < q->njobs; i++)
        if (strcmp(q->jobs[i].id, id) == 0) return &q->jobs[i];
    return NULL;
}

static void job_set_status(Qmp *q, QmpJob *job, QmpJobStatus status)
{
    job->status = status;
    qmp_session_event(q->session, "JOB_STATUS_CHANGE",
                      json_pack("{s:s,s:s}", "status", job_status_name[status], "id", job->id));
}

typedef bool SnapshotOp(Machine *m, const char *name, char *err, size_t errlen);

/* QEMU ≥ 6 runs snapshot-save/load/delete as jobs the client follows by
 * JOB_STATUS_CHANGE events and query-jobs; doppel does the work at once,
 * but goes through the same states so such clients work unchanged. */
static json_t *snapshot_job(Qmp *q, json_t *args, const char *type, SnapshotOp *op, QmpError *err)
{
    const char *id = json_string_value(json_object_get(args, "job-id"));
    const char *tag = json_string_value(json_object_get(args, "tag"));
    if (job_find(q, id)) return qmp_error(err, "GenericError", "Job ID '%s' already in use", id);
    if (!id[0] || strlen(id) >= sizeof q->jobs[0].id)
        return qmp_error(err, "GenericError", "Invalid job ID '%s'", id);
    if (q->njobs == QMP_MAX_JOBS)
        return qmp_error(err, "GenericError", "too many jobs (dismiss concluded ones)");
    QmpJob *job = &q->jobs[q->njobs++];
    memset(job, 0, sizeof *job);
    snprintf(job->id, sizeof job->id, "%s", id);
    job->type = type;
    job_set_status(q, job, QMP_JOB_CREATED);
    job_set_status(q, job, QMP_JOB_RUNNING);
    char why[400] = "";
    if (!op(q->machine, tag, why, sizeof why)) job->error = strdup(why[0] ? why : "failed");
    job_set_status(q, job, QMP_JOB_WAITING);
    job_set_status(q, job, QMP_JOB_PENDING);
    job_set_status(q, job, QMP_JOB_CONCLUDED);
    return json_object();
}

static json_t *cmd_snapshot_save(void *ctx, json_t *args, QmpError *err)
{
    return snapshot_job(ctx, args, "snapshot-save", snapshot_save, err);
}

static json_t *cmd_snapshot_load(void *ctx, json_t *args, QmpError *err)
{
    return snapshot_job(ctx, args, "snapshot-load", snapshot_load, err);
}

static json_t *cmd_snapshot_delete(void *ctx, json_t *args, QmpError *err)
{
    return snapshot_job(ctx, args, "snapshot-delete", snapshot_delete, err);
}

static json_t *cmd_query_jobs(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    json_t *list = json_array();
    for (int i = 0; i < q->njobs; i++) {
        QmpJob *j = &q->jobs[i];
        bool done = j->status == QMP_JOB_CONCLUDED;
        json_t *info = json_pack("{s:s,s:s,s:s,s:i,s:i}", "id", j->id, "type", j->type, "status",
                                 job_status_name[j->status], "current-progress", done ? 1 : 0,
                                 "total-progress", 1);
        if (j->error) json_object_set_new(info, "error", json_string(j->error));
        json_array_append_new(list, info);
    }
    return list;
}

static json_t *cmd_job_dismiss(void *ctx, json_t *args, QmpError *err)
{
    Qmp *q = ctx;
    const char *id = json_string_value(json_object_get(args, "id"));
    QmpJob *job = job_find(q, id);
    if (!job) return qmp_error(err, "GenericError", "Job not found");
    if (job->status != QMP_JOB_CONCLUDED)
        return qmp_error(err, "GenericError",
                         "Job '%s' in state '%s' cannot accept command verb 'dismiss'", id,
                         job_status_name[job->status]);
    qmp_session_event(q->session, "JOB_STATUS_CHANGE",
                      json_pack("{s:s,s:s}", "status", "null", "id", job->id));
    free(job->error);
    *job = q->jobs[--q->njobs];
    return json_object();
}

void qmp_commands_cleanup(Qmp *q)
{
    monitor_free(q->hmp);
    q->hmp = NULL;
    free(q->hmp_out);
    q->hmp_out = NULL;
    for (int i = 0; i < q->njobs; i++)
        free(q->jobs[i].error);
    q->njobs = 0;
}

/* ---- the table ---- */

/* A required and an optional argument. */
// clang-format off
#define ARG(name, type) {name, type, false}
#define OPT(name, type) {name, type, true}
// clang-format on
#define SNAPSHOT_ARGS                                                                              \
    ARG("job-id", QMP_ARG_STR), ARG("tag", QMP_ARG_STR), ARG("devices", QMP_ARG_ARRAY)

const QmpCommand qmp_commands[] = {
    {"query-status", cmd_query_status, {{NULL}}},
    {"stop", cmd_stop, {{NULL}}},
    {"cont", cmd_cont, {{NULL}}},
    {"system_reset", cmd_system_reset, {{NULL}}},
    {"system_powerdown", cmd_system_powerdown, {{NULL}}},
    {"quit", cmd_quit, {{NULL}}},
    {"query-cpus-fast", cmd_query_cpus_fast, {{NULL}}},
    {"query-version", cmd_query_version, {{NULL}}},
    {"query-name", cmd_query_name, {{NULL}}},
    {"query-commands", cmd_query_commands, {{NULL}}},
    {"human-monitor-command",
     cmd_human_monitor_command,
     {ARG("command-line", QMP_ARG_STR), OPT("cpu-index", QMP_ARG_INT)}},
    {"screendump",
     cmd_screendump,
     {ARG("filename", QMP_ARG_STR), OPT("format", QMP_ARG_STR), OPT("device", QMP_ARG_STR),
      OPT("head", QMP_ARG_INT)}},
    {"snapshot-save", cmd_snapshot_save, {SNAPSHOT_ARGS, ARG("vmstate", QMP_ARG_STR)}},
    {"snapshot-load", cmd_snapshot_load, {SNAPSHOT_ARGS, ARG("vmstate", QMP_ARG_STR)}},
    {"snapshot-delete", cmd_snapshot_delete, {SNAPSHOT_ARGS}},
    {"query-jobs", cmd_query_jobs, {{NULL}}},
    {"job-dismiss", cmd_job_dismiss, {ARG("id", QMP_ARG_STR)}},
};
const size_t qmp_ncommands = sizeof qmp_commands / sizeof qmp_commands[0];
