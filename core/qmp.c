/*
 * A QMP server on a chardev: greets each client, feeds its bytes to the
 * session (core/qmp_session.c) with the machine's command table
 * (core/qmp_commands.c), and turns run-state changes into QMP events.
 */
#include "core/qmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/chardev.h"
#include "core/machine.h"
#include "core/monitor.h"
#include "core/qmp_commands.h"
#include "core/runstate.h"

static void qmp_output(void *opaque, const char *text, size_t len)
{
    Qmp *q = opaque;
    chardev_write(q->chr, (const uint8_t *)text, len);
}

static int qmp_can_receive(void *opaque)
{
    return 4096;
}

static void qmp_receive(void *opaque, const uint8_t *buf, size_t len)
{
    Qmp *q = opaque;
    qmp_session_feed(q->session, buf, len);
}

static void qmp_chardev_event(void *opaque, ChardevEvent event)
{
    Qmp *q = opaque;
    if (event == CHARDEV_EVENT_OPENED) {
        json_t *version = qmp_version_info();
        qmp_session_greet(q->session, version);
        json_decref(version);
    } else {
        qmp_session_reset(q->session);
    }
}

/* QEMU's event names and data (qapi/run-state.json). */
static void qmp_vm_event(void *opaque, VmEvent event, const VmEventInfo *info)
{
    Qmp *q = opaque;
    static const char *const names[] = {
        [VM_EVENT_STOP] = "STOP",           [VM_EVENT_RESUME] = "RESUME",
        [VM_EVENT_RESET] = "RESET",         [VM_EVENT_SHUTDOWN] = "SHUTDOWN",
        [VM_EVENT_POWERDOWN] = "POWERDOWN",
    };
    if ((unsigned)event >= sizeof names / sizeof names[0]) return;
    json_t *data = NULL;
    if (event == VM_EVENT_RESET || event == VM_EVENT_SHUTDOWN)
        data = json_pack("{s:b,s:s}", "guest", info->guest, "reason",
                         info->reason ? info->reason : (info->guest ? "guest-reset" : "host-ui"));
    qmp_session_event(q->session, names[event], data);
}

Qmp *qmp_new(Machine *m, Chardev *chr)
{
    Qmp *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->machine = m;
    q->chr = chr;
    q->session = qmp_session_new(qmp_commands, qmp_ncommands, q, qmp_output, q);
    if (!q->session || !vm_add_listener(m, qmp_vm_event, q)) {
        qmp_session_free(q->session);
        free(q);
        return NULL;
    }
    chardev_set_handlers(chr, qmp_can_receive, qmp_receive, q);
    chardev_set_event_handler(chr, qmp_chardev_event, q);
    return q;
}

/* QEMU's -qmp takes a chardev; without "server" a socket is a client
 * (it connects to a listening harness), as in QEMU. */
Qmp *qmp_create(Machine *m, const char *spec, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!spec || strcmp(spec, "none") == 0) return NULL;
    char why[400];
    Chardev *chr = chardev_from_spec(m, spec, why, sizeof why);
    if (!chr) {
        snprintf(err, errlen, "-qmp %s: %s", spec, why[0] ? why : "no such chardev");
        return NULL;
    }
    Qmp *q = qmp_new(m, chr);
    if (!q) {
        chardev_close(chr);
        snprintf(err, errlen, "-qmp %s: cannot start QMP (too many run-state listeners)", spec);
        return NULL;
    }
    q->owns_chr = true;
    return q;
}

void qmp_free(Qmp *q)
{
    if (!q) return;
    vm_remove_listener(q->machine, q);
    chardev_set_event_handler(q->chr, NULL, NULL);
    chardev_set_handlers(q->chr, NULL, NULL, NULL);
    qmp_commands_cleanup(q);
    qmp_session_free(q->session);
    if (q->owns_chr) chardev_close(q->chr); /* flushes a last SHUTDOWN event */
    free(q);
}
