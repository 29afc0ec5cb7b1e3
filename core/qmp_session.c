/*
 * QMP framing, parsing, negotiation and dispatch (QEMU
 * docs/interop/qmp-spec: "Protocol Specification", "Capabilities
 * Negotiation", "Error").  Error texts follow QEMU's so that clients
 * matching on them keep working.
 */
#include "core/qmp_session.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* The stream splitter: finds where one top-level JSON value ends without
 * parsing it (strings, escapes and bracket depth only); jansson parses
 * the complete text. */
typedef enum SplitState {
    SPLIT_IDLE,   /* between values */
    SPLIT_NESTED, /* inside {...} or [...] */
    SPLIT_STRING, /* a top-level "..." */
    SPLIT_BARE,   /* a top-level number or keyword */
    SPLIT_SKIP,   /* dropping the rest of an overlong or too deep value */
} SplitState;

struct QmpSession {
    const QmpCommand *cmds;
    size_t ncmds;
    void *ctx;
    QmpOutput *out;
    void *out_opaque;
    bool negotiated;
    /* Events a command raises (STOP from stop, SHUTDOWN from quit) follow
     * its reply, so a client sees the answer first. */
    bool dispatching;
    json_t *deferred;

    SplitState state;
    int depth;
    bool in_string, escaped;
    char buf[QMP_MAX_REQUEST];
    size_t len;
};

json_t *qmp_error(QmpError *err, const char *cls, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->cls = cls;
    vsnprintf(err->desc, sizeof err->desc, fmt, ap);
    va_end(ap);
    return NULL;
}

QmpSession *qmp_session_new(const QmpCommand *cmds, size_t ncmds, void *ctx, QmpOutput *out,
                            void *out_opaque)
{
    QmpSession *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->cmds = cmds;
    s->ncmds = ncmds;
    s->ctx = ctx;
    s->out = out;
    s->out_opaque = out_opaque;
    return s;
}

void qmp_session_free(QmpSession *s)
{
    if (!s) return;
    json_decref(s->deferred);
    free(s);
}

bool qmp_session_negotiated(const QmpSession *s)
{
    return s->negotiated;
}

/* ---- output ---- */

/* Steals msg. */
static void session_send(QmpSession *s, json_t *msg)
{
    char *text = msg ? json_dumps(msg, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    json_decref(msg);
    if (!text) return;
    size_t n = strlen(text);
    char *line = malloc(n + 3);
    if (line) {
        memcpy(line, text, n);
        memcpy(line + n, "\r\n", 3);
        s->out(s->out_opaque, line, n + 2);
        free(line);
    }
    free(text);
}

static void send_error(QmpSession *s, json_t *id, const char *cls, const char *desc)
{
    json_t *reply = json_pack("{s:{s:s,s:s}}", "error", "class", cls, "desc", desc);
    if (reply && id) json_object_set(reply, "id", id);
    session_send(s, reply);
}

static void send_return(QmpSession *s, json_t *id, json_t *value)
{
    json_t *reply = json_object();
    if (!reply) {
        json_decref(value);
        return;
    }
    json_object_set_new(reply, "return", value ? value : json_object());
    if (id) json_object_set(reply, "id", id);
    session_send(s, reply);
}

void qmp_session_event(QmpSession *s, const char *name, json_t *data)
{
    if (!s->negotiated) {
        json_decref(data);
        return;
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    json_t *ev = json_pack("{s:s,s:o,s:{s:I,s:I}}", "event", name, "data",
                           data ? data : json_object(), "timestamp", "seconds",
                           (json_int_t)tv.tv_sec, "microseconds", (json_int_t)tv.tv_usec);
    if (!s->dispatching) {
        session_send(s, ev);
        return;
    }
    if (!s->deferred) s->deferred = json_array();
    json_array_append_new(s->deferred, ev);
}

void qmp_session_reset(QmpSession *s)
{
    s->negotiated = false;
    json_array_clear(s->deferred);
    s->state = SPLIT_IDLE;
    s->len = 0;
}

void qmp_session_greet(QmpSession *s, json_t *version)
{
    qmp_session_reset(s);
    session_send(s, json_pack("{s:{s:O,s:[]}}", "QMP", "version", version, "capabilities"));
}

json_t *qmp_session_command_list(const QmpSession *s)
{
    json_t *list = json_array();
    json_array_append_new(list, json_pack("{s:s}", "name", "qmp_capabilities"));
    for (size_t i = 0; i < s->ncmds; i++)
        json_array_append_new(list, json_pack("{s:s}", "name", s->cmds[i].name));
    return list;
}

/* ---- argument checking ---- */

static const char *const arg_type_text[] = {
    [QMP_ARG_STR] = "a string",     [QMP_ARG_INT] = "an integer", [QMP_ARG_BOOL] = "a boolean",
    [QMP_ARG_OBJECT] = "an object", [QMP_ARG_ARRAY] = "an array", [QMP_ARG_ANY] = "a value",
};

static bool arg_type_ok(QmpArgType t, const json_t *v)
{
    switch (t) {
    case QMP_ARG_STR: return json_is_string(v);
    case QMP_ARG_INT: return json_is_integer(v);
    case QMP_ARG_BOOL: return json_is_boolean(v);
    case QMP_ARG_OBJECT: return json_is_object(v);
    case QMP_ARG_ARRAY: return json_is_array(v);
    case QMP_ARG_ANY: return true;
    }
    return false;
}

static bool args_check(const QmpArg *spec, json_t *args, QmpError *err)
{
    const char *key;
    json_t *val;
    json_object_foreach(args, key, val)
    {
        const QmpArg *a = spec;
        while (a->name && strcmp(a->name, key) != 0)
            a++;
        if (!a->name) {
            qmp_error(err, "GenericError", "Parameter '%s' is unexpected", key);
            return false;
        }
        if (!arg_type_ok(a->type, val)) {
            qmp_error(err, "GenericError", "Parameter '%s' expects %s", key,
                      arg_type_text[a->type]);
            return false;
        }
    }
    for (const QmpArg *a = spec; a->name; a++) {
        if (!a->optional && !json_object_get(args, a->name)) {
            qmp_error(err, "GenericError", "Parameter '%s' is missing", a->name);
            return false;
        }
    }
    return true;
}

/* ---- dispatch ---- */

/* qmp_capabilities belongs to the protocol, not to the table.  doppel
 * offers no optional capabilities (QMP spec, "Capabilities"), so "enable"
 * may only be empty. */
static json_t *session_capabilities(QmpSession *s, json_t *args, QmpError *err)
{
    static const QmpArg spec[] = {{"enable", QMP_ARG_ARRAY, true}, {NULL, 0, false}};
    if (!args_check(spec, args, err)) return NULL;
    json_t *enable = json_object_get(args, "enable");
    if (enable && json_array_size(enable) > 0) {
        json_t *cap = json_array_get(enable, 0);
        return qmp_error(err, "GenericError", "Capability '%s' not available",
                         json_is_string(cap) ? json_string_value(cap) : "?");
    }
    s->negotiated = true;
    return json_object();
}

/* The request's shape (QMP spec, "Issuing Commands"); NULL when fine. */
static const char *request_shape_error(json_t *req, char *why, size_t len)
{
    const char *key;
    json_t *val;
    json_object_foreach(req, key, val)
    {
        if (strcmp(key, "execute") && strcmp(key, "arguments") && strcmp(key, "id")) {
            snprintf(why, len, "QMP input member '%s' is unexpected", key);
            return why;
        }
    }
    json_t *exec = json_object_get(req, "execute");
    if (!exec) return "QMP input lacks member 'execute'";
    if (!json_is_string(exec)) return "QMP input member 'execute' must be a string";
    json_t *args = json_object_get(req, "arguments");
    if (args && !json_is_object(args)) return "QMP input member 'arguments' must be an object";
    return NULL;
}

static void session_dispatch(QmpSession *s, json_t *req)
{
    json_t *id = json_object_get(req, "id");
    char why[300];
    const char *shape = request_shape_error(req, why, sizeof why);
    if (shape) {
        send_error(s, id, "GenericError", shape);
        return;
    }
    const char *name = json_string_value(json_object_get(req, "execute"));
    json_t *args = json_object_get(req, "arguments");
    args = args ? json_incref(args) : json_object();
    s->dispatching = true;
    QmpError err = {NULL, ""};
    json_t *ret = NULL;
    bool caps = strcmp(name, "qmp_capabilities") == 0;
    if (!s->negotiated && !caps) {
        qmp_error(&err, "CommandNotFound",
                  "Expecting capabilities negotiation with 'qmp_capabilities'");
    } else if (s->negotiated && caps) {
        qmp_error(&err, "CommandNotFound",
                  "Capabilities negotiation is already complete, command ignored");
    } else if (caps) {
        ret = session_capabilities(s, args, &err);
    } else {
        const QmpCommand *cmd = NULL;
        for (size_t i = 0; i < s->ncmds && !cmd; i++)
            if (strcmp(s->cmds[i].name, name) == 0) cmd = &s->cmds[i];
        if (!cmd)
            qmp_error(&err, "CommandNotFound", "The command %s has not been found", name);
        else if (args_check(cmd->args, args, &err))
            ret = cmd->fn(s->ctx, args, &err);
    }
    json_decref(args);
    s->dispatching = false;
    if (ret)
        send_return(s, id, ret);
    else
        send_error(s, id, err.cls ? err.cls : "GenericError",
                   err.desc[0] ? err.desc : "the command failed");
    size_t i;
    json_t *ev;
    json_array_foreach(s->deferred, i, ev) session_send(s, json_incref(ev));
    json_array_clear(s->deferred);
}

/* One complete top-level value from the splitter. */
static void session_handle_text(QmpSession *s, const char *text, size_t len)
{
    json_error_t jerr;
    json_t *v = json_loadb(text, len, JSON_DECODE_ANY, &jerr);
    if (!v) {
        char desc[sizeof jerr.text + 32];
        snprintf(desc, sizeof desc, "JSON parse error, %s", jerr.text);
        send_error(s, NULL, "GenericError", desc);
        return;
    }
    if (json_is_object(v))
        session_dispatch(s, v);
    else
        send_error(s, NULL, "GenericError", "QMP input must be a JSON object");
    json_decref(v);
}

/* ---- the stream splitter ---- */

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool ends_bare_token(uint8_t c)
{
    return is_space(c) || c == '{' || c == '[' || c == '}' || c == ']' || c == '"' || c == ',' ||
           c == ':';
}

static void split_complete(QmpSession *s)
{
    size_t len = s->len;
    s->state = SPLIT_IDLE;
    s->len = 0;
    session_handle_text(s, s->buf, len);
}

/* Inside a string or brackets: track where the value ends.  Returns true
 * when c closed the value. */
static bool split_track(QmpSession *s, uint8_t c)
{
    if (s->in_string) {
        if (s->escaped)
            s->escaped = false;
        else if (c == '\\')
            s->escaped = true;
        else if (c == '"')
            s->in_string = false;
        return s->depth == 0 && !s->in_string;
    }
    if (c == '"') {
        s->in_string = true;
    } else if (c == '{' || c == '[') {
        s->depth++;
    } else if (c == '}' || c == ']') {
        s->depth--;
        return s->depth == 0;
    }
    return false;
}

static void split_overflow(QmpSession *s, const char *what)
{
    send_error(s, NULL, "GenericError", what);
    s->len = 0;
    s->state = SPLIT_SKIP; /* until the value ends (or a 0xff byte) */
}

static void split_byte(QmpSession *s, uint8_t c)
{
    if (c == 0xff) { /* QMP's reset byte: drop partial input */
        s->state = SPLIT_IDLE;
        s->len = 0;
        return;
    }
    switch (s->state) {
    case SPLIT_IDLE:
        if (is_space(c)) return;
        if (c == '}' || c == ']' || c == ',' || c == ':') {
            char desc[64];
            snprintf(desc, sizeof desc, "JSON parse error, unexpected '%c'", c);
            send_error(s, NULL, "GenericError", desc);
            return;
        }
        s->depth = 0;
        s->in_string = s->escaped = false;
        s->state = c == '{' || c == '[' ? SPLIT_NESTED : c == '"' ? SPLIT_STRING : SPLIT_BARE;
        if (s->state != SPLIT_BARE) split_track(s, c);
        s->buf[s->len++] = (char)c;
        return;
    case SPLIT_BARE:
        if (ends_bare_token(c)) {
            split_complete(s);
            split_byte(s, c); /* c starts the next value */
            return;
        }
        break;
    case SPLIT_NESTED:
    case SPLIT_STRING: break;
    case SPLIT_SKIP:
        if (split_track(s, c)) s->state = SPLIT_IDLE;
        return;
    }
    if (s->len == sizeof s->buf) {
        if (s->state == SPLIT_BARE) {
            send_error(s, NULL, "GenericError", "JSON parse error, token too long");
            s->len = 0; /* the rest of the token is skipped as more bare text */
            return;
        }
        split_overflow(s, "JSON parse error, request too large");
        if (split_track(s, c)) s->state = SPLIT_IDLE;
        return;
    }
    s->buf[s->len++] = (char)c;
    if (s->state == SPLIT_BARE) return;
    bool done = split_track(s, c);
    if (s->depth > QMP_MAX_DEPTH) {
        split_overflow(s, "JSON parse error, too deeply nested");
        return;
    }
    if (done) split_complete(s);
}

void qmp_session_feed(QmpSession *s, const uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        split_byte(s, buf[i]);
}
