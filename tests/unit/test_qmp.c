/* qmp: conversations with a doppel process over -qmp unix:/tcp: sockets,
 * from a small client here (QMP spec, QEMU docs/interop/qmp-spec). */
#include <criterion/criterion.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

extern char **environ;

#define QMP_BIG 70000 /* past doppel's 64 KiB request limit */

typedef struct QmpClient {
    pid_t pid;
    int fd;
    char buf[65536];
    size_t len;
    json_t *events; /* received while waiting for a reply */
    char dir[64];   /* the run's directory (socket, snapshots, screendumps) */
} QmpClient;

static QmpClient C;

static void client_teardown(void)
{
    if (C.fd > 0) close(C.fd);
    if (C.pid > 0) {
        /* C.pid is timeout(1): SIGTERM reaches doppel through it (a
         * SIGKILL would leave doppel running without its parent). */
        kill(C.pid, SIGTERM);
        waitpid(C.pid, NULL, 0);
    }
    json_decref(C.events);
    if (C.dir[0]) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "rm -rf %s", C.dir);
        if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", C.dir);
    }
    memset(&C, 0, sizeof C);
}

TestSuite(qmp, .fini = client_teardown, .timeout = 120);

/* Start doppel in a fresh directory (its cwd) with args; "@DIR@" in args
 * stands for that directory. */
static void doppel_start(const char *args)
{
    memset(&C, 0, sizeof C);
    C.events = json_array();
    strcpy(C.dir, "/tmp/doppel-qmp-XXXXXX");
    cr_assert_not_null(mkdtemp(C.dir));
    char expanded[2048] = "", *o = expanded;
    for (const char *p = args; *p;) {
        if (strncmp(p, "@DIR@", 5) == 0) {
            o += sprintf(o, "%s", C.dir);
            p += 5;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd %s && exec timeout -k 5 100 %s %s </dev/null >out.txt 2>&1",
             C.dir, DOPPEL_BINARY, expanded);
    char *argv[] = {"sh", "-c", cmd, NULL};
    cr_assert_eq(posix_spawn(&C.pid, "/bin/sh", NULL, NULL, argv, environ), 0);
}

static bool try_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    for (int i = 0; i < 400; i++) { /* doppel needs a moment to listen */
        if (connect(fd, sa, len) == 0) return true;
        int status;
        if (waitpid(C.pid, &status, WNOHANG) == C.pid) {
            C.pid = 0;
            return false;
        }
        usleep(25 * 1000);
    }
    return false;
}

static void connect_unix(const char *name)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", C.dir, name);
    C.fd = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert(try_connect(C.fd, (struct sockaddr *)&sa, sizeof sa), "cannot connect to %s",
              sa.sun_path);
}

/* The next JSON object from doppel (NULL when it closed the connection). */
static json_t *qmp_recv(void)
{
    for (;;) {
        char *nl = memchr(C.buf, '\n', C.len);
        if (nl) {
            size_t n = (size_t)(nl - C.buf) + 1;
            json_error_t e;
            json_t *v = json_loadb(C.buf, n, 0, &e);
            cr_assert_not_null(v, "reply is not JSON (%s): %.*s", e.text, (int)n, C.buf);
            cr_assert(n >= 2 && C.buf[n - 2] == '\r', "replies end with \\r\\n");
            memmove(C.buf, C.buf + n, C.len - n);
            C.len -= n;
            return v;
        }
        struct pollfd p = {C.fd, POLLIN, 0};
        cr_assert_gt(poll(&p, 1, 60 * 1000), 0, "no reply from doppel");
        ssize_t r = recv(C.fd, C.buf + C.len, sizeof C.buf - C.len, 0);
        if (r <= 0) return NULL;
        C.len += (size_t)r;
    }
}

static void qmp_send_raw(const char *text)
{
    size_t n = strlen(text);
    cr_assert_eq(send(C.fd, text, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Send text; the next reply (events arriving first are kept). */
static json_t *qmp(const char *text)
{
    qmp_send_raw(text);
    for (;;) {
        json_t *v = qmp_recv();
        cr_assert_not_null(v, "connection closed waiting for the reply to %s", text);
        if (!json_object_get(v, "event")) return v;
        json_array_append_new(C.events, v);
    }
}

/* Wait for an event by name (already received or still to come). */
static json_t *qmp_event(const char *name)
{
    for (;;) {
        size_t i;
        json_t *ev;
        json_array_foreach(C.events, i, ev)
        {
            if (strcmp(json_string_value(json_object_get(ev, "event")), name) == 0) {
                json_incref(ev);
                json_array_remove(C.events, i);
                json_t *ts = json_object_get(ev, "timestamp");
                cr_assert(json_is_integer(json_object_get(ts, "seconds")) &&
                              json_is_integer(json_object_get(ts, "microseconds")),
                          "events carry a timestamp");
                return ev;
            }
        }
        json_t *v = qmp_recv();
        cr_assert_not_null(v, "connection closed waiting for event %s", name);
        json_array_append_new(C.events, v);
    }
}

static void assert_return_empty(json_t *r, const char *what)
{
    json_t *ret = json_object_get(r, "return");
    cr_assert(json_is_object(ret) && json_object_size(ret) == 0, "%s: %s", what,
              json_dumps(r, JSON_COMPACT));
    json_decref(r);
}

static void assert_error(json_t *r, const char *cls, const char *desc)
{
    json_t *e = json_object_get(r, "error");
    cr_assert_not_null(e, "expected an error, got %s", json_dumps(r, JSON_COMPACT));
    cr_assert_str_eq(json_string_value(json_object_get(e, "class")), cls);
    cr_assert_str_eq(json_string_value(json_object_get(e, "desc")), desc);
    json_decref(r);
}

static void greeting_and_negotiation(void)
{
    json_t *g = qmp_recv();
    cr_assert_not_null(g, "no greeting");
    json_t *ver = json_object_get(json_object_get(g, "QMP"), "version");
    cr_assert(json_is_integer(json_object_get(json_object_get(ver, "qemu"), "major")));
    cr_assert(strncmp(json_string_value(json_object_get(ver, "package")), "doppel ", 7) == 0);
    json_t *caps = json_object_get(json_object_get(g, "QMP"), "capabilities");
    cr_assert(json_is_array(caps) && json_array_size(caps) == 0);
    json_decref(g);
    assert_return_empty(qmp("{\"execute\": \"qmp_capabilities\"}\n"), "qmp_capabilities");
}

static int doppel_wait(void)
{
    int status;
    cr_assert_eq(waitpid(C.pid, &status, 0), C.pid);
    C.pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* S/370 stopped before it starts (-S): fast, and nothing moves underneath. */
#define S370_ARGS                                                                                  \
    "-M s370 -nographic -S -serial null -name guest=mvs38j "                                       \
    "-qmp unix:@DIR@/qmp.sock,server,nowait -kernel " DOPPEL_S370_GUEST_DIR "/basic.deck"
/* The PC with no firmware to run sits in its reset loop forever: a guest
 * that keeps running until told otherwise. */
#define PC_ARGS "-M pc -display none -serial null -S -qmp unix:@DIR@/qmp.sock,server,nowait"

Test(qmp, negotiation_is_required_and_happens_once)
{
    doppel_start(S370_ARGS);
    connect_unix("qmp.sock");
    json_t *g = qmp_recv();
    json_decref(g);
    assert_error(qmp("{\"execute\": \"query-status\"}"), "CommandNotFound",
                 "Expecting capabilities negotiation with 'qmp_capabilities'");
    assert_error(qmp("{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}"),
                 "GenericError", "Capability 'oob' not available");
    json_t *r = qmp("{\"execute\": \"qmp_capabilities\", \"id\": \"neg-1\"}");
    cr_assert_str_eq(json_string_value(json_object_get(r, "id")), "neg-1", "id is echoed");
    assert_return_empty(r, "qmp_capabilities");
    assert_error(qmp("{\"execute\": \"qmp_capabilities\"}"), "CommandNotFound",
                 "Capabilities negotiation is already complete, command ignored");
}

Test(qmp, errors_never_end_the_session)
{
    doppel_start(S370_ARGS);
    connect_unix("qmp.sock");
    greeting_and_negotiation();
    json_t *r = qmp("{\"execute\": }\n");
    const char *desc = json_string_value(json_object_get(json_object_get(r, "error"), "desc"));
    cr_assert(desc && strncmp(desc, "JSON parse error, ", 18) == 0, "%s", desc);
    json_decref(r);
    assert_error(qmp("[1, 2]\n"), "GenericError", "QMP input must be a JSON object");
    assert_error(qmp("42\n"), "GenericError", "QMP input must be a JSON object");
    assert_error(qmp("{\"arguments\": {}}"), "GenericError", "QMP input lacks member 'execute'");
    assert_error(qmp("{\"execute\": 1}"), "GenericError",
                 "QMP input member 'execute' must be a string");
    assert_error(qmp("{\"execute\": \"stop\", \"colour\": 1}"), "GenericError",
                 "QMP input member 'colour' is unexpected");
    assert_error(qmp("{\"execute\": \"stop\", \"arguments\": [1]}"), "GenericError",
                 "QMP input member 'arguments' must be an object");
    r = qmp("{\"execute\": \"no-such-command\", \"id\": 17}");
    cr_assert_eq(json_integer_value(json_object_get(r, "id")), 17);
    assert_error(r, "CommandNotFound", "The command no-such-command has not been found");
    assert_error(qmp("{\"execute\": \"human-monitor-command\"}"), "GenericError",
                 "Parameter 'command-line' is missing");
    assert_error(qmp("{\"execute\": \"human-monitor-command\", \"arguments\": "
                     "{\"command-line\": 5}}"),
                 "GenericError", "Parameter 'command-line' expects a string");
    assert_error(qmp("{\"execute\": \"query-status\", \"arguments\": {\"bogus\": true}}"),
                 "GenericError", "Parameter 'bogus' is unexpected");
    /* An overlong request is refused and the stream resynchronises. */
    static char big[QMP_BIG];
    memset(big, ' ', sizeof big);
    memcpy(big, "{\"execute\": \"stop\", \"arguments\": {\"x\": \"", 40);
    memset(big + 40, 'a', sizeof big - 44);
    memcpy(big + sizeof big - 4, "\"}}", 4);
    assert_error(qmp(big), "GenericError", "JSON parse error, request too large");
    /* Split across writes, and two requests in one write. */
    qmp_send_raw("{\"execute\": \"query-");
    usleep(100 * 1000);
    r = qmp("status\", \"id\": 1}{\"execute\": \"query-name\", \"id\": 2}");
    cr_assert_eq(json_integer_value(json_object_get(r, "id")), 1);
    json_decref(r);
    r = qmp_recv();
    cr_assert_eq(json_integer_value(json_object_get(r, "id")), 2);
    json_decref(r);
}

Test(qmp, queries_on_s370)
{
    doppel_start(S370_ARGS);
    connect_unix("qmp.sock");
    greeting_and_negotiation();
    json_t *r = qmp("{\"execute\": \"query-status\"}");
    json_t *ret = json_object_get(r, "return");
    cr_assert_str_eq(json_string_value(json_object_get(ret, "status")), "prelaunch");
    cr_assert(json_is_false(json_object_get(ret, "running")));
    cr_assert(json_is_false(json_object_get(ret, "singlestep")));
    json_decref(r);

    r = qmp("{\"execute\": \"query-cpus-fast\"}");
    json_t *cpu = json_array_get(json_object_get(r, "return"), 0);
    cr_assert_eq(json_array_size(json_object_get(r, "return")), 1);
    cr_assert_eq(json_integer_value(json_object_get(cpu, "cpu-index")), 0);
    cr_assert_str_eq(json_string_value(json_object_get(cpu, "target")), "s390x");
    cr_assert(json_is_string(json_object_get(cpu, "qom-path")));
    cr_assert(json_is_integer(json_object_get(cpu, "thread-id")));
    json_decref(r);

    r = qmp("{\"execute\": \"query-version\"}");
    ret = json_object_get(r, "return");
    cr_assert(json_is_integer(json_object_get(json_object_get(ret, "qemu"), "minor")));
    cr_assert(strncmp(json_string_value(json_object_get(ret, "package")), "doppel ", 7) == 0);
    json_decref(r);

    r = qmp("{\"execute\": \"query-name\"}");
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(r, "return"), "name")),
                     "mvs38j");
    json_decref(r);

    r = qmp("{\"execute\": \"query-commands\"}");
    bool status = false, caps = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(r, "return"), i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        status |= strcmp(name, "query-status") == 0;
        caps |= strcmp(name, "qmp_capabilities") == 0;
    }
    cr_assert(status && caps, "query-commands lists the commands");
    json_decref(r);

    r = qmp("{\"execute\": \"human-monitor-command\", \"arguments\": "
            "{\"command-line\": \"info status\"}}");
    cr_assert_str_eq(json_string_value(json_object_get(r, "return")),
                     "VM status: paused (prelaunch)\n");
    json_decref(r);

    assert_error(qmp("{\"execute\": \"system_powerdown\"}"), "GenericError",
                 "machine 's370' has no power button to press");
    assert_error(qmp("{\"execute\": \"screendump\", \"arguments\": {\"filename\": \"x.png\", "
                     "\"format\": \"ppm\"}}"),
                 "GenericError", "screendump format 'ppm' is not supported (png only)");
}

Test(qmp, cont_runs_the_guest_to_its_own_shutdown)
{
    doppel_start(S370_ARGS);
    connect_unix("qmp.sock");
    greeting_and_negotiation();
    assert_return_empty(qmp("{\"execute\": \"cont\"}"), "cont");
    json_decref(qmp_event("RESUME"));
    json_t *ev = qmp_event("SHUTDOWN");
    json_t *data = json_object_get(ev, "data");
    cr_assert(json_is_true(json_object_get(data, "guest")));
    cr_assert_str_eq(json_string_value(json_object_get(data, "reason")), "guest-shutdown");
    json_decref(ev);
    cr_assert_eq(doppel_wait(), 0, "basic.deck passes");
}

static const char *status_of(json_t *r)
{
    static char s[32];
    snprintf(s, sizeof s, "%s",
             json_string_value(json_object_get(json_object_get(r, "return"), "status")));
    json_decref(r);
    return s;
}

Test(qmp, pc_stop_cont_reset_powerdown_screendump_quit)
{
    doppel_start(PC_ARGS);
    connect_unix("qmp.sock");
    greeting_and_negotiation();
    assert_return_empty(qmp("{\"execute\": \"cont\"}"), "cont");
    json_decref(qmp_event("RESUME"));
    cr_assert_str_eq(status_of(qmp("{\"execute\": \"query-status\"}")), "running");
    assert_return_empty(qmp("{\"execute\": \"stop\"}"), "stop");
    json_decref(qmp_event("STOP"));
    cr_assert_str_eq(status_of(qmp("{\"execute\": \"query-status\"}")), "paused");
    assert_return_empty(qmp("{\"execute\": \"system_reset\"}"), "system_reset");
    json_t *ev = qmp_event("RESET");
    cr_assert(json_is_false(json_object_get(json_object_get(ev, "data"), "guest")));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")),
                     "host-qmp-system-reset");
    json_decref(ev);
    assert_return_empty(qmp("{\"execute\": \"system_powerdown\"}"), "system_powerdown");
    json_decref(qmp_event("POWERDOWN"));
    json_t *r = qmp("{\"execute\": \"query-cpus-fast\"}");
    cr_assert_str_eq(json_string_value(json_object_get(
                         json_array_get(json_object_get(r, "return"), 0), "target")),
                     "i386");
    json_decref(r);

    assert_return_empty(qmp("{\"execute\": \"screendump\", \"arguments\": "
                            "{\"filename\": \"shot.png\", \"format\": \"png\"}}"),
                        "screendump");
    char path[128], png[8] = "";
    snprintf(path, sizeof path, "%s/shot.png", C.dir);
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "screendump wrote no file");
    cr_assert_eq(fread(png, 1, 8, f), 8);
    fclose(f);
    cr_assert(memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0, "screendump writes a PNG");

    assert_return_empty(qmp("{\"execute\": \"cont\"}"), "cont");
    json_decref(qmp_event("RESUME"));
    assert_return_empty(qmp("{\"execute\": \"quit\"}"), "quit replies before it goes");
    ev = qmp_event("SHUTDOWN");
    cr_assert(json_is_false(json_object_get(json_object_get(ev, "data"), "guest")));
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(ev, "data"), "reason")),
                     "host-qmp-quit");
    json_decref(ev);
    cr_assert_null(qmp_recv(), "doppel closes the connection when it exits");
    cr_assert_eq(doppel_wait(), 0);
}

static void job_expect(const char *id, const char *const *states, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        json_t *ev = qmp_event("JOB_STATUS_CHANGE");
        json_t *data = json_object_get(ev, "data");
        cr_assert_str_eq(json_string_value(json_object_get(data, "id")), id);
        cr_assert_str_eq(json_string_value(json_object_get(data, "status")), states[i]);
        json_decref(ev);
    }
}

static const char *const job_states[] = {"created", "running", "waiting", "pending", "concluded"};

/* The job's "error" in query-jobs, or NULL; then dismisses it. */
static char *job_result(const char *id)
{
    json_t *r = qmp("{\"execute\": \"query-jobs\"}");
    json_t *job = NULL, *j;
    size_t i;
    json_array_foreach(json_object_get(r, "return"), i,
                       j) if (strcmp(json_string_value(json_object_get(j, "id")), id) == 0) job = j;
    cr_assert_not_null(job, "query-jobs lists %s", id);
    cr_assert_str_eq(json_string_value(json_object_get(job, "status")), "concluded");
    json_t *err = json_object_get(job, "error");
    char *out = err ? strdup(json_string_value(err)) : NULL;
    json_decref(r);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "{\"execute\": \"job-dismiss\", \"arguments\": {\"id\": \"%s\"}}",
             id);
    assert_return_empty(qmp(cmd), "job-dismiss");
    static const char *const dismissed[] = {"null"};
    job_expect(id, dismissed, 1);
    return out;
}

Test(qmp, snapshot_jobs_round_trip)
{
    doppel_start(PC_ARGS);
    connect_unix("qmp.sock");
    greeting_and_negotiation();
    assert_return_empty(qmp("{\"execute\": \"snapshot-save\", \"arguments\": {\"job-id\": "
                            "\"save0\", \"tag\": \"snap1\", \"vmstate\": \"disk0\", "
                            "\"devices\": []}}"),
                        "snapshot-save");
    job_expect("save0", job_states, 5);
    char *err = job_result("save0");
    cr_assert_null(err, "snapshot-save failed: %s", err);
    assert_error(qmp("{\"execute\": \"job-dismiss\", \"arguments\": {\"id\": \"save0\"}}"),
                 "GenericError", "Job not found");

    assert_return_empty(qmp("{\"execute\": \"snapshot-load\", \"arguments\": {\"job-id\": "
                            "\"load0\", \"tag\": \"snap1\", \"vmstate\": \"disk0\", "
                            "\"devices\": []}}"),
                        "snapshot-load");
    job_expect("load0", job_states, 5);
    err = job_result("load0");
    cr_assert_null(err, "snapshot-load failed: %s", err);

    assert_return_empty(qmp("{\"execute\": \"snapshot-load\", \"arguments\": {\"job-id\": "
                            "\"load1\", \"tag\": \"missing\", \"vmstate\": \"disk0\", "
                            "\"devices\": []}}"),
                        "snapshot-load of a missing tag starts a job");
    job_expect("load1", job_states, 5);
    err = job_result("load1");
    cr_assert_not_null(err, "loading a missing snapshot reports an error");
    free(err);
    cr_assert_str_eq(status_of(qmp("{\"execute\": \"query-status\"}")), "prelaunch",
                     "a failed load leaves the machine as it was");

    assert_return_empty(qmp("{\"execute\": \"snapshot-delete\", \"arguments\": {\"job-id\": "
                            "\"del0\", \"tag\": \"snap1\", \"devices\": []}}"),
                        "snapshot-delete");
    job_expect("del0", job_states, 5);
    err = job_result("del0");
    cr_assert_null(err, "snapshot-delete failed: %s", err);
}

Test(qmp, tcp_server)
{
    int port = 20000 + (int)(getpid() % 20000);
    char args[512];
    snprintf(args, sizeof args,
             "-M s370 -nographic -S -serial null -qmp tcp:127.0.0.1:%d,server=on,wait=off "
             "-kernel " DOPPEL_S370_GUEST_DIR "/basic.deck",
             port);
    doppel_start(args);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    C.fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(try_connect(C.fd, (struct sockaddr *)&sa, sizeof sa), "cannot connect to port %d",
              port);
    greeting_and_negotiation();
    assert_return_empty(qmp("{\"execute\": \"quit\"}"), "quit");
    json_decref(qmp_event("SHUTDOWN"));
    cr_assert_eq(doppel_wait(), 0);
}

/* Without "server", -qmp connects to a listening client (QEMU's
 * -qmp unix:PATH). */
Test(qmp, client_mode_connects_to_a_listener)
{
    memset(&C, 0, sizeof C);
    char dir[] = "/tmp/doppel-qmpc-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/harness.sock", dir);
    int l = socket(AF_UNIX, SOCK_STREAM, 0);
    cr_assert_eq(bind(l, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(listen(l, 1), 0);
    char args[512];
    snprintf(args, sizeof args,
             "-M s370 -nographic -S -serial null -qmp unix:%s -kernel " DOPPEL_S370_GUEST_DIR
             "/basic.deck",
             sa.sun_path);
    doppel_start(args);
    struct pollfd p = {l, POLLIN, 0};
    cr_assert_gt(poll(&p, 1, 60 * 1000), 0, "doppel did not connect");
    C.fd = accept(l, NULL, NULL);
    close(l);
    unlink(sa.sun_path);
    rmdir(dir);
    greeting_and_negotiation();
    assert_return_empty(qmp("{\"execute\": \"quit\"}"), "quit");
    cr_assert_eq(doppel_wait(), 0);
}

Test(qmp, busy_port_is_one_clear_error)
{
    int port;
    int l = test_listen_loopback(&port);
    char args[512], out[4096], want[256];
    snprintf(args, sizeof args,
             "-M s370 -nographic -serial null -qmp tcp::%d,server,nowait -kernel %s/basic.deck",
             port, DOPPEL_S370_GUEST_DIR);
    cr_assert_eq(test_run_doppel(args, true, out, sizeof out), 1);
    snprintf(want, sizeof want,
             "doppel: -qmp tcp::%d,server,nowait: cannot listen on 127.0.0.1:%d: Address "
             "already in use\n",
             port, port);
    cr_assert_str_eq(out, want);
    close(l);
}
