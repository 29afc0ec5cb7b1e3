/*
 * One QMP conversation, free of machine state (it is fuzzed): splits the
 * input byte stream into JSON values, parses them with jansson, checks
 * the request shape, runs capabilities negotiation, checks arguments
 * against a command table and writes the replies and events.  QMP spec
 * (QEMU docs/interop/qmp-spec): one JSON object per request and per reply,
 * {"return": ...} or {"error": {"class", "desc"}}, "id" echoed.
 *
 *     static const QmpCommand cmds[] = {
 *         {"query-status", cmd_query_status, {{NULL}}},
 *         {"screendump", cmd_screendump, {{"filename", QMP_ARG_STR}, {"format", QMP_ARG_STR,
 * true}}},
 *     };
 *     QmpSession *s = qmp_session_new(cmds, 2, ctx, write_to_chardev, chr);
 *     qmp_session_greet(s, version);            // on each new client
 *     qmp_session_feed(s, bytes, n);            // as input arrives
 *     qmp_session_event(s, "STOP", NULL);       // to the negotiated client
 */
#ifndef DOPPEL_QMP_SESSION_H
#define DOPPEL_QMP_SESSION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The biggest request accepted and how deep it may nest; past either the
 * request gets an error and the rest of it is skipped. */
#define QMP_MAX_REQUEST (64 * 1024)
#define QMP_MAX_DEPTH   64

typedef struct QmpSession QmpSession;

typedef struct QmpError {
    const char *cls; /* "GenericError", "CommandNotFound", ... */
    char desc[512];
} QmpError;

/* Fill err and return NULL, for handlers: return qmp_error(err, ...). */
json_t *qmp_error(QmpError *err, const char *cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef enum QmpArgType {
    QMP_ARG_STR,
    QMP_ARG_INT,
    QMP_ARG_BOOL,
    QMP_ARG_OBJECT,
    QMP_ARG_ARRAY,
    QMP_ARG_ANY,
} QmpArgType;

typedef struct QmpArg {
    const char *name; /* NULL ends the list */
    QmpArgType type;
    bool optional;
} QmpArg;

#define QMP_MAX_ARGS 8

/* args is always an object (empty when the request had none) whose
 * members were checked against the table.  Returns the "return" value
 * (a new reference), or NULL after qmp_error. */
typedef json_t *QmpHandler(void *ctx, json_t *args, QmpError *err);

typedef struct QmpCommand {
    const char *name;
    QmpHandler *fn;
    QmpArg args[QMP_MAX_ARGS];
} QmpCommand;

/* Where replies and events go (one JSON text and "\r\n" per call). */
typedef void QmpOutput(void *opaque, const char *text, size_t len);

QmpSession *qmp_session_new(const QmpCommand *cmds, size_t ncmds, void *ctx, QmpOutput *out,
                            void *out_opaque);
void qmp_session_free(QmpSession *s);

/* A new client: forget negotiation and any partial input, then send the
 * greeting {"QMP": {"version": version, "capabilities": []}} (version is
 * borrowed). */
void qmp_session_greet(QmpSession *s, json_t *version);
/* The client left: forget negotiation and partial input. */
void qmp_session_reset(QmpSession *s);

/* Bytes from the client, any split.  A 0xff byte discards partial input
 * (QEMU's parser reset). */
void qmp_session_feed(QmpSession *s, const uint8_t *buf, size_t len);

bool qmp_session_negotiated(const QmpSession *s);

/* {"event": name, "data": data or {}, "timestamp": {...}} to the client
 * once it has negotiated; data (may be NULL) is stolen. */
void qmp_session_event(QmpSession *s, const char *name, json_t *data);

/* query-commands: [{"name": ...}] for qmp_capabilities and the table. */
json_t *qmp_session_command_list(const QmpSession *s);

#endif
